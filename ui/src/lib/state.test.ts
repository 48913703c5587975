import { describe, expect, it } from "vitest";
import {
  apiQuery,
  clearFilters,
  emptyState,
  facetOptions,
  hasFilters,
  parseState,
  stateToQuery,
  toggleBody,
  toggleKind,
  toggleYear,
  withQuery,
} from "./state";

describe("the search state in the URL", () => {
  it("round-trips every filter and leaves defaults out", () => {
    const state = {
      q: "lokalplan gellerup",
      body: "Teknisk Udvalg",
      year: 2023,
      kinds: ["case", "briefing"] as const,
      sort: "newest" as const,
    };
    const query = stateToQuery({ ...state, kinds: [...state.kinds] });
    expect(query).toBe("?q=lokalplan+gellerup&body=Teknisk+Udvalg&year=2023&kind=case%2Cbriefing&sort=newest");
    expect(parseState(query)).toEqual({ ...state, kinds: ["case", "briefing"] });
    expect(stateToQuery(emptyState())).toBe("");
    expect(stateToQuery(withQuery(emptyState(), "budget"))).toBe("?q=budget");
  });

  it("ignores malformed values instead of failing", () => {
    const s = parseState("?q=%20x%20&year=abc&kind=case,nonsense,document&sort=sideways&body=");
    expect(s).toEqual({ q: "x", body: null, year: null, kinds: ["case", "document"], sort: "relevance" });
    expect(parseState("?year=12").year).toBeNull();
  });

  it("keeps kinds in one canonical order so equal states give equal URLs", () => {
    const a = toggleKind(toggleKind(emptyState(), "document"), "case");
    const b = toggleKind(toggleKind(emptyState(), "case"), "document");
    expect(stateToQuery(a)).toBe(stateToQuery(b));
    expect(a.kinds).toEqual(["case", "document"]);
  });
});

describe("facet toggles", () => {
  it("selects one body or year and clears it on a second click", () => {
    const s = withQuery(emptyState(), "budget");
    const withBody = toggleBody(s, "Børn og Unge-udvalget");
    expect(withBody.body).toBe("Børn og Unge-udvalget");
    expect(toggleBody(withBody, "Teknisk Udvalg").body).toBe("Teknisk Udvalg");
    expect(toggleBody(withBody, "Børn og Unge-udvalget").body).toBeNull();
    const withYear = toggleYear(s, 2024);
    expect(withYear.year).toBe(2024);
    expect(toggleYear(withYear, 2024).year).toBeNull();
    expect(s.body).toBeNull(); // the old state is not changed
  });

  it("adds and removes kinds", () => {
    let s = toggleKind(emptyState(), "briefing");
    s = toggleKind(s, "case");
    expect(s.kinds).toEqual(["case", "briefing"]);
    expect(toggleKind(s, "case").kinds).toEqual(["briefing"]);
  });

  it("a new query drops the filters but keeps the sort", () => {
    const s = { ...toggleYear(toggleBody(withQuery(emptyState(), "a"), "TU"), 2023), sort: "oldest" as const };
    expect(hasFilters(s)).toBe(true);
    const next = withQuery(s, " letbanen ");
    expect(next).toEqual({ q: "letbanen", body: null, year: null, kinds: [], sort: "oldest" });
    expect(hasFilters(clearFilters(s))).toBe(false);
    expect(clearFilters(s).q).toBe("a");
  });

  it("lists a selected value even when it has no count, first", () => {
    const options = facetOptions(
      [{ value: 2024, label: "2024", count: 5 }],
      (v) => v === 2019,
      [{ value: 2019, label: "2019" }],
    );
    expect(options).toEqual([
      { value: 2019, label: "2019", count: 0, selected: true },
      { value: 2024, label: "2024", count: 5, selected: false },
    ]);
    const plain = facetOptions([{ value: 2024, label: "2024", count: 5 }], (v) => v === 2024, [
      { value: 2024, label: "2024" },
    ]);
    expect(plain).toEqual([{ value: 2024, label: "2024", count: 5, selected: true }]);
  });
});

describe("the API query", () => {
  it("carries the filters and asks for groups", () => {
    const s = toggleKind(toggleYear(toggleBody(withQuery(emptyState(), "budget"), "ØEU"), 2023), "fixed");
    const p = new URLSearchParams(apiQuery(s));
    expect(p.get("q")).toBe("budget");
    expect(p.get("body")).toBe("ØEU");
    expect(p.get("year")).toBe("2023");
    expect(p.get("kind")).toBe("fixed");
    expect(p.get("sort")).toBe("relevance");
    expect(p.get("group")).toBe("true");
    expect(new URLSearchParams(apiQuery(withQuery(emptyState(), "x"))).has("body")).toBe(false);
  });
});
