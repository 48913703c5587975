//! End-to-end: `moedemappe sync` against a local fake of the FirstAgenda portal
//! (real HTTP on 127.0.0.1, built from the demo corpus, with its quirks).

mod common;

use common::{moedemappe, ok};
use fakeportal::{FakePortal, Faults, PortalData, RunningPortal};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small demo corpus turned into a running portal.
fn portal(dir: &Path, faults: impl FnOnce(&PortalData) -> Faults) -> RunningPortal {
    let corpus = dir.join("corpus");
    moedemappe_core::demo::generate(
        &corpus,
        &moedemappe_core::demo::DemoOptions {
            scale: 0.02,
            seed: 7,
        },
    )
    .unwrap();
    let data = PortalData::from_corpus(&corpus).unwrap();
    let faults = faults(&data);
    FakePortal::start(data, faults).unwrap()
}

fn status(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["status", "--json"])).unwrap()
}

/// (body, date, item number) of every item the portal publishes, leaving out
/// publications whose JSON is broken.
fn published_items(p: &RunningPortal) -> BTreeSet<(String, String, u32)> {
    let malformed = p.faults().malformed_meetings.clone();
    p.data()
        .meetings()
        .filter(|(_, m)| !malformed.contains(&m.id))
        .flat_map(|(b, m)| {
            m.items
                .iter()
                .map(move |i| (b.name.clone(), m.date.to_string(), i.number))
        })
        .collect()
}

fn add_source(data: &Path, p: &RunningPortal) {
    ok(
        data,
        &[
            "source",
            "add",
            "portal",
            &p.base_url(),
            "--name",
            "Testportal",
        ],
    );
}

fn sync(data: &Path) -> String {
    ok(data, &["sync", "--deadline", "20"])
}

#[test]
fn a_sync_from_empty_gets_everything_and_a_second_downloads_no_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), Faults::typical);
    let data = dir.path().join("data");
    add_source(&data, &p);
    let out = sync(&data);
    assert!(out.contains("«Testportal»"), "{out}");
    let first = p.counters();
    assert!(first.pdf_file > 10, "{first:?}");

    let s = status(&data);
    assert_eq!(
        s["items"].as_u64().unwrap() as usize,
        published_items(&p).len()
    );
    let source = &s["sources"][0];
    assert!(source["last_success_at"].is_string(), "{source}");
    let failures = source["failures"].as_array().unwrap();
    assert!(
        failures
            .iter()
            .any(|f| f["reason"].as_str().unwrap().contains("404")),
        "{failures:#?}"
    );
    assert!(
        failures
            .iter()
            .any(|f| f["reason"].as_str().unwrap().contains("ugyldige data")),
        "{failures:#?}"
    );
    // Scripts in item HTML are dropped, never stored.
    let hits = ok(&data, &["search", "alert", "--json"]);
    assert!(hits.trim().is_empty(), "{hits}");

    p.reset_counters();
    sync(&data);
    let second = p.counters();
    assert_eq!(second.pdf_file, 0, "{second:?}");
    assert_eq!(second.case_pdf, 0, "{second:?}");
    assert_eq!(second.list, 1, "{second:?}");
    // Only the meetings that were not complete are asked for again.
    assert!(second.agenda <= 2, "{second:?}");
    let again = status(&data);
    assert_eq!(again["items"], s["items"]);
    assert_eq!(again["attachments"], s["attachments"]);
}

#[test]
fn withdrawn_meetings_are_kept_and_marked_and_minutes_keep_item_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let data = dir.path().join("data");
    add_source(&data, &p);
    sync(&data);

    // A case of a meeting published as agenda and minutes (two entries).
    let (case, body, date) = {
        let d = p.data();
        let mut found = None;
        for (b, m) in d.meetings() {
            let pair = d
                .meetings()
                .filter(|(b2, m2)| b2.name == b.name && m2.date == m.date)
                .count()
                > 1;
            if let (true, Some(item)) = (
                pair,
                m.items
                    .iter()
                    .find(|i| i.open && i.case_number.is_some() && !i.bilag.is_empty()),
            ) {
                found = Some((item.case_number.clone().unwrap(), b.name.clone(), m.date));
                break;
            }
        }
        found.expect("a meeting with agenda and minutes")
    };
    let history: serde_json::Value =
        serde_json::from_str(&ok(&data, &["case", &case, "--json"])).unwrap();
    let at_meeting: Vec<_> = history["treatments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["body"] == body.as_str() && t["date"] == date.to_string().as_str())
        .collect();
    assert_eq!(
        at_meeting.len(),
        1,
        "agenda and minutes are one item: {history:#}"
    );
    assert!(
        at_meeting[0]["decision"].is_string(),
        "the minutes' decision is there: {history:#}"
    );
    let item_id = at_meeting[0]["item"].clone();

    // The portal drops every publication of that meeting.
    {
        let mut d = p.data();
        let ids: Vec<String> = d
            .meetings()
            .filter(|(b, m)| b.name == body && m.date == date)
            .map(|(_, m)| m.id.clone())
            .collect();
        for id in ids {
            d.remove_meeting(&id);
        }
    }
    sync(&data);
    let history: serde_json::Value =
        serde_json::from_str(&ok(&data, &["case", &case, "--json"])).unwrap();
    let kept = history["treatments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["item"] == item_id)
        .unwrap_or_else(|| panic!("the withdrawn treatment is gone: {history:#}"));
    assert_eq!(kept["withdrawn"], true);
}

#[test]
fn a_case_postponed_and_later_referred_shows_every_treatment() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    // Find a case postponed at one meeting and treated at a later one; the
    // later treatment becomes a referral from the Byråd.
    let case = {
        let mut d = p.data();
        let postponed: Vec<String> = d
            .meetings()
            .flat_map(|(_, m)| m.items.iter())
            .filter(|i| {
                i.fields.iter().any(|f| {
                    f.name == "Beslutning" && f.html.as_deref().is_some_and(|h| h.contains("udsat"))
                })
            })
            .filter_map(|i| i.case_number.clone())
            .collect();
        let case = postponed.first().expect("a postponed case").clone();
        let mut dates: Vec<_> = d
            .meetings()
            .filter(|(_, m)| {
                m.items
                    .iter()
                    .any(|i| i.case_number.as_deref() == Some(&case))
            })
            .map(|(_, m)| (m.date, m.id.clone()))
            .collect();
        dates.sort();
        let (_, last) = dates.last().unwrap().clone();
        let m = d.meeting_mut(&last).unwrap();
        let item = m
            .items
            .iter_mut()
            .find(|i| i.case_number.as_deref() == Some(&case))
            .unwrap();
        let resume = item.fields.iter_mut().find(|f| f.name == "Resume").unwrap();
        resume.html = Some(format!(
            "<p>Sagen er henvist fra Byrådet.</p>{}",
            resume.html.clone().unwrap_or_default()
        ));
        case
    };
    let data = dir.path().join("data");
    add_source(&data, &p);
    sync(&data);
    let text = ok(&data, &["case", &case]);
    assert!(text.contains("[udsat"), "{text}");
    assert!(text.contains("henvist"), "{text}");
    let history: serde_json::Value =
        serde_json::from_str(&ok(&data, &["case", &case, "--json"])).unwrap();
    let treatments = history["treatments"].as_array().unwrap();
    assert!(treatments.len() >= 2, "{history:#}");
    let dates: Vec<&str> = treatments
        .iter()
        .filter_map(|t| t["date"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");
}

#[test]
fn killing_sync_at_ten_points_ends_in_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), Faults::typical);
    let whole = dir.path().join("whole");
    add_source(&whole, &p);
    sync(&whole);
    let expected = status(&whole);

    let data = dir.path().join("killed");
    add_source(&data, &p);
    for n in 0..10u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(["sync", "--deadline", "20"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + n * 250));
        let _ = child.kill();
        child.wait().unwrap();
    }
    sync(&data);
    let got = status(&data);
    for key in [
        "bodies",
        "meetings",
        "items",
        "attachments",
        "pages",
        "pages_with_text",
        "pending_text",
        "index_documents",
    ] {
        assert_eq!(got[key], expected[key], "{key}: {got:#} vs {expected:#}");
    }
    let stored = walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert_eq!(
        stored as u64,
        got["attachments"].as_u64().unwrap(),
        "no stray or duplicate files"
    );
}

#[test]
fn without_network_sync_says_so_in_one_line_and_the_store_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Noter");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("note.pdf"),
        common::pdf(&[common::Page::text(&["Budget for skoleområdet"])], None),
    )
    .unwrap();
    ok(&data, &["import", folder.to_str().unwrap()]);
    // Nothing listens on port 9 of 127.0.0.1.
    ok(&data, &["source", "add", "portal", "http://127.0.0.1:9"]);
    let out = moedemappe(&data, &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.trim().lines().last().unwrap_or("");
    assert!(last.contains("ingen forbindelse"), "{stderr}");
    assert!(!ok(&data, &["search", "skoleområdet", "--json"])
        .trim()
        .is_empty());
    let s = status(&data);
    assert!(s["sources"][0]["last_error"]
        .as_str()
        .unwrap()
        .contains("ingen forbindelse"));
}

/// What `attach rm` must bring back: every attachment row, page, item link
/// and stored file.
fn store_snapshot(data: &Path) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let db = [
        rows("SELECT sha256 || ' ' || coalesce(page_count, -1) FROM attachments ORDER BY id"),
        rows("SELECT attachment_id || ':' || page || ' ' || length(text) FROM pages ORDER BY 1"),
        rows("SELECT item_id || ' ' || ord || ' ' || attachment_id || ' ' || title FROM item_attachments ORDER BY 1"),
    ]
    .concat();
    let mut files: Vec<String> = walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    (db, files)
}

#[test]
fn a_received_closed_bilag_attached_to_an_item_stays_through_reindex_and_resync() {
    const WORD: &str = "kobberhanerne";
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let data = dir.path().join("data");
    add_source(&data, &p);
    sync(&data);
    let (item, body, date): (i64, String, String) =
        rusqlite::Connection::open(data.join("moedemappe.sqlite"))
            .unwrap()
            .query_row(
                "SELECT i.id, b.name, m.date FROM items i JOIN meetings m ON m.id = i.meeting_id
           JOIN bodies b ON b.id = m.body_id
          WHERE i.closed = 0 AND i.kind = 'regular'
            AND EXISTS (SELECT 1 FROM item_attachments WHERE item_id = i.id)
          ORDER BY i.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
    let before = store_snapshot(&data);
    let received = dir.path().join("Tilbud fra entreprenør.pdf");
    std::fs::write(
        &received,
        common::pdf(
            &[
                common::Page::text(&["Tilbud pa arbejdet."]),
                common::Page::text(&["Prisen omfatter kobberhanerne ved broen."]),
            ],
            None,
        ),
    )
    .unwrap();
    let item_s = item.to_string();
    let attach = |extra: &[&str]| {
        let mut args = vec!["attach", received.to_str().unwrap(), "--item", &item_s];
        args.extend_from_slice(extra);
        ok(&data, &args)
    };
    let out = attach(&["--closed"]);
    assert!(
        out.contains("vedhæftet") && out.contains("lukket bilag"),
        "{out}"
    );
    let found = |data: &Path| -> Vec<serde_json::Value> {
        common::json_lines(&ok(data, &["search", WORD, "--flat", "--json"]))
    };
    let hits = found(&data);
    assert_eq!(hits.len(), 1, "found by the member at once: {hits:?}");
    assert_eq!(hits[0]["page"], 2);
    assert_eq!(hits[0]["attachment_title"], "Tilbud fra entreprenør");
    assert_eq!(hits[0]["access"], "closed");
    let attachment = hits[0]["attachment_id"].as_i64().unwrap();

    // Never in the open scope: not found, not on the item.
    {
        let server = common::serve::serve(&data);
        let token = std::fs::read_to_string(data.join("api-token")).unwrap();
        let client = reqwest::blocking::Client::new();
        let get = |path: &str| -> serde_json::Value {
            client
                .get(format!("{}{path}", server.base))
                .bearer_auth(token.trim())
                .send()
                .unwrap()
                .json()
                .unwrap()
        };
        assert_eq!(get(&format!("/api/search?q={WORD}"))["total"], 0);
        let on_item = get(&format!("/api/items/{item}"));
        assert!(
            on_item["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["id"] != attachment),
            "{on_item}"
        );
    }

    // The same file again stores nothing twice.
    let again = store_snapshot(&data);
    let out = attach(&["--closed"]);
    assert!(out.contains("allerede"), "{out}");
    assert_eq!(store_snapshot(&data), again);

    // Through a rebuilt index and a new publication of its meeting.
    ok(&data, &["reindex"]);
    assert_eq!(found(&data).len(), 1, "after reindex");
    {
        let mut d = p.data();
        for b in d.bodies.iter_mut().filter(|b| b.name == body) {
            for m in b.meetings.iter_mut().filter(|m| m.date.to_string() == date) {
                m.released += chrono::Duration::hours(1);
            }
        }
    }
    let out = sync(&data);
    assert!(
        !out.contains(" 0 hentet"),
        "the meeting was stored again: {out}"
    );
    assert_eq!(found(&data).len(), 1, "after a resync: {out}");
    let listed: i64 = rusqlite::Connection::open(data.join("moedemappe.sqlite"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM item_attachments WHERE item_id = ?1 AND attachment_id = ?2",
            [item, attachment],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(listed, 1, "kept once by the resync");

    // Removing it leaves the store as it was before.
    let out = ok(
        &data,
        &[
            "attach",
            "rm",
            "--item",
            &item_s,
            "--attachment",
            &attachment.to_string(),
        ],
    );
    assert!(out.contains("fjernet"), "{out}");
    assert_eq!(store_snapshot(&data), before);
    assert!(found(&data).is_empty());
    // What the source lists cannot be removed that way.
    let source_bilag = before
        .0
        .iter()
        .find(|r| r.starts_with(&format!("{item} ")))
        .unwrap();
    let source_id = source_bilag.split(' ').nth(2).unwrap();
    let out = moedemappe(
        &data,
        &["attach", "rm", "--item", &item_s, "--attachment", source_id],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("selv har tilføjet"));

    // Not a PDF: refused, nothing stored.
    let text = dir.path().join("notat.pdf");
    std::fs::write(&text, "bare tekst").unwrap();
    let out = moedemappe(
        &data,
        &["attach", text.to_str().unwrap(), "--item", &item_s],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ikke en PDF"));
    assert_eq!(store_snapshot(&data), before);
}
