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
            today: None,
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
fn a_scoped_sync_killed_or_paused_at_ten_points_ends_in_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), Faults::typical);
    // Old meetings outside the default scope, so the sync is a scoped one.
    add_old_meetings(&mut p.data());
    let (newest, newest_body) = p
        .data()
        .meetings()
        .map(|(b, m)| (m.date, b.name.clone()))
        .max()
        .unwrap();
    // Each store first holds the newest meeting day, follows its body and
    // keeps only that body's files (the default `--files followed`); then
    // the default scope is taken: that sync is the one killed.
    let prepare = |data: &Path| {
        add_source(data, &p);
        ok(
            data,
            &[
                "source",
                "edit",
                "Testportal",
                "--since",
                &newest.to_string(),
            ],
        );
        sync(data);
        ok(data, &["follow", &newest_body]);
        ok(data, &["source", "edit", "Testportal", "--default-since"]);
    };
    let whole = dir.path().join("whole");
    prepare(&whole);
    sync(&whole);
    let expected = status(&whole);

    let data = dir.path().join("killed");
    prepare(&data);
    let mut paused = 0;
    for n in 0..10u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(["sync", "--deadline", "20"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + n * 250));
        if n % 2 == 0 {
            let _ = child.kill();
            child.wait().unwrap();
        } else {
            // Ctrl-C: a pause, said in plain words.
            Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            let out = child.wait_with_output().unwrap();
            if out.status.code() == Some(130) {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(stderr.contains("sat på pause"), "{stderr}");
                paused += 1;
            }
        }
    }
    assert!(paused > 0, "no Ctrl-C reached a running sync");
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
    assert_eq!(
        got["sources"][0]["scope"]["counts"], expected["sources"][0]["scope"]["counts"],
        "the same scope counts"
    );
    // files/ holds the same files as after the uninterrupted sync: the
    // followed body's, and no stray, partial or unfollowed one.
    let files = |data: &Path| -> Vec<String> {
        let root = data.join("files");
        let mut names: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&root).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    };
    let stored = files(&data);
    assert_eq!(
        stored,
        files(&whole),
        "the same files, no stray or partial one"
    );
    let attachments = got["attachments"].as_u64().unwrap();
    assert!(
        !stored.is_empty() && (stored.len() as u64) < attachments,
        "{} files of {attachments} bilag",
        stored.len()
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

#[test]
fn a_lukket_referat_is_a_closed_meeting_the_open_scope_sees_no_trace_of() {
    const TEXT_WORD: &str = "grundkøbet";
    const NEW_BODY: &str = "Salgsudvalget";
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    // Two data directories synced from the same portal; then the portal
    // publishes closed minutes, and only `with` syncs again. Everything else
    // keeps its ids, so the open scope's answers must be identical.
    let with = dir.path().join("with");
    let without = dir.path().join("without");
    for data in [&with, &without] {
        add_source(data, &p);
        sync(data);
    }
    // Each makes two syncs (what is new since the previous sync is shown).
    sync(&without);
    let (body, same_day, last_day) = {
        let d = p.data();
        let (b, m) = d.meetings().next().unwrap();
        let last = d.meetings().map(|(_, m)| m.date).max().unwrap();
        (b.name.clone(), m.date, last)
    };
    let text = format!("Forhandling om {TEXT_WORD} ved havnen og prisen for arealet.");
    {
        let mut d = p.data();
        // Beside an open meeting of the same day, with an item the portal
        // marks open, and on a day of its own.
        d.add_closed_minutes(
            &body,
            same_day,
            &[
                ("Køb af areal", &text, true),
                ("Personalesag", &text, false),
            ],
        );
        d.add_closed_minutes(
            &body,
            last_day + chrono::Duration::days(3),
            &[("Salg af grund", &text, false)],
        );
        // A body the portal knows only from closed minutes.
        d.add_closed_minutes(
            NEW_BODY,
            last_day + chrono::Duration::days(5),
            &[("Salg af bygning", &text, true)],
        );
    }
    p.reset_counters();
    let out = sync(&with);
    assert_eq!(
        p.counters().pdf_file,
        0,
        "no closed bilag is fetched: {out}"
    );
    for data in [&with, &without] {
        ok(data, &["follow", &body]);
    }

    let (a, b) = (common::serve::serve(&with), common::serve::serve(&without));
    let (ta, tb) = (
        common::serve::open_token(&with),
        common::serve::open_token(&without),
    );

    // The member sees three closed meetings, marked closed, with closed items.
    let m = common::serve::member(&a);
    let all: serde_json::Value = m
        .get(format!("{}/api/meetings", a.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let closed: Vec<&serde_json::Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["closed"] == true)
        .collect();
    assert_eq!(closed.len(), 3, "{all:#}");
    assert!(closed.iter().any(|m| m["body"] == NEW_BODY));
    assert!(closed
        .iter()
        .all(|m| m["item_count"] == m["closed_items"] && m["publication"] == "minutes"));
    let beside = closed
        .iter()
        .find(|m| m["date"] == same_day.to_string().as_str())
        .expect("the closed minutes beside the open meeting");
    let view: serde_json::Value = m
        .get(format!("{}/api/meetings/{}", a.base, beside["id"]))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(view["items"].as_array().unwrap().len(), 2, "{view:#}");
    assert!(
        view["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["closed"] == true),
        "an item the portal marks open in closed minutes is stored closed: {view:#}"
    );
    let open_day = all
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["date"] == same_day.to_string().as_str() && m["closed"] == false)
        .expect("the open meeting of that day is still there");
    assert_eq!(open_day["closed_items"], 0, "{open_day}");
    let hits: serde_json::Value = m
        .get(format!("{}/api/search?q={TEXT_WORD}&group=false", a.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        hits["total"].as_u64().unwrap() >= 1,
        "the member finds it: {hits}"
    );

    // The open scope: the same answers as where the closed minutes were
    // never published. (An id of a closed meeting is unknown in both.)
    let encoded_body = body.replace(' ', "%20");
    let paths = [
        "/api/meetings".to_string(),
        format!("/api/meetings?body={encoded_body}"),
        format!("/api/meetings?body={NEW_BODY}"),
        format!("/api/meetings/{}", beside["id"]),
        format!("/api/notes?meeting={}", beside["id"]),
        format!("/api/search?q={TEXT_WORD}"),
        format!("/api/retrieve?q={TEXT_WORD}%20havnen"),
        format!("/api/search?q=havnen&body={NEW_BODY}"),
        "/api/stats".to_string(),
        "/api/stats?by=month".to_string(),
        format!("/api/stats?body={NEW_BODY}"),
        "/api/bodies".to_string(),
        "/api/agenda?from=2000-01-01&next=500".to_string(),
        "/api/agenda/recent?before=2100-01-01&last=500".to_string(),
    ];
    for path in &paths {
        let (sa, ja) = common::serve::get_json(&a, path, &ta);
        let (sb, jb) = common::serve::get_json(&b, path, &tb);
        assert_eq!((sa, &ja), (sb, &jb), "{path}");
    }
    let (_, sa) = common::serve::get_json(&a, "/api/status", &ta);
    let (_, sb) = common::serve::get_json(&b, "/api/status", &tb);
    for key in ["bodies", "meetings", "items", "attachments", "pages"] {
        assert_eq!(sa[key], sb[key], "status {key}: {sa:#}");
    }
    // And the meeting ids of the closed minutes answer as unknown ids do.
    let (code, body404) =
        common::serve::get_json(&a, &format!("/api/meetings/{}", beside["id"]), &ta);
    assert_eq!(code, 404, "{body404}");
}

/// Whether every stored file of a data directory is a PDF by its first bytes.
fn only_pdfs_stored(data: &Path) -> Vec<String> {
    walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let head: Vec<u8> = std::fs::read(e.path())
                .unwrap()
                .into_iter()
                .take(1024)
                .collect();
            !head.windows(5).any(|w| w == b"%PDF-")
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn bilag_behind_the_viewer_page_are_fetched_and_nothing_but_pdfs_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    // Every third bilag and case PDF is answered by the viewer page, each
    // signed URL expires on its first use, and two viewer pages point nowhere.
    let p = portal(dir.path(), |d| {
        let viewer_page = Faults::viewer_every(d, 3);
        Faults {
            viewer_nowhere: viewer_page.iter().take(2).cloned().collect(),
            viewer_page,
            signed_expires_first_use: true,
            ..Faults::none()
        }
    });
    assert!(p.faults().viewer_page.len() > 10);
    let data = dir.path().join("data");
    add_source(&data, &p);
    let out = sync(&data);
    assert_eq!(only_pdfs_stored(&data), Vec::<String>::new(), "{out}");
    let failures = status(&data)["sources"][0]["failures"].clone();
    let failures = failures.as_array().unwrap();
    assert_eq!(
        failures.len(),
        2,
        "only the two that point nowhere: {failures:#?}"
    );
    assert!(
        failures
            .iter()
            .all(|f| f["reason"].as_str().unwrap().contains("404")),
        "{failures:#?}"
    );

    // A later sync against a healthy portal completes them.
    *p.faults() = Faults::none();
    let out = sync(&data);
    let healed = status(&data);
    assert_eq!(
        healed["sources"][0]["failures"].as_array().unwrap().len(),
        0,
        "{out}"
    );
    assert_eq!(only_pdfs_stored(&data), Vec::<String>::new());

    // Every bilag is there: the same as a sync of a portal without quirks.
    let clean = dir.path().join("clean");
    add_source(&clean, &p);
    sync(&clean);
    let clean = status(&clean);
    for key in ["attachments", "pages", "items"] {
        assert_eq!(healed[key], clean[key], "{key}");
    }
}

#[test]
fn a_list_with_null_release_dates_and_bodies_in_several_groups_syncs_like_a_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults {
        released_null: true,
        listed_in_several_groups: true,
        ..Faults::none()
    });
    let quirky = dir.path().join("quirky");
    add_source(&quirky, &p);
    let out = sync(&quirky);
    *p.faults() = Faults::none();
    let plain = dir.path().join("plain");
    add_source(&plain, &p);
    sync(&plain);
    let (q, c) = (status(&quirky), status(&plain));
    assert_eq!(
        q["sources"][0]["failures"].as_array().unwrap().len(),
        0,
        "{out}"
    );
    for key in ["bodies", "meetings", "items", "attachments", "pages"] {
        assert_eq!(q[key], c[key], "{key}: {out}");
    }
    let stats = |data: &Path| ok(data, &["stats", "--by", "month", "--format", "json"]);
    assert_eq!(stats(&quirky), stats(&plain));
}

#[test]
fn a_portal_is_added_by_its_municipalitys_name_offline_and_a_typo_gets_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = ok(&data, &["source", "add", "portal", "aarhus"]);
    assert!(out.contains("Aarhus Kommune"), "{out}");
    let sources = ok(&data, &["source", "list", "--json"]);
    assert!(
        sources.contains("\"https://dagsordener.aarhus.dk\""),
        "{sources}"
    );
    let out = moedemappe(&data, &["source", "add", "portal", "aarhsu"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mente du Aarhus"), "{stderr}");
}

/// Publishes a copy of each body's first two meetings seven years earlier,
/// with new ids; returns how many entries were added.
fn add_old_meetings(d: &mut PortalData) -> usize {
    use fakeportal::guid;
    let shift = chrono::Duration::days(365 * 7);
    let mut added = 0;
    for b in &mut d.bodies {
        let old: Vec<_> = b
            .meetings
            .iter()
            .take(2)
            .map(|m| {
                let mut m = m.clone();
                let renew = |id: &mut String| *id = guid(&format!("gammel|{id}"));
                renew(&mut m.id);
                m.date -= shift;
                m.released -= shift;
                m.begin_utc = m.begin_utc.map(|t| t - shift);
                m.end_utc = m.end_utc.map(|t| t - shift);
                for it in &mut m.items {
                    renew(&mut it.id);
                    renew(&mut it.agenda_uid);
                    it.bilag.iter_mut().for_each(|b| renew(&mut b.id));
                    for f in &mut it.fields {
                        if let Some(doc) = &mut f.document {
                            renew(&mut doc.id);
                        }
                    }
                }
                m
            })
            .collect();
        added += old.len();
        b.meetings.extend(old);
    }
    added
}

#[test]
fn the_default_scope_skips_old_meetings_and_widening_it_fetches_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let recent = p.data().meetings().count();
    let old = add_old_meetings(&mut p.data());
    assert!(p.data().meetings().all(
        |(_, m)| m.date.to_string().as_str() >= "2021" || m.date.to_string().as_str() < "2019"
    ));
    let data = dir.path().join("data");
    let added = ok(
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
    assert!(
        added.contains("alle udvalg fra året før den nuværende valgperiode"),
        "{added}"
    );

    // The list's newest period is 2022-2025: from 2021-01-01, nothing older is asked for.
    p.reset_counters();
    sync(&data);
    assert_eq!(
        p.counters().agenda as usize,
        recent,
        "only the scope's agendas"
    );
    let scope = status(&data)["sources"][0]["scope"].clone();
    assert_eq!(scope["counts"]["listed"], (recent + old) as u64, "{scope}");
    assert_eq!(scope["counts"]["in_scope"], recent as u64, "{scope}");
    assert_eq!(scope["counts"]["stored"], recent as u64, "{scope}");
    assert_eq!(scope["counts"]["first_day"], "2021-01-01");
    let meetings = |data: &Path| status(data)["meetings"].as_u64().unwrap();
    let before = meetings(&data);
    let text = ok(&data, &["status"]);
    assert!(
        text.contains("hentet: ") && text.contains("mangler: 0"),
        "{text}"
    );

    // Widening to 2010 fetches the old entries and nothing else.
    ok(
        &data,
        &["source", "edit", "Testportal", "--since", "2010-01-01"],
    );
    p.reset_counters();
    sync(&data);
    assert_eq!(
        p.counters().agenda as usize,
        old,
        "only the new part of the scope"
    );
    assert!(meetings(&data) > before);
    let widened = meetings(&data);

    // Narrowing to one body deletes nothing and asks for no agenda.
    let body = p.data().bodies[0].name.clone();
    ok(&data, &["source", "edit", "Testportal", "--bodies", &body]);
    p.reset_counters();
    sync(&data);
    assert_eq!(p.counters().agenda, 0);
    assert_eq!(meetings(&data), widened, "nothing is deleted");
    let scope = status(&data)["sources"][0]["scope"].clone();
    let one_body = p.data().bodies[0].meetings.len() as u64;
    assert_eq!(scope["counts"]["in_scope"], one_body, "{scope}");
    assert_eq!(scope["bodies"][0], body.as_str());

    // A body the portal does not have is said, by name.
    ok(
        &data,
        &[
            "source",
            "edit",
            "Testportal",
            "--bodies",
            "Månebaseudvalget",
        ],
    );
    sync(&data);
    let failures = status(&data)["sources"][0]["failures"].clone();
    assert!(
        failures.to_string().contains("Månebaseudvalget"),
        "{failures}"
    );
}

#[test]
fn an_aarhus_size_portal_syncs_only_its_default_scope() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    p.data().widen_to_aarhus_size();
    let (listed, in_scope, days) = {
        let d = p.data();
        assert!(d.bodies.len() >= 70);
        let listed = d.meetings().count();
        assert!(listed >= 5000, "{listed}");
        let first = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        let scoped: Vec<_> = d.meetings().filter(|(_, m)| m.date >= first).collect();
        // Agenda and minutes of one body and day are one meeting.
        let days: BTreeSet<(String, chrono::NaiveDate)> = scoped
            .iter()
            .map(|(b, m)| (b.name.clone(), m.date))
            .collect();
        (listed, scoped.len(), days.len())
    };
    assert!(in_scope < listed / 4, "{in_scope} of {listed}");
    let data = dir.path().join("data");
    add_source(&data, &p);
    p.reset_counters();
    sync(&data);
    let c = p.counters();
    assert_eq!(
        c.agenda as usize, in_scope,
        "no agenda outside the scope: {c:?}"
    );
    let s = status(&data);
    let counts = &s["sources"][0]["scope"]["counts"];
    assert_eq!(counts["listed"], listed as u64);
    assert_eq!(counts["in_scope"], in_scope as u64);
    assert_eq!(counts["stored"], in_scope as u64);
    assert_eq!(s["meetings"], days as u64);

    // A resync with nothing new asks for the list only.
    p.reset_counters();
    sync(&data);
    let c = p.counters();
    assert_eq!((c.agenda, c.pdf_file, c.case_pdf), (0, 0, 0), "{c:?}");
    assert_eq!(c.list, 1, "{c:?}");
}

#[test]
fn the_member_sets_a_portals_scope_over_http_and_nobody_else_can() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(
        &data,
        &["source", "add", "portal", "aarhus", "--name", "Aarhus"],
    );
    let folder = dir.path().join("Indbakke");
    std::fs::create_dir_all(&folder).unwrap();
    ok(
        &data,
        &["source", "add", "folder", folder.to_str().unwrap()],
    );
    let server = common::serve::serve(&data);
    let m = common::serve::member(&server);
    let put = |client: &reqwest::blocking::Client, name: &str, body: &str| {
        let r = client
            .put(format!("{}/api/sources/{name}", server.base))
            .header("content-type", "application/json")
            .header("origin", &server.base)
            .body(body.to_string())
            .send()
            .unwrap();
        let code = r.status().as_u16();
        (code, r.json::<serde_json::Value>().unwrap_or_default())
    };
    let (code, source) = put(
        &m,
        "Aarhus",
        r#"{"bodies": ["TU", " "], "since": "2018-01-01"}"#,
    );
    assert_eq!(code, 200, "{source}");
    assert_eq!(source["scope"]["bodies"], serde_json::json!(["TU"]));
    assert_eq!(source["scope"]["since"], "2018-01-01");
    assert_eq!(source["scope"]["followed"], false);
    let listed = ok(&data, &["source", "list"]);
    assert!(listed.contains("henter TU fra 01.01.2018"), "{listed}");

    let (code, e) = put(&m, "Indbakke", r#"{"followed": true}"#);
    assert_eq!(code, 400, "a folder has no scope: {e}");
    assert!(e["message"].as_str().unwrap().contains("mappe"), "{e}");
    let (code, e) = put(&m, "Ingen", "{}");
    assert_eq!(code, 404, "{e}");
    let (code, e) = put(&m, "Aarhus", r#"{"since": "i går"}"#);
    assert_eq!(code, 400, "{e}");
    assert!(e["code"].is_string() && e["message"].is_string(), "{e}");

    // A token, even one with the closed scope, changes nothing.
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let r = reqwest::blocking::Client::new()
        .put(format!("{}/api/sources/Aarhus", server.base))
        .bearer_auth(token.trim())
        .json(&serde_json::json!({"bodies": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(ok(&data, &["source", "list"]).contains("henter TU"));
}

/// (attachment id, sha256, body) of every portal attachment of a data directory.
fn portal_files(data: &Path) -> Vec<(i64, String, String)> {
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT a.id, a.sha256, b.name FROM portal_documents pd
               JOIN attachments a ON a.id = pd.attachment_id
               JOIN item_attachments ia ON ia.attachment_id = a.id
               JOIN items i ON i.id = ia.item_id JOIN meetings m ON m.id = i.meeting_id
               JOIN bodies b ON b.id = m.body_id
              WHERE a.text_status = 'full' ORDER BY a.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn on_disk(data: &Path, sha: &str) -> bool {
    data.join("files")
        .join(&sha[..2])
        .join(format!("{sha}.pdf"))
        .is_file()
}

#[test]
fn unfollowed_bodies_are_kept_as_text_and_their_files_come_back_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let text_only = dir.path().join("text");
    let everything = dir.path().join("all");
    add_source(&text_only, &p);
    add_source(&everything, &p);
    ok(
        &everything,
        &["source", "edit", "Testportal", "--files", "all"],
    );
    sync(&text_only);
    sync(&everything);

    // Following nobody yet, only text is kept of the portal's files; search,
    // status and statistics see as much as with every file on disk.
    let files = portal_files(&text_only);
    assert!(files.len() > 10);
    assert!(files.iter().all(|(_, sha, _)| !on_disk(&text_only, sha)));
    assert!(files.iter().all(|(_, sha, _)| on_disk(&everything, sha)));
    let (a, b) = (status(&text_only), status(&everything));
    for key in ["attachments", "pages", "pages_with_text", "index_documents"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    let distinct: BTreeSet<i64> = files.iter().map(|(id, ..)| *id).collect();
    assert!(
        a["disk"]["text_only"].as_u64().unwrap() >= distinct.len() as u64,
        "{}",
        a["disk"]
    );
    assert!(a["disk"]["files"].as_u64().unwrap() < b["disk"]["files"].as_u64().unwrap());
    let stats = |d: &Path| ok(d, &["stats", "--format", "json"]);
    assert_eq!(stats(&text_only), stats(&everything));
    let hits = |d: &Path| ok(d, &["search", "budget", "--flat", "--json"]);
    assert_eq!(hits(&text_only), hits(&everything));

    // Following a body brings its files back at the next sync.
    let followed = files[0].2.clone();
    ok(&text_only, &["follow", &followed]);
    sync(&text_only);
    let mut bodies_of: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (_, sha, body) in portal_files(&text_only) {
        bodies_of.entry(sha).or_default().push(body);
    }
    for (sha, bodies) in &bodies_of {
        // A file one of whose items is the followed body's is on disk.
        assert_eq!(
            on_disk(&text_only, sha),
            bodies.contains(&followed),
            "{bodies:?}"
        );
    }

    // Opening a text-only bilag fetches its file and keeps it.
    let unfollowed: Vec<(i64, String)> = portal_files(&text_only)
        .into_iter()
        .filter(|(_, sha, _)| !on_disk(&text_only, sha))
        .map(|(id, sha, _)| (id, sha))
        .collect();
    assert!(unfollowed.len() >= 2);
    let server = common::serve::serve(&text_only);
    let m = common::serve::member(&server);
    let file = |id: i64| {
        m.get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap()
    };
    let r = file(unfollowed[0].0);
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().unwrap().starts_with(b"%PDF-"));
    assert!(on_disk(&text_only, &unfollowed[0].1));
    sync(&text_only);
    assert!(
        on_disk(&text_only, &unfollowed[0].1),
        "an opened file is kept"
    );

    // With the portal gone, a clear error and the stored text.
    drop(p);
    let r = file(unfollowed[1].0);
    assert_eq!(r.status().as_u16(), 503);
    let e: serde_json::Value = r.json().unwrap();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("kun gemt som tekst"),
        "{e}"
    );
    let pages = e["pages"].as_array().unwrap();
    assert!(
        !pages.is_empty() && pages.iter().any(|t| !t.as_str().unwrap().is_empty()),
        "{e}"
    );

    // A shared note on that bilag cannot travel without its file: the
    // export and its preview say so instead of leaving it out silently.
    let id = unfollowed[1].0;
    let (n, quote) = pages
        .iter()
        .enumerate()
        .find_map(|(n, t)| {
            let words: Vec<&str> = t.as_str().unwrap().split_whitespace().take(3).collect();
            (words.len() == 3).then(|| (n + 1, words.join(" ")))
        })
        .unwrap();
    ok(
        &text_only,
        &[
            "note",
            "add",
            "--attachment",
            &id.to_string(),
            "--page",
            &n.to_string(),
            "--quote",
            &quote,
            "--body",
            "Spørg til økonomien",
            "--shared",
        ],
    );
    let meeting: i64 = rusqlite::Connection::open(text_only.join("moedemappe.sqlite"))
        .unwrap()
        .query_row(
            "SELECT i.meeting_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
              WHERE ia.attachment_id = ?1 ORDER BY i.id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let bundle = dir.path().join("pakke.zip");
    ok(&text_only, &["me", "--name", "Anna Byrådsmedlem"]);
    let out = ok(
        &text_only,
        &[
            "share",
            "export",
            "--meeting",
            &meeting.to_string(),
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(out.contains("0 delte noter"), "{out}");
    assert!(out.contains("1 delte noter er ikke med"), "{out}");
    let preview: serde_json::Value = m
        .get(format!(
            "{}/api/share/preview?meeting={meeting}",
            server.base
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(preview["notes_without_file"], 1, "{preview:#}");
}

#[test]
fn a_first_run_lists_a_portals_bodies_before_any_agenda_and_fetches_the_followed_next_meetings_first(
) {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let today = chrono::Local::now().date_naive();
    p.data().move_to(today, 21);
    let data = dir.path().join("data");
    let server = common::serve::serve(&data);
    let m = common::serve::member(&server);
    let post = |client: &reqwest::blocking::Client, path: &str, body: serde_json::Value| {
        let r = client
            .post(format!("{}{path}", server.base))
            .header("origin", &server.base)
            .json(&body)
            .send()
            .unwrap();
        let code = r.status().as_u16();
        (code, r.json::<serde_json::Value>().unwrap_or_default())
    };
    let (code, _) = post(
        &m,
        "/api/sources",
        serde_json::json!({"kind": "portal", "location": p.base_url(), "name": "Testportal"}),
    );
    assert_eq!(code, 201);

    // The bodies come from the committee list alone: no agenda is asked for.
    p.reset_counters();
    let (code, bodies) = post(&m, "/api/sources/Testportal/bodies", serde_json::json!({}));
    assert_eq!(code, 200, "{bodies}");
    assert_eq!(p.counters().agenda, 0);
    let bodies = bodies.as_array().unwrap().clone();
    assert_eq!(bodies.len(), p.data().bodies.len(), "{bodies:#?}");
    assert!(bodies
        .iter()
        .all(|b| b["meetings"] == 0 && b["followed"] == false));
    // Only the member may ask.
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/sources/Testportal/bodies", server.base))
        .bearer_auth(token.trim())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A portal that cannot be reached says so in plain words.
    post(
        &m,
        "/api/sources",
        serde_json::json!({"kind": "portal", "location": "http://127.0.0.1:9", "name": "Nede"}),
    );
    let (code, e) = post(&m, "/api/sources/Nede/bodies", serde_json::json!({}));
    assert_eq!(code, 503, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("ingen forbindelse"),
        "{e}"
    );
    let r = m
        .delete(format!("{}/api/sources/Nede", server.base))
        .header("origin", &server.base)
        .send()
        .unwrap();
    assert!(r.status().is_success());

    // The followed body's meetings are fetched first: from today on, soonest
    // first, then its earlier ones, newest first; then everybody else's.
    let (next_body, _) = p
        .data()
        .meetings()
        .filter(|(_, m)| m.date >= today)
        .map(|(b, m)| (b.name.clone(), m.date))
        .min_by_key(|(_, d)| *d)
        .unwrap();
    let id = bodies
        .iter()
        .find(|b| b["name"] == next_body.as_str())
        .unwrap()["id"]
        .clone();
    let r = m
        .put(format!("{}/api/follow/{id}", server.base))
        .header("origin", &server.base)
        .send()
        .unwrap();
    assert!(r.status().is_success());
    drop(server);
    sync(&data);
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT b.name, m.date FROM meetings m JOIN bodies b ON b.id = m.body_id ORDER BY m.id",
        )
        .unwrap();
    let order: Vec<(String, chrono::NaiveDate)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let followed: Vec<chrono::NaiveDate> = order
        .iter()
        .take_while(|(b, _)| *b == next_body)
        .map(|(_, d)| *d)
        .collect();
    assert_eq!(
        followed.len(),
        order.iter().filter(|(b, _)| *b == next_body).count(),
        "the followed body's meetings come first: {order:?}"
    );
    let upcoming = followed.iter().take_while(|d| **d >= today).count();
    assert!(upcoming >= 1, "{followed:?}");
    assert!(
        followed[..upcoming].is_sorted(),
        "soonest first: {followed:?}"
    );
    assert!(
        followed[upcoming..].iter().all(|d| *d < today)
            && followed[upcoming..].is_sorted_by(|a, b| a >= b),
        "then the earlier ones, newest first: {followed:?}"
    );
}
