//! Running a [`SearchQuery`]: query parsing, filters, stable ordering and
//! snippets.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::Field;
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::analyzer::danish_snippet_analyzer;
use super::schema::{access_str, Fields};
use super::{DocKind, SearchIndex, SearchQuery, SearchResults, MAX_LIMIT};
use crate::model::Access;
use crate::{Error, Result};

/// Boost of the item title against the page / case text.
const ITEM_TITLE_BOOST: f32 = 2.0;
/// Boost of the attachment title against the page / case text.
const ATTACHMENT_TITLE_BOOST: f32 = 1.5;
/// Candidates fetched beyond the limit, so ties at the cut-off can be seen.
const EXTRA_CANDIDATES: usize = 10;
/// Target snippet length in characters.
const SNIPPET_CHARS: usize = 200;
/// Abbreviations and their expansions; see the file's header.
const ABBREVIATIONS: &str = include_str!("../../../../assets/dictionaries/da-abbreviations.txt");

pub(super) fn run(idx: &SearchIndex, q: &SearchQuery) -> Result<SearchResults> {
    let text = q.text.trim();
    if text.is_empty() {
        return Err(Error::Invalid("tom søgning".into()));
    }
    let f = &idx.fields;
    let searcher = idx.reader.searcher();
    let limit = q.limit.min(MAX_LIMIT);
    // Every word by default; when no document has them all, any of them.
    let mut relaxed = false;
    let mut user_query = parse(idx, text, true);
    let (mut total, mut ranked) = ranked_candidates(
        &searcher,
        f,
        &*with_filters(f, user_query.box_clone(), q),
        limit,
    )?;
    if total == 0 {
        let any = parse(idx, text, false);
        let (any_total, any_ranked) =
            ranked_candidates(&searcher, f, &*with_filters(f, any.box_clone(), q), limit)?;
        if any_total > 0 {
            (user_query, total, ranked, relaxed) = (any, any_total, any_ranked, true);
        }
    }

    let text_snippets = snippet_generator(&searcher, &*user_query, f.text)?;
    let title_snippets = snippet_generator(&searcher, &*user_query, f.item_title)?;

    let hits = ranked
        .into_iter()
        .take(limit)
        .map(|c| {
            let mut hit = f.hit_of(&c.doc, c.score);
            let body = f.str(&c.doc, f.text).unwrap_or_default();
            let title = hit.cite.item_title.clone().unwrap_or_default();
            let (plain, html) =
                make_snippet(hit.kind, &body, &title, &text_snippets, &title_snippets);
            hit.snippet = plain;
            hit.snippet_html = html;
            hit
        })
        .collect();
    Ok(SearchResults {
        total,
        hits,
        relaxed,
    })
}

/// Parses what the user typed, with every word required (`all`) or any.
/// Never fails: parts the parser does not understand are dropped (tantivy's
/// lenient mode).
fn parse(idx: &SearchIndex, text: &str, all: bool) -> Box<dyn Query> {
    let f = &idx.fields;
    let mut parser = QueryParser::new(
        idx.index.schema(),
        vec![f.item_title, f.attachment_title, f.case_number, f.text],
        idx.query_tokenizers.clone(),
    );
    if all {
        parser.set_conjunction_by_default();
    }
    parser.set_field_boost(f.item_title, ITEM_TITLE_BOOST);
    parser.set_field_boost(f.attachment_title, ATTACHMENT_TITLE_BOOST);
    // No field syntax for users: "Bemærk: vej" must not look for a field "Bemærk".
    let text = expand_abbreviations(&join_references(&text.replace(':', " ")));
    let (query, _errors) = parser.parse_query_lenient(&text);
    query
}

/// Lower-case abbreviation → its expansions, from [`ABBREVIATIONS`].
fn abbreviations() -> &'static HashMap<String, Vec<String>> {
    static MAP: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        ABBREVIATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(abbr, exp)| {
                let exp = exp
                    .split('|')
                    .map(|e| e.trim().replace('"', ""))
                    .filter(|e| !e.is_empty())
                    .collect();
                (abbr.trim().to_lowercase(), exp)
            })
            .collect()
    })
}

/// Rewrites each query word that is an abbreviation (outside quotes, any case,
/// whole word) as `(abbr OR "expansion" OR …)`: "TU lokalplan" also finds
/// pages saying "Teknisk Udvalg" and "lokalplan".
fn expand_abbreviations(text: &str) -> String {
    let map = abbreviations();
    let mut out = String::with_capacity(text.len());
    for (n, segment) in text.split('"').enumerate() {
        if n > 0 {
            out.push('"');
        }
        if n % 2 == 1 {
            out.push_str(segment); // inside a phrase
            continue;
        }
        let mut word_start = None;
        let flush = |out: &mut String, word: &str| {
            let core = word.trim_end_matches([',', '.', ';', '!', '?']);
            match map.get(&core.to_lowercase()) {
                Some(exps) => {
                    out.push('(');
                    out.push_str(core);
                    for e in exps {
                        out.push_str(" OR \"");
                        out.push_str(e);
                        out.push('"');
                    }
                    out.push(')');
                }
                None => out.push_str(word),
            }
        };
        for (i, c) in segment.char_indices() {
            match (c.is_whitespace(), word_start) {
                (false, None) => word_start = Some(i),
                (true, Some(st)) => {
                    flush(&mut out, &segment[st..i]);
                    word_start = None;
                    out.push(c);
                }
                (true, None) => out.push(c),
                (false, Some(_)) => {}
            }
        }
        if let Some(st) = word_start {
            flush(&mut out, &segment[st..]);
        }
    }
    out
}

/// Glues "§ 17" into "§17" and "stk. 4" into "stk.4", so the query parser sees
/// each as one word and the analyzer makes its exact token of it.
fn join_references(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        let is_stk = i >= 3
            && chars[i - 3..i]
                .iter()
                .collect::<String>()
                .eq_ignore_ascii_case("stk")
            && (i == 3 || !chars[i - 4].is_alphanumeric());
        if c == '§' || is_stk {
            let mut j = i;
            if is_stk && chars.get(j) == Some(&'.') {
                out.push('.');
                j += 1;
                i = j;
            }
            while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\u{a0}') {
                j += 1;
            }
            if chars.get(j).is_some_and(char::is_ascii_digit) {
                if is_stk && !out.ends_with('.') {
                    out.push('.');
                }
                i = j;
            }
        }
    }
    out
}

/// Adds the body, year and access filters; they do not change scores.
fn with_filters(f: &Fields, user: Box<dyn Query>, q: &SearchQuery) -> Box<dyn Query> {
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let filter = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
    if !q.body_ids.is_empty() {
        let mut ids = q.body_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        let any = ids
            .into_iter()
            .map(|id| (Occur::Should, term(Term::from_field_i64(f.body_id, id))))
            .collect();
        clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any)))));
    }
    if let Some(year) = q.year {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_i64(f.year, i64::from(year)))),
        ));
    }
    if !q.include_closed {
        clauses.push((
            Occur::MustNot,
            term(Term::from_field_text(f.access, access_str(Access::Closed))),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A matching document with its key loaded.
struct Candidate {
    score: f32,
    key: String,
    doc: TantivyDocument,
}

/// Counts all matches and returns at least the best `limit` of them, sorted by
/// score (descending) then key. Fetches more candidates until the cut-off does
/// not fall inside a run of equal scores, so the result never depends on the
/// order documents were indexed in.
fn ranked_candidates(
    searcher: &Searcher,
    f: &Fields,
    query: &dyn Query,
    limit: usize,
) -> Result<(usize, Vec<Candidate>)> {
    if limit == 0 {
        return Ok((searcher.search(query, &Count)?, Vec::new()));
    }
    let mut fetch = limit + EXTRA_CANDIDATES;
    loop {
        let (total, top): (usize, Vec<(f32, DocAddress)>) =
            searcher.search(query, &(Count, TopDocs::with_limit(fetch).order_by_score()))?;
        let lowest_fetched = top.last().map(|t| t.0);
        let complete = top.len() < fetch;
        let mut cands = top
            .into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let key = f.str(&doc, f.key).unwrap_or_default();
                Ok(Candidate { score, key, doc })
            })
            .collect::<Result<Vec<_>>>()?;
        cands.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
        let stable = match (cands.get(limit - 1), lowest_fetched) {
            (Some(cut), Some(lowest)) => lowest.total_cmp(&cut.score) == Ordering::Less,
            _ => true,
        };
        if complete || stable {
            return Ok((total, cands));
        }
        fetch = fetch.saturating_mul(4);
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
fn snippet_generator(
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
    fn abbreviations_are_expanded_outside_phrases() {
        assert_eq!(
            expand_abbreviations("tu lokalplan"),
            "(tu OR \"Teknisk Udvalg\") lokalplan"
        );
        assert_eq!(
            expand_abbreviations("\"TU\" KU, TUX"),
            "\"TU\" (KU OR \"Kulturudvalget\" OR \"Kulturudvalg\") TUX"
        );
        assert_eq!(expand_abbreviations("-TU"), "-TU");
        assert!(abbreviations()["øeu"][0].starts_with("Økonomi-"));
    }

    #[test]
    fn references_are_glued() {
        assert_eq!(join_references("§ 17, stk. 4"), "§17, stk.4");
        assert_eq!(join_references("Stk 2 og § a"), "Stk.2 og § a");
        assert_eq!(join_references("istk 4 stk."), "istk 4 stk.");
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
