//! Many callers at once against the real `moedemappe serve`: reads never wait
//! for a write held open (the store's fault switch holds every write
//! transaction), and readers and writers side by side for a while end with
//! every request answered and every write present.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::serve::{member, serve, serve_with, Server};
use common::{ok, pdf, Page};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn open_token(data: &Path) -> String {
    std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string()
}

/// GET `path` as `token` (the member's cookie when empty); the status and the
/// JSON answer.
fn get(client: &Client, server: &Server, path: &str, token: &str) -> (StatusCode, Value) {
    let mut req = client.get(format!("{}{path}", server.base));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    let resp = req.send().unwrap();
    (resp.status(), resp.json().unwrap_or(Value::Null))
}

#[test]
fn a_search_finishes_while_a_write_is_held_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    // Every write transaction stays open 4 s before it commits.
    let server = serve_with(&data, None, &[("MOEDEMAPPE_FAULT_HOLD_WRITE_MS", "4000")]);
    let token = open_token(&data);
    let me = member(&server);
    let writer = {
        let (me, url) = (me.clone(), format!("{}/api/pace", server.base));
        std::thread::spawn(move || {
            let started = Instant::now();
            let resp = me
                .put(url)
                .json(&json!({ "pages_per_hour": 45 }))
                .send()
                .unwrap();
            (resp.status(), started.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let client = Client::new();
    let started = Instant::now();
    let (search, hits) = get(&client, &server, "/api/search?q=budget", &token);
    let (retrieve, _) = get(&client, &server, "/api/retrieve?q=budget&k=3", &token);
    let (meetings, _) = get(&me, &server, "/api/meetings", "");
    let reads = started.elapsed();
    assert_eq!(
        (search, retrieve, meetings),
        (StatusCode::OK, StatusCode::OK, StatusCode::OK)
    );
    assert!(hits["total"].as_u64().unwrap() > 0, "{hits}");
    let (written, write_took) = writer.join().unwrap();
    assert_eq!(written, StatusCode::OK);
    // The switch did hold the write, and the reads did not wait for it.
    assert!(write_took >= Duration::from_secs(4), "{write_took:?}");
    assert!(
        reads < Duration::from_secs(2),
        "three reads took {reads:?} while a write was held open"
    );
    let (_, pace) = get(&me, &server, "/api/pace", "");
    assert_eq!(pace["pages_per_hour"], 45, "{pace}");
}

/// What the writers did, to find afterwards.
#[derive(Default)]
struct Written {
    notes: Vec<String>,
    /// Each body toggled, and whether it was left followed.
    followed: Vec<(i64, bool)>,
    /// Files put in the synced folder.
    files: u64,
}

/// The reads a reader cycles through, as the open token ("t") or the
/// member ("m").
const READS: &[(&str, &str)] = &[
    ("t", "/api/search?q=budget"),
    ("t", "/api/retrieve?q=trafiksikkerhed+ved+skoler&k=5"),
    ("m", "/api/search?q=parkering&group=false"),
    ("m", "/api/status"),
    ("t", "/api/meetings"),
    ("m", "/api/agenda?from=2020-01-01"),
    ("t", "/api/stats"),
];

#[test]
fn eight_readers_and_two_writers_lose_nothing_and_no_request_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    let inbox = dir.path().join("Indbakke");
    std::fs::create_dir_all(&inbox).unwrap();
    let server = Arc::new(serve(&data));
    let token = open_token(&data);
    let me = member(&server);
    let added = me
        .post(format!("{}/api/sources", server.base))
        .json(&json!({ "kind": "folder", "name": "Indbakke", "location": inbox }))
        .send()
        .unwrap();
    assert!(added.status().is_success(), "{}", added.status());
    let (_, before) = get(&me, &server, "/api/status", "");
    let attachments_before = before["attachments"].as_u64().unwrap();
    let (_, bodies) = get(&me, &server, "/api/bodies", "");
    let bodies: Vec<i64> = bodies
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    let (_, meetings) = get(&me, &server, "/api/meetings", "");
    let meeting = meetings[0]["id"].as_i64().unwrap();
    let (_, agenda) = get(&me, &server, &format!("/api/meetings/{meeting}"), "");
    let items: Vec<Value> = agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert!(!items.is_empty() && !bodies.is_empty());

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..8)
        .map(|n| {
            let (server, stop, answered) = (server.clone(), stop.clone(), answered.clone());
            let (me, token, client) = (me.clone(), token.clone(), Client::new());
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut i = n;
                while !stop.load(Ordering::Relaxed) {
                    let (who, path) = READS[i % READS.len()];
                    let (status, body) = match who {
                        "t" => get(&client, &server, path, &token),
                        _ => get(&me, &server, path, ""),
                    };
                    if status != StatusCode::OK {
                        failures.push(format!("{path}: {status} {body}"));
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
                failures
            })
        })
        .collect();
    // Notes and follows, as fast as they are answered.
    let notes_writer = {
        let (server, stop, me) = (server.clone(), stop.clone(), me.clone());
        std::thread::spawn(move || {
            let mut w = Written::default();
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let item = &items[n % items.len()];
                let resp = me
                    .post(format!("{}/api/notes", server.base))
                    .json(&json!({ "item": item, "body": format!("Note nummer {n}") }))
                    .send()
                    .unwrap();
                assert_eq!(resp.status(), StatusCode::OK, "note {n}");
                let note: Value = resp.json().unwrap();
                w.notes.push(note["id"].as_str().unwrap().to_string());
                let body = bodies[n % bodies.len()];
                let on = (n / bodies.len()) % 2 == 0;
                let url = format!("{}/api/follow/{body}", server.base);
                let resp = if on { me.put(url) } else { me.delete(url) }
                    .send()
                    .unwrap();
                assert_eq!(resp.status(), StatusCode::OK, "follow {body}");
                w.followed.retain(|(b, _)| *b != body);
                w.followed.push((body, on));
                n += 1;
            }
            w
        })
    };
    // New PDFs in a folder source, each followed by a sync through the API.
    let import_writer = {
        let (server, stop, me) = (server.clone(), stop.clone(), me.clone());
        std::thread::spawn(move || {
            let mut files = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let text = format!("Stressprøve bilag nummer {files} om kloakering");
                let bytes = pdf(&[Page::text(&[&text])], None);
                std::fs::write(inbox.join(format!("bilag-{files}.pdf")), bytes).unwrap();
                files += 1;
                let resp = me
                    .post(format!("{}/api/sync", server.base))
                    .json(&json!({}))
                    .send()
                    .unwrap();
                assert!(resp.status().is_success(), "sync: {}", resp.status());
                std::thread::sleep(Duration::from_millis(300));
            }
            files
        })
    };
    std::thread::sleep(Duration::from_secs(20));
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    let mut written = notes_writer.join().unwrap();
    written.files = import_writer.join().unwrap();
    assert!(failures.is_empty(), "failed reads: {failures:?}");
    let reads = answered.load(Ordering::Relaxed);
    assert!(reads > 80, "only {reads} reads answered in 20 s");
    assert!(written.notes.len() > 5 && written.files > 5);

    // Every write is there: the notes, the last follow of each body, and
    // each file (stored and searchable) once the last sync is done.
    let (_, notes) = get(&me, &server, "/api/notes", "");
    let ids: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    for id in &written.notes {
        assert!(ids.contains(&id.as_str()), "note {id} is missing");
    }
    for (body, on) in &written.followed {
        let (_, f) = get(&me, &server, &format!("/api/follow/{body}"), "");
        assert_eq!(f["followed"], *on, "body {body}");
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, sync) = get(&me, &server, "/api/sync", "");
        if sync["running"] == false {
            break;
        }
        assert!(Instant::now() < deadline, "the sync did not finish");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, after) = get(&me, &server, "/api/status", "");
    assert_eq!(
        after["attachments"].as_u64().unwrap(),
        attachments_before + written.files,
        "{after}"
    );
    let (_, found) = get(
        &Client::new(),
        &server,
        "/api/search?q=stressprøve&group=false&limit=200",
        &token,
    );
    assert_eq!(found["total"].as_u64().unwrap(), written.files, "{found}");
}
