//! End-to-end tests of how `moedemappe serve` knows the member: the one-time
//! login link it prints gives a session cookie once; no page or file it
//! serves holds a secret; a closed-scope token reads but never writes; and
//! every error, axum's own included, is JSON `{code, message}` in Danish.

mod common;

use std::path::Path;

use common::ok;
use common::serve::{member, serve, serve_ui, serve_with, Server};
use reqwest::blocking::Client;
use reqwest::header::SET_COOKIE;
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A client that does not follow redirects and keeps no cookies: it sees the
/// login answer itself.
fn bare() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

fn trimmed(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_string()
}

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn no_page_or_file_the_server_serves_holds_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let closed = ok(&data, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    // The real built UI when there is one, else a small stand-in.
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    let ui = if built.join("index.html").is_file() {
        built
    } else {
        let ui = dir.path().join("ui");
        std::fs::create_dir_all(ui.join("assets")).unwrap();
        std::fs::write(
            ui.join("index.html"),
            "<html><head></head><body></body></html>",
        )
        .unwrap();
        std::fs::write(ui.join("assets/app.js"), "console.log(1)").unwrap();
        ui
    };
    let server = serve_ui(&data, Some(&ui));
    let code = server.login.split("kode=").nth(1).unwrap().to_string();
    // The member logs in; the cookie's value is a secret too.
    let resp = bare().get(&server.login).send().unwrap();
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_string();
    let session = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    let secrets = [
        closed.as_str(),
        &trimmed(&data.join("api-token")),
        &code,
        session,
    ];
    assert!(secrets.iter().all(|s| s.len() >= 32), "{secrets:?}");

    let mut paths: Vec<String> = ["/", "/index.html", "/soeg", "/laes/1/2", "/kilder/x"]
        .map(String::from)
        .to_vec();
    paths.extend(files(&ui).into_iter().map(|f| format!("/{f}")));
    // Anyone may ask (no cookie), and so may the member's browser.
    let me = Client::builder().cookie_store(true).build().unwrap();
    me.get(format!("{}/login?kode=x", server.base))
        .send()
        .unwrap();
    for client in [Client::new(), me] {
        for path in &paths {
            let resp = client.get(format!("{}{path}", server.base)).send().unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            let body = String::from_utf8_lossy(&resp.bytes().unwrap()).to_string();
            assert!(!body.contains("moedemappe-token"), "{path}");
            for secret in &secrets {
                assert!(!body.contains(secret), "a secret in {path}");
            }
        }
    }
}

#[test]
fn the_login_code_works_once_and_gives_a_strict_http_only_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let server = serve(&data);
    assert!(server.printed.contains("Åbn Mødemappe: http://127.0.0.1:"));

    // A wrong code: no cookie, a page saying what to do.
    let wrong = bare()
        .get(format!("{}/login?kode={}", server.base, "0".repeat(64)))
        .send()
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get(SET_COOKIE).is_none());
    assert!(wrong.text().unwrap().contains("moedemappe login-link"));

    // The right one: a cookie, on to the UI, the code not passed on.
    let first = bare().get(&server.login).send().unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()["location"], "/");
    assert_eq!(first.headers()["referrer-policy"], "no-referrer");
    let cookie = first.headers()[SET_COOKIE].to_str().unwrap().to_string();
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    assert!(attributes.contains(&"SameSite=Strict"), "{cookie}");
    assert!(attributes.contains(&"Path=/"), "{cookie}");
    assert!(!cookie.contains("Max-Age") && !cookie.contains("Expires"));

    // The cookie makes the member; a made-up one does not.
    let pair = attributes[0];
    let pace = |cookie: &str| {
        bare()
            .get(format!("{}/api/pace", server.base))
            .header("Cookie", cookie)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(pace(pair), StatusCode::OK);
    let name = pair.split('=').next().unwrap();
    assert_eq!(
        pace(&format!("{name}={}", "1".repeat(64))),
        StatusCode::UNAUTHORIZED
    );
    // A page of another site (another port is the same site) gets nothing.
    let cross = bare()
        .get(format!("{}/api/pace", server.base))
        .header("Cookie", pair)
        .header("Sec-Fetch-Site", "same-site")
        .send()
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);

    // Used once: a second use gives no cookie.
    let second = bare().get(&server.login).send().unwrap();
    assert_eq!(second.status(), StatusCode::UNAUTHORIZED);
    assert!(second.headers().get(SET_COOKIE).is_none());

    // `moedemappe login-link` gives a fresh link to the running server, once.
    let link = ok(&data, &["login-link"]);
    let link = link
        .split_whitespace()
        .find(|w| w.contains("/login?kode="))
        .unwrap()
        .to_string();
    assert!(link.starts_with(&server.base), "{link}");
    let fresh = bare().get(&link).send().unwrap();
    assert_eq!(fresh.status(), StatusCode::SEE_OTHER);
    assert!(fresh.headers().get(SET_COOKIE).is_some());
    assert_eq!(
        bare().get(&link).send().unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn an_expired_login_code_gives_no_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let server = serve_with(&data, None, &[("MOEDEMAPPE_LOGIN_SECONDS", "1")]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let late = bare().get(&server.login).send().unwrap();
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    assert!(late.headers().get(SET_COOKIE).is_none());
}

/// A call with a JSON body, with a bearer token or (with "") as `client`.
fn call(
    client: &Client,
    s: &Server,
    method: Method,
    path: &str,
    token: &str,
    body: Value,
) -> StatusCode {
    let mut req = client.request(method, format!("{}{path}", s.base));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    req.json(&body).send().unwrap().status()
}

#[test]
fn a_closed_scope_token_reads_closed_material_but_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    let closed = ok(&data, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    let folder = dir.path().join("hemmelig");
    std::fs::create_dir_all(&folder).unwrap();
    let server = serve(&data);
    let me = member(&server);
    let anyone = Client::new();

    let source = json!({ "kind": "folder", "name": "hemmelig", "location": folder });
    let (pace, sync) = (json!({ "pages_per_hour": 50 }), json!({}));
    let get = |p: &str| -> Value {
        me.get(format!("{}{p}", server.base))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let meeting = get("/api/meetings")[0]["id"].as_i64().unwrap();
    let item = get(&format!("/api/meetings/{meeting}"))["items"][0]["id"].clone();
    let note = json!({ "item": item, "body": "Spørg til tallene" });
    for (method, path, body) in [
        (Method::POST, "/api/sources", &source),
        (Method::POST, "/api/sync", &sync),
        (Method::POST, "/api/notes", &note),
        (Method::PUT, "/api/pace", &pace),
    ] {
        let status = call(
            &anyone,
            &server,
            method.clone(),
            path,
            &closed,
            body.clone(),
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        // Even beside the member's cookie, a token is only a token.
        let status = call(&me, &server, method.clone(), path, &closed, body.clone());
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{method} {path} with a cookie"
        );
    }
    // The token still reads closed material.
    let resp = anyone
        .get(format!(
            "{}/api/search?q=Aarhus&access=closed&group=false",
            server.base
        ))
        .bearer_auth(&closed)
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.json::<Value>().unwrap()["total"].as_u64().unwrap() > 0);

    // The member's session writes.
    let status = call(&me, &server, Method::POST, "/api/sources", "", source);
    assert!(status.is_success(), "{status}");
    assert!(call(&me, &server, Method::POST, "/api/notes", "", note).is_success());
    assert!(call(&me, &server, Method::PUT, "/api/pace", "", pace).is_success());
    assert!(call(&me, &server, Method::POST, "/api/sync", "", sync).is_success());
}

#[test]
fn every_error_is_json_with_a_code_and_a_danish_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let server = serve(&data);
    let me = member(&server);
    let check = |req: reqwest::blocking::RequestBuilder, status: StatusCode, code: &str| {
        let resp = req.send().unwrap();
        assert_eq!(resp.status(), status);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = resp.json().unwrap();
        assert_eq!(body["code"], code, "{body}");
        let message = body["message"].as_str().unwrap();
        // Not the framework's English text.
        assert!(!message.is_empty(), "{body}");
        for english in [
            "Failed",
            "Invalid",
            "invalid",
            "deserialize",
            "Method",
            "Expected",
            "error",
        ] {
            assert!(!message.contains(english), "not Danish: {message}");
        }
        assert!(body.get("error").is_none(), "{body}");
    };
    let url = |p: &str| format!("{}{p}", server.base);
    // A malformed path, a malformed query string, a wrong method.
    check(
        me.get(url("/api/meetings/abc")),
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    check(
        me.get(url("/api/search?q=x&limit=x")),
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    check(
        me.delete(url("/api/search")),
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    // A body that is not JSON, or lacks what is asked for.
    check(
        me.put(url("/api/pace"))
            .header("Content-Type", "application/json")
            .body("{"),
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    // Not JSON, or JSON of the wrong shape: the 400 the OpenAPI document declares.
    check(
        me.put(url("/api/pace")).body("x"),
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    check(
        me.put(url("/api/pace")).json(&json!({})),
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    // The refusals and the unknown.
    check(
        Client::new().get(url("/api/stats")),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    check(
        me.get(url("/api/ingenting")),
        StatusCode::NOT_FOUND,
        "not_found",
    );
    check(
        me.get(url("/api/meetings/999999")),
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
