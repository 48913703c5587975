//! End-to-end: saved searches through the real binary on the demo data: a
//! folder-format meeting imported after `alert add` is new for it, exactly
//! its matching item, and `alerts seen` clears it.

mod common;

use common::{moedemappe, ok, pdf, Page};
use std::fs;
use std::path::Path;

fn alerts(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["alerts", "--json"])).unwrap()
}

/// A meeting in the folder format: one item about the bathing zone at
/// Bassinkajen, one about street lights, and a closed one about the quay.
fn meeting(root: &Path) {
    let day = root.join("Teknisk Udvalg").join("2031-02-12");
    for (item, lines) in [
        (
            "01 Badezone ved Bassinkajen",
            vec![
                "Notat om en ny badezone",
                "Forvaltningen foreslår en badezone ved Bassinkajen med trapper.",
            ],
        ),
        (
            "02 Vejbelysning i Hasle",
            vec!["Notat om vejbelysning", "Nye lygtepæle langs vejen."],
        ),
        (
            "03 Køb af grund ved Bassinkajen",
            vec!["Fortroligt notat", "Prisen for grunden ved Bassinkajen."],
        ),
    ] {
        fs::create_dir_all(day.join(item)).unwrap();
        let pages: Vec<Page> = vec![Page::text(&lines)];
        fs::write(day.join(item).join("Notat.pdf"), pdf(&pages, None)).unwrap();
    }
    fs::write(
        day.join("meeting.json"),
        r#"{"schema":1,"items":[{"number":3,"access":"closed"}]}"#,
    )
    .unwrap();
}

#[test]
fn a_folder_meeting_imported_after_alert_add_is_new_for_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    let out = ok(&data, &["alert", "add", "Bassinkajen", "--name", "Bassin"]);
    assert!(out.contains("«Bassin» er gemt"), "{out}");
    ok(&data, &["alert", "add", "lygtepæle", "--body", "TU"]);
    let dup = moedemappe(&data, &["alert", "add", "Bassinkajen", "--name", "Bassin"]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("allerede en søgeagent"));
    let list: serde_json::Value =
        serde_json::from_str(&ok(&data, &["alert", "list", "--json"])).unwrap();
    assert_eq!(list[0]["name"], "Bassin");
    assert_eq!(list[1]["query"]["body"], "TU");
    // Nothing in the demo is about Bassinkajen.
    assert_eq!(alerts(&data)["total"], 0);

    let folder = dir.path().join("Møder");
    meeting(&folder);
    ok(&data, &["import", folder.to_str().unwrap()]);
    let a = alerts(&data);
    let bassin = &a["searches"][0];
    assert_eq!(bassin["search"]["name"], "Bassin");
    let found: Vec<(String, Option<String>, serde_json::Value)> = bassin["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["item_title"].as_str().unwrap().to_string(),
                m["attachment_title"].as_str().map(String::from),
                m["pages"].clone(),
            )
        })
        .collect();
    // The member sees the closed item too; its place is cited like the open one's.
    assert!(
        found.contains(&(
            "Badezone ved Bassinkajen".into(),
            None,
            serde_json::json!([])
        )),
        "{a:#}"
    );
    assert!(found.contains(&(
        "Badezone ved Bassinkajen".into(),
        Some("Notat".into()),
        serde_json::json!([1])
    )));
    assert!(found
        .iter()
        .any(|(t, ..)| t == "Køb af grund ved Bassinkajen"));
    assert!(found.iter().all(|(t, ..)| t != "Vejbelysning i Hasle"));
    for m in bassin["matches"].as_array().unwrap() {
        assert_eq!(m["body"], "Teknisk Udvalg");
        assert_eq!(m["date"], "2031-02-12");
    }
    // The body filter: only the street lights of Teknisk Udvalg.
    let lights = &a["searches"][1]["matches"];
    assert!(lights
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["item_title"] == "Vejbelysning i Hasle"));
    assert!(!lights.as_array().unwrap().is_empty(), "{a:#}");

    let human = ok(&data, &["alerts"]);
    assert!(
        human.contains("Teknisk Udvalg 12. februar 2031 · punkt 1 «Badezone ved Bassinkajen»"),
        "{human}"
    );
    // Importing again brings nothing new; seen clears it.
    ok(&data, &["import", folder.to_str().unwrap()]);
    assert_eq!(alerts(&data), a);
    ok(&data, &["alerts", "seen", "Bassin"]);
    let after = alerts(&data);
    assert!(after["searches"][0]["matches"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!after["searches"][1]["matches"]
        .as_array()
        .unwrap()
        .is_empty());
    ok(&data, &["alerts", "seen"]);
    assert_eq!(alerts(&data)["total"], 0);
    // What was found since a day is listed again, seen or not.
    let since: serde_json::Value =
        serde_json::from_str(&ok(&data, &["alerts", "--json", "--since", "2000-01-01"])).unwrap();
    assert_eq!(since["total"], a["total"]);
    let bad = moedemappe(&data, &["alerts", "--since", "i går"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ÅÅÅÅ-MM-DD"));

    ok(&data, &["alert", "rm", "Bassin"]);
    let gone = moedemappe(&data, &["alert", "rm", "Bassin"]);
    assert!(String::from_utf8_lossy(&gone.stderr).contains("ingen søgeagent ved navn «Bassin»"));
}
