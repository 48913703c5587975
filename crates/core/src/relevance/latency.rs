//! Latency of the product's search and retrieval on a real data directory
//! (store and index on disk), over the relevance test set's queries.

use std::time::Instant;

use serde::Serialize;

use super::judge::{parse, QUERIES_TSV};
use super::percentile;
use crate::api::{Mappe, SearchRequest};
use crate::index::SearchQuery;
use crate::Result;

/// Groups on the first results page; passages per retrieval.
const PAGE: usize = 10;
const PASSAGES: usize = 5;

/// Timings of one operation over every test-set query.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// "search" (a results page: 10 groups, snippets, facets) or "retrieve"
    /// (5 passages).
    pub operation: &'static str,
    /// Queries timed.
    pub queries: usize,
    /// Timed runs of each (after one warm-up).
    pub runs: usize,
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Slowest run, milliseconds.
    pub max_ms: f64,
}

/// The test set's query texts (for the saved-search benchmark).
pub fn queries() -> Result<Vec<String>> {
    Ok(parse(QUERIES_TSV)?.into_iter().map(|q| q.text).collect())
}

/// Times search and retrieval on `mappe`, `runs` times per query; with
/// `closed`, as the member searches (closed material included: the index of
/// every document, sealed in a vault), else as the open scope.
pub fn measure(mappe: &Mappe, runs: usize, closed: bool) -> Result<Vec<Latency>> {
    let queries = parse(QUERIES_TSV)?;
    let runs = runs.max(1);
    let mut out = Vec::new();
    for operation in ["search", "retrieve"] {
        let mut times = Vec::new();
        for q in &queries {
            let request = SearchRequest {
                query: SearchQuery {
                    text: q.text.clone(),
                    group: true,
                    limit: PAGE,
                    include_closed: closed,
                    ..SearchQuery::default()
                },
                body: None,
            };
            for run in 0..=runs {
                let t = Instant::now();
                match operation {
                    "search" => mappe.search(&request).map(|_| ())?,
                    _ => mappe.retrieve(&request, PASSAGES).map(|_| ())?,
                }
                if run > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        times.sort_by(f64::total_cmp);
        out.push(Latency {
            operation,
            queries: queries.len(),
            runs,
            p50_ms: percentile(&times, 0.5),
            p99_ms: percentile(&times, 0.99),
            max_ms: times.last().copied().unwrap_or(0.0),
        });
    }
    Ok(out)
}
