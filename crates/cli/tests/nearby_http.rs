//! End-to-end: «Del på netværket» through the HTTP API of two running
//! `moedemappe serve`. The mentor's server offers a case on 127.0.0.1 (not
//! announced: multicast may not reach in CI, so the mentee types the
//! address); the mentee's server takes it, first with a wrong code (nothing
//! received, tries left said), then with the right one, and the mentor's
//! shared note, only that, shows up among the mentee's notes. A token,
//! whatever its scope, is refused on every nearby route and never sees the
//! code.

mod common;
mod notes_common;

use common::ok;
use common::serve::{member, open_token, serve, Server};
use notes_common::db;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// Copies a data directory (without the demo corpus).
fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("demo") {
            continue;
        }
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `method path` with an optional JSON body: (status, JSON body or null).
fn call(
    client: &Client,
    s: &Server,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client.request(method.parse().unwrap(), format!("{}{path}", s.base));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

/// Waits until the mentee's take has ended; its last state.
fn take_done(client: &Client, s: &Server) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, state) = call(client, s, "GET", "/api/nearby/take", None);
        assert_eq!(status, 200, "{state}");
        if state["running"] == false {
            return state;
        }
        assert!(Instant::now() < until, "the take did not end: {state}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn note_bodies(client: &Client, s: &Server, case: &str) -> Vec<String> {
    let (status, notes) = call(client, s, "GET", &format!("/api/notes?case={case}"), None);
    assert_eq!(status, 200, "{notes}");
    notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["body"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_case_offered_on_one_server_is_taken_by_the_other_with_the_code_and_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mentor = dir.path().join("mentor");
    let mentee = dir.path().join("mentee");
    ok(&mentor, &["demo", "--scale", "0.02"]);
    copy_dir(&mentor, &mentee);
    // An open case, never treated behind closed doors.
    let case: String = db(&mentor)
        .query_row(
            "SELECT case_number FROM items WHERE case_number IS NOT NULL AND kind <> 'fixed'
              GROUP BY case_number HAVING max(closed) = 0 ORDER BY case_number LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an open case");
    ok(&mentor, &["me", "--name", "Mette Mentor"]);
    ok(
        &mentor,
        &[
            "note",
            "add",
            "--case",
            &case,
            "--body",
            "Læs høringssvarene før mødet",
            "--shared",
        ],
    );
    ok(
        &mentor,
        &["note", "add", "--case", &case, "--body", "Min egen tanke"],
    );
    let closed_token = ok(&mentor, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();

    let (giver, taker) = (serve(&mentor), serve(&mentee));
    let (m, t) = (member(&giver), member(&taker));
    let offer_body = json!({
        "kind": "bundle", "case": case, "listen": "127.0.0.1:0", "announce": false,
    });

    // A token, open or closed, is refused everywhere and starts nothing.
    for token in [open_token(&mentor), closed_token] {
        let c = Client::new();
        let auth = |method: &str, path: &str, body: Option<Value>| {
            let mut req = c
                .request(method.parse().unwrap(), format!("{}{path}", giver.base))
                .bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().unwrap();
            (resp.status().as_u16(), resp.text().unwrap())
        };
        for (method, path, body) in [
            ("POST", "/api/nearby/offer", Some(offer_body.clone())),
            ("GET", "/api/nearby/offer", None),
            ("DELETE", "/api/nearby/offer", None),
            ("GET", "/api/nearby/offers?seconds=1", None),
            (
                "POST",
                "/api/nearby/take",
                Some(json!({"address": "127.0.0.1:1", "code": "123456"})),
            ),
            ("GET", "/api/nearby/take", None),
            ("DELETE", "/api/nearby/take", None),
        ] {
            let (status, text) = auth(method, path, body);
            assert_eq!(status, 403, "{method} {path} with a token: {text}");
            assert!(text.contains("kun medlemmet"), "{text}");
        }
    }
    let (status, none) = call(&m, &giver, "GET", "/api/nearby/offer", None);
    assert_eq!(
        (status, none),
        (200, Value::Null),
        "the tokens started no offer"
    );

    // The mentor offers the case.
    let (status, offer) = call(&m, &giver, "POST", "/api/nearby/offer", Some(offer_body));
    assert_eq!(status, 201, "{offer}");
    let code = offer["code"].as_str().unwrap().to_string();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{offer}"
    );
    assert_eq!(offer["from"], "Mette Mentor");
    assert_eq!(offer["announced"], false);
    assert_eq!(offer["tries_left"], 5);
    assert_eq!(offer["kind"], "bundle");
    let address = offer["address"].as_str().unwrap().to_string();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert!(offer["seconds_left"].as_u64().unwrap() > 60 * 29);
    // One offer at a time.
    let (status, again) = call(
        &m,
        &giver,
        "POST",
        "/api/nearby/offer",
        Some(json!({"kind": "bundle", "case": case, "listen": "127.0.0.1:0", "announce": false})),
    );
    assert_eq!((status, again["code"].as_str()), (409, Some("conflict")));
    let (status, state) = call(&m, &giver, "GET", "/api/nearby/offer", None);
    assert_eq!((status, state["code"].as_str()), (200, Some(code.as_str())));

    // Bad takes are refused at once.
    for body in [
        json!({"code": code}),
        json!({"address": address, "code": "12"}),
        json!({"address": "ikke en adresse:::", "code": code}),
    ] {
        let (status, err) = call(&t, &taker, "POST", "/api/nearby/take", Some(body.clone()));
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(err["code"], "invalid");
    }

    // A wrong code: nothing received, and the tries left are said.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let (status, started) = call(
        &t,
        &taker,
        "POST",
        "/api/nearby/take",
        Some(json!({"address": address, "code": wrong})),
    );
    assert_eq!(status, 202, "{started}");
    let state = take_done(&t, &taker);
    assert_eq!(state["phase"], "failed", "{state}");
    let message = state["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("forkert kode") && message.contains("4 forsøg tilbage"),
        "{message}"
    );
    assert!(state["result"].is_null());
    assert!(note_bodies(&t, &taker, &case).is_empty());
    let (_, seen) = call(&m, &giver, "GET", "/api/nearby/offer", None);
    assert_eq!(
        (seen["wrong"].as_u64(), seen["tries_left"].as_u64()),
        (Some(1), Some(4))
    );

    // The right code, as the screen shows it: the shared note arrives.
    let shown = offer["code_display"].as_str().unwrap();
    let (status, started) = call(
        &t,
        &taker,
        "POST",
        "/api/nearby/take",
        Some(json!({"address": address, "code": shown})),
    );
    assert_eq!(status, 202, "{started}");
    let state = take_done(&t, &taker);
    assert_eq!(state["phase"], "done", "{state}");
    let result = &state["result"];
    assert_eq!(result["from"], "Mette Mentor");
    assert_eq!(result["received"]["kind"], "bundle");
    assert_eq!(result["received"]["added"], 1);
    assert!(result["bytes"].as_u64().unwrap() > 0);
    assert_eq!(state["bytes"], state["total"]);
    assert_eq!(
        note_bodies(&t, &taker, &case),
        vec!["Læs høringssvarene før mødet".to_string()]
    );
    let (_, seen) = call(&m, &giver, "GET", "/api/nearby/offer", None);
    assert_eq!(seen["confirmed"], 1);

    // Stopped: no offer any more.
    let (status, _) = call(&m, &giver, "DELETE", "/api/nearby/offer", None);
    assert_eq!(status, 200);
    let (status, none) = call(&m, &giver, "GET", "/api/nearby/offer", None);
    assert_eq!((status, none), (200, Value::Null));
    // And nothing listens there: the take fails in plain Danish.
    let (status, _) = call(
        &t,
        &taker,
        "POST",
        "/api/nearby/take",
        Some(json!({"address": address, "code": code})),
    );
    assert_eq!(status, 202);
    let state = take_done(&t, &taker);
    assert_eq!(state["phase"], "failed", "{state}");
    assert!(!state["error"]["message"].as_str().unwrap().is_empty());

    // A meeting's open material, by name: the taker, who has that meeting
    // from its own copy of the demo, keeps its own and is told so.
    let meeting: String = db(&mentor)
        .query_row(
            "SELECT b.name || '/' || m.date FROM meetings m JOIN bodies b ON b.id = m.body_id
              WHERE m.closed = 0 ORDER BY m.date DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (status, offer) = call(
        &m,
        &giver,
        "POST",
        "/api/nearby/offer",
        Some(
            json!({"kind": "material", "meetings": [meeting], "listen": "127.0.0.1:0", "announce": false}),
        ),
    );
    assert_eq!(status, 201, "{offer}");
    assert_eq!(offer["kind"], "material");
    let port = offer["address"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_string();
    let (status, _) = call(
        &t,
        &taker,
        "POST",
        "/api/nearby/take",
        Some(json!({"address": format!("127.0.0.1:{port}"), "code": offer["code"]})),
    );
    assert_eq!(status, 202);
    let state = take_done(&t, &taker);
    assert_eq!(state["phase"], "done", "{state}");
    let received = &state["result"]["received"];
    assert_eq!(received["kind"], "material", "{state}");
    assert_eq!(
        (
            received["meetings"].as_u64(),
            received["already_held"].as_u64()
        ),
        (Some(0), Some(1))
    );
}
