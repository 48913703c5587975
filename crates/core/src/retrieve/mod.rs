//! Passage retrieval, the council assistant's backbone: ranked passages of
//! about 150–300 words, each with its citation (body, meeting date, item,
//! case, attachment, page, portal link) and the query words it matched.
//!
//! Two stages: the page search (`index`, Danish analyzer, titles included)
//! picks candidate pages; their stored text is cut into passages
//! ([`crate::passages`]), and [`Ranker`]s order them, fused by reciprocal rank
//! fusion. A dense-vector ranker can be added to the list later without
//! changing callers.

use std::collections::{BTreeMap, HashSet};

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer};

use crate::index::{each_token, Citation, Hit, SearchIndex, SearchQuery};
use crate::passages;
use crate::Result;

/// Candidate pages taken from the page search.
pub const CANDIDATE_PAGES: usize = 40;
/// Most passages one call returns.
pub const MAX_K: usize = 100;
/// The constant of reciprocal rank fusion (as in Cormack et al.).
const RRF_K: f64 = 60.0;

/// One retrieved passage.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: `<page or item key>#<byte offset>`.
    pub id: String,
    /// The passage: an exact slice of the stored page (or item) text.
    pub text: String,
    /// Body, date, item and attachment, as one line (indexed with the passage
    /// when ranking, so context words find it).
    pub heading: String,
    /// Where it comes from.
    #[serde(flatten)]
    pub cite: Citation,
    /// The public portal link of the item, where it came from a portal.
    pub link: Option<String>,
    /// Fused score (higher is better); only comparable within one call.
    pub score: f64,
    /// Words of the passage that matched the query, as written there.
    pub matched_terms: Vec<String>,
}

/// A passage before ranking.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// See [`Passage::id`].
    pub id: String,
    /// The passage text.
    pub text: String,
    /// See [`Passage::heading`].
    pub heading: String,
    /// Its citation.
    pub cite: Citation,
    /// Rank of its page in the page search (0 = best).
    pub page_rank: usize,
}

/// Orders candidates for a query: a score per candidate, `None` when the
/// ranker finds nothing in it. Rankers are fused by rank, so their scores
/// need not be comparable.
pub trait Ranker {
    /// Short name, for reports.
    fn name(&self) -> &'static str;
    /// Scores of `candidates`, in their order; `analyzed` holds each one's
    /// heading and text as analyzed, against the query's `terms`.
    fn score(
        &self,
        terms: &Terms,
        candidates: &[Candidate],
        analyzed: &[Analyzed],
    ) -> Vec<Option<f64>>;
}

/// The query's terms (stems and compound parts), numbered.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    numbers: FxHashMap<String, usize>,
}

impl Terms {
    /// The terms of `set`, numbered in sorted order.
    pub fn new(set: &HashSet<String>) -> Self {
        let mut list: Vec<&String> = set.iter().collect();
        list.sort();
        Terms {
            numbers: list
                .into_iter()
                .enumerate()
                .map(|(n, t)| (t.clone(), n))
                .collect(),
        }
    }

    /// How many terms there are.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// The number of `token`, when it is a term.
    pub fn number(&self, token: &str) -> Option<usize> {
        self.numbers.get(token).copied()
    }
}

/// A candidate as the rankers see it: its heading and text as analyzed
/// (stems and compound parts, in order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analyzed {
    /// How many tokens.
    pub len: usize,
    /// (token position, term number) of each token that is a query term,
    /// in order.
    pub hits: Vec<(usize, usize)>,
}

impl Analyzed {
    /// `text` analyzed against `terms`.
    pub fn of(text: &str, terms: &Terms) -> Self {
        let mut out = Analyzed::default();
        each_token(text, |_, t| {
            if let Some(n) = terms.number(t) {
                out.hits.push((out.len, n));
            }
            out.len += 1;
        });
        out
    }
}

/// The page search's order: a passage inherits its page's rank.
pub struct PageOrder;

impl Ranker for PageOrder {
    fn name(&self) -> &'static str {
        "page"
    }

    fn score(&self, _: &Terms, candidates: &[Candidate], _: &[Analyzed]) -> Vec<Option<f64>> {
        candidates
            .iter()
            .map(|c| Some(-(c.page_rank as f64)))
            .collect()
    }
}

/// BM25 over the candidate passages (heading + text), with the Danish
/// analyzer's stems and compound parts.
pub struct PassageBm25;

impl Ranker for PassageBm25 {
    fn name(&self) -> &'static str {
        "passage-bm25"
    }

    fn score(&self, terms: &Terms, _: &[Candidate], analyzed: &[Analyzed]) -> Vec<Option<f64>> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        // Term frequencies of each candidate, by term number.
        let tfs: Vec<Vec<f64>> = analyzed
            .iter()
            .map(|a| {
                let mut tf = vec![0.0; terms.len()];
                for (_, t) in &a.hits {
                    tf[*t] += 1.0;
                }
                tf
            })
            .collect();
        let n = analyzed.len() as f64;
        let avg = analyzed.iter().map(|a| a.len as f64).sum::<f64>() / n.max(1.0);
        let idf: Vec<f64> = (0..terms.len())
            .map(|t| {
                let d = tfs.iter().filter(|tf| tf[t] > 0.0).count() as f64;
                ((n - d + 0.5) / (d + 0.5) + 1.0).ln()
            })
            .collect();
        tfs.iter()
            .zip(analyzed)
            .map(|(tf, a)| {
                if a.hits.is_empty() {
                    return None;
                }
                let len = a.len as f64;
                let s = tf
                    .iter()
                    .zip(&idf)
                    .filter(|(f, _)| **f > 0.0)
                    .map(|(f, idf)| {
                        idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg.max(1.0)))
                    })
                    .sum();
                Some(s)
            })
            .collect()
    }
}

/// The passages of a question, ranked.
pub struct Ranked {
    /// Every candidate passage.
    pub candidates: Vec<Candidate>,
    /// (candidate index, fused score), best first.
    pub order: Vec<(usize, f64)>,
    /// The query's terms, for [`matched_terms`].
    pub terms: HashSet<String>,
}

/// The candidate passages of `query`'s text and their order. The page
/// search with the question's content words picks [`CANDIDATE_PAGES`] pages,
/// `text_of` gives each page's stored text, which is cut into passages, and
/// [`rankers`] order them ([`fuse`]).
pub fn ranked(
    index: &SearchIndex,
    mut query: SearchQuery,
    mut text_of: impl FnMut(&Hit) -> Result<Option<String>>,
) -> Result<Ranked> {
    query.text = content_words(&query.text);
    query.group = false;
    query.limit = CANDIDATE_PAGES;
    let pages = index.search_pages(&query)?;
    let terms = query_terms(pages.corrected.as_deref().unwrap_or(&query.text));
    let numbered = Terms::new(&terms);
    let mut candidates = Vec::new();
    let mut analyzed = Vec::new();
    for (rank, hit) in pages.hits.iter().enumerate() {
        let Some(text) = text_of(hit)? else { continue };
        let head = heading(&hit.cite);
        // The heading and the page are analyzed once; each passage takes the
        // page's tokens inside its range, after the heading's.
        let head_analyzed = Analyzed::of(&head, &numbered);
        let mut page: Vec<(usize, Option<usize>)> = Vec::new();
        each_token(&text, |range, t| {
            page.push((range.start, numbered.number(t)))
        });
        for range in passages::cut(&text) {
            let first = page.partition_point(|t| t.0 < range.start);
            let last = page.partition_point(|t| t.0 < range.end);
            let mut own = head_analyzed.clone();
            for (i, (_, term)) in page[first..last].iter().enumerate() {
                if let Some(term) = term {
                    own.hits.push((head_analyzed.len + i, *term));
                }
            }
            own.len += last - first;
            analyzed.push(own);
            candidates.push(Candidate {
                id: format!("{}#{}", hit.key, range.start),
                text: text[range].to_string(),
                heading: head.clone(),
                cite: hit.cite.clone(),
                page_rank: rank,
            });
        }
    }
    let order = fuse(&rankers(), &numbered, &candidates, &analyzed);
    Ok(Ranked {
        candidates,
        order,
        terms,
    })
}

/// Query terms close together: the passage holding the most distinct query
/// terms within the shortest stretch of words ranks first (an answer states
/// the question's words near each other).
pub struct Proximity;

impl Ranker for Proximity {
    fn name(&self) -> &'static str {
        "proximity"
    }

    fn score(&self, terms: &Terms, _: &[Candidate], analyzed: &[Analyzed]) -> Vec<Option<f64>> {
        analyzed
            .iter()
            .map(|a| closest(&a.hits, terms.len()))
            .collect()
    }
}

/// Of term occurrences (position, term number, of `terms` terms): distinct
/// terms² over the length of the shortest window holding as many distinct
/// terms as the passage has.
fn closest(hits: &[(usize, usize)], terms: usize) -> Option<f64> {
    let mut count = vec![0usize; terms];
    for (_, t) in hits {
        count[*t] += 1;
    }
    let distinct = count.iter().filter(|c| **c > 0).count();
    if distinct < 2 {
        return (distinct > 0).then_some(0.0);
    }
    count.fill(0);
    let mut best = usize::MAX;
    let mut inside = 0;
    let mut start = 0;
    for end in 0..hits.len() {
        let t = hits[end].1;
        count[t] += 1;
        if count[t] == 1 {
            inside += 1;
        }
        while inside == distinct {
            best = best.min(hits[end].0 - hits[start].0 + 1);
            let s = hits[start].1;
            count[s] -= 1;
            if count[s] == 0 {
                inside -= 1;
            }
            start += 1;
        }
    }
    let d = distinct as f64;
    Some(d * d / best as f64)
}

/// The rankers retrieval uses, in order.
pub fn rankers() -> Vec<Box<dyn Ranker>> {
    vec![
        Box::new(PageOrder),
        Box::new(PassageBm25),
        Box::new(Proximity),
    ]
}

/// Fuses the rankers' orders by reciprocal rank: each ranker adds
/// 1 / (60 + rank) for the candidates it scored. Candidates no text ranker
/// matched (only the page order) are dropped unless nothing matched at all.
/// `analyzed` are the candidates' heading and text as analyzed.
/// Returns (candidate index, fused score), best first; ties by id.
pub fn fuse(
    rankers: &[Box<dyn Ranker>],
    terms: &Terms,
    candidates: &[Candidate],
    analyzed: &[Analyzed],
) -> Vec<(usize, f64)> {
    let mut fused = vec![0.0f64; candidates.len()];
    let mut matched = vec![false; candidates.len()];
    for ranker in rankers {
        let scores = ranker.score(terms, candidates, analyzed);
        let mut order: Vec<(usize, f64)> = scores
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i, s)))
            .collect();
        order.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| candidates[a.0].id.cmp(&candidates[b.0].id))
        });
        for (rank, (i, _)) in order.into_iter().enumerate() {
            fused[i] += 1.0 / (RRF_K + rank as f64 + 1.0);
            if ranker.name() != "page" {
                matched[i] = true;
            }
        }
    }
    let any_matched = matched.iter().any(|m| *m);
    let mut out: Vec<(usize, f64)> = fused
        .into_iter()
        .enumerate()
        .filter(|(i, _)| matched[*i] || !any_matched)
        .collect();
    out.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| candidates[a.0].id.cmp(&candidates[b.0].id))
    });
    out
}

/// Tokens (stems and compound parts) of `text` with their byte ranges.
fn tokens(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    each_token(text, |range, t| out.push((t.to_string(), range)));
    out
}

/// Words that ask rather than say what about, beside Snowball's stop words
/// (which has "hvad" and "hvor" but not these): a passage that answers "Hvor
/// ofte mødes udvalget?" need not say "ofte".
const QUESTION_WORDS: &[&str] = &[
    "hvornår",
    "hvilken",
    "hvilket",
    "hvilke",
    "hvorfor",
    "hvordan",
    "hvem",
    "hvorledes",
    "ofte",
    "hvorvidt",
];

/// A question as search words: Danish stop words ("hvad", "om", "er", …)
/// and question words dropped, unless nothing else is left.
pub fn content_words(question: &str) -> String {
    let mut stop = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::Danish).expect("tantivy has Danish stop words"))
        .build();
    let kept: Vec<&str> = question
        .split_whitespace()
        .filter(|w| {
            let bare = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if QUESTION_WORDS.contains(&bare.as_str()) {
                return false;
            }
            let mut stream = stop.token_stream(w);
            stream.advance()
        })
        .collect();
    if kept.is_empty() {
        question.to_string()
    } else {
        kept.join(" ")
    }
}

/// The stems of the query's words (operators and phrase marks dropped).
pub fn query_terms(text: &str) -> HashSet<String> {
    let cleaned: String = text
        .split_whitespace()
        .filter(|w| !matches!(*w, "OR" | "AND" | "NOT") && !w.starts_with('-'))
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', " ");
    tokens(&cleaned).into_iter().map(|t| t.0).collect()
}

/// The words of `text` whose stem (or a compound part's) is a query term, as
/// written, each once, in order of first appearance.
pub fn matched_terms(text: &str, terms: &HashSet<String>) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (n, (t, range)) in tokens(text).into_iter().enumerate() {
        if terms.contains(&t) {
            if let Some(word) = text.get(range) {
                seen.entry(word.to_string()).or_insert(n);
            }
        }
    }
    let mut words: Vec<(String, usize)> = seen.into_iter().collect();
    words.sort_by_key(|w| w.1);
    words.into_iter().map(|w| w.0).collect()
}

/// The heading line of a passage.
pub fn heading(cite: &Citation) -> String {
    let mut parts = Vec::new();
    if let Some(b) = &cite.body {
        parts.push(b.clone());
    }
    if let Some(c) = &cite.collection {
        parts.push(c.clone());
    }
    if let Some(d) = cite.meeting_date {
        parts.push(d.format("%d.%m.%Y").to_string());
    }
    if let (Some(n), Some(t)) = (cite.item_number, &cite.item_title) {
        parts.push(format!("punkt {n}: {t}"));
    }
    if let Some(a) = &cite.attachment_title {
        match cite.page {
            Some(p) => parts.push(format!("{a}, side {p}")),
            None => parts.push(a.clone()),
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzed_of(candidates: &[Candidate], terms: &Terms) -> Vec<Analyzed> {
        candidates
            .iter()
            .map(|c| Analyzed::of(&format!("{}\n{}", c.heading, c.text), terms))
            .collect()
    }

    fn cand(id: &str, page_rank: usize, text: &str) -> Candidate {
        Candidate {
            id: id.into(),
            text: text.into(),
            heading: String::new(),
            cite: Citation::default(),
            page_rank,
        }
    }

    #[test]
    fn questions_lose_their_stop_words() {
        assert_eq!(
            content_words("Hvad siger medarbejderne om arbejdsbelastningen?"),
            "siger medarbejderne arbejdsbelastningen?"
        );
        assert_eq!(content_words("og om"), "og om");
    }

    #[test]
    fn fusion_prefers_the_passage_that_matches_and_drops_the_rest() {
        let terms = query_terms("arbejdsbelastning sygefravær");
        let cands = vec![
            cand("a", 0, "Budgettet for skoler og dagtilbud."),
            cand(
                "b",
                1,
                "Arbejdsbelastningen er høj, og sygefraværet stiger.",
            ),
            cand("c", 2, "Medarbejderne nævner arbejdsbelastning."),
        ];
        let numbered = Terms::new(&terms);
        let fused = fuse(
            &rankers(),
            &numbered,
            &cands,
            &analyzed_of(&cands, &numbered),
        );
        let ids: Vec<&str> = fused.iter().map(|(i, _)| cands[*i].id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(
            matched_terms(&cands[1].text, &terms),
            ["Arbejdsbelastningen", "sygefraværet"]
        );
        // Compound parts count: "belastning" finds "Arbejdsbelastningen".
        let part = query_terms("belastning");
        assert_eq!(
            matched_terms(&cands[1].text, &part),
            ["Arbejdsbelastningen"]
        );
    }
}
