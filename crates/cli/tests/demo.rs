//! End-to-end on the generated demo corpus: `demo`, then Danish search through
//! the real binary, checked against the stored page texts.

mod common;

use common::{json_lines, ok};
use moedemappe_core::api::Mappe;
use moedemappe_core::model::AttachmentId;

#[test]
fn demo_then_search_cites_real_pages_and_aarhus_equals_aarhus() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);

    let hits = json_lines(&ok(
        &data,
        &["search", "arbejdsbelastning", "--json", "--limit", "30"],
    ));
    assert!(hits.len() >= 10, "too few hits: {}", hits.len());
    let mappe = Mappe::open(&data).unwrap();
    // Everything the generator wrote was imported.
    let generated = moedemappe_core::demo::generate(
        &dir.path().join("again"),
        &moedemappe_core::demo::DemoOptions::default(),
    )
    .unwrap();
    let status = mappe.status().unwrap();
    assert_eq!(status.counts.meetings, generated.meetings as u64);
    assert_eq!(status.counts.items, generated.items as u64);
    assert_eq!(status.counts.documents, generated.documents as u64);
    assert!(status.failed_files.is_empty(), "{:?}", status.failed_files);
    assert_eq!(status.counts.pending_text, 0);
    // A PDF used in several meetings (committee → Magistrat → Byråd) is stored once.
    let count_pdfs = |root: &std::path::Path| {
        walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .count() as u64
    };
    let stored = count_pdfs(&data.join("files"));
    assert_eq!(stored, status.counts.attachments);
    assert!(
        stored < count_pdfs(&data.join("demo")),
        "nothing was deduplicated"
    );
    let mut pages_checked = 0;
    for hit in &hits {
        // A hit cites either a meeting item or a document of a collection (the handbook).
        let fields: &[&str] = if hit["collection"].is_null() {
            &[
                "score",
                "body",
                "meeting_date",
                "item_number",
                "item_title",
                "snippet",
            ]
        } else {
            &["score", "collection", "attachment_title", "page", "snippet"]
        };
        for field in fields {
            assert!(!hit[field].is_null(), "{field} missing in {hit}");
        }
        if let Some(date) = hit["meeting_date"].as_str() {
            assert!(
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
                "{date}"
            );
        }
        if let (Some(attachment), Some(page)) =
            (hit["attachment_id"].as_i64(), hit["page"].as_u64())
        {
            let text = mappe
                .page_text(AttachmentId(attachment), page as u32)
                .unwrap()
                .to_lowercase();
            let titles =
                format!("{} {}", hit["item_title"], hit["attachment_title"]).to_lowercase();
            // Titles are indexed with every page, so a title match cites page text without the word.
            assert!(
                text.contains("arbejdsbelastning") || titles.contains("arbejdsbelastning"),
                "page {page} of attachment {attachment} does not say it: {text}"
            );
            if text.contains("arbejdsbelastning") {
                pages_checked += 1;
            }
        }
    }
    assert!(pages_checked >= 5, "only {pages_checked} page hits");
    drop(mappe);

    let with_aa = ok(&data, &["search", "Aarhus", "--json", "--limit", "50"]);
    let with_å = ok(&data, &["search", "Århus", "--json", "--limit", "50"]);
    assert!(json_lines(&with_aa).len() >= 10);
    assert_eq!(with_aa, with_å);
}
