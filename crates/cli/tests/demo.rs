//! End-to-end on the generated demo corpus: `demo`, then Danish search through
//! the real binary, checked against the stored page texts.

mod common;

use common::{json_lines, ok};
use moedemappe_core::api::{Mappe, Scope};
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
        &moedemappe_core::demo::DemoOptions {
            // `demo` adds meetings around today.
            today: Some(moedemappe_core::clock::today()),
            ..moedemappe_core::demo::DemoOptions::default()
        },
    )
    .unwrap();
    let status = mappe.session(Scope::Member).status().unwrap();
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
                .session(Scope::Member)
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

    // Each treatment of a case carries the decision its item's text states.
    let case = hits
        .iter()
        .find_map(|h| h["case_number"].as_str())
        .expect("a hit with a case");
    let history: serde_json::Value =
        serde_json::from_str(&ok(&data, &["case", case, "--json"])).unwrap();
    let treatments = history["treatments"].as_array().unwrap();
    assert!(!treatments.is_empty());
    for t in treatments {
        let decision = t["decision"]
            .as_str()
            .unwrap_or_else(|| panic!("no decision: {t:#}"));
        assert!(
            decision.ends_with('.') && !decision.contains("Beslutning"),
            "{decision}"
        );
    }
}

#[test]
fn search_filters_sorts_groups_and_finds_similar_cases() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let search = |args: &[&str]| {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        json_lines(&ok(&data, &all))
    };
    let date = |h: &serde_json::Value| h["meeting_date"].as_str().map(str::to_string);

    // Date range, inclusive.
    let hits = search(&[
        "lokalplan",
        "--from",
        "2024-01-01",
        "--to",
        "2024-06-30",
        "--flat",
        "--json",
        "--limit",
        "50",
    ]);
    assert!(!hits.is_empty());
    for h in &hits {
        let d = date(h).expect("meeting material only");
        assert!(("2024-01-01".."2024-07-01").contains(&d.as_str()), "{d}");
    }
    // Newest first.
    let dates: Vec<String> = search(&[
        "lokalplan",
        "--sort",
        "nyeste",
        "--flat",
        "--json",
        "--limit",
        "40",
    ])
    .iter()
    .filter_map(date)
    .collect();
    assert!(dates.len() > 10);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // Closed only, briefings only.
    let closed = search(&["Aarhus", "--access", "lukket", "--flat", "--json"]);
    assert!(!closed.is_empty());
    assert!(closed.iter().all(|h| h["access"] == "closed"));
    let briefings = search(&["Aarhus", "--kind", "orientering", "--flat", "--json"]);
    assert!(!briefings.is_empty());
    assert!(briefings.iter().all(|h| h["item_kind"] == "briefing"));

    // Grouped by default: at most three pages per group, one attachment each;
    // the facet line names bodies and counts every match.
    let lines = search(&["lokalplan", "--json", "--facets", "--limit", "5"]);
    let summary = &lines[0];
    let total = summary["total"].as_u64().unwrap();
    let bodies = summary["facets"]["bodies"].as_array().unwrap();
    assert!(bodies
        .iter()
        .all(|b| !b["body"].as_str().unwrap().is_empty()));
    let by_body: u64 = bodies.iter().map(|b| b["count"].as_u64().unwrap()).sum();
    let by_kind: u64 = summary["facets"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_kind, total);
    assert!(by_body <= total); // handbook pages have no body
    let hits = &lines[1..];
    let groups: std::collections::BTreeSet<u64> =
        hits.iter().map(|h| h["group"].as_u64().unwrap()).collect();
    assert_eq!(groups.len(), 5);
    for g in &groups {
        let members: Vec<_> = hits.iter().filter(|h| h["group"] == *g).collect();
        assert!(members.len() <= 3);
        assert!(members
            .iter()
            .all(|h| h["attachment_id"] == members[0]["attachment_id"]
                && h["item_number"] == members[0]["item_number"]));
    }

    // Output piped into a program that stops reading (`| head -1`): the
    // command stops quietly, as a program the pipe closed (141), no panic.
    {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(["search", "Aarhus", "--flat", "--limit", "1000"])
            .env_remove("MOEDEMAPPE_DATA")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        // The reader, and with it our end of the pipe, is dropped at once.
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!first.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(out.status.code(), Some(141), "{err}");
    }

    // Inside one bilag: its pages one by one, and nothing else.
    let bilag = hits
        .iter()
        .find_map(|h| h["attachment_id"].as_i64())
        .unwrap()
        .to_string();
    let inside = search(&["lokalplan", "--attachment", &bilag, "--json"]);
    assert!(!inside.is_empty());
    assert!(inside
        .iter()
        .all(|h| h["attachment_id"].as_i64().unwrap().to_string() == bilag));

    // One case only, then material like it from other cases.
    let case = hits
        .iter()
        .find_map(|h| h["case_number"].as_str())
        .unwrap()
        .to_string();
    let of_case = search(&["lokalplan", "--case", &case, "--flat", "--json"]);
    assert!(!of_case.is_empty());
    assert!(of_case.iter().all(|h| h["case_number"] == case.as_str()));
    let like = search(&["--like", &case, "--flat", "--json"]);
    assert!(!like.is_empty());
    assert!(like.iter().all(|h| h["case_number"] != case.as_str()));

    // A typo finds the word, and the text output says so.
    let typo = ok(&data, &["search", "arbejdsbelastnig"]);
    assert!(typo.contains("næsten ens"), "{typo}");
    assert!(typo.to_lowercase().contains("arbejdsbelastning"), "{typo}");
}

/// The README's first command, `demo --open`, with the browser it opens
/// replaced by a headless check (`$BROWSER`): headless chromium follows the
/// login link to the UI built into the binary and keeps the rendered page.
#[test]
fn demo_open_serves_the_built_in_ui_and_a_browser_renders_it() {
    let chromium = std::env::var_os("CHROMIUM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    assert!(
        chromium.is_file(),
        "chromium ({}): apt-get install -y chromium",
        chromium.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let dom = dir.path().join("dom.html");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\n\"{chromium}\" --headless --no-sandbox --disable-gpu --user-data-dir=\"{profile}\" \
             --virtual-time-budget=20000 --dump-dom \"$1\" > \"{dom}.part\" 2> \"{dom}.log\"\n\
             mv \"{dom}.part\" \"{dom}\"\n",
            chromium = chromium.display(),
            profile = dir.path().join("profile").display(),
            dom = dom.display(),
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut app = std::process::Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(&data)
        .args(["demo", "--scale", "0.01", "--open", "--port", "0"])
        .env("BROWSER", &browser)
        .env_remove("MOEDEMAPPE_UI_DIR")
        .env_remove("MOEDEMAPPE_DATA")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !dom.is_file() && started.elapsed() < std::time::Duration::from_secs(180) {
        if let Ok(Some(status)) = app.try_wait() {
            panic!("demo --open stopped: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = app.kill();
    let _ = app.wait();
    let page = std::fs::read_to_string(&dom).unwrap_or_else(|_| {
        let log = std::fs::read_to_string(dom.with_extension("html.log")).unwrap_or_default();
        panic!("the browser rendered nothing in 180 s: {log}")
    });
    // Rendered by the UI's script from the API's answers, not in index.html:
    // the first-run welcome with the demo's bodies to choose from.
    assert!(page.contains("Velkommen til Mødemappe"), "{page}");
    let mappe = Mappe::open(&data).unwrap();
    let bodies = mappe.session(Scope::Member).bodies_to_follow().unwrap();
    assert!(!bodies.is_empty());
    for b in &bodies {
        assert!(
            page.contains(&b.name),
            "{} is not on the page: {page}",
            b.name
        );
    }
}
