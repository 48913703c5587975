//! `moedemappe serve` for the HTTP tests: the real binary on a free port, the
//! address and one-time login link it prints, and a member's browser-like
//! client that logged in through that link.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use reqwest::blocking::Client;
use reqwest::StatusCode;

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a slash at the end.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// The one-time login link it printed.
    pub login: String,
    /// Everything it printed before it was ready.
    pub printed: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve --port 0` on `data`, with the built UI from `ui_dir` (or a folder
/// with no UI), and `env` set.
pub fn serve_with(data: &Path, ui_dir: Option<&Path>, env: &[(&str, &str)]) -> Server {
    let no_ui = data.join("no-ui");
    let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--port", "0"])
        .env_remove("MOEDEMAPPE_DATA")
        .env("MOEDEMAPPE_UI_DIR", ui_dir.unwrap_or(&no_ui))
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let login = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "serve stopped: {printed}"
        );
        printed += &line;
        if let Some(url) = line.split_whitespace().find(|w| w.contains("/login?kode=")) {
            break url.to_string();
        }
    };
    // Keep reading what the server prints, as a terminal would.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = login.split("/login").next().unwrap().to_string();
    let host = base.trim_start_matches("http://").to_string();
    Server {
        child,
        base,
        host,
        login,
        printed,
    }
}

/// `serve` with the built UI taken from `ui_dir` (or from a folder with no UI).
pub fn serve_ui(data: &Path, ui_dir: Option<&Path>) -> Server {
    serve_with(data, ui_dir, &[])
}

/// `serve` with no UI.
pub fn serve(data: &Path) -> Server {
    serve_ui(data, None)
}

/// A client with a cookie store that opened the server's login link, as the
/// member's browser does: its requests are the member's.
pub fn member(s: &Server) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let resp = client.get(&s.login).send().unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "the link leads to the UI");
    let check = client.get(format!("{}/api/pace", s.base)).send().unwrap();
    assert_eq!(check.status(), StatusCode::OK, "logged in");
    client
}

/// GET `path` with a bearer token: (status, JSON body or null).
pub fn get_json(server: &Server, path: &str, token: &str) -> (u16, serde_json::Value) {
    let resp = Client::new()
        .get(format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(serde_json::Value::Null))
}

/// The open-scope token `serve` wrote into the data directory.
pub fn open_token(data: &std::path::Path) -> String {
    std::fs::read_to_string(data.join("api-token"))
        .unwrap()
        .trim()
        .to_string()
}
