//! Closed means closed, checked by equivalence: a data directory with closed
//! items and closed bilag on open items, and a copy of it with the closed
//! items and bilag (and every file, case and note only they explain)
//! deleted, must look the same to the open scope.
//! Every HTTP route of the OpenAPI document and every MCP tool is called on
//! both with the open token and the same arguments; the answers must be
//! identical (ids are kept by deleting in SQLite, so only the data
//! directory's own path differs). That covers counts, numbering, not-found
//! answers, search statistics and notes.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::contract::Contract;
use common::ok;
use common::serve::{serve, Server};
use serde_json::Value;

/// Deletes what the open scope must not know of: closed items, closed bilag
/// of open items, the files only they use, the cases only closed items
/// treat, and notes about any of them (a note on a case ever treated behind
/// closed doors counts as about it).
const DELETE_CLOSED: &str = "
PRAGMA foreign_keys = ON;
DELETE FROM annotations
 WHERE item_id IN (SELECT id FROM items WHERE closed = 1)
    OR case_number IN (SELECT case_number FROM items WHERE closed = 1 AND case_number IS NOT NULL)
    OR (target_sha256 IS NOT NULL AND target_sha256 NOT IN (
          SELECT a.sha256 FROM attachments a
           WHERE EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
                          WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
              OR EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id)));
DELETE FROM items WHERE closed = 1;
DELETE FROM item_attachments WHERE closed = 1;
CREATE TEMP TABLE gone AS SELECT id, sha256 FROM attachments
 WHERE id NOT IN (SELECT attachment_id FROM item_attachments)
   AND id NOT IN (SELECT attachment_id FROM documents);
DELETE FROM reading_marks WHERE sha256 IN (SELECT sha256 FROM gone);
DELETE FROM source_files WHERE attachment_id IN (SELECT id FROM gone);
DELETE FROM portal_documents WHERE attachment_id IN (SELECT id FROM gone);
DELETE FROM attachments WHERE id IN (SELECT id FROM gone);
DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM items WHERE case_id IS NOT NULL);
";

fn sql(data: &Path, query: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Null => String::new(),
                    other => format!("{other:?}"),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn one(data: &Path, query: &str) -> String {
    sql(data, query)
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or_else(|| panic!("no row for {query}"))
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One answer, comparable across the two data directories.
fn answer(resp: reqwest::blocking::Response, data: &Path) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.text().unwrap();
    let canonical = std::fs::canonicalize(data).unwrap();
    let body = body
        .replace(&*canonical.to_string_lossy(), "<data>")
        .replace(&*data.to_string_lossy(), "<data>");
    (status, kind, body)
}

/// The requests made for each documented path: every path of the OpenAPI
/// document must have some, so a new route cannot be left out.
fn requests_for(path: &str, v: &Values) -> Vec<String> {
    let ids = |list: &[String], f: &dyn Fn(&str) -> String| -> Vec<String> {
        list.iter().map(|x| f(x)).collect()
    };
    let words = [
        "budget",
        "lukket",
        "fortroligt",
        &v.closed_word,
        "skole",
        "Aarhus",
        "xyzzyq",
    ];
    match path {
        "/api/openapi.json"
        | "/api/agenda/recent"
        | "/api/bodies"
        | "/api/pace"
        | "/api/sources"
        | "/api/sync"
        | "/api/ocr"
        | "/api/ocr/pause"
        | "/api/ocr/resume"
        | "/api/status"
        | "/api/vault"
        | "/api/vault/unlock"
        | "/api/vault/lock"
        | "/api/share/candidates"
        | "/api/share/author"
        | "/api/nearby/offer"
        | "/api/nearby/take"
        | "/api/demo" => vec![path.into()],
        // The member's browse listens this long (a token is refused at once).
        "/api/nearby/offers" => vec![format!("{path}?seconds=1")],
        "/api/search" | "/api/retrieve" => words
            .iter()
            .flat_map(|w| {
                [
                    format!("{path}?q={w}"),
                    format!("{path}?q={w}&group=false&limit=50"),
                    format!("{path}?q={w}&access=closed"),
                    format!("{path}?q={w}&sort=newest"),
                ]
            })
            .collect(),
        "/api/cases/{number}" | "/api/cases/{number}/similar" => {
            ids(&v.cases, &|c| path.replace("{number}", c))
        }
        "/api/attachments/{id}/pages/{page}" | "/api/attachments/{id}/pages/{page}/ocr" => {
            ids(&v.attachments, &|a| {
                path.replace("{id}", a).replace("{page}", "1")
            })
        }
        "/api/attachments/{id}/file" | "/api/attachments/{id}/uses" => {
            ids(&v.attachments, &|a| path.replace("{id}", a))
        }
        "/api/meetings" => vec![
            path.into(),
            format!("{path}?body=TU"),
            format!("{path}?body=Intet%20udvalg"),
        ],
        "/api/meetings/{id}" | "/api/meetings/{id}/progress" | "/api/meetings/{id}/opened" => {
            ids(&v.meetings, &|m| path.replace("{id}", m))
        }
        "/api/items/{id}" | "/api/items/{id}/attachments" => {
            ids(&v.items, &|i| path.replace("{id}", i))
        }
        "/api/items/{id}/attachments/{attachment}" => ids(&v.items, &|i| {
            path.replace("{id}", i)
                .replace("{attachment}", &v.attachments[0])
        }),
        "/api/stats" | "/api/stats/csv" | "/api/stats/xlsx" => vec![
            path.into(),
            format!("{path}?by=month"),
            format!("{path}?body=TU"),
        ],
        "/api/agenda" => vec![path.into(), format!("{path}?from=2000-01-01&next=50")],
        "/api/calendar.ics" => vec![path.into(), format!("{path}?body=TU")],
        // TOKEN: each server's own open token, put in when asked.
        "/kalender.ics" => vec![path.into(), format!("{path}?noegle=TOKEN&body=TU")],
        "/api/archive" => vec![
            path.into(),
            format!("{path}?body=TU"),
            format!("{path}?from=2024-01-01&to=2024-06-30"),
        ],
        "/api/follow/{body}" => ids(&v.bodies, &|b| path.replace("{body}", b)),
        "/api/notes" => {
            let mut r = vec![path.to_string()];
            r.extend(v.cases.iter().map(|c| format!("{path}?case={c}")));
            r.extend(v.items.iter().map(|i| format!("{path}?item={i}")));
            r.extend(v.meetings.iter().map(|m| format!("{path}?meeting={m}")));
            r.extend(
                v.attachments
                    .iter()
                    .map(|a| format!("{path}?attachment={a}")),
            );
            // Notes found by their words (Søg's "Noter").
            r.extend(words.iter().map(|w| format!("{path}?q={w}")));
            r.push(format!("{path}?q=delt%20note"));
            r
        }
        "/api/notes/{id}" => vec![path.replace("{id}", &v.note)],
        "/api/read" => ids(&v.attachments, &|a| format!("{path}?attachment={a}")),
        "/api/sources/{name}" | "/api/sources/{name}/bodies" => {
            vec![path.replace("{name}", "demo")]
        }
        "/api/share/preview" | "/api/share/bundle" => {
            ids(&v.cases, &|c| format!("{path}?case={c}"))
        }
        "/api/share/import" => vec![path.into()],
        "/api/alerts" => vec![
            path.into(),
            format!("{path}?since=2000-01-01"),
            format!("{path}?since=2000-01-01T00:00:00Z"),
            format!("{path}?since=i%20g%C3%A5r"),
        ],
        "/api/alerts/seen" | "/api/saved-searches" => vec![path.into()],
        "/api/saved-searches/{name}" => vec![
            path.replace("{name}", "Bassin"),
            path.replace("{name}", "Ingen%20s%C3%B8geagent"),
        ],
        "/login" => vec!["/login?kode=forkert".into(), path.into()],
        other => panic!("the equivalence test has no requests for {other}: add some"),
    }
}

/// A meeting of Teknisk Udvalg in the folder format, later than the demo's:
/// an open item about the bathing zone at Bassinkajen, one about street
/// lights, and a closed one about the quay.
fn bassin_meeting(root: &Path) {
    let day = root.join("Teknisk Udvalg").join("2031-02-12");
    for (item, lines) in [
        (
            "01 Badezone ved Bassinkajen",
            [
                "Notat om en ny badezone",
                "Forvaltningen foreslår en badezone ved Bassinkajen.",
            ],
        ),
        (
            "02 Vejbelysning i Hasle",
            ["Notat om vejbelysning", "Nye lygtepæle langs vejen."],
        ),
        (
            "03 Køb af grund ved Bassinkajen",
            ["Fortroligt notat", "Prisen for grunden ved Bassinkajen."],
        ),
    ] {
        std::fs::create_dir_all(day.join(item)).unwrap();
        std::fs::write(
            day.join(item).join("Notat.pdf"),
            common::pdf(&[common::Page::text(&lines)], None),
        )
        .unwrap();
    }
    std::fs::write(
        day.join("meeting.json"),
        r#"{"schema":1,"items":[{"number":3,"access":"closed"}]}"#,
    )
    .unwrap();
}

/// Ids and names to ask about: open ones, closed ones and unknown ones.
struct Values {
    meetings: Vec<String>,
    items: Vec<String>,
    attachments: Vec<String>,
    cases: Vec<String>,
    bodies: Vec<String>,
    note: String,
    closed_word: String,
}

#[test]
fn the_open_scope_cannot_tell_closed_material_from_none() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    // Saved searches first: all of the demo is new to them, closed or open.
    for words in ["budget", "fortroligt", "skole"] {
        ok(&a, &["alert", "add", words]);
    }
    ok(&a, &["demo"]);

    // What to ask about: meetings with closed items, closed and open items,
    // files only closed items use, cases only ever treated closed.
    let closed_item = one(
        &a,
        "SELECT id FROM items WHERE closed = 1 ORDER BY id LIMIT 1",
    );
    let open_item = one(
        &a,
        "SELECT id FROM items WHERE closed = 0 ORDER BY id LIMIT 1",
    );
    let meeting = one(
        &a,
        &format!("SELECT meeting_id FROM items WHERE id = {closed_item}"),
    );
    let open_meeting = one(
        &a,
        &format!("SELECT meeting_id FROM items WHERE id = {open_item}"),
    );
    let closed_att = one(
        &a,
        "SELECT attachment_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
          GROUP BY attachment_id HAVING max(i.closed) = 1 AND min(i.closed) = 1 LIMIT 1",
    );
    let open_att = one(
        &a,
        "SELECT attachment_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
          WHERE i.closed = 0 AND ia.closed = 0 LIMIT 1",
    );
    // A closed bilag on an open item, its item and meeting.
    let (closed_bilag, bilag_item) = {
        let row = sql(
            &a,
            "SELECT ia.attachment_id, ia.item_id FROM item_attachments ia
               JOIN items i ON i.id = ia.item_id WHERE i.closed = 0 AND ia.closed = 1
              ORDER BY ia.item_id LIMIT 1",
        );
        let row = row
            .first()
            .expect("the demo has a closed bilag on an open item");
        (row[0].clone(), row[1].clone())
    };
    let bilag_meeting = one(
        &a,
        &format!("SELECT meeting_id FROM items WHERE id = {bilag_item}"),
    );
    let closed_case = one(
        &a,
        "SELECT case_number FROM items WHERE case_number IS NOT NULL
          GROUP BY case_number HAVING min(closed) = 1 LIMIT 1",
    );
    let open_case = one(
        &a,
        "SELECT case_number FROM items WHERE case_number IS NOT NULL
          GROUP BY case_number HAVING max(closed) = 0 LIMIT 1",
    );
    // A word of the closed pages that no open page has: its statistics
    // must not reach the open scope (ranking, spelling suggestions).
    let closed_word = {
        let closed_text = one(
            &a,
            &format!(
                "SELECT group_concat(text, ' ') FROM pages WHERE attachment_id IN ({closed_att}, {closed_bilag})"
            ),
        );
        let open_text = one(
            &a,
            &format!(
                "SELECT group_concat(text, ' ') FROM pages WHERE attachment_id NOT IN ({closed_att}, {closed_bilag})"
            ),
        )
        .to_lowercase();
        closed_text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 6)
            .map(str::to_lowercase)
            .find(|w| !open_text.contains(w.as_str()))
            .unwrap_or_else(|| "købesum".into())
    };

    // Søgeagenter: a search saved before a meeting of a followed body
    // arrives with an open and a closed item that match it (and a release
    // notice for it).
    ok(&a, &["follow", "TU"]);
    ok(&a, &["alert", "add", "Bassinkajen", "--name", "Bassin"]);
    let folder = dir.path().join("Møder");
    bassin_meeting(&folder);
    ok(&a, &["import", folder.to_str().unwrap()]);
    let news: Value = serde_json::from_str(&ok(&a, &["alerts", "--json"])).unwrap();
    assert!(
        news["searches"][0]["matches"].as_array().unwrap().len() >= 3,
        "the member's search found the open and the closed item: {news:#}"
    );
    assert_eq!(news["releases"].as_array().unwrap().len(), 1, "{news:#}");

    // Notes: private and shared, on open and closed material.
    ok(&a, &["me", "--name", "Test Medlem"]);
    let note_of = |args: &[&str]| -> String {
        let mut all = vec!["note", "add", "--json"];
        all.extend_from_slice(args);
        common::json_lines(&ok(&a, &all)).remove(0)["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    note_of(&["--case", &open_case, "--body", "Privat tanke om sagen"]);
    let shared = note_of(&[
        "--case",
        &open_case,
        "--body",
        "Delt note om sagen",
        "--shared",
    ]);
    note_of(&[
        "--case",
        &closed_case,
        "--body",
        "Delt note om den lukkede sag",
        "--shared",
    ]);
    note_of(&[
        "--item",
        &closed_item,
        "--body",
        "Note på lukket punkt",
        "--shared",
    ]);
    let bilag_quote: String = one(
        &a,
        &format!("SELECT text FROM pages WHERE attachment_id = {closed_bilag} AND page = 1"),
    )
    .split_whitespace()
    .skip(2)
    .take(5)
    .collect::<Vec<_>>()
    .join(" ");
    note_of(&[
        "--attachment",
        &closed_bilag,
        "--page",
        "1",
        "--quote",
        &bilag_quote,
        "--body",
        "Delt note på et lukket bilag",
        "--shared",
    ]);

    copy_dir(&a, &b);
    let conn = rusqlite::Connection::open(b.join("moedemappe.sqlite")).unwrap();
    conn.execute_batch(DELETE_CLOSED).unwrap();
    drop(conn);
    assert_eq!(one(&b, "SELECT count(*) FROM items WHERE closed = 1"), "0");
    assert_ne!(one(&a, "SELECT count(*) FROM items WHERE closed = 1"), "0");
    // Both indexes freshly built, so neither holds deleted documents.
    ok(&a, &["reindex"]);
    ok(&b, &["reindex"]);

    let values = Values {
        meetings: vec![meeting, open_meeting, bilag_meeting, "999999".into()],
        items: vec![closed_item, open_item, bilag_item, "999999".into()],
        attachments: vec![closed_att, open_att, closed_bilag, "999999".into()],
        cases: vec![closed_case, open_case, "EMN-1999-000001".into()],
        bodies: sql(&a, "SELECT id FROM bodies ORDER BY id LIMIT 2")
            .into_iter()
            .map(|r| r[0].clone())
            .chain(["999999".to_string()])
            .collect(),
        note: shared,
        closed_word,
    };

    // HTTP: every documented route and method, with the open token.
    let (server_a, server_b) = (serve(&a), serve(&b));
    let token_a = std::fs::read_to_string(a.join("api-token")).unwrap();
    let token_b = std::fs::read_to_string(b.join("api-token")).unwrap();
    let client = reqwest::blocking::Client::new();
    let doc: Value = client
        .get(format!("{}/api/openapi.json", server_a.base))
        .bearer_auth(token_a.trim())
        .send()
        .unwrap()
        .json()
        .unwrap();
    // The open token's news: the open item and its bilag, never the closed
    // item; the answers below compare it with the copy's.
    let open_news: Value = client
        .get(format!("{}/api/alerts", server_a.base))
        .bearer_auth(token_a.trim())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let titles: Vec<&str> = open_news["searches"][0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["item_title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Badezone ved Bassinkajen", "Badezone ved Bassinkajen"],
        "{open_news:#}"
    );
    let mut contract = Contract::new(doc);
    let mut broken = Vec::new();
    let mut calls = 0;
    let mut differences = Vec::new();
    for (path, methods) in contract.operations() {
        let path = &path;
        for method in methods {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            for request in requests_for(path, &values) {
                let ask = |server: &Server, token: &str, data: &Path| {
                    let mut req = client
                        .request(
                            method.clone(),
                            format!("{}{}", server.base, request.replace("TOKEN", token.trim())),
                        )
                        .bearer_auth(token.trim());
                    if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
                        req = req.header("content-type", "application/json").body("{}");
                    }
                    answer(req.send().unwrap(), data)
                };
                let (ra, rb) = (ask(&server_a, &token_a, &a), ask(&server_b, &token_b, &b));
                calls += 1;
                for r in [&ra, &rb] {
                    if let Err(e) = contract.check(method.as_str(), path, r.0, &r.1, &r.2) {
                        broken.push(format!("{request}: {e}"));
                    }
                }
                if ra != rb {
                    differences.push(format!(
                        "{method} {request}\n  with closed: {} {}\n  without:     {} {}",
                        ra.0,
                        &ra.2[..ra.2.len().min(400)],
                        rb.0,
                        &rb.2[..rb.2.len().min(400)]
                    ));
                }
            }
        }
    }
    assert!(calls > 100, "only {calls} requests");

    // Numbering: a closed item in the middle of an agenda leaves no gap.
    let gapped = one(
        &a,
        "SELECT i.meeting_id FROM items i WHERE i.closed = 1 AND EXISTS (
            SELECT 1 FROM items j WHERE j.meeting_id = i.meeting_id AND j.closed = 0
               AND j.number > i.number) LIMIT 1",
    );
    let view: Value = client
        .get(format!("{}/api/meetings/{gapped}", server_a.base))
        .bearer_auth(token_a.trim())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let numbers: Vec<u64> = view["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=numbers.len() as u64).collect();
    assert_eq!(
        numbers, expected,
        "the open scope's item numbers have a gap"
    );
    assert!(
        differences.is_empty(),
        "{} of {calls} answers differ:\n{}",
        differences.len(),
        differences.join("\n")
    );

    // MCP: every tool, with the local open token.
    let calls: Vec<(String, Value)> = [
        &values.closed_word,
        "budget",
        "fortroligt prisoverslag",
        "skole",
        "xyzzyq",
    ]
    .iter()
    .flat_map(|w| {
        [
            (
                "search_agendas".to_string(),
                serde_json::json!({"query": w}),
            ),
            (
                "retrieve_passages".to_string(),
                serde_json::json!({"question": w}),
            ),
        ]
    })
    .chain(values.cases.iter().map(|c| {
        (
            "get_case_history".to_string(),
            serde_json::json!({"case_number": c}),
        )
    }))
    .chain(values.attachments.iter().map(|x| {
        (
            "get_page_text".to_string(),
            serde_json::json!({"attachment_id": x.parse::<i64>().unwrap(), "page": 1}),
        )
    }))
    .chain([
        ("committee_stats".to_string(), serde_json::json!({})),
        (
            "committee_stats".to_string(),
            serde_json::json!({"by": "month"}),
        ),
        ("alerts".to_string(), serde_json::json!({})),
        (
            "alerts".to_string(),
            serde_json::json!({"since": "2000-01-01"}),
        ),
        (
            "alerts".to_string(),
            serde_json::json!({"name": "fortroligt"}),
        ),
    ])
    .collect();
    let run = |data: &Path| -> Value {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/mcp/calls.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_moedemappe"))
            .arg(data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs (with the mcp package, see .ci/run)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(serde_json::to_string(&calls).unwrap().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "the MCP client failed");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (ma, mb) = (run(&a), run(&b));
    let tools: BTreeSet<&str> = ma[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let called: BTreeSet<&str> = calls.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tools, called, "every MCP tool is called");
    // The saved searches found open material too (answers follow the tool list).
    let alerts = &ma[calls.iter().position(|(t, _)| t == "alerts").unwrap() + 1];
    assert!(
        alerts["structured"]["total"].as_u64().unwrap() > 0,
        "{alerts}"
    );
    for (i, (x, y)) in ma
        .as_array()
        .unwrap()
        .iter()
        .zip(mb.as_array().unwrap())
        .enumerate()
    {
        assert_eq!(
            x,
            y,
            "MCP call {i} differs: {:?}",
            calls.get(i.wrapping_sub(1))
        );
    }

    // The member and a closed-scope token may see more, so their answers
    // are not compared; but every answer keeps the document's promises.
    let closed_token = ok(&a, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    // The member's session, from the login link; redirects are answers to
    // check here, not to follow.
    let session = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = session.get(&server_a.login).send().unwrap();
    assert_eq!(login.status().as_u16(), 303, "the link logs the member in");
    let mut background = Vec::new();
    for (path, methods) in contract.operations() {
        for method in methods {
            for request in requests_for(&path, &values) {
                let request = request.replace("TOKEN", token_a.trim());
                // A demo or a sync started goes on in the background: last.
                if method == "post" && matches!(path.as_str(), "/api/demo" | "/api/sync") {
                    background.push((path.clone(), method.clone(), request));
                    continue;
                }
                for by_member in [false, true] {
                    let (status, kind, body) = ask_as(
                        &session,
                        &closed_token,
                        by_member,
                        &server_a,
                        &method,
                        &path,
                        &request,
                        &values,
                        &a,
                    );
                    if let Err(e) = contract.check(&method, &path, status, &kind, &body) {
                        broken.push(format!(
                            "{request} ({}): {e}",
                            if by_member { "medlem" } else { "lukket nøgle" }
                        ));
                    }
                }
            }
        }
    }
    for (path, method, request) in background {
        for by_member in [false, true] {
            let (status, kind, body) = ask_as(
                &session,
                &closed_token,
                by_member,
                &server_a,
                &method,
                &path,
                &request,
                &values,
                &a,
            );
            if let Err(e) = contract.check(&method, &path, status, &kind, &body) {
                broken.push(format!("{request}: {e}"));
            }
        }
    }
    assert!(
        contract.validated > 300,
        "only {} of {} answers had a schema to check",
        contract.validated,
        contract.checked
    );
    assert!(
        broken.is_empty(),
        "{} answers break the OpenAPI document:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// A body that asks for something real, where the member's pass should
/// change something; `{}` elsewhere.
fn body_for(method: &str, path: &str, v: &Values) -> Option<String> {
    let attachment: i64 = v.attachments[1].parse().unwrap();
    let body = match (method, path) {
        ("get" | "delete", _) => return None,
        ("post", "/api/notes") => serde_json::json!({
            "item": null, "attachment": null, "case_number": v.cases[1],
            "body": "Kontrol af dokumentet", "format": "text/plain",
            "tags": ["kontrol"], "visibility": "private",
        }),
        ("put", "/api/notes/{id}") => serde_json::json!({ "body": "Rettet i kontrollen" }),
        ("post", "/api/read") => serde_json::json!({ "attachment": attachment, "pages": [1] }),
        ("put", "/api/pace") => serde_json::json!({ "pages_per_hour": 40 }),
        ("put", "/api/share/author") => serde_json::json!({ "name": "Kontrol" }),
        ("post", "/api/saved-searches") => serde_json::json!({
            "name": "Kontrol", "query": { "text": "budget", "body": "TU" },
        }),
        ("post", "/api/alerts/seen") => serde_json::json!({ "name": null }),
        _ => serde_json::json!({}),
    };
    Some(body.to_string())
}

/// Asks `request` of `server` as the member (the session) or with the
/// closed-scope `token`; the answer as [`answer`] gives it.
#[allow(clippy::too_many_arguments)]
fn ask_as(
    session: &reqwest::blocking::Client,
    token: &str,
    by_member: bool,
    server: &Server,
    method: &str,
    path: &str,
    request: &str,
    v: &Values,
    data: &Path,
) -> (u16, String, String) {
    let client = if by_member {
        session.clone()
    } else {
        reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let verb: reqwest::Method = method.to_uppercase().parse().unwrap();
    let mut req = client.request(verb, format!("{}{request}", server.base));
    if !by_member {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body_for(method, path, v) {
        req = req.header("content-type", "application/json").body(body);
    }
    answer(req.send().unwrap(), data)
}
