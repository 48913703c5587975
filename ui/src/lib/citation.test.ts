import { describe, expect, it } from "vitest";
import type { Citation } from "../api/Citation";
import { citationLine, danishDate, parseReaderHash, readerHash } from "./citation";

const base: Citation = {
  body_id: 3,
  body: "Teknisk Udvalg",
  meeting_id: 10,
  meeting_date: "2023-03-05",
  item_id: 7,
  item_number: 4,
  item_title: "Lokalplan 1234",
  item_kind: "regular",
  case_number: "EMN-2023-001234",
  attachment_id: 42,
  attachment_title: "Bilag 1: Høringssvar",
  page: 12,
  collection: null,
  access: "open",
  ocr: false,
};

describe("citations", () => {
  it("reads udvalg · dato · punkt · sagsnummer · bilag, side", () => {
    expect(citationLine(base)).toBe(
      "Teknisk Udvalg · 5. marts 2023 · punkt 4 · EMN-2023-001234 · Bilag 1: Høringssvar, side 12",
    );
    expect(danishDate("2024-12-31")).toBe("31. december 2024");
  });

  it("cites a collection document by its collection and page", () => {
    const doc: Citation = {
      ...base,
      body_id: null,
      body: null,
      meeting_id: null,
      meeting_date: null,
      item_id: null,
      item_number: null,
      item_title: null,
      item_kind: null,
      case_number: null,
      attachment_title: null,
      collection: "Byrådshåndbogen",
      page: 3,
    };
    expect(citationLine(doc)).toBe("Byrådshåndbogen · side 3");
  });
});

describe("the reader's address", () => {
  it("round-trips attachment, page, words and title", () => {
    const hash = readerHash(42, 12, "arbejdsbelastning sygefravær", "Bilag 1: Høringssvar");
    expect(hash.startsWith("#/laes/42/12?")).toBe(true);
    expect(parseReaderHash(hash)).toEqual({
      attachment: 42,
      page: 12,
      q: "arbejdsbelastning sygefravær",
      title: "Bilag 1: Høringssvar",
    });
    expect(parseReaderHash("#/laes/9")).toEqual({ attachment: 9, page: 1, q: "", title: "" });
    expect(parseReaderHash("#/andet")).toBeNull();
    expect(parseReaderHash("")).toBeNull();
  });
});
