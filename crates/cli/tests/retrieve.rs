//! End-to-end: `moedemappe retrieve` on the demo corpus gives passages that are
//! exact slices of the cited pages, within the passage size, with the matched
//! words, best first.

mod common;

use common::{json_lines, ok};
use moedemappe_core::api::{Mappe, Scope};
use moedemappe_core::model::AttachmentId;

#[test]
fn retrieved_passages_quote_their_cited_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let passages = json_lines(&ok(
        &data,
        &[
            "retrieve",
            "Hvad siger medarbejderne om arbejdsbelastningen?",
            "--k",
            "12",
            "--json",
        ],
    ));
    assert_eq!(passages.len(), 12);
    let mappe = Mappe::open(&data).unwrap();
    let mut scores = Vec::new();
    for p in &passages {
        let text = p["text"].as_str().unwrap();
        let words = text.split_whitespace().count();
        assert!((1..=400).contains(&words), "{words} words");
        let matched: Vec<&str> = p["matched_terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(!matched.is_empty(), "{p}");
        for m in &matched {
            assert!(text.contains(m), "{m} not in the passage");
        }
        assert!(p["heading"]
            .as_str()
            .unwrap()
            .contains(p["body"].as_str().unwrap_or("")));
        if let (Some(att), Some(page)) = (p["attachment_id"].as_i64(), p["page"].as_u64()) {
            let stored = mappe
                .session(Scope::Member)
                .page_text(AttachmentId(att), page as u32)
                .unwrap();
            assert!(
                stored.contains(text),
                "passage {} is not on its page",
                p["id"]
            );
        }
        scores.push(p["score"].as_f64().unwrap());
    }
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // The question's subject is in the best passages.
    let top = passages[0]["text"].as_str().unwrap().to_lowercase();
    assert!(top.contains("arbejdsbelastning"), "{top}");

    // The council handbook (a folder collection) is retrievable the same way,
    // cited by document and page.
    let handbook = json_lines(&ok(
        &data,
        &[
            "retrieve",
            "Hvad siger byrådshåndbogen om tavshedspligt?",
            "--k",
            "3",
            "--json",
        ],
    ));
    let first = &handbook[0];
    assert_eq!(first["collection"], "Byrådshåndbogen", "{first}");
    assert!(first["attachment_title"].is_string());
    let stored = mappe
        .session(Scope::Member)
        .page_text(
            AttachmentId(first["attachment_id"].as_i64().unwrap()),
            first["page"].as_u64().unwrap() as u32,
        )
        .unwrap();
    assert!(stored.contains(first["text"].as_str().unwrap()));

    // Filters apply: only one body, only closed material.
    let tu = json_lines(&ok(
        &data,
        &[
            "retrieve",
            "lokalplan",
            "--body",
            "TU",
            "--k",
            "5",
            "--json",
        ],
    ));
    assert!(!tu.is_empty());
    assert!(tu.iter().all(|p| p["body"] == "Teknisk Udvalg"));
    let closed = json_lines(&ok(
        &data,
        &[
            "retrieve", "Aarhus", "--access", "lukket", "--k", "5", "--json",
        ],
    ));
    assert!(!closed.is_empty());
    assert!(closed.iter().all(|p| p["access"] == "closed"));
}
