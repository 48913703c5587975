//! Snippets of a hit: the best passage of the page with the matched words
//! in bold, or the page's beginning when no word matched.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{Searcher, Term};

use super::analyzer::danish_snippet_analyzer;
use super::DocKind;
use crate::Result;

/// Target snippet length in characters.
const SNIPPET_CHARS: usize = 200;

/// The snippet generators of one search.
pub(super) struct Snippets {
    pub(super) text: SnippetGenerator,
    pub(super) title: SnippetGenerator,
}

impl Snippets {
    /// Plain and HTML snippet for one hit.
    pub(super) fn make(&self, kind: DocKind, text: &str, title: &str) -> (String, String) {
        make_snippet(kind, text, title, &self.text, &self.title)
    }
}

/// Plain and HTML snippet for one hit.
fn make_snippet(
    kind: DocKind,
    text: &str,
    title: &str,
    text_gen: &SnippetGenerator,
    title_gen: &SnippetGenerator,
) -> (String, String) {
    let s = text_gen.snippet(text);
    if !s.highlighted().is_empty() {
        return render_snippet(&s, text.len());
    }
    if !text.trim().is_empty() {
        return prefix_snippet(text);
    }
    if kind == DocKind::Item && !title.trim().is_empty() {
        let s = title_gen.snippet(title);
        if !s.highlighted().is_empty() {
            return render_snippet(&s, title.len());
        }
        return prefix_snippet(title);
    }
    (String::new(), String::new())
}

/// Renders a tantivy snippet, with "…" where the source text was cut.
fn render_snippet(s: &Snippet, source_len: usize) -> (String, String) {
    let range = s.fragment_range();
    render(
        s.fragment(),
        s.highlighted(),
        range.start > 0,
        range.end < source_len,
    )
}

/// The start of `text`, about [`SNIPPET_CHARS`] characters cut at a space.
fn prefix_snippet(text: &str) -> (String, String) {
    let text = text.trim_start();
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let mut cut = end;
    if end < text.len() {
        if let Some(space) = text[..end].rfind(char::is_whitespace) {
            if space > end / 2 {
                cut = space;
            }
        }
    }
    render(&text[..cut], &[], false, cut < text.len())
}

/// Builds the plain and HTML forms of `fragment` with `highlighted` byte ranges
/// in bold; runs of whitespace and control characters become one space.
fn render(
    fragment: &str,
    highlighted: &[Range<usize>],
    lead: bool,
    trail: bool,
) -> (String, String) {
    let mut ranges: Vec<Range<usize>> = highlighted
        .iter()
        .filter(|r| r.start < r.end && r.end <= fragment.len())
        .cloned()
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }

    let mut out = Rendered::default();
    let mut pos = 0;
    for r in &merged {
        if !fragment.is_char_boundary(r.start) || !fragment.is_char_boundary(r.end) {
            continue;
        }
        out.push(&fragment[pos..r.start], false);
        out.push(&fragment[r.start..r.end], true);
        pos = r.end;
    }
    out.push(&fragment[pos..], false);

    let (mut plain, mut html) = (out.plain, out.html);
    if plain.is_empty() {
        return (plain, html);
    }
    if lead {
        plain.insert_str(0, "… ");
        html.insert_str(0, "… ");
    }
    if trail {
        plain.push_str(" …");
        html.push_str(" …");
    }
    (plain, html)
}

#[derive(Default)]
struct Rendered {
    plain: String,
    html: String,
    pending_space: bool,
}

impl Rendered {
    fn push(&mut self, segment: &str, bold: bool) {
        let mut opened = false;
        for c in segment.chars() {
            if c.is_whitespace() || c.is_control() {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.plain.is_empty() {
                self.plain.push(' ');
                self.html.push(' ');
            }
            self.pending_space = false;
            if bold && !opened {
                self.html.push_str("<b>");
                opened = true;
            }
            self.plain.push(c);
            match c {
                '&' => self.html.push_str("&amp;"),
                '<' => self.html.push_str("&lt;"),
                '>' => self.html.push_str("&gt;"),
                '"' => self.html.push_str("&quot;"),
                '\'' => self.html.push_str("&#39;"),
                c => self.html.push(c),
            }
        }
        if opened {
            self.html.push_str("</b>");
        }
    }
}

/// A snippet generator for `field` that re-tokenizes stored text with
/// [`danish_snippet_analyzer`] instead of the index analyzer: the index
/// analyzer's ellipsis and exact tokens reach back over earlier words, and
/// tantivy's fragment builder underflows on such offsets (a panic in debug
/// builds, garbage highlights in release).
pub(super) fn snippet_generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator> {
    let mut terms: BTreeSet<Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weights: BTreeMap<String, f32> = BTreeMap::new();
    for term in terms {
        if let Some(text) = term.value().as_str() {
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
    }
    Ok(SnippetGenerator::new(
        weights,
        danish_snippet_analyzer(),
        field,
        SNIPPET_CHARS,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_collapses_whitespace_escapes_and_bolds() {
        let frag = "  Støj <over>\n\n grænsen & mere  ";
        let start = frag.find("grænsen").unwrap();
        let bold = vec![start..start + "grænsen".len(), 0..0];
        let (plain, html) = render(frag, &bold, true, false);
        assert_eq!(plain, "… Støj <over> grænsen & mere");
        assert_eq!(html, "… Støj &lt;over&gt; <b>grænsen</b> &amp; mere");
    }

    #[test]
    fn prefix_snippet_cuts_at_a_space() {
        let text = "ord ".repeat(100);
        let (plain, html) = prefix_snippet(&text);
        assert!(plain.ends_with("ord …"), "{plain}");
        assert!(plain.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(plain, html);
        assert_eq!(prefix_snippet("kort tekst").0, "kort tekst");
    }
}
