//! End-to-end: following bodies, and the reading load of the meetings ahead —
//! pages in total, new, read, and the time left at the member's pace.

mod common;

use common::{json_lines, moedemappe, ok};

#[test]
fn the_agenda_shows_the_reading_load_of_followed_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    // Nothing followed yet: said so, no meetings.
    assert!(ok(&data, &["agenda", "--from", "2024-01-01"]).contains("følger ingen"));
    assert!(ok(&data, &["follow", "TU"]).contains("Teknisk Udvalg"));

    let agenda_of = |next: &str, extra: &[&str]| {
        let mut args = vec!["agenda", "--from", "2024-01-01", "--next", next, "--json"];
        args.extend_from_slice(extra);
        json_lines(&ok(&data, &args))
    };
    let agenda = |extra: &[&str]| agenda_of("3", extra);
    let first = agenda(&[]);
    assert_eq!(first.len(), 3);
    let dates: Vec<&str> = first.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(dates[0] >= "2024-01-01");
    assert!(first.iter().all(|e| e["body"] == "Teknisk Udvalg"));

    // The pages are the meeting's, as `progress` counts them; after one
    // import everything is new and nothing read.
    let entry = first
        .iter()
        .find(|e| e["pages"].as_u64().unwrap() > 2)
        .unwrap();
    let meeting = entry["meeting_id"].to_string();
    let progress: serde_json::Value =
        serde_json::from_str(&ok(&data, &["progress", &meeting, "--json"])).unwrap();
    assert_eq!(entry["pages"], progress["pages"]);
    assert_eq!(entry["new"], entry["pages"]);
    assert_eq!(entry["read"], 0);
    let pages = entry["pages"].as_u64().unwrap();
    assert_eq!(
        entry["minutes"].as_u64().unwrap(),
        (pages * 60).div_ceil(40)
    );

    // Reading two pages and setting a pace change the time left.
    let attachment = progress["attachments"][0]["attachment"].to_string();
    ok(&data, &["read", &attachment, "--page", "1", "--page", "2"]);
    let after = agenda(&["--pace", "30"]);
    let same = after
        .iter()
        .find(|e| e["meeting_id"] == entry["meeting_id"])
        .unwrap();
    assert_eq!(same["read"], 2);
    assert_eq!(same["to_read"].as_u64().unwrap(), pages - 2);
    assert_eq!(same["pages_per_hour"], 30);
    assert_eq!(
        same["minutes"].as_u64().unwrap(),
        ((pages - 2) * 60).div_ceil(30)
    );
    // The pace is kept.
    assert_eq!(agenda(&[])[0]["pages_per_hour"], 30);
    assert!(!moedemappe(&data, &["agenda", "--pace", "0"])
        .status
        .success());

    // A second body joins in date order; unfollowing removes it again.
    ok(&data, &["follow", "BUU"]);
    let both = agenda_of("10", &[]);
    assert!(both.iter().any(|e| e["body"] != "Teknisk Udvalg"));
    ok(&data, &["unfollow", "TU"]);
    assert!(agenda(&[]).iter().all(|e| e["body"] != "Teknisk Udvalg"));
    assert!(!moedemappe(&data, &["unfollow", "TU"]).status.success());
    let text = ok(&data, &["agenda", "--from", "2024-01-01", "--next", "1"]);
    assert!(text.contains("sider i timen"), "{text}");
}

/// The demo is made for the day it runs (pinned here): a followed body has
/// meetings ahead, with their agendas' pages to read.
#[test]
fn after_the_demo_a_followed_body_has_meetings_ahead_of_today() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("MOEDEMAPPE_TODAY", "2026-12-06")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["demo"]);
    run(&["follow", "TU"]);
    let ahead = json_lines(&run(&["agenda", "--json"]));
    assert!(!ahead.is_empty());
    for e in &ahead {
        assert_eq!(e["body"], "Teknisk Udvalg");
        assert!(e["date"].as_str().unwrap() >= "2026-12-06", "{e}");
    }
    assert!(ahead[0]["pages"].as_u64().unwrap() > 0, "{}", ahead[0]);

    // The archive: every TU meeting of 2024, newest first, and the day's.
    let archive = json_lines(&run(&[
        "meetings", "--body", "TU", "--year", "2024", "--json",
    ]));
    assert!(archive.len() > 1);
    let dates: Vec<&str> = archive
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(dates.iter().all(|d| d.starts_with("2024-")), "{dates:?}");
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    assert!(archive.iter().all(|e| e["body"] == "Teknisk Udvalg"));
    let all = json_lines(&run(&["meetings", "--body", "TU", "--json"]));
    assert!(all
        .iter()
        .any(|e| e["meeting_id"] == ahead[0]["meeting_id"]));
    assert!(run(&["meetings", "--body", "TU", "--year", "2024"]).contains(" møder, "));
}
