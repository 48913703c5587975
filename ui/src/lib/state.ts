// The search screen's state (query, facet filters, sort) and its two
// encodings: the page's URL query (so back and forward work, and a search can
// be bookmarked) and the query of GET /api/search.
import type { MaterialKind } from "../api/MaterialKind";

/** How results are ordered. */
export type Sort = "relevance" | "newest" | "oldest";

/** What the search screen shows. */
export interface SearchState {
  /** The words searched for. */
  q: string;
  /** One body (udvalg) by name, or null for all. */
  body: string | null;
  /** One meeting year, or null for all. */
  year: number | null;
  /** Kinds of material; empty for all. */
  kinds: MaterialKind[];
  /** The order of results. */
  sort: Sort;
}

const KINDS: MaterialKind[] = ["case", "briefing", "fixed", "document"];
const SORTS: Sort[] = ["relevance", "newest", "oldest"];

/** The empty state: nothing searched. */
export function emptyState(): SearchState {
  return { q: "", body: null, year: null, kinds: [], sort: "relevance" };
}

/** Reads the state from a URL query (`?q=…&body=…&year=…&kind=…&sort=…`);
 * unknown or malformed values are ignored. */
export function parseState(search: string): SearchState {
  const p = new URLSearchParams(search);
  const state = emptyState();
  state.q = (p.get("q") ?? "").trim();
  const body = (p.get("body") ?? "").trim();
  state.body = body === "" ? null : body;
  const year = Number(p.get("year"));
  state.year = Number.isInteger(year) && year >= 1900 && year <= 2200 ? year : null;
  const kinds = (p.get("kind") ?? "").split(",").filter((k): k is MaterialKind =>
    (KINDS as string[]).includes(k),
  );
  state.kinds = KINDS.filter((k) => kinds.includes(k));
  const sort = p.get("sort") as Sort | null;
  state.sort = sort !== null && SORTS.includes(sort) ? sort : "relevance";
  return state;
}

/** The URL query of a state, with a leading "?" (or "" for the empty
 * state); default values are left out so URLs stay short. */
export function stateToQuery(state: SearchState): string {
  const p = new URLSearchParams();
  if (state.q.trim() !== "") p.set("q", state.q.trim());
  if (state.body !== null) p.set("body", state.body);
  if (state.year !== null) p.set("year", String(state.year));
  if (state.kinds.length > 0) p.set("kind", KINDS.filter((k) => state.kinds.includes(k)).join(","));
  if (state.sort !== "relevance") p.set("sort", state.sort);
  const s = p.toString();
  return s === "" ? "" : `?${s}`;
}

/** The query of `GET /api/search` for a state (grouped results). */
export function apiQuery(state: SearchState, limit = 20): string {
  const p = new URLSearchParams();
  p.set("q", state.q.trim());
  if (state.body !== null) p.set("body", state.body);
  if (state.year !== null) p.set("year", String(state.year));
  if (state.kinds.length > 0) p.set("kind", state.kinds.join(","));
  p.set("sort", state.sort);
  p.set("group", "true");
  p.set("limit", String(limit));
  return p.toString();
}

/** Selects a body, or clears it when it is the selected one. */
export function toggleBody(state: SearchState, body: string): SearchState {
  return { ...state, body: state.body === body ? null : body };
}

/** Selects a year, or clears it when it is the selected one. */
export function toggleYear(state: SearchState, year: number): SearchState {
  return { ...state, year: state.year === year ? null : year };
}

/** Adds a kind to the filter, or removes it when it is in it. */
export function toggleKind(state: SearchState, kind: MaterialKind): SearchState {
  const kinds = state.kinds.includes(kind)
    ? state.kinds.filter((k) => k !== kind)
    : KINDS.filter((k) => k === kind || state.kinds.includes(k));
  return { ...state, kinds };
}

/** A new query keeps the sort but drops the filters: the facets of the old
 * words say nothing about the new ones. */
export function withQuery(state: SearchState, q: string): SearchState {
  return { ...emptyState(), q: q.trim(), sort: state.sort };
}

/** Whether any filter is set. */
export function hasFilters(state: SearchState): boolean {
  return state.body !== null || state.year !== null || state.kinds.length > 0;
}

/** The state without filters. */
export function clearFilters(state: SearchState): SearchState {
  return { ...state, body: null, year: null, kinds: [] };
}

/** A facet value as the screen lists it. */
export interface FacetOption<T> {
  value: T;
  label: string;
  count: number;
  selected: boolean;
}

/** The values of a facet to show: those with matches, and a selected value
 * even when the filter leaves it no matches (so it can be cleared). */
export function facetOptions<T>(
  counts: { value: T; label: string; count: number }[],
  isSelected: (v: T) => boolean,
  selected: { value: T; label: string }[],
): FacetOption<T>[] {
  const options = counts.map((c) => ({ ...c, selected: isSelected(c.value) }));
  for (const s of selected) {
    if (!options.some((o) => o.value === s.value)) {
      options.unshift({ ...s, count: 0, selected: true });
    }
  }
  return options;
}
