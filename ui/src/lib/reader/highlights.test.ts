import { describe, expect, it } from "vitest";
import { markParts, noteClass } from "./highlights";
import type { NoteView } from "../api/notes";

describe("cutting a span's text at the query's words", () => {
  it("keeps the stretches between the hits", () => {
    expect(markParts("Budget for skoler", [[0, 6], [11, 17]])).toEqual([
      { text: "Budget", hit: true },
      { text: " for ", hit: false },
      { text: "skoler", hit: true },
    ]);
    expect(markParts("i alt", [[2, 5]])).toEqual([
      { text: "i ", hit: false },
      { text: "alt", hit: true },
    ]);
    expect(markParts("x y", [[0, 1]])).toEqual([
      { text: "x", hit: true },
      { text: " y", hit: false },
    ]);
  });
});

describe("a note's boxes", () => {
  it("tells a note with words from a bare highlight, and flashes the one jumped to", () => {
    const note = (id: string, body: string) => ({ id, body }) as NoteView;
    expect(noteClass(note("a", ""), null)).toBe("note-mark");
    expect(noteClass(note("a", "Spørg forvaltningen"), null)).toBe("note-mark with-note");
    expect(noteClass(note("a", ""), "a")).toBe("note-mark flash");
    expect(noteClass(note("a", "x"), "b")).toBe("note-mark with-note");
  });
});
