import { describe, expect, it } from "vitest";
import { findStatus, firstFrom, matchSelector, pageMatches, pageText, searchWords } from "./find";

describe("a page's text from pdf.js", () => {
  it("joins the runs, breaks lines after runs that end one and skips marked content", () => {
    const items = [
      { str: "Budget", hasEOL: false },
      { type: "beginMarkedContent" },
      { str: " 2025", hasEOL: true },
      { type: "endMarkedContent" },
      { str: "Drift", hasEOL: false },
    ];
    expect(pageText(items)).toBe("Budget 2025\nDrift");
  });
});

describe("the search's own words", () => {
  it("drops quotes, parentheses, excluded words and operators", () => {
    expect(searchWords('"Aarhus Kommune" (skole OR dagtilbud) -budget AND NOT x')).toEqual([
      "Aarhus",
      "Kommune",
      "skole",
      "dagtilbud",
      "x",
    ]);
    expect(searchWords("  ")).toEqual([]);
  });
});

describe("matches on a page", () => {
  it("finds every needle, in the order they stand, keeping the page's text", () => {
    const text = "Skolen og skolevejen; Dagtilbud i skolen";
    const found = pageMatches(3, text, ["dagtilbud", "skole"]);
    expect(found.map((m) => text.slice(m.start, m.end))).toEqual(["Skole", "skole", "Dagtilbud", "skole"]);
    expect(found.every((m) => m.page === 3 && m.text === text)).toBe(true);
  });

  it("starts at the first match on the page being read or after it", () => {
    const m = (page: number) => ({ page, start: 0, end: 1, text: "x" });
    const matches = [m(1), m(4), m(4), m(9)];
    expect(firstFrom(matches, 1)).toBe(0);
    expect(firstFrom(matches, 2)).toBe(1);
    expect(firstFrom(matches, 9)).toBe(3);
    // Past the last match: from the first.
    expect(firstFrom(matches, 10)).toBe(0);
    expect(firstFrom([], 3)).toBe(-1);
  });
});

describe("the find box's status", () => {
  it("says where the search is, nothing before one, no hits, or which hit", () => {
    expect(findStatus(11, 40, true, 0, -1)).toBe("Søger … side 11 af 40");
    expect(findStatus(null, 40, false, 0, -1)).toBe("");
    expect(findStatus(null, 40, true, 0, -1)).toBe("Ingen træf");
    expect(findStatus(null, 40, true, 12, 2)).toBe("3 af 12");
  });
});

describe("a match as a quote", () => {
  it("keeps up to 32 characters either side", () => {
    const text = `${"a".repeat(40)}budget${"b".repeat(40)}`;
    expect(matchSelector({ page: 1, start: 40, end: 46, text })).toEqual({
      exact: "budget",
      prefix: "a".repeat(32),
      suffix: "b".repeat(32),
    });
    expect(matchSelector({ page: 1, start: 0, end: 2, text: "ab cd" })).toEqual({ exact: "ab", prefix: "", suffix: " cd" });
  });
});
