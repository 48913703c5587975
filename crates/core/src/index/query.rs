//! What the member typed, as a tantivy query: abbreviations expanded,
//! paragraph references glued, the filters added, and a spelling suggestion
//! when nothing matched.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::OnceLock;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::Field;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::analyzer::{analyze, danish_unstemmed_analyzer};
use super::schema::{access_str, case_exact, day_of, Fields};
use super::{SearchIndex, SearchQuery};
use crate::model::Access;
use crate::{Error, Result};

/// Boost of the item title against the page / case text.
const ITEM_TITLE_BOOST: f32 = 2.0;
/// Boost of the attachment title against the page / case text.
const ATTACHMENT_TITLE_BOOST: f32 = 1.5;
/// Words shorter than this are never matched by similar spellings (too many
/// short words are one letter apart).
const MIN_FUZZY_CHARS: usize = 5;
/// Abbreviations and their expansions; see the file's header.
const ABBREVIATIONS: &str = include_str!("../../../../assets/dictionaries/da-abbreviations.txt");

/// The user's text with each word that is in no document replaced by the
/// indexed word one edit away (from the word or from its stem) that the most
/// documents have; `None` when there is nothing to correct, a word is too
/// short to correct safely, or no similar word exists. Phrases and operators
/// are left alone.
pub(super) fn corrected(
    idx: &SearchIndex,
    searcher: &Searcher,
    text: &str,
) -> Result<Option<String>> {
    if text.contains('"') {
        return Ok(None);
    }
    let f = &idx.fields;
    let mut changed = false;
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let operator = matches!(word, "OR" | "AND" | "NOT") || word.starts_with('-');
        let stems = analyze(core);
        let [stem] = stems.as_slice() else {
            words.push(word.to_string());
            continue;
        };
        let known = [f.text, f.item_title, f.attachment_title]
            .into_iter()
            .map(|field| searcher.doc_freq(&Term::from_field_text(field, stem)))
            .sum::<tantivy::Result<u64>>()?
            > 0;
        if operator || known {
            words.push(word.to_string());
            continue;
        }
        if core.chars().count() < MIN_FUZZY_CHARS {
            return Ok(None);
        }
        let plain = danish_unstemmed_analyzer_tokens(core);
        match most_common_similar(searcher, f.text, &[stem.as_str(), plain.as_str()])? {
            Some(better) => {
                words.push(better);
                changed = true;
            }
            None => return Ok(None),
        }
    }
    Ok(changed.then(|| words.join(" ")))
}

/// The word as the query analyzer sees it before stemming.
fn danish_unstemmed_analyzer_tokens(word: &str) -> String {
    let mut analyzer = danish_unstemmed_analyzer();
    let mut stream = analyzer.token_stream(word);
    let mut out = String::new();
    stream.process(&mut |t| out.push_str(&t.text));
    out
}

/// The indexed term of `field` at most one edit (a transposition counts as
/// one) from any of `near`, held by the most documents; only terms starting
/// with the same letter are looked at.
fn most_common_similar(searcher: &Searcher, field: Field, near: &[&str]) -> Result<Option<String>> {
    let Some(first) = near.first().and_then(|w| w.chars().next()) else {
        return Ok(None);
    };
    let mut from = [0u8; 4];
    let from = first.encode_utf8(&mut from).as_bytes().to_vec();
    let mut to = from.clone();
    if let Some(last) = to.last_mut() {
        *last = last.saturating_add(1);
    }
    let mut freq: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(&from)
            .lt(&to)
            .into_stream()
            .map_err(|e| Error::Index(e.into()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let len = term.chars().count();
            let close = near.iter().any(|w| {
                w.chars().count().abs_diff(len) <= 1 && strsim::osa_distance(w, term) <= 1
            });
            if close {
                *freq.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    // Most documents first; ties by the word, so the choice is stable.
    Ok(freq
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(term, _)| term))
}

/// Parses what the user typed, with every word required (`all`) or any.
/// Never fails: parts the parser does not understand are dropped (tantivy's
/// lenient mode).
pub(super) fn parse(
    idx: &SearchIndex,
    searcher: &Searcher,
    text: &str,
    all: bool,
) -> Box<dyn Query> {
    let f = &idx.fields;
    let mut parser = QueryParser::new(
        idx.schema.clone(),
        vec![f.item_title, f.attachment_title, f.case_number, f.text],
        idx.query_tokenizers.clone(),
    );
    if all {
        parser.set_conjunction_by_default();
    }
    parser.set_field_boost(f.item_title, ITEM_TITLE_BOOST);
    parser.set_field_boost(f.attachment_title, ATTACHMENT_TITLE_BOOST);
    // No field syntax for users: "Bemærk: vej" must not look for a field "Bemærk".
    // A compound written apart is looked for only where the word itself is
    // rare: where it is common, its pages fill the results, and reading the
    // positions of its parts on every one of them made it the slowest search.
    let rare = |word: &str| match analyze(word).as_slice() {
        [stem] => searcher
            .doc_freq(&Term::from_field_text(f.text, stem))
            .is_ok_and(|n| n < APART_WHEN_FEWER),
        _ => false,
    };
    let text = expand_abbreviations(&join_references(&text.replace(':', " ")), rare);
    let (query, _errors) = parser.parse_query_lenient(&text);
    query
}

/// The names an abbreviation stands for ("TU" → "Teknisk Udvalg"), any case;
/// empty for a word that is none.
pub(crate) fn abbreviation_names(abbr: &str) -> Vec<String> {
    abbreviations()
        .get(&abbr.trim().to_lowercase())
        .cloned()
        .unwrap_or_default()
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
                // Spellings the analyzer makes the same ("Kulturudvalget",
                // "Kulturudvalg") are searched once.
                let mut seen = BTreeSet::new();
                let exp = exp
                    .split('|')
                    .map(|e| e.trim().replace('"', ""))
                    .filter(|e| !e.is_empty() && seen.insert(analyze(e)))
                    .collect();
                (abbr.trim().to_lowercase(), exp)
            })
            .collect()
    })
}

/// Rewrites each query word that is an abbreviation (outside quotes, any case,
/// whole word) as `(abbr OR text:"expansion" OR item_title:"expansion" …)`:
/// "TU lokalplan" also finds pages saying "Teknisk Udvalg" and "lokalplan".
/// The names are looked for in the page text and item titles only (phrase
/// queries over every field made abbreviation searches the slowest).
///
/// A compound ([`compound_parts`]) for which `apart` holds also matches its
/// parts near each other.
fn expand_abbreviations(text: &str, apart: impl Fn(&str) -> bool) -> String {
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
                        for field in ["text", "item_title"] {
                            out.push_str(" OR ");
                            out.push_str(field);
                            out.push_str(":\"");
                            out.push_str(e);
                            out.push('"');
                        }
                    }
                    out.push(')');
                }
                None => match compound_parts(core).filter(|_| apart(core)) {
                    // A compound the text may write apart ("byrådsudvidelse"
                    // for "udvidelse af byråd"): its parts near each other,
                    // in either order, count as the word.
                    Some((head, tail)) => {
                        out.push('(');
                        out.push_str(core);
                        for (a, b) in [(&head, &tail), (&tail, &head)] {
                            out.push_str(&format!(" OR text:\"{a} {b}\"~{COMPOUND_SLOP}"));
                        }
                        out.push(')');
                    }
                    None => out.push_str(word),
                },
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

/// A compound typed as one word is also looked for written apart when the
/// word itself is on fewer pages than this.
const APART_WHEN_FEWER: u64 = 200;

/// How far apart (in words) the parts of a compound written apart may be:
/// "udvidelse af Aarhus Havn" for "havneudvidelsen".
const COMPOUND_SLOP: u32 = 3;

/// The first part and the rest of a compound typed as one word, for the
/// query side; `None` for a word that is none, or holds anything but letters.
fn compound_parts(word: &str) -> Option<(String, String)> {
    if word.chars().count() < 8 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let parts = super::compound::split(&word.to_lowercase())?;
    match parts.as_slice() {
        [head, tail, ..] => Some((head.clone(), tail.clone())),
        _ => None,
    }
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

/// Adds the filters of `q`; they do not change scores.
pub(super) fn with_filters(f: &Fields, user: Box<dyn Query>, q: &SearchQuery) -> Box<dyn Query> {
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let filter = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    let any_of = |terms: Vec<Term>| -> Box<dyn Query> {
        filter(Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| (Occur::Should, term(t)))
                .collect(),
        )))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
    if !q.body_ids.is_empty() {
        let mut ids = q.body_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        let terms = ids
            .into_iter()
            .map(|id| Term::from_field_i64(f.body_id, id))
            .collect();
        clauses.push((Occur::Must, any_of(terms)));
    }
    if let Some(attachment) = q.attachment {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_i64(f.attachment_id, attachment))),
        ));
    }
    if let Some(year) = q.year {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_i64(f.year, i64::from(year)))),
        ));
    }
    if q.from.is_some() || q.to.is_some() {
        let bound = |d: Option<chrono::NaiveDate>| match d {
            Some(d) => Bound::Included(Term::from_field_i64(f.day, day_of(d))),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            filter(Box::new(RangeQuery::new(bound(q.from), bound(q.to)))),
        ));
    }
    if !q.kinds.is_empty() {
        let terms = q
            .kinds
            .iter()
            .map(|k| Term::from_field_u64(f.material, k.code()))
            .collect();
        clauses.push((Occur::Must, any_of(terms)));
    }
    if let Some(case) = &q.case_number {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_text(f.case_exact, &case_exact(case)))),
        ));
    }
    if let Some(access) = q.access {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_text(f.access, access_str(access)))),
        ));
    }
    // Searches without closed material run on the open documents' index,
    // which has none; the filter stays as a second guard.
    if !q.include_closed {
        clauses.push((
            Occur::MustNot,
            term(Term::from_field_text(f.access, access_str(Access::Closed))),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_expanded_outside_phrases() {
        assert_eq!(
            expand_abbreviations("tu lokalplan", |_| true),
            "(tu OR text:\"Teknisk Udvalg\" OR item_title:\"Teknisk Udvalg\") lokalplan"
        );
        assert_eq!(
            expand_abbreviations("\"TU\" KU, TUX", |_| true),
            "\"TU\" (KU OR text:\"Kulturudvalget\" OR item_title:\"Kulturudvalget\") TUX"
        );
        assert_eq!(expand_abbreviations("-TU", |_| true), "-TU");
        assert!(abbreviations()["øeu"][0].starts_with("Økonomi-"));
    }

    #[test]
    fn references_are_glued() {
        assert_eq!(join_references("§ 17, stk. 4"), "§17, stk.4");
        assert_eq!(join_references("Stk 2 og § a"), "Stk.2 og § a");
        assert_eq!(join_references("istk 4 stk."), "istk 4 stk.");
    }
}
