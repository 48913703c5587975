import { describe, expect, it } from "vitest";
import type { AlertMatch } from "../api/AlertMatch";
import {
  describeQuery,
  matchHref,
  matchTitle,
  matchWhere,
  morePages,
  placesLabel,
  queryOfState,
  searchHref,
} from "./alerts";

const inItem: AlertMatch = {
  meeting: 7,
  body: "Teknisk Udvalg",
  date: "2031-02-12",
  item: 70,
  item_number: 1,
  item_title: "Badezone ved Bassinkajen",
  case_number: null,
  attachment: null,
  attachment_title: null,
  pages: [],
  found_at: "2031-02-01T10:00:00.000Z",
  seen: false,
};
const inBilag: AlertMatch = { ...inItem, attachment: 12, attachment_title: "Notat", pages: [2, 5] };

describe("alert matches", () => {
  it("open the item on its agenda, or the bilag at its first page with the words marked", () => {
    expect(matchHref(inItem, "Bassinkajen")).toBe("/#/moede/7?punkt=70");
    expect(matchHref(inBilag, "Bassinkajen")).toBe("/#/laes/12/2?q=Bassinkajen&t=Notat");
    expect(morePages(inBilag, "Bassinkajen")).toEqual([
      { text: "side 5", href: "/#/laes/12/5?q=Bassinkajen&t=Notat" },
    ]);
    expect(morePages(inItem, "x")).toEqual([]);
  });

  it("say what and where they are", () => {
    expect(matchTitle(inItem)).toBe("Badezone ved Bassinkajen");
    expect(matchTitle(inBilag)).toBe("Notat, side 2");
    expect(matchWhere(inItem)).toBe("Teknisk Udvalg · 12. februar 2031 · punkt 1");
    expect(matchWhere(inBilag)).toBe("Teknisk Udvalg · 12. februar 2031 · punkt 1 · Badezone ved Bassinkajen");
    expect(placesLabel(1)).toBe("1 nyt sted");
    expect(placesLabel(3)).toBe("3 nye steder");
  });
});

describe("saved queries", () => {
  it("are Søg's words and filters, and lead back to Søg", () => {
    const q = queryOfState({ q: " badezone ", body: "Teknisk Udvalg", year: 2031, kinds: ["case"], sort: "newest" });
    expect(q).toEqual({
      text: "badezone",
      body: "Teknisk Udvalg",
      year: 2031,
      from: null,
      to: null,
      access: null,
      kinds: ["case"],
      case_number: null,
    });
    expect(searchHref(q)).toBe("/?q=badezone&body=Teknisk+Udvalg&year=2031&kind=case");
    expect(describeQuery(q)).toBe("»badezone« · Teknisk Udvalg · 2031 · sager");
    expect(describeQuery({ ...q, text: "", case_number: "EMN-2024-000001", body: null, year: null, kinds: [] })).toBe(
      "sag EMN-2024-000001",
    );
  });
});
