import { describe, expect, it } from "vitest";
import type { OcrState } from "../../api/OcrState";
import { ocrFraction, ocrLine, pages } from "./ocr";

function state(over: Partial<OcrState>): OcrState {
  return {
    running: false,
    paused: false,
    pages_left: 0,
    seconds_left: null,
    done: 0,
    failed: 0,
    counts: { queued: 0, done: 0, with_text: 0, failed: 0 },
    failures: [],
    error: null,
    ...over,
  };
}

describe("ocr words", () => {
  it("counts pages the Danish way", () => {
    expect(pages(1)).toBe("1 side");
    expect(pages(1200)).toBe("1.200 sider");
  });

  it("says pages and time left while running", () => {
    expect(ocrLine(state({ running: true, pages_left: 12, seconds_left: 150 }))).toBe(
      "Læser scannede sider: 12 sider tilbage · ca. 3 min tilbage.",
    );
    expect(ocrLine(state({ running: true, pages_left: 1, seconds_left: null }))).toBe(
      "Læser scannede sider: 1 side tilbage.",
    );
  });

  it("says paused, waiting, done or nothing", () => {
    expect(ocrLine(state({ paused: true, pages_left: 3 }))).toBe("Sat på pause; 3 sider venter.");
    expect(ocrLine(state({ pages_left: 2 }))).toBe("2 sider venter på at blive læst.");
    expect(ocrLine(state({ counts: { queued: 0, done: 5, with_text: 4, failed: 1 } }))).toBe(
      "Alle scannede sider er læst: 4 sider med tekst.",
    );
    expect(ocrLine(state({}))).toBe("Ingen scannede sider.");
  });

  it("measures the share done", () => {
    expect(ocrFraction(state({}))).toBeNull();
    expect(ocrFraction(state({ pages_left: 3, counts: { queued: 3, done: 1, with_text: 1, failed: 0 } }))).toBe(0.25);
  });
});
