// Drawing on a page the reader has rendered, and reading what the member
// selected on it. The query's words are wrapped in <mark class="hit"> in the
// text layer's spans; highlights, notes and the current search match are
// boxes in the page's overlay, over the stretches of spans their quotes
// cover (found with lib/anchor.ts). No component state: the reader passes
// the page, its layers and what to draw.
import { matchRanges } from "../highlight";
import { locateInSpans, type SpanRange } from "../anchor";
import type { NoteView } from "../api/notes";
import { matchSelector, type PageMatch } from "./find";

/** A drawn page's text-layer spans and the overlay its boxes go into. */
export interface PageLayer {
  spans: HTMLElement[];
  overlay: HTMLElement;
}

/** What is drawn over the pages. */
export interface Marks {
  /** The attachment's notes; those anchored on the page are drawn. */
  notes: NoteView[];
  /** The note that flashes, just jumped to, or null. */
  flash: string | null;
  /** The current match of the search inside the document, if any. */
  match: PageMatch | undefined;
}

/** A selection inside one page's text layer, waiting for "Markér" or
 * "Skriv note"; top and left place the toolbar (document coordinates). */
export interface PageSelection {
  page: number;
  text: string;
  top: number;
  left: number;
}

/** `text` cut at the [start, end) ranges: the stretches between them, and
 * the ranges themselves as hits. */
export function markParts(text: string, ranges: [number, number][]): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push({ text: text.slice(at, start), hit: false });
    parts.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  return parts;
}

/** Wraps the query's words (their stems, see lib/highlight.ts) in the text
 * layer's spans in <mark>. */
export function markWords(textDivs: HTMLElement[], stems: string[]) {
  for (const span of textDivs) {
    const text = span.textContent ?? "";
    const ranges = matchRanges(text, stems);
    if (ranges.length === 0) continue;
    const parts: Node[] = markParts(text, ranges).map((part) => {
      if (!part.hit) return document.createTextNode(part.text);
      const mark = document.createElement("mark");
      mark.className = "hit";
      mark.textContent = part.text;
      return mark;
    });
    span.replaceChildren(...parts);
  }
}

/** A DOM range over characters [start, end) of a span's text. */
export function rangeIn(span: HTMLElement, start: number, end: number): Range | null {
  const range = document.createRange();
  const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
  let at = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const len = node.nodeValue?.length ?? 0;
    if (!started && start <= at + len) {
      range.setStart(node, start - at);
      started = true;
    }
    if (started && end <= at + len) {
      range.setEnd(node, end - at);
      return range;
    }
    at += len;
  }
  return null;
}

/** Draws boxes over the spans' stretches into the page's overlay. */
export function drawRanges(page: HTMLElement | null, layer: PageLayer, ranges: SpanRange[], className: string, id?: string) {
  if (!page) return;
  const base = page.getBoundingClientRect();
  for (const r of ranges) {
    const span = layer.spans[r.span];
    const range = span && rangeIn(span, r.start, r.end);
    if (!range) continue;
    for (const box of range.getClientRects()) {
      if (box.width < 0.5) continue;
      const div = document.createElement("div");
      div.className = className;
      if (id) div.dataset.note = id;
      div.style.left = `${box.left - base.left}px`;
      div.style.top = `${box.top - base.top}px`;
      div.style.width = `${box.width}px`;
      div.style.height = `${box.height}px`;
      layer.overlay.append(div);
    }
  }
}

/** The classes of a note's boxes: a note with words is drawn apart from a
 * bare highlight, and the note just jumped to flashes. */
export function noteClass(note: NoteView, flash: string | null): string {
  return `note-mark${note.body ? " with-note" : ""}${flash === note.id ? " flash" : ""}`;
}

/** Draws page `n`'s highlights, notes and current search match anew. */
export function paintPage(n: number, page: HTMLElement | null, layer: PageLayer, marks: Marks) {
  layer.overlay.replaceChildren();
  const texts = layer.spans.map((s) => s.textContent ?? "");
  for (const note of marks.notes) {
    const a = note.anchor;
    if (!a || a.page !== n) continue;
    const ranges = locateInSpans(texts, { exact: a.exact, prefix: a.prefix, suffix: a.suffix });
    if (!ranges) continue;
    drawRanges(page, layer, ranges, noteClass(note, marks.flash), note.id);
  }
  const m = marks.match;
  if (m && m.page === n) {
    const ranges = locateInSpans(texts, matchSelector(m));
    if (ranges) drawRanges(page, layer, ranges, "find-current");
  }
}

/** The selection, when it lies in one page's text layer and is not blank. */
export function selectionOnPage(): PageSelection | null {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const range = sel.getRangeAt(0);
  const pageOf = (node: Node) =>
    (node instanceof Element ? node : node.parentElement)?.closest<HTMLElement>(".page") ?? null;
  const startPage = pageOf(range.startContainer);
  const text = sel.toString();
  if (!startPage || startPage !== pageOf(range.endContainer) || text.trim() === "") return null;
  const box = range.getBoundingClientRect();
  return {
    page: Number(startPage.dataset.page),
    text,
    top: box.top + window.scrollY,
    left: Math.max(8, box.left + window.scrollX),
  };
}
