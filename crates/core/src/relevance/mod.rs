//! Search relevance and latency evaluation: a hand-judged Danish test set
//! (`assets/relevance/queries.tsv`) run against our Danish analyzer, tantivy's
//! default tokenizer and SQLite FTS5, over the demo corpus built in memory
//! (no PDFs written or read).
//!
//! Judgments come from hand-written rules (surface forms, body, year) matched
//! on the plain text, never from a search engine; see [`judge`]. Metrics are
//! page-level: a result counts as its unit, `(attachment, page)` for pages
//! (the same page under several items is one unit, later repeats are
//! dropped) or the item for item documents.
//!
//! - nDCG@10: gain `2^grade − 1`, discount `log2(rank + 1)`, normalised by the
//!   ideal ranking of all judged units.
//! - MRR: `1 / rank` of the first unit with grade ≥ 1 (0 if none in the top 20).
//! - recall@20: relevant units (grade ≥ 1) in the top 20 / all relevant units;
//!   capped recall@20 divides by `min(relevant, 20)` instead, since most
//!   queries have more than 20 relevant pages.

pub mod corpus;
pub mod engines;
pub mod judge;
pub mod latency;
pub mod questions;
pub mod seed;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::time::Instant;

use serde::Serialize;

use crate::demo::DemoOptions;
use crate::Result;
use engines::{Baseline, Engine, Fts5, Ours};

/// Ranks the metrics look at.
const NDCG_AT: usize = 10;
const RECALL_AT: usize = 20;
/// Document hits fetched per query, so that 20 units remain after dropping
/// repeated pages.
const FETCH: usize = 100;

/// What to evaluate on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelevanceOptions {
    /// Demo corpus scale (0.05 by default).
    pub scale: f64,
    /// Demo corpus seed.
    pub seed: u64,
    /// Timed runs of every query per engine (after one untimed warm-up run).
    pub runs: usize,
}

impl Default for RelevanceOptions {
    fn default() -> Self {
        let d = DemoOptions::default();
        RelevanceOptions {
            scale: d.scale,
            seed: d.seed,
            runs: 3,
        }
    }
}

/// Scores of one query for one engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryScore {
    /// Query id.
    pub id: String,
    /// Query text.
    pub query: String,
    /// Judged relevant units (grade ≥ 1).
    pub relevant: usize,
    /// nDCG@10.
    pub ndcg10: f64,
    /// Reciprocal rank of the first relevant unit.
    pub rr: f64,
    /// recall@20.
    pub recall20: f64,
    /// recall@20 over `min(relevant, 20)`.
    pub capped_recall20: f64,
    /// Median latency of this query, milliseconds.
    pub ms: f64,
}

/// The results of one engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineReport {
    /// Engine name.
    pub engine: String,
    /// Mean nDCG@10 over the queries.
    pub ndcg10: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Mean recall@20.
    pub recall20: f64,
    /// Mean capped recall@20.
    pub capped_recall20: f64,
    /// Median latency over all timed runs of all queries, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Time to build this engine's index, milliseconds.
    pub build_ms: f64,
    /// Per query.
    pub queries: Vec<QueryScore>,
}

/// The whole evaluation of one test set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelevanceReport {
    /// Which set: the demo corpus, or the real text of the seed file.
    pub set: String,
    /// Demo corpus scale (1.0 for the seed text).
    pub scale: f64,
    /// Index documents.
    pub docs: usize,
    /// Distinct units (pages and items).
    pub units: usize,
    /// Queries evaluated.
    pub queries: usize,
    /// Timed runs per query.
    pub runs: usize,
    /// Ours, baseline, FTS5 (in that order).
    pub engines: Vec<EngineReport>,
}

impl RelevanceReport {
    /// The engine named `name`.
    pub fn engine(&self, name: &str) -> Option<&EngineReport> {
        self.engines.iter().find(|e| e.engine == name)
    }

    /// A plain-text table of the summary and the per-query nDCG@10.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} documents, {} units, {} queries, {} timed runs each\n",
            self.set, self.docs, self.units, self.queries, self.runs
        );
        let _ = writeln!(
            s,
            "{:<16} {:>8} {:>6} {:>9} {:>10} {:>8} {:>8} {:>9}",
            "engine", "nDCG@10", "MRR", "recall@20", "capped@20", "p50 ms", "p99 ms", "build s"
        );
        for e in &self.engines {
            let _ = writeln!(
                s,
                "{:<16} {:>8.3} {:>6.3} {:>9.3} {:>10.3} {:>8.2} {:>8.2} {:>9.1}",
                e.engine,
                e.ndcg10,
                e.mrr,
                e.recall20,
                e.capped_recall20,
                e.p50_ms,
                e.p99_ms,
                e.build_ms / 1000.0
            );
        }
        let _ = writeln!(s, "\nnDCG@10 per query (relevant units):");
        if let Some(first) = self.engines.first() {
            for (i, q) in first.queries.iter().enumerate() {
                let scores: Vec<String> = self
                    .engines
                    .iter()
                    .map(|e| format!("{:>6.3}", e.queries[i].ndcg10))
                    .collect();
                let _ = writeln!(
                    s,
                    "{:<4} {:<34} {:>6} {}",
                    q.id,
                    q.query,
                    q.relevant,
                    scores.join(" ")
                );
            }
        }
        s
    }
}

/// Builds the corpus, judges the test set, indexes the corpus in all three
/// engines and runs every query on each.
pub fn evaluate(opts: &RelevanceOptions) -> Result<RelevanceReport> {
    let demo = DemoOptions {
        scale: opts.scale,
        seed: opts.seed,
        today: None,
    };
    let corpus = corpus::build(&demo);
    let queries = judge::parse(judge::QUERIES_TSV)?;
    run(
        format!("Demo scale {}", opts.scale),
        opts.scale,
        &corpus,
        &queries,
        opts.runs,
    )
}

/// The second set: the hand-written queries of `seed-queries.tsv` on the
/// real text `text` (see [`seed`]), `runs` timed runs each.
pub fn evaluate_seed(name: &str, text: &str, runs: usize) -> Result<RelevanceReport> {
    let corpus = seed::corpus(text);
    let queries = judge::parse(seed::SEED_QUERIES_TSV)?;
    run(format!("Real text {name}"), 1.0, &corpus, &queries, runs)
}

/// Judges `queries` on `corpus`, indexes it in all three engines and runs
/// every query on each.
fn run(
    set: String,
    scale: f64,
    corpus: &corpus::Corpus,
    queries: &[judge::TestQuery],
    runs: usize,
) -> Result<RelevanceReport> {
    let judged = judge::judge(corpus, queries);
    let units: HashSet<&String> = corpus.unit_of.values().collect();

    let dir = tempfile::tempdir().map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
    let mut engines: Vec<(Box<dyn Engine>, f64)> = Vec::new();
    let t = Instant::now();
    let ours = Ours::build(dir.path(), &corpus.docs)?;
    engines.push((Box::new(ours), ms(t)));
    let t = Instant::now();
    let base = Baseline::build(&corpus.docs)?;
    engines.push((Box::new(base), ms(t)));
    let t = Instant::now();
    let fts = Fts5::build(&corpus.docs)?;
    engines.push((Box::new(fts), ms(t)));

    let mut reports = Vec::new();
    for (engine, build_ms) in &engines {
        let mut all_ms = Vec::new();
        let mut scores = Vec::new();
        for (q, judgments) in queries.iter().zip(&judged) {
            let keys = engine.search(&q.text, FETCH)?;
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                engine.timed(&q.text, FETCH)?;
                times.push(ms(t));
            }
            all_ms.extend_from_slice(&times);
            let ranked = dedupe_units(&keys, &corpus.unit_of);
            let mut s = score(&ranked, judgments);
            s.id = q.id.clone();
            s.query = q.text.clone();
            times.sort_by(f64::total_cmp);
            s.ms = percentile(&times, 0.5);
            scores.push(s);
        }
        all_ms.sort_by(f64::total_cmp);
        let mean = |f: fn(&QueryScore) -> f64| {
            scores.iter().map(f).sum::<f64>() / scores.len().max(1) as f64
        };
        reports.push(EngineReport {
            engine: engine.name().to_string(),
            ndcg10: mean(|s| s.ndcg10),
            mrr: mean(|s| s.rr),
            recall20: mean(|s| s.recall20),
            capped_recall20: mean(|s| s.capped_recall20),
            p50_ms: percentile(&all_ms, 0.5),
            p99_ms: percentile(&all_ms, 0.99),
            build_ms: *build_ms,
            queries: scores,
        });
    }
    Ok(RelevanceReport {
        set,
        scale,
        docs: corpus.docs.len(),
        units: units.len(),
        queries: queries.len(),
        runs,
        engines: reports,
    })
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted values.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Document keys → units, first occurrence kept.
fn dedupe_units(keys: &[String], unit_of: &HashMap<String, String>) -> Vec<String> {
    let mut seen = HashSet::new();
    keys.iter()
        .filter_map(|k| unit_of.get(k))
        .filter(|u| seen.insert(u.as_str()))
        .cloned()
        .collect()
}

fn gain(g: u8) -> f64 {
    f64::from((1u32 << g) - 1)
}

/// nDCG@10, reciprocal rank and recall@20 of one ranked unit list.
fn score(ranked: &[String], judged: &HashMap<String, u8>) -> QueryScore {
    let grade = |u: &String| judged.get(u).copied().unwrap_or(0);
    let dcg: f64 = ranked
        .iter()
        .take(NDCG_AT)
        .enumerate()
        .map(|(i, u)| gain(grade(u)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u8> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(NDCG_AT)
        .enumerate()
        .map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2())
        .sum();
    let top = &ranked[..ranked.len().min(RECALL_AT)];
    let rr = top
        .iter()
        .position(|u| grade(u) > 0)
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    let found = top.iter().filter(|u| grade(u) > 0).count() as f64;
    let relevant = judged.len();
    let ratio = |d: usize| if d == 0 { 0.0 } else { found / d as f64 };
    QueryScore {
        id: String::new(),
        query: String::new(),
        relevant,
        // `+ 0.0`: an empty float sum is -0.0.
        ndcg10: if idcg > 0.0 { dcg / idcg + 0.0 } else { 0.0 },
        rr,
        recall20: ratio(relevant),
        capped_recall20: ratio(relevant.min(RECALL_AT)),
        ms: 0.0,
    }
}
