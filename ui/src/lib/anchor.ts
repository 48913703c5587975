// Anchoring highlights and notes between two texts of the same page: the text
// pdf.js shows in the browser (its text layer, where the member selects) and
// the text the server extracted when the attachment was imported (where the
// server looks for a note's quote, exactly first, then fuzzily). The two
// differ in whitespace and line breaks, in hyphenation at line ends and in
// ligatures ("ﬁ" against "fi"), so both are compared through a "key": the
// text in NFKC form without whitespace, soft hyphens and hyphens, with a map
// from every key character back to where it came from.

/** A text's comparison key and, for every key character, its source index. */
export interface Keyed {
  /** The key: NFKC, no whitespace, no hyphens. */
  key: string;
  /** `from[i]` is the index in the source text the key's character `i` came from. */
  from: number[];
}

const SKIP = /[\s\u00ad\u2010\u2011\u2012\u2013\u002d\u200b]/u;

/** The comparison key of `text` (see the module comment). */
export function keyed(text: string): Keyed {
  let key = "";
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    for (const c of ch.normalize("NFKC")) {
      if (!SKIP.test(c)) {
        key += c;
        from.push(i);
      }
    }
    i += ch.length;
  }
  return { key, from };
}

const ELLIPSIS = new Set(["og", "eller", "samt", "til", "and", "or"]);

/** Whitespace collapsed to single spaces, line-end hyphens joined
 * ("arbejds-\nbelastning" → "arbejdsbelastning", but "børne-\nog" stays), ligatures expanded, trimmed. */
export function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\u00ad/g, "")
    .replace(/(\p{L})[-\u2010\u2011]\s*\n\s*(\p{Ll}+)/gu, (_, a: string, b: string) =>
      // "børne- og ungeudvalget": a Danish ellipsis keeps its hyphen.
      ELLIPSIS.has(b) ? `${a}- ${b}` : `${a}${b}`,
    )
    .replace(/\s+/g, " ")
    .trim();
}

/** All starts of `needle` in `hay`. */
function findAll(hay: string, needle: string): number[] {
  const out: number[] = [];
  if (needle === "") return out;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/**
 * The quote to send to the server for a selection made in pdf.js's text layer:
 * the exact stretch of the server's own page text that holds the same
 * characters (so the server finds it exactly), or, when the server's text is
 * unknown or differs, the normalised selection (the server then tries a fuzzy
 * match). Null for an empty selection.
 */
export function quoteForServer(selected: string, serverText: string | null): string | null {
  const sel = keyed(selected);
  if (sel.key === "") return null;
  if (serverText) {
    const page = keyed(serverText);
    const at = page.key.indexOf(sel.key);
    if (at >= 0) {
      const start = page.from[at];
      const last = page.from[at + sel.key.length - 1];
      // The whole source character of the last key character (a ligature).
      const end = last + [...serverText.slice(last)][0].length;
      return serverText.slice(start, end);
    }
  }
  return normalise(selected);
}

/** A stretch of one text-layer span: [start, end) in its text. */
export interface SpanRange {
  /** Index of the span. */
  span: number;
  /** Start in the span's text. */
  start: number;
  /** End (exclusive) in the span's text. */
  end: number;
}

/** A quote with its surrounding text, as the server keeps it. */
export interface QuoteSelector {
  /** The quoted text. */
  exact: string;
  /** Text just before it. */
  prefix?: string;
  /** Text just after it. */
  suffix?: string;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Where a stored quote is in a page's text layer, given the texts of its
 * spans in order: the spans' stretches to mark, or null when the quote is not
 * on the page. When it occurs more than once, the occurrence whose
 * surroundings agree best with the stored prefix and suffix wins.
 */
export function locateInSpans(spans: string[], quote: QuoteSelector): SpanRange[] | null {
  const q = keyed(quote.exact).key;
  if (q === "") return null;
  // One key over all spans, remembering each key character's span and offset.
  let key = "";
  const where: [number, number][] = [];
  spans.forEach((text, s) => {
    const k = keyed(text);
    key += k.key;
    for (const f of k.from) where.push([s, f]);
  });
  const starts = findAll(key, q);
  if (starts.length === 0) return null;
  const pre = keyed(quote.prefix ?? "").key;
  const suf = keyed(quote.suffix ?? "").key;
  let best = starts[0];
  let bestScore = -1;
  for (const s of starts) {
    const score = commonSuffix(key.slice(0, s), pre) + commonPrefix(key.slice(s + q.length), suf);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  const ranges: SpanRange[] = [];
  for (let i = best; i < best + q.length; i++) {
    const [span, off] = where[i];
    const end = off + [...spans[span].slice(off)][0].length;
    const last = ranges[ranges.length - 1];
    if (last && last.span === span) last.end = Math.max(last.end, end);
    else ranges.push({ span, start: off, end });
  }
  return ranges;
}

/** One match of a search inside the document. */
export interface DocMatch {
  /** 1-based page. */
  page: number;
  /** Index of the match on that page (0-based). */
  index: number;
}

/** Case-insensitive [start, end) of every `needle` in `text`, a space in the
 * needle matching any whitespace (or none, at a line break): for the reader's
 * search box over pdf.js's page text. */
export function searchPage(text: string, needle: string): [number, number][] {
  const words = needle.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp(escaped.join("\\s*"), "giu");
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) out.push([m.index!, m.index! + m[0].length]);
  return out;
}

/** The matches of a search in every page's text, page by page. */
export function searchDocument(pages: string[], needle: string): DocMatch[] {
  const out: DocMatch[] = [];
  pages.forEach((text, i) => {
    searchPage(text, needle).forEach((_, index) => out.push({ page: i + 1, index }));
  });
  return out;
}

/** The next match after `current` (wrapping), or the previous with `back`. */
export function step(count: number, current: number, back: boolean): number {
  if (count === 0) return -1;
  if (current < 0) return back ? count - 1 : 0;
  return (current + (back ? count - 1 : 1)) % count;
}
