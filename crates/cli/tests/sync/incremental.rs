//! A sync from empty, a second sync that downloads nothing, withdrawn
//! meetings and minutes, a case across meetings, a sync killed or paused
//! and resumed, and no network.

use super::*;

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
