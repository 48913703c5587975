//! The test set and its hand-written relevance rules, expanded to judged
//! units by plain lowercase text matching (no tokenizer, no stemmer, no
//! search engine involved).
//!
//! A rule is a list of *concepts* separated by ` ; `; a concept is a list of
//! alternatives separated by ` | `. An alternative is a surface form matched
//! in the lowercased document text (whitespace runs read as one space) at word
//! boundaries (`*` at the start or end lifts that boundary: `*plejehjem` also
//! matches "plejehjem" at the end of a compound), or `body=<name>` (the
//! document's body), or `year=<yyyy>` (its meeting year). A unit gets grade 2
//! when every concept matches, grade 1 when the first concept matches but
//! not all, otherwise 0.

use std::collections::HashMap;

use chrono::Datelike;

use super::corpus::Corpus;
use crate::index::IndexDoc;
use crate::{Error, Result};

/// One query of the test set with its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestQuery {
    /// Short id, e.g. "q01".
    pub id: String,
    /// What the member types.
    pub text: String,
    /// Concepts, each a list of alternatives.
    pub concepts: Vec<Vec<Alt>>,
}

/// One alternative of a concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alt {
    /// A surface form; the flags say whether the word boundary is checked
    /// before and after it.
    Form {
        /// The lowercase form.
        text: String,
        /// Must start at a word boundary.
        start: bool,
        /// Must end at a word boundary.
        end: bool,
    },
    /// The document's body, lowercase.
    Body(String),
    /// The document's meeting year.
    Year(i32),
}

/// The test set shipped with the program.
pub const QUERIES_TSV: &str = include_str!("../../../../assets/relevance/queries.tsv");

/// Parses the test set: `id<TAB>query<TAB>rule` per line; `#` lines and
/// blank lines are skipped.
pub fn parse(tsv: &str) -> Result<Vec<TestQuery>> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| Error::Invalid(format!("queries.tsv line {}: {why}", n + 1));
        let mut cols = line.split('\t');
        let (Some(id), Some(text), Some(rule), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(bad("want three tab-separated columns"));
        };
        let mut concepts = Vec::new();
        for c in rule.split(" ; ") {
            let mut alts = Vec::new();
            for a in c.split(" | ") {
                let a = a.trim().to_lowercase();
                if a.is_empty() || a == "*" {
                    return Err(bad("empty alternative"));
                }
                alts.push(if let Some(b) = a.strip_prefix("body=") {
                    Alt::Body(b.to_string())
                } else if let Some(y) = a.strip_prefix("year=") {
                    Alt::Year(y.parse().map_err(|_| bad("bad year"))?)
                } else {
                    let start = !a.starts_with('*');
                    let end = !a.ends_with('*');
                    Alt::Form {
                        text: a.trim_matches('*').to_string(),
                        start,
                        end,
                    }
                });
            }
            concepts.push(alts);
        }
        out.push(TestQuery {
            id: id.trim().to_string(),
            text: text.trim().to_string(),
            concepts,
        });
    }
    Ok(out)
}

/// What the rule matches against: the searchable fields of the document,
/// lowercased, whitespace collapsed.
fn haystack(d: &IndexDoc) -> String {
    let c = &d.cite;
    let parts = [
        c.item_title.as_deref(),
        c.attachment_title.as_deref(),
        c.case_number.as_deref(),
        Some(d.text.as_str()),
    ];
    let joined = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
    joined
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn form_matches(hay: &str, form: &str, start: bool, end: bool) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(form).any(|(i, m)| {
        (!start || !word(hay[..i].chars().next_back()))
            && (!end || !word(hay[i + m.len()..].chars().next()))
    })
}

fn alt_matches(a: &Alt, d: &IndexDoc, hay: &str) -> bool {
    match a {
        Alt::Form { text, start, end } => form_matches(hay, text, *start, *end),
        Alt::Body(b) => d.cite.body.as_deref().map(str::to_lowercase).as_deref() == Some(b),
        Alt::Year(y) => d.cite.meeting_date.map(|m| m.year()) == Some(*y),
    }
}

/// The grade of one document for one query (0, 1 or 2).
fn grade(q: &TestQuery, d: &IndexDoc, hay: &str) -> u8 {
    let hit: Vec<bool> = q
        .concepts
        .iter()
        .map(|c| c.iter().any(|a| alt_matches(a, d, hay)))
        .collect();
    if hit.iter().all(|h| *h) {
        2
    } else if hit[0] {
        1
    } else {
        0
    }
}

/// Judges every query over the corpus: per query, unit → grade (only units
/// with grade ≥ 1; a unit gets the best grade of its documents).
pub fn judge(corpus: &Corpus, queries: &[TestQuery]) -> Vec<HashMap<String, u8>> {
    let mut out = vec![HashMap::new(); queries.len()];
    for d in &corpus.docs {
        let hay = haystack(d);
        let unit = &corpus.unit_of[&d.key];
        for (qi, q) in queries.iter().enumerate() {
            let g = grade(q, d, &hay);
            if g > 0 {
                let e = out[qi].entry(unit.clone()).or_insert(0);
                *e = (*e).max(g);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_match_at_word_boundaries_unless_starred() {
        assert!(form_matches(
            "om arbejdsbelastningen.",
            "arbejdsbelastningen",
            true,
            true
        ));
        assert!(!form_matches(
            "arbejdsbelastningen",
            "arbejdsbelastning",
            true,
            true
        ));
        assert!(form_matches(
            "arbejdsbelastningen",
            "arbejdsbelastning",
            true,
            false
        ));
        assert!(form_matches(
            "ventelisten til plejehjem",
            "plejehjem",
            true,
            true
        ));
        assert!(!form_matches("plejehjemsplads", "plejehjem", true, true));
        assert!(form_matches(
            "børne- og ungeudvalget",
            "børne- og ungeudvalget",
            true,
            true
        ));
        assert!(form_matches("§ 17, stk. 4, i", "§ 17, stk. 4", true, true));
    }

    #[test]
    fn the_shipped_test_set_parses() {
        let qs = parse(QUERIES_TSV).unwrap();
        assert!(qs.len() >= 40, "{}", qs.len());
        let mut ids: Vec<&str> = qs.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), qs.len(), "ids must be unique");
    }
}
