// Which words of a page to mark for a query. The index stems Danish words and
// folds "å" to "aa", so the page may say "arbejdsbelastningen" for the query
// "arbejdsbelastning" or "Århus" for "Aarhus": words are compared by a short
// common stem after the same folding.

/** Lower case, "å" as "aa". */
export function fold(s: string): string {
  return s.toLowerCase().replace(/å/g, "aa");
}

const ENDINGS = ["erne", "ene", "ens", "ers", "er", "en", "et", "es", "e", "s"];

/** A crude Danish stem: the word without a common inflection ending, never
 * shorter than four letters. */
export function stem(word: string): string {
  const w = fold(word);
  for (const end of ENDINGS) {
    if (w.endsWith(end) && w.length - end.length >= 4) return w.slice(0, -end.length);
  }
  return w;
}

/** The words of a query to look for: not excluded ("-ord"), not the
 * operator OR, at least two letters. */
export function queryWords(q: string): string[] {
  const words = new Set<string>();
  for (const raw of q.replace(/["()]/g, " ").split(/\s+/)) {
    if (raw === "" || raw.startsWith("-") || raw === "OR") continue;
    const w = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (w.length >= 2) words.add(stem(w));
  }
  return [...words];
}

/** The [start, end) ranges of `text` holding a word whose stem starts with
 * one of `stems`. */
export function matchRanges(text: string, stems: string[]): [number, number][] {
  if (stems.length === 0) return [];
  const ranges: [number, number][] = [];
  const wordRe = /[\p{L}\p{N}]+/gu;
  for (const m of text.matchAll(wordRe)) {
    const w = fold(m[0]);
    if (stems.some((s) => w.startsWith(s) || stem(w) === s)) {
      ranges.push([m.index!, m.index! + m[0].length]);
    }
  }
  return ranges;
}
