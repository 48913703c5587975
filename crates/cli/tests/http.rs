//! End-to-end tests of `moedemappe serve`: the real binary on 127.0.0.1 over
//! the demo corpus, driven with a real HTTP client. Tokens, origins, and that
//! closed material is absent without the closed scope and present with it;
//! the member's login link and session, and that no page holds a secret.

mod common;

use common::ok;
use common::serve::{member, serve, serve_ui, Server};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::Value;

fn get(client: &Client, s: &Server, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = client.get(format!("{}{path}", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().unwrap();
    let status = resp.status();
    (status, resp.json().unwrap_or(Value::Null))
}

fn all_hits(results: &Value) -> Vec<Value> {
    let mut hits: Vec<Value> = results["hits"].as_array().cloned().unwrap_or_default();
    for g in results["groups"].as_array().into_iter().flatten() {
        hits.extend(g["hits"].as_array().cloned().unwrap_or_default());
    }
    hits
}

#[test]
fn the_api_needs_a_token_refuses_foreign_origins_and_keeps_closed_material_closed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let closed_token = ok(&data, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    let server = serve(&data);
    let open_token = std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string();
    let client = Client::new();
    let open = Some(open_token.as_str());
    let closed = Some(closed_token.as_str());

    // No token, a wrong token: 401 with a plain message; the right one: 200.
    let (status, body) = get(&client, &server, "/api/search?q=Aarhus", None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("moedemappe serve"));
    let (status, _) = get(&client, &server, "/api/search?q=Aarhus", Some("forkert"));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(&client, &server, "/api/openapi.json", None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, doc) = get(&client, &server, "/api/openapi.json", open);
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/search"].is_object());
    // A body nobody has is unknown, not a filter left out.
    let (status, body) = get(&client, &server, "/api/meetings?body=Intet%20udvalg", open);
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "not_found");

    // A foreign Origin is refused even with a good token; our own is fine.
    let with_origin = |origin: &str| {
        client
            .get(format!("{}/api/search?q=Aarhus", server.base))
            .bearer_auth(&open_token)
            .header("Origin", origin)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(with_origin("https://evil.example"), StatusCode::FORBIDDEN);
    assert_eq!(with_origin("http://127.0.0.1:1"), StatusCode::FORBIDDEN);
    assert_eq!(
        with_origin(&format!("http://{}", server.host)),
        StatusCode::OK
    );
    // A foreign Host (DNS rebinding) is refused.
    let rebinding = client
        .get(format!("{}/api/search?q=Aarhus", server.base))
        .bearer_auth(&open_token)
        .header("Host", "evil.example")
        .send()
        .unwrap()
        .status();
    assert_eq!(rebinding, StatusCode::FORBIDDEN);

    // Closed material: present with the closed scope …
    let q = "/api/search?q=Aarhus&group=false&limit=200";
    let (_, with_closed) = get(&client, &server, &format!("{q}&access=closed"), closed);
    let closed_hits = all_hits(&with_closed);
    assert!(!closed_hits.is_empty(), "the demo has closed items");
    assert!(closed_hits.iter().all(|h| h["access"] == "closed"));
    // … absent without it: no hits, no counts, no titles.
    let (status, without) = get(&client, &server, &format!("{q}&access=closed"), open);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(without["total"], 0);
    assert!(all_hits(&without).is_empty());
    let (_, all_open) = get(&client, &server, q, open);
    let (_, all_closed) = get(&client, &server, q, closed);
    assert!(all_hits(&all_open).iter().all(|h| h["access"] == "open"));
    let kinds_total = |r: &Value| -> u64 {
        r["facets"]["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(kinds_total(&all_open), all_open["total"].as_u64().unwrap());
    assert_eq!(
        all_open["total"].as_u64().unwrap() + with_closed["total"].as_u64().unwrap(),
        all_closed["total"].as_u64().unwrap()
    );
    // A closed hit may be a closed bilag of an open item, whose title the
    // open scope sees; the titles that must not show are those of closed
    // items that no open item shares.
    let db = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let open_titles: std::collections::BTreeSet<String> = {
        let mut stmt = db
            .prepare("SELECT title FROM items WHERE closed = 0")
            .unwrap();
        let titles = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        titles
    };
    let closed_items: std::collections::BTreeSet<i64> = {
        let mut stmt = db.prepare("SELECT id FROM items WHERE closed = 1").unwrap();
        let ids = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        ids
    };
    // The hits of closed items themselves.
    let closed_item_hits: Vec<&Value> = closed_hits
        .iter()
        .filter(|h| {
            h["item_id"]
                .as_i64()
                .is_some_and(|i| closed_items.contains(&i))
        })
        .collect();
    assert!(!closed_item_hits.is_empty(), "hits of closed items");
    let closed_titles: Vec<&str> = closed_hits
        .iter()
        .filter_map(|h| h["item_title"].as_str())
        .filter(|t| !open_titles.contains(*t))
        .collect();
    assert!(
        !closed_titles.is_empty(),
        "closed items' own titles to look for"
    );
    let open_text = serde_json::to_string(&all_open).unwrap();
    for title in &closed_titles {
        assert!(!open_text.contains(title), "{title} leaked");
    }

    // A closed attachment's page: unknown without the scope, readable with it.
    let page_hit = closed_hits
        .iter()
        .find(|h| h["attachment_id"].is_i64())
        .expect("a closed attachment page");
    let path = format!(
        "/api/attachments/{}/pages/{}",
        page_hit["attachment_id"], page_hit["page"]
    );
    let (status, _) = get(&client, &server, &path, open);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = get(&client, &server, &path, closed);
    assert_eq!(status, StatusCode::OK);
    assert!(!page["text"].as_str().unwrap().is_empty());

    // An open page is readable with the open token, and its text holds the word.
    let open_page = all_hits(&all_open)
        .into_iter()
        .find(|h| h["attachment_id"].is_i64() && h["collection"].is_null())
        .unwrap();
    let (status, page) = get(
        &client,
        &server,
        &format!(
            "/api/attachments/{}/pages/{}",
            open_page["attachment_id"], open_page["page"]
        ),
        open,
    );
    assert_eq!(status, StatusCode::OK);
    assert!(page["text"].as_str().unwrap().contains("Aarhus"));

    // A closed case's history: without the scope, no closed treatment.
    // (A hit of a closed item, not of a closed bilag on an open one.)
    if let Some(case) = closed_item_hits
        .iter()
        .find_map(|h| h["case_number"].as_str())
    {
        let path = format!("/api/cases/{case}");
        let (status, history) = get(&client, &server, &path, closed);
        assert_eq!(status, StatusCode::OK);
        assert!(history["treatments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["closed"] == true));
        let (status, history) = get(&client, &server, &path, open);
        match status {
            StatusCode::NOT_FOUND => {}
            StatusCode::OK => assert!(history["treatments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["closed"] == false)),
            other => panic!("{other}"),
        }
    }

    // Retrieval follows the same rule: no closed passage without the scope.
    let (status, passages) = get(&client, &server, "/api/retrieve?q=Aarhus&k=40", open);
    assert_eq!(status, StatusCode::OK);
    let passages = passages.as_array().unwrap();
    assert!(!passages.is_empty());
    assert!(passages.iter().all(|p| p["access"] == "open"));
    let (_, closed_passages) = get(
        &client,
        &server,
        "/api/retrieve?q=Aarhus&k=40&access=closed",
        closed,
    );
    let closed_passages = closed_passages.as_array().unwrap();
    assert!(!closed_passages.is_empty());
    assert!(closed_passages.iter().all(|p| p["access"] == "closed"));
    let (_, none) = get(
        &client,
        &server,
        "/api/retrieve?q=Aarhus&access=closed",
        open,
    );
    assert_eq!(none.as_array().map(Vec::len), Some(0));

    // Meetings and items: closed items are neither listed nor counted
    // without the scope, and a closed item is unknown.
    let (_, open_meetings) = get(&client, &server, "/api/meetings", open);
    let (_, all_meetings) = get(&client, &server, "/api/meetings", closed);
    let sum = |v: &Value, f: &str| -> u64 {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m[f].as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum(&open_meetings, "closed_items"), 0);
    assert!(sum(&all_meetings, "closed_items") > 0);
    assert_eq!(
        sum(&open_meetings, "item_count") + sum(&all_meetings, "closed_items"),
        sum(&all_meetings, "item_count")
    );
    let closed_item = closed_item_hits
        .iter()
        .find_map(|h| h["item_id"].as_i64())
        .unwrap();
    let closed_meeting = closed_item_hits
        .iter()
        .find(|h| h["item_id"] == closed_item)
        .unwrap()["meeting_id"]
        .as_i64()
        .unwrap();
    let (status, _) = get(&client, &server, &format!("/api/items/{closed_item}"), open);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, item) = get(
        &client,
        &server,
        &format!("/api/items/{closed_item}"),
        closed,
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item["closed"], true);
    let path = format!("/api/meetings/{closed_meeting}");
    let (_, open_view) = get(&client, &server, &path, open);
    let (_, full_view) = get(&client, &server, &path, closed);
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert!(ids(&full_view).contains(&closed_item));
    assert!(!ids(&open_view).contains(&closed_item));
    assert!(!serde_json::to_string(&open_view)
        .unwrap()
        .contains(item["title"].as_str().unwrap()));
    let (status, stats) = get(&client, &server, "/api/stats?by=year", open);
    assert_eq!(status, StatusCode::OK);
    assert!(!stats["rows"].as_array().unwrap().is_empty());

    // Bad parameters are a 400 with a message, not a crash.
    let (status, body) = get(&client, &server, "/api/search?q=x&sort=tilfældig", open);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid");
    assert!(body["message"].as_str().unwrap().contains("sort"));

    // A revoked token stops working at once.
    let id = ok(&data, &["token", "list"])
        .lines()
        .find(|l| l.contains("lukket"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    ok(&data, &["token", "revoke", &id]);
    let (status, _) = get(&client, &server, "/api/search?q=Aarhus", closed);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_ui_is_served_without_a_token_and_pdfs_keep_the_access_rules() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(ui.join("assets")).unwrap();
    std::fs::write(
        ui.join("index.html"),
        "<!doctype html><html><head><title>t</title></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(ui.join("assets/app.js"), "console.log(1)").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "hemmeligt").unwrap();
    // The closed-scope UI token an older version put into the page.
    let old_ui = ok(
        &data,
        &[
            "token",
            "create",
            "--scope",
            "closed",
            "--label",
            "brugerflade",
        ],
    )
    .trim()
    .to_string();
    std::fs::write(data.join("ui-token"), &old_ui).unwrap();
    let server = serve_ui(&data, Some(&ui));
    let client = Client::new();
    let me = member(&server);

    // Serving retired it: revoked, and its file is gone.
    assert!(!data.join("ui-token").exists());
    let (status, _) = get(&client, &server, "/api/stats", Some(&old_ui));
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The page needs no session; it carries no token and a strict CSP.
    let resp = client.get(format!("{}/", server.base)).send().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("http"), "no remote source allowed: {csp}");
    let html = resp.text().unwrap();
    assert!(!html.contains("moedemappe-token"), "{html}");
    let js = client
        .get(format!("{}/assets/app.js", server.base))
        .send()
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    // Nothing outside the UI folder, and no foreign Host even for the page.
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/../../secret.txt",
    ] {
        let resp = client.get(format!("{}{path}", server.base)).send().unwrap();
        assert!(!resp.text().unwrap().contains("hemmeligt"), "{path}");
    }
    let rebinding = client
        .get(format!("{}/", server.base))
        .header("Host", "evil.example")
        .send()
        .unwrap()
        .status();
    assert_eq!(rebinding, StatusCode::FORBIDDEN);

    // The member sees closed material; the open local token does not.
    let open_token = std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string();
    let q = "/api/search?q=Aarhus&group=false&limit=200&access=closed";
    let (_, closed) = get(&me, &server, q, None);
    let closed_hit = all_hits(&closed)
        .into_iter()
        .find(|h| h["attachment_id"].is_i64())
        .expect("a closed attachment in the demo");
    let closed_id = closed_hit["attachment_id"].as_i64().unwrap();
    let (_, open) = get(
        &client,
        &server,
        "/api/search?q=Aarhus&group=false&limit=200&access=open",
        Some(&open_token),
    );
    let open_id = all_hits(&open)
        .into_iter()
        .find_map(|h| h["attachment_id"].as_i64())
        .expect("an open attachment");

    let file = |id: i64, token: Option<&str>| {
        let mut req = client.get(format!("{}/api/attachments/{id}/file", server.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().unwrap()
    };
    let member_file = |id: i64| {
        me.get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap()
    };
    let pdf = file(open_id, Some(&open_token));
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().unwrap().starts_with(b"%PDF"));
    assert_eq!(file(open_id, None).status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        file(closed_id, Some(&open_token)).status(),
        StatusCode::NOT_FOUND
    );
    let closed_pdf = member_file(closed_id);
    assert_eq!(closed_pdf.status(), StatusCode::OK);
    assert!(closed_pdf.bytes().unwrap().starts_with(b"%PDF"));
    assert_eq!(member_file(999_999).status(), StatusCode::NOT_FOUND);
}

#[test]
fn without_a_built_ui_the_page_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let server = serve_ui(&data, None);
    let resp = Client::new()
        .get(format!("{}/", server.base))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().unwrap();
    assert!(
        html.contains("ikke bygget") && html.contains("npm run build"),
        "{html}"
    );
}

/// A request with a JSON body and a token (with "": as whoever `client`
/// is, e.g. the member with their session cookie).
fn send(
    client: &Client,
    s: &Server,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = client.request(method, format!("{}{path}", s.base));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    let resp = req.json(&body).send().unwrap();
    let status = resp.status();
    (status, resp.json().unwrap_or(Value::Null))
}

/// The first hit on a page of an attachment with `access`, and a quote of
/// five words from the middle of that page's text.
fn page_with_quote(client: &Client, s: &Server, token: &str, access: &str) -> (Value, String) {
    let (_, results) = get(
        client,
        s,
        &format!("/api/search?q=Aarhus&access={access}&group=false&limit=50"),
        Some(token),
    );
    for hit in all_hits(&results) {
        let (Some(a), Some(p)) = (hit["attachment_id"].as_i64(), hit["page"].as_i64()) else {
            continue;
        };
        let (status, page) = get(
            client,
            s,
            &format!("/api/attachments/{a}/pages/{p}"),
            Some(token),
        );
        assert_eq!(status, StatusCode::OK);
        let words: Vec<&str> = page["text"].as_str().unwrap().split_whitespace().collect();
        if words.len() >= 20 {
            let mid = words.len() / 2;
            return (hit.clone(), words[mid..mid + 5].join(" "));
        }
    }
    panic!("no {access} page with text in the demo corpus");
}

fn ids(notes: &Value) -> Vec<String> {
    notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn notes_and_reading_marks_go_through_the_api_and_closed_notes_stay_closed() {
    use reqwest::Method;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let closed = ok(&data, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    let server = serve(&data);
    let open = std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string();
    let client = Client::new();
    // The member's browser, logged in through serve's link.
    let me = member(&server);

    // A highlight with a note on an open page: only the member may write, no token.
    let (hit, quote) = page_with_quote(&client, &server, &closed, "open");
    let attachment = hit["attachment_id"].as_i64().unwrap();
    let page = hit["page"].as_i64().unwrap();
    let new = serde_json::json!({
        "attachment": attachment, "page": page, "quote": quote, "body": "Spørg til tallene"
    });
    let (status, _) = send(
        &client,
        &server,
        Method::POST,
        "/api/notes",
        &open,
        new.clone(),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(
        &client,
        &server,
        Method::POST,
        "/api/notes",
        &closed,
        new.clone(),
    );
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a closed-scope token reads, never writes"
    );
    // A private note is the member's only: no token lists it.
    let (status, private) = send(&me, &server, Method::POST, "/api/notes", "", new.clone());
    assert_eq!(status, StatusCode::OK, "{private}");
    let private_id = private["id"].as_str().unwrap().to_string();
    let (_, mine) = get(&me, &server, "/api/notes", None);
    assert!(ids(&mine).contains(&private_id));
    for token in [&open, &closed] {
        let (status, notes) = get(&client, &server, "/api/notes", Some(token));
        assert_eq!(status, StatusCode::OK);
        assert!(!ids(&notes).contains(&private_id), "{notes}");
    }
    let (status, _) = send(
        &me,
        &server,
        Method::DELETE,
        &format!("/api/notes/{private_id}"),
        "",
        Value::Null,
    );
    assert_eq!(status, StatusCode::OK);
    // A shared note on an open page is listed for every scope.
    let mut new = new;
    new["visibility"] = serde_json::json!("shared");
    let (status, note) = send(&me, &server, Method::POST, "/api/notes", "", new);
    assert_eq!(status, StatusCode::OK, "{note}");
    let id = note["id"].as_str().unwrap().to_string();
    assert_eq!(note["attachment"].as_i64(), Some(attachment));
    assert_eq!(note["anchor"]["exact"].as_str(), Some(quote.as_str()));
    assert_eq!(note["mine"], true);

    // Listed on its attachment and its meeting, for both scopes (the page is open).
    let on_attachment = format!("/api/notes?attachment={attachment}");
    for token in [&open, &closed] {
        let (status, notes) = get(&client, &server, &on_attachment, Some(token));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids(&notes), vec![id.clone()]);
    }
    let meeting = hit["meeting_id"].as_i64().unwrap();
    let (_, notes) = get(
        &client,
        &server,
        &format!("/api/notes?meeting={meeting}"),
        Some(&closed),
    );
    assert!(ids(&notes).contains(&id));
    let (status, _) = get(
        &client,
        &server,
        "/api/notes?meeting=1&case=x",
        Some(&closed),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A note on a closed page: the member sees it, the open scope does not.
    let (closed_hit, closed_quote) = page_with_quote(&client, &server, &closed, "closed");
    let (status, secret) = send(
        &me,
        &server,
        Method::POST,
        "/api/notes",
        "",
        serde_json::json!({
            "attachment": closed_hit["attachment_id"], "page": closed_hit["page"],
            "quote": closed_quote, "body": "Fortroligt", "visibility": "shared"
        }),
    );
    assert_eq!(status, StatusCode::OK, "{secret}");
    let secret_id = secret["id"].as_str().unwrap().to_string();
    let (_, all_closed) = get(&me, &server, "/api/notes", None);
    assert!(ids(&all_closed).contains(&secret_id));
    let (_, all_open) = get(&client, &server, "/api/notes", Some(&open));
    assert!(ids(&all_open).contains(&id));
    assert!(!ids(&all_open).contains(&secret_id));
    assert!(!all_open.to_string().contains("Fortroligt"));

    // Edit, then delete.
    let path = format!("/api/notes/{id}");
    let (status, edited) = send(
        &me,
        &server,
        Method::PUT,
        &path,
        "",
        serde_json::json!({ "body": "Ny tekst", "visibility": "shared" }),
    );
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (_, notes) = get(&me, &server, &on_attachment, None);
    assert_eq!(notes[0]["body"], "Ny tekst");
    assert_eq!(notes[0]["visibility"], "shared");

    // Reading marks and progress.
    let read = serde_json::json!({ "attachment": attachment, "pages": [page] });
    let (status, _) = send(
        &client,
        &server,
        Method::POST,
        "/api/read",
        &open,
        read.clone(),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, marked) = send(&me, &server, Method::POST, "/api/read", "", read.clone());
    assert_eq!(
        (status, marked["marked"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let (_, again) = send(&me, &server, Method::POST, "/api/read", "", read);
    assert_eq!(again["marked"].as_i64(), Some(0));
    let marks = format!("/api/read?attachment={attachment}");
    let (status, pages) = get(&me, &server, &marks, None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pages["pages"], serde_json::json!([page]));
    let (status, _) = get(&client, &server, &marks, Some(&open));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let progress = format!("/api/meetings/{meeting}/progress");
    let (status, p) = get(&me, &server, &progress, None);
    assert_eq!(status, StatusCode::OK);
    assert!(p["read"].as_i64().unwrap() >= 1, "{p}");
    assert!(p["pages"].as_i64().unwrap() >= p["read"].as_i64().unwrap());
    let (status, _) = get(&client, &server, &progress, Some(&open));
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = send(&me, &server, Method::DELETE, &path, "", Value::Null);
    assert_eq!(status, StatusCode::OK);
    let (_, notes) = get(&me, &server, &on_attachment, None);
    assert!(ids(&notes).is_empty());
    let (status, _) = send(&me, &server, Method::DELETE, &path, "", Value::Null);
    assert_eq!(status, StatusCode::NOT_FOUND);
}
