// Search inside the document (the reader's find box, reader/FindBar.svelte):
// the parts that need no component. A page's text from pdf.js's text
// content, the words of the search the reader was opened from, the matches on
// one page, where stepping starts, the status beside the box, and the quote
// selector that finds a match again in the page's text layer.
import { searchPage, type QuoteSelector } from "../anchor";

/** One match: [start, end) in its page's text, which it keeps. */
export interface PageMatch {
  /** 1-based page. */
  page: number;
  /** Start in `text`. */
  start: number;
  /** End (exclusive) in `text`. */
  end: number;
  /** The page's whole text. */
  text: string;
}

/** A piece of pdf.js's text content: a run of text or a marked-content tag. */
export type TextPiece = { str: string; hasEOL: boolean } | { type: string };

/** A page's text from pdf.js's text content: the runs joined, a line break
 * after each run that ends a line. */
export function pageText(items: readonly TextPiece[]): string {
  return items.map((it) => ("str" in it ? it.str + (it.hasEOL ? "\n" : "") : "")).join("");
}

/** The search's own words (opened from Søg), for "Næste træf" with an
 * empty find box: each word on its own, as they are marked. */
export function searchWords(q: string): string[] {
  return q
    .replace(/["()]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "" && !w.startsWith("-") && !/^(OR|AND|NOT)$/.test(w));
}

/** The matches of any of `needles` on page `page`, in the order they stand. */
export function pageMatches(page: number, text: string, needles: string[]): PageMatch[] {
  const here: PageMatch[] = [];
  for (const word of needles) {
    for (const [start, end] of searchPage(text, word)) here.push({ page, start, end, text });
  }
  here.sort((a, b) => a.start - b.start);
  return here;
}

/** Where stepping through fresh matches starts: the first match on `page` or
 * after it, else the first; -1 when there are none. */
export function firstFrom(matches: PageMatch[], page: number): number {
  const from = matches.findIndex((m) => m.page >= page);
  return matches.length === 0 ? -1 : from < 0 ? 0 : from;
}

/** The status beside the find box: the page being searched, nothing before a
 * search, "Ingen træf", or "3 af 12". */
export function findStatus(busy: number | null, pageCount: number, searched: boolean, count: number, at: number): string {
  return busy !== null
    ? `Søger … side ${busy} af ${pageCount}`
    : !searched
      ? ""
      : count === 0
        ? "Ingen træf"
        : `${at + 1} af ${count}`;
}

/** The match as a quote with 32 characters either side, to find it in the
 * page's text layer (see locateInSpans). */
export function matchSelector(m: PageMatch): QuoteSelector {
  return {
    exact: m.text.slice(m.start, m.end),
    prefix: m.text.slice(Math.max(0, m.start - 32), m.start),
    suffix: m.text.slice(m.end, m.end + 32),
  };
}
