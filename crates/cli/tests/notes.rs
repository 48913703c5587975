//! End-to-end: notes follow their case to later meetings, highlights follow a
//! revised attachment to the same words on its new page (or are kept as
//! detached), and reading progress counts pages read and new.

mod common;
mod notes_common;

use common::{json_lines, moedemappe, ok};
use notes_common::{db, meeting, page_text, quote_from};

fn note_ids(out: &str) -> Vec<String> {
    json_lines(out)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_note_on_a_case_shows_at_the_later_meeting_where_the_case_returns() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    // A case postponed at one meeting and treated at a later one, with a read attachment.
    let (early_item, case, late_item, late_meeting, attachment): (i64, String, i64, i64, i64) =
        db(&data)
            .query_row(
                "SELECT i1.id, i1.case_number, i2.id, i2.meeting_id, ia.attachment_id
                   FROM items i1 JOIN meetings m1 ON m1.id = i1.meeting_id
                   JOIN items i2 ON i2.case_number = i1.case_number AND i2.kind <> 'fixed'
                   JOIN meetings m2 ON m2.id = i2.meeting_id
                   JOIN item_attachments ia ON ia.item_id = i1.id
                   JOIN pages p ON p.attachment_id = ia.attachment_id AND p.page = 1 AND p.text <> ''
                  WHERE i1.postponed = 1 AND i1.closed = 0 AND i1.kind <> 'fixed'
                    AND m2.date > m1.date
                  ORDER BY i1.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .expect("the demo has a postponed case that returns");
    let note = json_lines(&ok(
        &data,
        &[
            "note",
            "add",
            "--item",
            &early_item.to_string(),
            "--body",
            "Spørgsmål til forvaltningen: hvad koster udsættelsen?",
            "--tag",
            "spørgsmål",
            "--json",
        ],
    ))
    .remove(0);
    assert_eq!(note["case_number"], case.as_str());
    let note_id = note["id"].as_str().unwrap().to_string();
    assert!(note_id.starts_with("urn:uuid:"), "{note}");

    let quote = quote_from(&page_text(&data, attachment, 1));
    let highlight = json_lines(&ok(
        &data,
        &[
            "note",
            "add",
            "--attachment",
            &attachment.to_string(),
            "--item",
            &early_item.to_string(),
            "--page",
            "1",
            "--quote",
            &quote,
            "--colour",
            "gul",
            "--json",
        ],
    ))
    .remove(0);
    assert_eq!(highlight["anchor"]["exact"], quote.as_str());
    assert_eq!(highlight["anchor"]["page"], 1);

    // Notes are found by their words, inflected as the search inflects them:
    // "udsættelser" finds "udsættelsen", a tag counts, and a word in no note
    // finds none.
    let found = |q: &str| json_lines(&ok(&data, &["note", "list", "--query", q, "--json"]));
    let hits = found("forvaltningens udsættelser");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["id"], note_id.as_str());
    assert_eq!(found("spørgsmål")[0]["id"], note_id.as_str());
    assert!(found("letbanen udsættelsen").is_empty());
    let search = ok(&data, &["search", "udsættelsen"]);
    assert!(search.contains("Dine noter med ordene (1)"), "{search}");
    let highlight_id = highlight["id"].as_str().unwrap().to_string();

    // At the later meeting, both notes are listed, at the item where the case is now.
    let listed = json_lines(&ok(
        &data,
        &[
            "note",
            "list",
            "--meeting",
            &late_meeting.to_string(),
            "--json",
        ],
    ));
    let ids: Vec<&str> = listed.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&note_id.as_str()), "{listed:#?}");
    assert!(ids.contains(&highlight_id.as_str()), "{listed:#?}");
    for v in &listed {
        if v["id"] == note_id.as_str() {
            assert_eq!(v["shown_at"], late_item, "{v}");
            assert_eq!(v["mine"], true);
        }
    }
    let at_item = note_ids(&ok(
        &data,
        &["note", "list", "--item", &late_item.to_string(), "--json"],
    ));
    assert!(at_item.contains(&note_id), "{at_item:?}");
    // A meeting without the case does not show it.
    let other: i64 = db(&data)
        .query_row(
            "SELECT id FROM meetings WHERE id NOT IN
               (SELECT meeting_id FROM items WHERE case_number = ?1) LIMIT 1",
            [&case],
            |r| r.get(0),
        )
        .unwrap();
    let elsewhere = note_ids(&ok(
        &data,
        &["note", "list", "--meeting", &other.to_string(), "--json"],
    ));
    assert!(!elsewhere.contains(&note_id), "{elsewhere:?}");

    // A case referred between a committee and the Byråd shows at both.
    let (committee_item, council_meeting): (i64, i64) = db(&data)
        .query_row(
            "SELECT i1.id, i2.meeting_id FROM items i1
               JOIN items i2 ON i2.case_number = i1.case_number AND i2.id <> i1.id AND i2.kind <> 'fixed'
               JOIN meetings m2 ON m2.id = i2.meeting_id JOIN bodies b2 ON b2.id = m2.body_id
               JOIN meetings m1 ON m1.id = i1.meeting_id JOIN bodies b1 ON b1.id = m1.body_id
              WHERE i1.referred = 1 AND i1.kind <> 'fixed' AND b2.kind = 'council' AND b1.kind <> 'council'
              ORDER BY i1.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the demo has a case referred from the Byråd");
    let referred = json_lines(&ok(
        &data,
        &[
            "note",
            "add",
            "--item",
            &committee_item.to_string(),
            "--body",
            "Byrådets ønske",
            "--json",
        ],
    ))
    .remove(0)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let at_council = note_ids(&ok(
        &data,
        &[
            "note",
            "list",
            "--meeting",
            &council_meeting.to_string(),
            "--json",
        ],
    ));
    assert!(at_council.contains(&referred), "{at_council:?}");
    ok(&data, &["note", "rm", &referred]);

    // The text listing names the case and the page; rm removes by a short id.
    let text = ok(&data, &["note", "list", "--case", &case]);
    assert!(text.contains("hvad koster udsættelsen"), "{text}");
    assert!(text.contains("s. 1"), "{text}");
    let short = &note_id["urn:uuid:".len().."urn:uuid:".len() + 8];
    ok(&data, &["note", "rm", short]);
    let left = note_ids(&ok(&data, &["note", "list", "--case", &case, "--json"]));
    assert_eq!(left, vec![highlight_id]);
    // A quote that is not on the page is refused with a plain message.
    let out = moedemappe(
        &data,
        &[
            "note",
            "add",
            "--attachment",
            &attachment.to_string(),
            "--page",
            "1",
            "--quote",
            "zebra zebra zebra",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("står ikke på side 1"));
}

#[test]
fn highlights_follow_a_revised_attachment_to_the_same_words_or_are_kept_detached() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = dir.path().join("marts");
    meeting(
        &first,
        "2024-03-04",
        &[
            &[
                "Forvaltningen anbefaler, at trafikplanen for Viby godkendes.",
                "Cykelstien langs Hasle Ringvej udskydes til 2026.",
                "Budgettet er 12 mio. kr. for hele projektet.",
            ],
            &["Bilag: kort over området."],
        ],
    );
    ok(&data, &["import", first.to_str().unwrap()]);
    let (old_attachment, meeting1): (i64, i64) = db(&data)
        .query_row(
            "SELECT ia.attachment_id, i.meeting_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let add = |quote: &str| {
        json_lines(&ok(
            &data,
            &[
                "note",
                "add",
                "--attachment",
                &old_attachment.to_string(),
                "--page",
                "1",
                "--quote",
                quote,
                "--body",
                "Vigtigt",
                "--json",
            ],
        ))
        .remove(0)["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let moved = add("trafikplanen for Viby godkendes");
    let gone = add("Cykelstien langs Hasle Ringvej udskydes");
    let reworded = add("Budgettet er 12 mio. kr. for hele projektet");

    // Reading progress before the revision: 2 pages, none read.
    let progress: serde_json::Value =
        serde_json::from_str(&ok(&data, &["progress", &meeting1.to_string(), "--json"])).unwrap();
    assert_eq!(
        (progress["pages"].as_u64(), progress["read"].as_u64()),
        (Some(2), Some(0))
    );
    ok(&data, &["read", &old_attachment.to_string(), "--page", "1"]);

    // The case returns a month later with a revised attachment: a new first
    // page pushes the text to page 2, one sentence is gone, one reworded.
    let second = dir.path().join("april");
    meeting(
        &second,
        "2024-04-08",
        &[
            &["Revideret udgave efter høringen."],
            &[
                "Efter høringen anbefaler forvaltningen fortsat, at trafikplanen for Viby godkendes.",
                "Budgettet er 14 mio. kr. for hele projektet.",
            ],
        ],
    );
    ok(&data, &["import", second.to_str().unwrap()]);
    let (new_attachment, new_sha, meeting2): (i64, String, i64) = db(&data)
        .query_row(
            "SELECT a.id, a.sha256, i.meeting_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
               JOIN attachments a ON a.id = ia.attachment_id WHERE a.id <> ?1",
            [old_attachment],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let notes = json_lines(&ok(
        &data,
        &["note", "list", "--meeting", &meeting2.to_string(), "--json"],
    ));
    assert_eq!(notes.len(), 3, "{notes:#?}");
    let find = |id: &str| notes.iter().find(|v| v["id"] == id).unwrap().clone();
    let m = find(&moved);
    assert_eq!(m["anchor"]["sha256"], new_sha.as_str(), "{m}");
    assert_eq!(m["anchor"]["page"], 2, "{m}");
    assert_eq!(m["anchor"]["exact"], "trafikplanen for Viby godkendes");
    assert_eq!(m["anchor_state"], "anchored");
    assert_eq!(m["attachment"], new_attachment);
    let page2 = page_text(&data, new_attachment, 2);
    let start = m["anchor"]["start"].as_u64().unwrap() as usize;
    let end = m["anchor"]["end"].as_u64().unwrap() as usize;
    let chars: Vec<char> = page2.chars().collect();
    assert_eq!(
        chars[start..end].iter().collect::<String>(),
        "trafikplanen for Viby godkendes",
        "the position selector points at the words"
    );
    let r = find(&reworded);
    assert_eq!(r["anchor_state"], "anchored", "{r}");
    assert_eq!(r["anchor"]["page"], 2);
    assert!(
        r["anchor"]["exact"]
            .as_str()
            .unwrap()
            .contains("14 mio. kr."),
        "{r}"
    );
    // The sentence that is gone: kept, marked detached, never deleted.
    let g = find(&gone);
    assert_eq!(g["anchor_state"], "detached", "{g}");
    assert_eq!(
        g["anchor"]["exact"],
        "Cykelstien langs Hasle Ringvej udskydes"
    );
    assert_eq!(g["body"], "Vigtigt");
    let text = ok(&data, &["note", "list", "--case", "EMN-2024-000001"]);
    assert!(text.contains("LØSREVET"), "{text}");

    // Importing again changes nothing.
    let before = notes_common::dump(&data);
    ok(&data, &["import", second.to_str().unwrap()]);
    let after = notes_common::dump(&data);
    let strip = |d: &str| {
        d.lines()
            .filter(|l| !l.starts_with("sync."))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&after));

    // Reading progress: the new meeting's pages are new; the old meeting's page 1 was read.
    let p1: serde_json::Value =
        serde_json::from_str(&ok(&data, &["progress", &meeting1.to_string(), "--json"])).unwrap();
    assert_eq!(
        (p1["pages"].as_u64(), p1["read"].as_u64()),
        (Some(2), Some(1))
    );
    ok(&data, &["import", second.to_str().unwrap()]);
    ok(&data, &["import", first.to_str().unwrap()]);
    let out = ok(&data, &["progress", "Teknisk Udvalg/2024-04-08"]);
    assert!(out.contains("2 sider i alt, 0 læst, 0 nye"), "{out}");
}

#[test]
fn reading_progress_counts_new_pages_of_the_latest_sync() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = dir.path().join("marts");
    meeting(
        &first,
        "2024-03-04",
        &[&["Side et."], &["Side to."], &["Side tre."]],
    );
    ok(&data, &["import", first.to_str().unwrap()]);
    let second = dir.path().join("april");
    meeting(&second, "2024-04-08", &[&["Ny side et."], &["Ny side to."]]);
    ok(&data, &["import", second.to_str().unwrap()]);
    let p = |m: &str| -> serde_json::Value {
        serde_json::from_str(&ok(&data, &["progress", m, "--json"])).unwrap()
    };
    let march = p("Teknisk Udvalg/2024-03-04");
    let april = p("Teknisk Udvalg/2024-04-08");
    assert_eq!(
        (march["pages"].as_u64(), march["new"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(
        (april["pages"].as_u64(), april["new"].as_u64()),
        (Some(2), Some(2))
    );
    let attachment = april["attachments"][0]["attachment"].as_i64().unwrap();
    ok(&data, &["read", &attachment.to_string()]);
    let april = p("Teknisk Udvalg/2024-04-08");
    assert_eq!(april["read"].as_u64(), Some(2));
    let out = moedemappe(&data, &["read", &attachment.to_string(), "--page", "9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ingen side 9"));
}

#[test]
fn a_highlight_follows_an_attachment_the_portal_replaces_with_a_revised_version() {
    use fakeportal::data::{guid, PdfSource};
    use fakeportal::{FakePortal, Faults, PortalData};
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    moedemappe_core::demo::generate(
        &corpus,
        &moedemappe_core::demo::DemoOptions {
            scale: 0.02,
            seed: 7,
            today: None,
        },
    )
    .unwrap();
    let p = FakePortal::start(PortalData::from_corpus(&corpus).unwrap(), Faults::none()).unwrap();
    let data = dir.path().join("data");
    ok(
        &data,
        &[
            "source",
            "add",
            "portal",
            &p.base_url(),
            "--name",
            "Testportal",
        ],
    );
    ok(&data, &["sync", "--deadline", "20"]);
    // An open item with a case and a bilag, at the latest meeting of its case.
    let (body, date, case, title) = {
        let d = p.data();
        let mut found = None;
        for (b, m) in d.meetings() {
            for i in &m.items {
                if let (true, Some(case), Some(bilag)) = (i.open, &i.case_number, i.bilag.first()) {
                    let latest = d
                        .meetings()
                        .filter(|(_, m2)| {
                            m2.items
                                .iter()
                                .any(|x| x.case_number.as_ref() == Some(case))
                        })
                        .map(|(_, m2)| m2.date)
                        .max()
                        .unwrap();
                    if latest == m.date && found.is_none() {
                        found = Some((b.name.clone(), m.date, case.clone(), bilag.title.clone()));
                    }
                }
            }
        }
        found.expect("an open item with a bilag")
    };
    let attachment: i64 = db(&data)
        .query_row(
            "SELECT ia.attachment_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
               JOIN meetings m ON m.id = i.meeting_id
              WHERE i.case_number = ?1 AND m.date = ?2 AND ia.title = ?3",
            (&case, date.to_string(), &title),
            |r| r.get(0),
        )
        .unwrap();
    let quote = quote_from(&page_text(&data, attachment, 1));
    let id = json_lines(&ok(
        &data,
        &[
            "note",
            "add",
            "--attachment",
            &attachment.to_string(),
            "--page",
            "1",
            "--quote",
            &quote,
            "--body",
            "Følg op",
            "--json",
        ],
    ))
    .remove(0)["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The portal republishes the meeting with a revised version of the bilag:
    // same title, a new document id, the quoted words after a new preface.
    let revised = fakeportal::pdf::render(
        &title,
        &format!(
            "Revideret udgave efter høringen. Ændringer er markeret. {quote}. Resten er uændret."
        ),
    );
    {
        let mut d = p.data();
        let ids: Vec<String> = d
            .meetings()
            .filter(|(b, m)| b.name == body && m.date == date)
            .map(|(_, m)| m.id.clone())
            .collect();
        for mid in ids {
            let m = d.meeting_mut(&mid).unwrap();
            m.released += chrono::Duration::days(1);
            for item in &mut m.items {
                if item.case_number.as_ref() == Some(&case) {
                    for bilag in &mut item.bilag {
                        if bilag.title == title {
                            bilag.id = guid(&format!("revideret {}", bilag.id));
                            bilag.pdf = PdfSource::Bytes(std::sync::Arc::new(revised.clone()));
                        }
                    }
                }
            }
        }
    }
    ok(&data, &["sync", "--deadline", "20"]);
    let note = json_lines(&ok(&data, &["note", "list", "--case", &case, "--json"]))
        .into_iter()
        .find(|v| v["id"] == id.as_str())
        .unwrap();
    let new_attachment = note["attachment"].as_i64().unwrap();
    assert_ne!(
        new_attachment, attachment,
        "moved to the revised content: {note}"
    );
    assert_eq!(note["anchor_state"], "anchored", "{note}");
    let text = page_text(
        &data,
        new_attachment,
        note["anchor"]["page"].as_u64().unwrap() as u32,
    );
    assert!(text.contains("Revideret udgave"), "{text}");
    let exact = note["anchor"]["exact"].as_str().unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(squash(exact), squash(&quote), "{note}");
}
