//! The relevance floor at the default demo scale, and the scale-1.0 latency run.

use super::*;

#[test]
#[ignore = "writes the evaluation corpus to $RELEVANCE_DUMP for writing rules"]
fn dump_corpus() {
    let c = corpus::build(&DemoOptions::default());
    let mut out = String::new();
    for d in &c.docs {
        let _ = writeln!(
            out,
            "=== {} | {} | {} | {:?} | {:?} | {:?}\n{}",
            d.key,
            c.unit_of[&d.key],
            d.cite.body.as_deref().unwrap_or(""),
            d.cite.meeting_date,
            d.cite.item_title,
            d.cite.attachment_title,
            d.text
        );
    }
    std::fs::write(std::env::var("RELEVANCE_DUMP").unwrap(), out).unwrap();
}

fn print(report: &RelevanceReport) {
    println!("{}", report.table());
}

#[test]
fn every_query_has_relevant_units() {
    let c = corpus::build(&DemoOptions::default());
    let qs = judge::parse(judge::QUERIES_TSV).unwrap();
    let judged = judge::judge(&c, &qs);
    for (q, j) in qs.iter().zip(&judged) {
        assert!(
            j.values().any(|g| *g == 2),
            "{} «{}» has no unit of grade 2",
            q.id,
            q.text
        );
    }
}

#[test]
fn danish_analyzer_meets_the_floor_and_beats_the_baseline() {
    let report = evaluate(&RelevanceOptions {
        runs: 1,
        ..RelevanceOptions::default()
    })
    .unwrap();
    print(&report);
    assert!(report.queries >= 40);
    let ours = report.engine("danish (ours)").unwrap();
    let base = report.engine("tantivy default").unwrap();
    let fts = report.engine("sqlite fts5").unwrap();
    assert_eq!(base.queries.len(), report.queries);
    assert_eq!(fts.queries.len(), report.queries);
    assert!(
        ours.ndcg10 > base.ndcg10,
        "{} vs {}",
        ours.ndcg10,
        base.ndcg10
    );
    assert!(ours.mrr >= base.mrr);
    // 0.985 at this scale since the compound analyzer (2026-12-07).
    let floor = 0.95;
    assert!(ours.ndcg10 >= floor, "nDCG@10 {:.3} < {floor}", ours.ndcg10);
}

#[test]
#[ignore = "release build, about a minute: cargo test --release -p moedemappe-core relevance_at_full_scale -- --ignored --nocapture"]
fn relevance_at_full_scale() {
    let report = evaluate(&RelevanceOptions {
        scale: 1.0,
        runs: 5,
        ..RelevanceOptions::default()
    })
    .unwrap();
    print(&report);
    println!(
        "{}",
        serde_json::to_string(
            &report
                .engines
                .iter()
                .map(|e| (&e.engine, e.ndcg10, e.mrr, e.recall20, e.p50_ms, e.p99_ms))
                .collect::<Vec<_>>()
        )
        .unwrap()
    );
}

/// The seed text, or `None` (and a note saying the real-text checks did not
/// run) where the seed folder is not beside the project.
fn seed_text() -> Option<(String, String)> {
    let Some(file) = seed::find() else {
        eprintln!(
            "NOTE: no seed text (../shared/seed or ${}): the real-text set was not run",
            seed::SEED_VAR
        );
        return None;
    };
    let text = std::fs::read_to_string(&file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    Some((name, text))
}

#[test]
fn every_real_text_query_has_relevant_pages() {
    let qs = judge::parse(seed::SEED_QUERIES_TSV).unwrap();
    assert!(qs.len() >= 60, "{} queries", qs.len());
    let Some((_, text)) = seed_text() else {
        return;
    };
    let c = seed::corpus(&text);
    assert!(c.docs.len() > 200, "{} pages", c.docs.len());
    let judged = judge::judge(&c, &qs);
    for (q, j) in qs.iter().zip(&judged) {
        assert!(
            j.values().any(|g| *g == 2),
            "{} «{}» has no page of grade 2",
            q.id,
            q.text
        );
    }
}

#[test]
fn on_real_text_the_danish_analyzer_meets_its_floor_and_beats_both_baselines() {
    let Some((name, text)) = seed_text() else {
        return;
    };
    let report = evaluate_seed(&name, &text, 1).unwrap();
    print(&report);
    let ours = report.engine("danish (ours)").unwrap();
    for other in ["tantivy default", "sqlite fts5"] {
        let o = report.engine(other).unwrap();
        assert!(
            ours.ndcg10 > o.ndcg10,
            "nDCG@10 {} vs {other} {}",
            ours.ndcg10,
            o.ndcg10
        );
        assert!(ours.mrr > o.mrr, "MRR {} vs {other} {}", ours.mrr, o.mrr);
    }
    // 0.803 / 0.947 before query-side compounds, stop words, coverage
    // ranking and the -hed/-itet stems; 0.855 / 0.972 after; 0.906 / 0.987
    // with coverage for two words and words near each other ranked higher
    // (2026-12-07). Issue 15 asks for 0.90 / 0.95.
    assert!(ours.ndcg10 >= 0.90, "nDCG@10 {:.3}", ours.ndcg10);
    assert!(ours.mrr >= 0.95, "MRR {:.3}", ours.mrr);
}

#[test]
fn on_real_text_retrieval_answers_the_questions_better_than_fts5() {
    let qs = questions::parse(questions::QUESTIONS_TSV).unwrap();
    assert!(qs.len() >= 30, "{} questions", qs.len());
    let Some((name, text)) = seed_text() else {
        return;
    };
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let all = norm(&text);
    for q in &qs {
        assert!(
            q.answers.iter().any(|a| all.contains(a.as_str())),
            "{}: no answer of «{}» is in the text",
            q.id,
            q.text
        );
    }
    let report = questions::evaluate(&name, &text).unwrap();
    println!("{}", report.table());
    let ours = report.engine("danish (ours)").unwrap();
    let base = report.engine("sqlite fts5 passages").unwrap();
    assert!(
        ours.mrr5 > base.mrr5,
        "MRR@5 {} vs FTS5 {}",
        ours.mrr5,
        base.mrr5
    );
    // 0.971 / 0.824 (FTS5 0.912 / 0.760) on 2026-12-07.
    assert!(ours.hit5 >= 0.90, "hit@5 {}", ours.hit5);
}

/// Why a real-text query scores what it does: our top ten with their
/// grades, and the pages of grade 2 we rank below them. Run with
/// `RELEVANCE_EXPLAIN=s03,s09 cargo test -p moedemappe-core --lib explain_real_text -- --ignored --nocapture`.
#[test]
#[ignore = "prints, for writing rules and ranking: RELEVANCE_EXPLAIN=<query ids>"]
fn explain_real_text() {
    use crate::relevance::engines::Engine;
    let Some((_, text)) = seed_text() else {
        return;
    };
    let c = seed::corpus(&text);
    let qs = judge::parse(seed::SEED_QUERIES_TSV).unwrap();
    let judged = judge::judge(&c, &qs);
    let dir = tempfile::tempdir().unwrap();
    let ours = engines::Ours::build(dir.path(), &c.docs).unwrap();
    let wanted = std::env::var("RELEVANCE_EXPLAIN").unwrap_or_default();
    for (q, j) in qs.iter().zip(&judged) {
        if !wanted.split(',').any(|w| w == q.id) {
            continue;
        }
        let keys = dedupe_units(&ours.search(&q.text, 100).unwrap(), &c.unit_of);
        println!("{} «{}»", q.id, q.text);
        for (n, k) in keys.iter().enumerate().take(10) {
            println!(
                "  {:2}. {} grade {}",
                n + 1,
                k,
                j.get(k).copied().unwrap_or(0)
            );
        }
        let missed: Vec<String> = j
            .iter()
            .filter(|(_, g)| **g == 2)
            .map(|(k, _)| {
                let at = keys
                    .iter()
                    .position(|x| x == k)
                    .map_or("-".to_string(), |p| (p + 1).to_string());
                format!("{k}@{at}")
            })
            .collect();
        println!("  grade 2: {}", missed.join(" "));
    }
}
