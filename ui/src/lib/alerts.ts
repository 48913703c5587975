// How «Nyt til dig» shows a saved search and where its matches link to:
// a match in a bilag opens the reader at its page (with the search's words
// marked), one in an item's own text opens the item on its agenda.
import type { AlertMatch } from "../api/AlertMatch";
import type { SavedQuery } from "../api/SavedQuery";
import { danishDate, readerHash } from "./citation";
import { itemHref } from "./route";
import { stateToQuery, type SearchState } from "./state";

/** A link's text and address. */
export interface Place {
  text: string;
  href: string;
}

/** The saved query of Søg's words and filters (the sort is no filter). */
export function queryOfState(state: SearchState): SavedQuery {
  return {
    text: state.q.trim(),
    body: state.body,
    year: state.year,
    from: null,
    to: null,
    access: null,
    kinds: [...state.kinds],
    case_number: null,
  };
}

/** Søg's address for a saved query (its words and the filters Søg has). */
export function searchHref(q: SavedQuery): string {
  const query = stateToQuery({ q: q.text, body: q.body, year: q.year, kinds: q.kinds, sort: "relevance" });
  return `/${query === "" ? "#/soeg" : query}`;
}

/** Where a match opens: the reader at the bilag's first matching page, or
 * the item on its agenda. */
export function matchHref(m: AlertMatch, words: string): string {
  if (m.attachment !== null) {
    return `/${readerHash(m.attachment, m.pages[0] ?? 1, words, m.attachment_title)}`;
  }
  return itemHref(m.meeting, m.item);
}

/** The further matching pages of a bilag (after the first), each a link. */
export function morePages(m: AlertMatch, words: string): Place[] {
  if (m.attachment === null) return [];
  const attachment = m.attachment;
  return m.pages.slice(1).map((page) => ({
    text: `side ${page}`,
    href: `/${readerHash(attachment, page, words, m.attachment_title)}`,
  }));
}

/** What a match is: the bilag (with its first page) or the item's own text. */
export function matchTitle(m: AlertMatch): string {
  if (m.attachment === null) return m.item_title;
  const title = m.attachment_title ?? "Bilag";
  return m.pages.length > 0 ? `${title}, side ${m.pages[0]}` : title;
}

/** Where a match belongs: body, day, item (and its title when the link is the bilag's). */
export function matchWhere(m: AlertMatch): string {
  const parts = [m.body, danishDate(m.date), `punkt ${m.item_number}`];
  if (m.attachment !== null) parts.push(m.item_title);
  return parts.join(" · ");
}

/** «1 nyt sted», «3 nye steder». */
export function placesLabel(n: number): string {
  return n === 1 ? "1 nyt sted" : `${n} nye steder`;
}

/** A saved query in a line: its words in quotes and its filters. */
export function describeQuery(q: SavedQuery): string {
  const parts: string[] = [];
  if (q.text.trim() !== "") parts.push(`»${q.text.trim()}«`);
  if (q.case_number) parts.push(`sag ${q.case_number}`);
  if (q.body) parts.push(q.body);
  if (q.year !== null) parts.push(String(q.year));
  if (q.from || q.to) parts.push(`${q.from ? danishDate(q.from) : ""}–${q.to ? danishDate(q.to) : ""}`);
  if (q.access === "open") parts.push("kun åbent");
  if (q.access === "closed") parts.push("kun lukket");
  if (q.kinds.length > 0) parts.push(q.kinds.map((k) => KIND_LABELS[k] ?? k).join(", "));
  return parts.join(" · ");
}

const KIND_LABELS: Record<string, string> = {
  case: "sager",
  briefing: "orienteringer",
  fixed: "faste punkter",
  document: "dokumenter",
};
