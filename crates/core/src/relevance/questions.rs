//! The passage retrieval test set on real text: natural Danish questions
//! about the seed report, each with its answer as short spans of the text
//! (`assets/relevance/seed-questions.tsv`, written by hand). Ours is the
//! product's retrieval ([`crate::retrieve::ranked`], the same code
//! `Mappe::retrieve` runs) over the seed pages; the baseline is SQLite FTS5
//! with bm25 over the same passages, any of the question's content words.
//!
//! - hit@1, hit@5: questions whose first passage, or one of the first five,
//!   holds an answer.
//! - MRR@5: mean of `1 / rank` of the first answering passage in the top 5.

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::Connection;
use serde::Serialize;

use super::engines::{fts5_terms, Ours};
use super::seed;
use crate::index::SearchQuery;
use crate::passages;
use crate::retrieve::{content_words, ranked};
use crate::{Error, Result};

/// The question set shipped with the program.
pub const QUESTIONS_TSV: &str = include_str!("../../../../assets/relevance/seed-questions.tsv");

/// Passages looked at per question.
const TOP: usize = 5;

/// One question and its answers, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Short id, e.g. "r01".
    pub id: String,
    /// The question as asked.
    pub text: String,
    /// Spans of the text that answer it.
    pub answers: Vec<String>,
}

/// Parses the question set: `id<TAB>question<TAB>answer | answer …`.
pub fn parse(tsv: &str) -> Result<Vec<Question>> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(text), Some(answers), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(Error::Invalid(format!(
                "seed-questions.tsv line {}: want three tab-separated columns",
                n + 1
            )));
        };
        out.push(Question {
            id: id.to_string(),
            text: text.to_string(),
            answers: answers.split(" | ").map(normal).collect(),
        });
    }
    Ok(out)
}

/// Lower case, whitespace runs as one space.
fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Rank (1-based) of the first passage that holds an answer, within the top.
fn first_answer(passages: &[String], q: &Question) -> Option<usize> {
    passages
        .iter()
        .take(TOP)
        .position(|p| {
            let p = normal(p);
            q.answers.iter().any(|a| p.contains(a.as_str()))
        })
        .map(|i| i + 1)
}

/// The scores of one engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetrievalScore {
    /// Engine name.
    pub engine: String,
    /// Share of questions answered by the first passage.
    pub hit1: f64,
    /// Share answered in the first five.
    pub hit5: f64,
    /// Mean reciprocal rank of the first answer in the first five.
    pub mrr5: f64,
    /// Per question: id and the rank of the first answer (0: none in the top 5).
    pub ranks: Vec<(String, usize)>,
}

impl RetrievalScore {
    fn of(engine: &str, ranks: Vec<(String, usize)>) -> Self {
        let n = ranks.len().max(1) as f64;
        let hit = |k: usize| ranks.iter().filter(|(_, r)| (1..=k).contains(r)).count() as f64 / n;
        RetrievalScore {
            engine: engine.to_string(),
            hit1: hit(1),
            hit5: hit(TOP),
            mrr5: ranks
                .iter()
                .map(|(_, r)| if *r > 0 { 1.0 / *r as f64 } else { 0.0 })
                .sum::<f64>()
                / n,
            ranks,
        }
    }
}

/// The question set's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetrievalReport {
    /// The seed file.
    pub set: String,
    /// Questions asked.
    pub questions: usize,
    /// Passages the baseline searched.
    pub passages: usize,
    /// Ours, then the FTS5 baseline.
    pub engines: Vec<RetrievalScore>,
}

impl RetrievalReport {
    /// The engine named `name`.
    pub fn engine(&self, name: &str) -> Option<&RetrievalScore> {
        self.engines.iter().find(|e| e.engine == name)
    }

    /// A plain-text table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Passage retrieval on {}: {} questions, top {TOP}\n",
            self.set, self.questions
        );
        let _ = writeln!(
            s,
            "{:<22} {:>6} {:>6} {:>6}",
            "engine", "hit@1", "hit@5", "MRR@5"
        );
        for e in &self.engines {
            let _ = writeln!(
                s,
                "{:<22} {:>6.3} {:>6.3} {:>6.3}",
                e.engine, e.hit1, e.hit5, e.mrr5
            );
        }
        if let [ours, base] = self.engines.as_slice() {
            let _ = writeln!(s, "\nRank of the first answer (0: not in the top {TOP}):");
            for ((id, r), (_, b)) in ours.ranks.iter().zip(&base.ranks) {
                let _ = writeln!(s, "{id:<4} {r:>2} {b:>2}");
            }
        }
        s
    }
}

/// Asks every question of the set of the seed text `text`, of ours and of
/// the FTS5 passage baseline.
pub fn evaluate(name: &str, text: &str) -> Result<RetrievalReport> {
    let questions = parse(QUESTIONS_TSV)?;
    let corpus = seed::corpus(text);
    let page_text: HashMap<&str, &str> = corpus
        .docs
        .iter()
        .map(|d| (d.key.as_str(), d.text.as_str()))
        .collect();
    let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let ours = Ours::build(dir.path(), &corpus.docs)?;
    let mut our_ranks = Vec::new();
    for q in &questions {
        let r = ranked(&ours.0, SearchQuery::new(&q.text), |hit| {
            Ok(page_text.get(hit.key.as_str()).map(|t| t.to_string()))
        })?;
        let top: Vec<String> = r
            .order
            .iter()
            .take(TOP)
            .map(|(i, _)| r.candidates[*i].text.clone())
            .collect();
        our_ranks.push((q.id.clone(), first_answer(&top, q).unwrap_or(0)));
    }
    let base = Fts5Passages::build(corpus.docs.iter().map(|d| d.text.as_str()))?;
    let mut base_ranks = Vec::new();
    for q in &questions {
        let top = base.search(&q.text)?;
        base_ranks.push((q.id.clone(), first_answer(&top, q).unwrap_or(0)));
    }
    Ok(RetrievalReport {
        set: name.to_string(),
        questions: questions.len(),
        passages: base.count,
        engines: vec![
            RetrievalScore::of("danish (ours)", our_ranks),
            RetrievalScore::of("sqlite fts5 passages", base_ranks),
        ],
    })
}

/// Every passage of the pages (cut as retrieval cuts them) in SQLite FTS5,
/// ranked by bm25 for any of the question's content words.
struct Fts5Passages {
    conn: Connection,
    count: usize,
}

impl Fts5Passages {
    fn build<'a>(pages: impl Iterator<Item = &'a str>) -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE VIRTUAL TABLE passages USING fts5(text,
                 tokenize = 'unicode61 remove_diacritics 0');",
        )?;
        let mut count = 0;
        let tx = conn.transaction()?;
        {
            let mut ins = tx.prepare("INSERT INTO passages VALUES (?1)")?;
            for page in pages {
                for range in passages::cut(page) {
                    ins.execute([&page[range]])?;
                    count += 1;
                }
            }
        }
        tx.commit()?;
        Ok(Fts5Passages { conn, count })
    }

    fn search(&self, question: &str) -> Result<Vec<String>> {
        // Any of the question's content words.
        let q = fts5_terms(&content_words(question)).join(" OR ");
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT text FROM passages WHERE passages MATCH ?1
              ORDER BY bm25(passages), rowid LIMIT ?2",
        )?;
        let rows = stmt.query_map((q, TOP as i64), |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>().map_err(Error::from)
    }
}
