//! Cutting stored text into passages of roughly 150–300 words for retrieval:
//! never across a page (each text cut here is one page or one item's text),
//! starting afresh at section headings, and each passage an exact slice of the
//! stored text, so a citation can always be checked against the page.

use std::ops::Range;

/// Fewest words a passage aims for (a shorter page is one passage).
pub const MIN_WORDS: usize = 150;
/// Most words in a passage.
pub const MAX_WORDS: usize = 300;
/// Words a long paragraph's pieces share with the piece before them.
const OVERLAP_WORDS: usize = 30;
/// A heading line has at most this many words.
const HEADING_WORDS: usize = 6;

/// One paragraph: its byte range and its words' byte ranges.
struct Paragraph {
    words: Vec<Range<usize>>,
    heading: bool,
}

/// Byte ranges of the passages of `text`, in order. Empty text has none.
pub fn cut(text: &str) -> Vec<Range<usize>> {
    let paragraphs = paragraphs(text);
    let mut out = Vec::new();
    let mut current: Vec<Range<usize>> = Vec::new();
    let flush = |current: &mut Vec<Range<usize>>, out: &mut Vec<Range<usize>>| {
        if let (Some(first), Some(last)) = (current.first(), current.last()) {
            out.push(first.start..last.end);
        }
        current.clear();
    };
    for p in paragraphs {
        // A section heading starts a new passage once the current one is
        // long enough to stand alone.
        if p.heading && current.len() >= MIN_WORDS / 2 {
            flush(&mut current, &mut out);
        }
        if current.len() + p.words.len() <= MAX_WORDS {
            current.extend(p.words);
            continue;
        }
        if current.len() >= MIN_WORDS {
            flush(&mut current, &mut out);
        }
        // Fill up to the maximum, then cut the rest of the paragraph into
        // overlapping pieces.
        let mut words = p.words.as_slice();
        let room = MAX_WORDS - current.len();
        if words.len() <= room {
            current.extend_from_slice(words);
            continue;
        }
        current.extend_from_slice(&words[..room]);
        let mut back = room.saturating_sub(OVERLAP_WORDS);
        flush(&mut current, &mut out);
        words = &words[back..];
        while words.len() > MAX_WORDS {
            current.extend_from_slice(&words[..MAX_WORDS]);
            flush(&mut current, &mut out);
            back = MAX_WORDS - OVERLAP_WORDS;
            words = &words[back..];
        }
        current.extend_from_slice(words);
    }
    // A short tail joins the passage before it when that stays within bounds.
    if !current.is_empty() && current.len() < MIN_WORDS / 3 {
        if let Some(last) = out.last_mut() {
            let words_before = word_count(&text[last.clone()]);
            if words_before + current.len() <= MAX_WORDS + MIN_WORDS / 3 {
                last.end = current.last().map_or(last.end, |w| w.end);
                current.clear();
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraphs are separated by blank lines; a short line without a closing
/// full stop, after a blank line or at the start, is a heading of its own.
fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut line_start = 0;
    let mut after_blank = true;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if !words.is_empty() {
                out.push(Paragraph {
                    words: std::mem::take(&mut words),
                    heading: false,
                });
            }
            after_blank = true;
            continue;
        }
        let line_words = word_ranges(line, start);
        let heading = after_blank
            && line_words.len() <= HEADING_WORDS
            && !trimmed.ends_with(['.', ',', ';', ':'])
            && trimmed.chars().next().is_some_and(char::is_uppercase);
        if heading {
            if !words.is_empty() {
                out.push(Paragraph {
                    words: std::mem::take(&mut words),
                    heading: false,
                });
            }
            out.push(Paragraph {
                words: line_words,
                heading: true,
            });
        } else {
            words.extend(line_words);
        }
        after_blank = false;
    }
    if !words.is_empty() {
        out.push(Paragraph {
            words,
            heading: false,
        });
    }
    // A heading belongs to the paragraph after it.
    let mut merged: Vec<Paragraph> = Vec::new();
    for p in out {
        match merged.last_mut() {
            Some(prev) if prev.heading && prev.words.len() <= HEADING_WORDS && !p.heading => {
                prev.words.extend(p.words);
            }
            _ => merged.push(p),
        }
    }
    merged
}

/// Byte ranges (offset by `base`) of the whitespace-separated words of `line`.
fn word_ranges(line: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push(base + s..base + i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(base + s..base + line.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, tag: &str) -> String {
        (0..n)
            .map(|i| format!("{tag}{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn passages_are_exact_slices_within_bounds() {
        let text = format!(
            "Sagsfremstilling\n{}.\n\n{}.\n\nIndstilling\n{}.\n\n{}",
            words(120, "a"),
            words(140, "b"),
            words(90, "c"),
            words(700, "d")
        );
        let cuts = cut(&text);
        assert!(cuts.len() >= 4, "{cuts:?}");
        for r in &cuts {
            let p = &text[r.clone()];
            let n = word_count(p);
            assert!(n <= MAX_WORDS + MIN_WORDS / 3, "{n} words");
            assert_eq!(p.trim(), p, "passages start and end at a word");
        }
        // Every word is in some passage; they come in order.
        let mut covered = vec![false; text.len()];
        for r in &cuts {
            covered[r.clone()].iter_mut().for_each(|c| *c = true);
        }
        for w in word_ranges(&text, 0) {
            assert!(covered[w.start], "{} not covered", &text[w]);
        }
        assert!(cuts.windows(2).all(|w| w[0].start < w[1].start));
        // The heading "Indstilling" starts a passage.
        assert!(cuts
            .iter()
            .any(|r| text[r.clone()].starts_with("Indstilling")));
        // The long paragraph is cut into overlapping pieces.
        let d_pieces: Vec<_> = cuts
            .iter()
            .filter(|r| text[(*r).clone()].contains("d350 "))
            .collect();
        assert!(!d_pieces.is_empty());
    }

    #[test]
    fn a_short_page_is_one_passage_and_empty_text_none() {
        let text = "Kort side med få ord.\nEn linje mere.";
        assert_eq!(cut(text), vec![0..text.len()]);
        assert!(cut("  \n \n").is_empty());
        assert!(cut("").is_empty());
    }
}
