import { describe, expect, it } from "vitest";
import {
  keyed,
  locateInSpans,
  normalise,
  quoteForServer,
  searchDocument,
  searchPage,
  step,
} from "./anchor";

describe("keyed", () => {
  it("drops whitespace and hyphens, expands ligatures and maps back", () => {
    const k = keyed("ﬁl- en\nø");
    expect(k.key).toBe("filenø");
    // f and i both come from the ligature at 0.
    expect(k.from).toEqual([0, 0, 1, 4, 5, 7]);
  });
});

describe("normalise", () => {
  it("collapses whitespace, joins line-end hyphens and expands ligatures", () => {
    expect(normalise("  arbejds-\nbelastningen  er\n\nhøj ")).toBe("arbejdsbelastningen er høj");
    expect(normalise("ﬁnansiering af\u00adudvalg")).toBe("finansiering afudvalg");
  });
  it("keeps the hyphen of a Danish ellipsis before a space", () => {
    expect(normalise("børne- og ungeudvalget")).toBe("børne- og ungeudvalget");
  });
});

describe("quoteForServer", () => {
  const server = "Forvaltningen vurderer, at arbejds-\nbelastningen i Børne- og Ungeforvaltningen er  steget markant i 2024.";

  it("returns the server's own text for a selection split over lines", () => {
    // pdf.js's selection: the line break as a newline, the hyphen kept.
    const q = quoteForServer("at arbejds-\nbelastningen i Børne- og", server);
    expect(q).toBe("at arbejds-\nbelastningen i Børne- og");
    expect(server.includes(q!)).toBe(true);
  });

  it("finds the text across different whitespace, hyphenation and ligatures", () => {
    expect(quoteForServer("er steget\nmarkant", server)).toBe("er  steget markant");
    expect(quoteForServer("arbejdsbelastningen", server)).toBe("arbejds-\nbelastningen");
    const lig = "Den ﬁnansielle ramme ﬂytter sig.";
    expect(quoteForServer("finansielle ramme flytter", lig)).toBe("ﬁnansielle ramme ﬂytter");
  });

  it("falls back to the normalised selection when the server's text differs", () => {
    expect(quoteForServer("helt  andet\nord", server)).toBe("helt andet ord");
    expect(quoteForServer("Børne-\nog  Unge", null)).toBe("Børne- og Unge");
  });

  it("has no quote for an empty selection", () => {
    expect(quoteForServer(" \n ", server)).toBeNull();
  });
});

describe("locateInSpans", () => {
  const spans = ["Forvaltningen vurderer, at arbejds-", "belastningen i Børne- og Unge-", "forvaltningen er steget."];

  it("maps a quote over several spans to their stretches", () => {
    const r = locateInSpans(spans, { exact: "arbejds-\nbelastningen i Børne-" });
    expect(r).toEqual([
      { span: 0, start: 27, end: 34 },
      { span: 1, start: 0, end: 20 },
    ]);
    expect(spans[0].slice(27, 34)).toBe("arbejds");
    expect(spans[1].slice(0, 20)).toBe("belastningen i Børne");
  });

  it("finds the server's quote even with other line breaks", () => {
    const r = locateInSpans(spans, { exact: "Ungeforvaltningen er" });
    expect(r).toEqual([
      { span: 1, start: 25, end: 29 },
      { span: 2, start: 0, end: 16 },
    ]);
  });

  it("chooses between equal quotes by prefix and suffix", () => {
    const same = ["Skolen får 5 mio. kr. i år.", "Plejehjemmet får 5 mio. kr. næste år."];
    expect(locateInSpans(same, { exact: "5 mio. kr." })![0].span).toBe(0);
    const r = locateInSpans(same, { exact: "5 mio. kr.", prefix: "Plejehjemmet får ", suffix: " næste" });
    expect(r).toEqual([{ span: 1, start: 17, end: 27 }]);
  });

  it("is null when the quote is not on the page", () => {
    expect(locateInSpans(spans, { exact: "budget" })).toBeNull();
    expect(locateInSpans(spans, { exact: "  " })).toBeNull();
  });

  it("agrees with quoteForServer on a round trip", () => {
    const server = spans.join("\n");
    const quote = quoteForServer("vurderer, at arbejds-belastningen", server)!;
    const r = locateInSpans(spans, { exact: quote })!;
    expect(r[0]).toEqual({ span: 0, start: 14, end: 34 });
    expect(r[1]).toEqual({ span: 1, start: 0, end: 12 });
  });
});

describe("document search", () => {
  it("finds words case-insensitively, across line breaks", () => {
    expect(searchPage("Budget og budgettet\nfor året", "budget")).toEqual([
      [0, 6],
      [10, 16],
    ]);
    expect(searchPage("for\nåret 2025", "for året")).toEqual([[0, 8]]);
    expect(searchPage("a.b", ".")).toEqual([[1, 2]]);
    expect(searchPage("tekst", "  ")).toEqual([]);
  });

  it("lists matches page by page and steps through them", () => {
    const m = searchDocument(["intet", "skole og skole", "", "Skolen"], "skole");
    expect(m).toEqual([
      { page: 2, index: 0 },
      { page: 2, index: 1 },
      { page: 4, index: 0 },
    ]);
    expect(step(3, -1, false)).toBe(0);
    expect(step(3, -1, true)).toBe(2);
    expect(step(3, 2, false)).toBe(0);
    expect(step(3, 0, true)).toBe(2);
    expect(step(0, 0, false)).toBe(-1);
  });
});
