//! End-to-end tests of the HTTP calls behind the Forside, Møde and Sag
//! screens: following bodies, the agenda with its reading load (closed
//! pages only for the closed scope), the reading pace, a meeting's items with
//! kinds and flags, and a case's treatments with their meetings.

mod common;

use common::ok;
use common::serve::{member, serve};
use reqwest::blocking::RequestBuilder;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A call with `token`, or (with "") as the member, whose client has the
/// session cookie.
fn call(req: RequestBuilder, token: &str) -> (StatusCode, Value) {
    let req = if token.is_empty() {
        req
    } else {
        req.bearer_auth(token)
    };
    let resp = req.send().unwrap();
    let status = resp.status();
    (status, resp.json().unwrap_or(Value::Null))
}

#[test]
fn following_the_agenda_and_the_pace_keep_closed_pages_and_settings_to_the_member() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let server = serve(&data);
    // The member's browser (logged in through serve's link) and a script's
    // open-scope token.
    let client = member(&server);
    let open = std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string();
    let ui = String::new();
    let url = |p: &str| format!("{}{p}", server.base);
    let get = |p: &str, t: &str| call(client.get(url(p)), t);

    // Every body that met, none followed.
    let (status, bodies) = get("/api/bodies", &open);
    assert_eq!(status, StatusCode::OK);
    let bodies = bodies.as_array().unwrap().clone();
    assert!(bodies.len() >= 3, "{bodies:?}");
    assert!(bodies.iter().all(|b| b["followed"] == false));
    assert!(bodies.iter().all(|b| b["meetings"].as_u64().unwrap() > 0));
    let tu = bodies
        .iter()
        .find(|b| b["name"] == "Teknisk Udvalg")
        .unwrap();
    let tu_id = tu["id"].as_i64().unwrap();
    let (_, agenda) = get("/api/agenda?from=2023-01-01", &ui);
    assert_eq!(agenda, json!([]), "nothing followed, nothing listed");

    // Only the member's session changes what is followed.
    let follow = |t: &str, id: i64, on: bool| {
        let req = if on {
            client.put(url(&format!("/api/follow/{id}")))
        } else {
            client.delete(url(&format!("/api/follow/{id}")))
        };
        call(req, t)
    };
    assert_eq!(follow(&open, tu_id, true).0, StatusCode::FORBIDDEN);
    let (status, after) = follow(&ui, tu_id, true);
    assert_eq!(status, StatusCode::OK);
    let followed: Vec<&Value> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["followed"] == true)
        .collect();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0]["id"], tu_id);
    assert_eq!(
        get(&format!("/api/follow/{tu_id}"), &open).1["followed"],
        true
    );
    assert_eq!(follow(&ui, 999_999, true).0, StatusCode::NOT_FOUND);

    // The agenda: soonest first from the day asked, the followed body only.
    let (status, agenda) = get("/api/agenda?from=2023-01-01&next=100", &ui);
    assert_eq!(status, StatusCode::OK);
    let agenda = agenda.as_array().unwrap().clone();
    assert!(agenda.len() > 5, "{}", agenda.len());
    let dates: Vec<&str> = agenda.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(agenda.iter().all(|e| e["body"] == "Teknisk Udvalg"));
    let (_, three) = get("/api/agenda?from=2023-01-01&next=3", &ui);
    assert_eq!(three.as_array().unwrap().len(), 3);

    // Without the closed scope: closed items and their pages are left out.
    let (status, open_agenda) = get("/api/agenda?from=2023-01-01&next=100", &open);
    assert_eq!(status, StatusCode::OK);
    let open_agenda = open_agenda.as_array().unwrap().clone();
    assert_eq!(open_agenda.len(), agenda.len());
    let total = |a: &[Value], k: &str| a.iter().map(|e| e[k].as_u64().unwrap()).sum::<u64>();
    assert!(total(&open_agenda, "pages") < total(&agenda, "pages"));
    assert!(total(&open_agenda, "items") < total(&agenda, "items"));
    for (o, c) in open_agenda.iter().zip(&agenda) {
        assert_eq!(o["meeting_id"], c["meeting_id"]);
        assert!(o["pages"].as_u64() <= c["pages"].as_u64());
        let (_, m) = get(&format!("/api/meetings/{}", c["meeting_id"]), &ui);
        assert_eq!(c["items"], m["item_count"]);
        assert_eq!(
            o["items"].as_u64().unwrap(),
            m["item_count"].as_u64().unwrap() - m["closed_items"].as_u64().unwrap()
        );
    }

    // The latest meetings before a day, newest first.
    let (_, recent) = get("/api/agenda/recent?before=2024-06-01&last=4", &open);
    let recent = recent.as_array().unwrap().clone();
    assert_eq!(recent.len(), 4);
    let dates: Vec<&str> = recent.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(dates.iter().all(|d| *d < "2024-06-01"));

    // The pace: everyone reads it, only the member sets it; the minutes follow.
    assert_eq!(get("/api/pace", &open).1["pages_per_hour"], 40);
    let set = |t: &str, v: Value| call(client.put(url("/api/pace")).json(&v), t);
    assert_eq!(
        set(&open, json!({"pages_per_hour": 55})).0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set(&ui, json!({"pages_per_hour": 0})).0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(set(&ui, json!({"pages_per_hour": 55})).0, StatusCode::OK);
    let (_, again) = get("/api/agenda?from=2023-01-01&next=3", &ui);
    for e in again.as_array().unwrap() {
        assert_eq!(e["pages_per_hour"], 55);
        let left = e["pages"].as_u64().unwrap() - e["read"].as_u64().unwrap();
        assert_eq!(e["minutes"].as_u64().unwrap(), (left * 60).div_ceil(55));
    }

    // Unfollowing empties the agenda; unfollowing twice is no error.
    assert_eq!(follow(&ui, tu_id, false).0, StatusCode::OK);
    assert_eq!(follow(&ui, tu_id, false).0, StatusCode::OK);
    assert_eq!(get("/api/agenda?from=2023-01-01", &ui).1, json!([]));
}

#[test]
fn a_meeting_lists_kinds_flags_and_texts_and_a_case_links_its_meetings() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let server = serve(&data);
    // The member's browser (logged in through serve's link) and a script's
    // open-scope token.
    let client = member(&server);
    let open = std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string();
    let ui = String::new();
    let get = |p: &str, t: &str| call(client.get(format!("{}{p}", server.base)), t);

    // A meeting with a closed item.
    let (_, meetings) = get("/api/meetings", &ui);
    let meetings = meetings.as_array().unwrap();
    let with_closed = meetings
        .iter()
        .find(|m| m["closed_items"].as_u64().unwrap() > 0)
        .expect("a meeting with a closed item");
    let (_, view) = get(&format!("/api/meetings/{}", with_closed["id"]), &ui);
    let items = view["items"].as_array().unwrap();
    let numbers: Vec<u64> = items
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    assert!(items
        .iter()
        .all(|i| ["regular", "fixed", "briefing"].contains(&i["kind"].as_str().unwrap())));
    assert!(items
        .iter()
        .any(|i| i["kind"] == "regular" && i["text"].as_str().is_some_and(|t| !t.is_empty())));
    let closed = items.iter().filter(|i| i["closed"] == true).count();
    assert_eq!(closed as u64, view["closed_items"].as_u64().unwrap());

    // Without the closed scope the closed items are absent.
    let (_, open_view) = get(&format!("/api/meetings/{}", view["id"]), &open);
    assert_eq!(
        open_view["items"].as_array().unwrap().len(),
        items.len() - closed
    );
    assert!(open_view["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["closed"] == false));

    // A referred item's case: each stored treatment names its meeting,
    // the referred item's among them.
    let (view, referred) = meetings
        .iter()
        .find_map(|m| {
            let (_, view) = get(&format!("/api/meetings/{}", m["id"]), &ui);
            let referred = view["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["flags"]["referred"] == true && i["case_number"].is_string())
                .cloned()?;
            Some((view, referred))
        })
        .expect("a meeting with a referred item");
    let number = referred["case_number"].as_str().unwrap();
    let (status, case) = get(&format!("/api/cases/{number}"), &ui);
    assert_eq!(status, StatusCode::OK);
    let treatments = case["treatments"].as_array().unwrap();
    assert!(treatments
        .iter()
        .any(|t| t["item"] == referred["id"] && t["meeting"] == view["id"]));
    for t in treatments {
        assert_eq!(t["item"].is_null(), t["meeting"].is_null(), "{t}");
        if !t["meeting"].is_null() {
            let (status, m) = get(&format!("/api/meetings/{}", t["meeting"]), &ui);
            assert_eq!(status, StatusCode::OK);
            assert!(m["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == t["item"]));
        }
    }
}

#[test]
fn trying_the_demo_from_the_first_screen_imports_it_as_a_source_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(&data);
    let m = member(&server);
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let url = |path: &str| format!("{}{path}", server.base);
    // Only the member may.
    let (status, _) = call(
        reqwest::blocking::Client::new().post(url("/api/demo")),
        token.trim(),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, started) = call(m.post(url("/api/demo")).header("origin", &server.base), "");
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let begun = std::time::Instant::now();
    let state = loop {
        let (_, s) = call(m.get(url("/api/sync")), "");
        if s["running"] == false && s["runs"].as_u64() >= Some(1) {
            break s;
        }
        assert!(
            begun.elapsed().as_secs() < 120,
            "the demo import did not end: {s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let result = &state["sources"][0];
    assert_eq!(result["name"], "Demodata", "{state}");
    assert!(
        result["new"].as_u64().unwrap() > 10 && result["error"].is_null(),
        "{state}"
    );
    let (_, bodies) = call(m.get(url("/api/bodies")), "");
    assert!(bodies.as_array().unwrap().len() >= 3, "{bodies}");
    // A second press adds no second source.
    let (status, _) = call(m.post(url("/api/demo")).header("origin", &server.base), "");
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, sources) = call(m.get(url("/api/sources")), "");
    assert_eq!(sources.as_array().unwrap().len(), 1, "{sources}");
}
