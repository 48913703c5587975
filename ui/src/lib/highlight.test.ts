import { describe, expect, it } from "vitest";
import { matchRanges, queryWords } from "./highlight";

describe("marking the query's words on a page", () => {
  it("finds inflected forms and Århus for Aarhus", () => {
    const stems = queryWords('arbejdsbelastning "Aarhus Kommune" -budget OR x');
    expect(stems).not.toContain("budget");
    const text = "Arbejdsbelastningen i Århus kommune er stor; budgettet følger.";
    const found = matchRanges(text, stems).map(([a, b]) => text.slice(a, b));
    expect(found).toEqual(["Arbejdsbelastningen", "Århus", "kommune"]);
  });

  it("marks nothing for an empty query", () => {
    expect(matchRanges("noget tekst", queryWords(""))).toEqual([]);
  });
});
