//! End-to-end: saved searches through the real binary on the demo data: a
//! folder-format meeting imported after `alert add` is new for it, exactly
//! its matching item, and `alerts seen` clears it; the same over HTTP, with
//! the member's session and with tokens.

mod common;

use common::serve::{member, open_token, serve};
use common::{moedemappe, ok, pdf, Page};
use serde_json::{json, Value};
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

/// The status and JSON answer (null when none) of a request.
fn answer(req: reqwest::blocking::RequestBuilder) -> (u16, Value) {
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

#[test]
fn over_http_the_member_saves_a_search_sees_its_news_marks_them_seen_and_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    ok(&data, &["follow", "TU"]);
    let server = serve(&data);
    let me = member(&server);
    let url = |path: &str| format!("{}{path}", server.base);
    let token = open_token(&data);
    let script = reqwest::blocking::Client::new();

    // Saving: the words name it; a taken name, no words and a token are refused.
    let (status, saved) = answer(
        me.post(url("/api/saved-searches"))
            .json(&json!({"name": null, "query": {"text": "Bassinkajen"}})),
    );
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["name"], "Bassinkajen");
    assert_eq!(saved["query"]["kinds"], json!([]));
    let (status, dup) = answer(
        me.post(url("/api/saved-searches"))
            .json(&json!({"name": " Bassinkajen ", "query": {"text": "havn"}})),
    );
    assert_eq!(status, 400, "{dup}");
    assert_eq!(dup["code"], "invalid");
    assert!(dup["message"]
        .as_str()
        .unwrap()
        .contains("allerede en søgeagent"));
    let (status, blank) = answer(
        me.post(url("/api/saved-searches"))
            .json(&json!({"name": "Tom", "query": {"text": "  "}})),
    );
    assert_eq!(status, 400, "{blank}");
    for (method, path, body) in [
        (
            "POST",
            "/api/saved-searches",
            json!({"name": "X", "query": {"text": "havn"}}),
        ),
        ("POST", "/api/alerts/seen", json!({"name": null})),
        ("DELETE", "/api/saved-searches/Bassinkajen", json!(null)),
    ] {
        let (status, refused) = answer(
            script
                .request(method.parse().unwrap(), url(path))
                .bearer_auth(&token)
                .json(&body),
        );
        assert_eq!(status, 403, "{method} {path} with a token: {refused}");
        assert_eq!(refused["code"], "forbidden");
    }
    let (status, list) = answer(script.get(url("/api/saved-searches")).bearer_auth(&token));
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "a token reads them");

    // Nothing new yet; a `since` that is no time is a 400 in words.
    let (status, none) = answer(me.get(url("/api/alerts")));
    assert_eq!(status, 200);
    assert_eq!(none["total"], 0);
    let (status, bad) = answer(me.get(url("/api/alerts?since=i%20g%C3%A5r")));
    assert_eq!(status, 400);
    assert!(
        bad["message"].as_str().unwrap().contains("ÅÅÅÅ-MM-DD"),
        "{bad}"
    );

    // A meeting arrives through a folder source's sync.
    let folder = dir.path().join("Møder");
    meeting(&folder);
    let (status, _) = answer(me.post(url("/api/sources")).json(&json!({
        "kind": "folder", "location": folder, "name": "Møder",
    })));
    assert_eq!(status, 201);
    let (_, before) = answer(me.get(url("/api/sync")));
    let (status, _) = answer(me.post(url("/api/sync")).json(&json!({})));
    assert_eq!(status, 202);
    let started = std::time::Instant::now();
    loop {
        let (_, state) = answer(me.get(url("/api/sync")));
        if state["runs"].as_u64() > before["runs"].as_u64() && state["running"] == false {
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "the sync ends: {state}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // The member sees the closed item too; the open token only the open one.
    let (_, news) = answer(me.get(url("/api/alerts")));
    let titles = |a: &Value| -> Vec<String> {
        a["searches"][0]["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["item_title"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        titles(&news).contains(&"Køb af grund ved Bassinkajen".to_string()),
        "{news:#}"
    );
    assert_eq!(news["releases"].as_array().unwrap().len(), 1, "{news:#}");
    let (_, open) = answer(script.get(url("/api/alerts")).bearer_auth(&token));
    assert_eq!(
        titles(&open),
        ["Badezone ved Bassinkajen", "Badezone ved Bassinkajen"],
        "{open:#}"
    );
    let release = &open["releases"][0];
    assert_eq!(
        release["items"], 2,
        "the open scope counts the open items only"
    );
    assert!(release["text"]
        .as_str()
        .unwrap()
        .starts_with("Dagsorden til Teknisk Udvalg 12. februar 2031 er udgivet: 2 punkter"));

    // Seen: one search, unknown names, then everything.
    let (status, unknown) = answer(
        me.post(url("/api/alerts/seen"))
            .json(&json!({"name": "Ingen"})),
    );
    assert_eq!(status, 404, "{unknown}");
    let resp = me
        .post(url("/api/alerts/seen"))
        .json(&json!({"name": "Bassinkajen"}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(resp.text().unwrap(), "");
    let (_, after) = answer(me.get(url("/api/alerts")));
    assert_eq!(after["total"], 1, "the release notice is left: {after:#}");
    let (status, _) = answer(me.post(url("/api/alerts/seen")).json(&json!({})));
    assert_eq!(status, 204);
    let (_, after) = answer(me.get(url("/api/alerts")));
    assert_eq!(after["total"], 0);
    let (_, since) = answer(me.get(url("/api/alerts?since=2000-01-01T00:00:00%2B01:00")));
    assert_eq!(since["total"], news["total"], "with since, seen or not");

    // Removing: once, then it is not found.
    let resp = me
        .delete(url("/api/saved-searches/Bassinkajen"))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let (status, gone) = answer(me.delete(url("/api/saved-searches/Bassinkajen")));
    assert_eq!(status, 404);
    assert!(gone["message"]
        .as_str()
        .unwrap()
        .contains("ingen søgeagent ved navn «Bassinkajen»"));
    let (_, list) = answer(me.get(url("/api/saved-searches")));
    assert_eq!(list, json!([]));
}
