//! Smoke test of the desktop app in a real window: starts `moedemappe-app`
//! on a fresh demo data directory under Xvfb, drives its webview through
//! WebKitWebDriver (what tauri-driver does on Linux) and checks that the
//! window shows the front page and the main menu, that the page's own
//! `fetch('/api/…')` is answered through the `mappe` scheme, and that a PDF
//! comes through it byte for byte. Saves `test-artifacts/tauri-forside.png`.
//! Then the same data directory, moved into a locked vault, opens on the
//! lock screen and unlocks and locks through the scheme.
//!
//! It needs `Xvfb` (xvfb, xauth) and `WebKitWebDriver` (webkit2gtk-driver);
//! `.ci/run` installs them. When one is missing the test fails and says
//! which, so a machine without them never passes it silently.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use moedemappe_core::api::{Mappe, Silent};
use serde_json::{json, Value};

const APP: &str = env!("CARGO_BIN_EXE_moedemappe-app");

/// The vault's passcode in the second window.
const PASSCODE: &str = "lang og hemmelig kode";

/// A child process that is killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The program's path on `PATH`, if it is there.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// An X display number nobody uses.
fn free_display() -> u32 {
    (90..400)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .expect("a free X display number")
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A WebDriver session over plain HTTP.
struct Session {
    http: reqwest::blocking::Client,
    base: String,
}

impl Session {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status();
        let value: Value = resp.json().unwrap_or(Value::Null);
        assert!(status.is_success(), "{url}: {status} {value}");
        value["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    /// Whether the page has an element for the CSS selector.
    fn has(&self, css: &str) -> bool {
        let found = self.post(
            "/elements",
            json!({ "using": "css selector", "value": css }),
        );
        found.as_array().is_some_and(|a| !a.is_empty())
    }

    /// Runs an async script in the page; it resolves with the script's value.
    fn run_async(&self, body: &str) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];\n\
             (async () => {{ {body} }})().then(done, e => done({{ error: String(e) }}));"
        );
        self.post("/execute/async", json!({ "script": script, "args": [] }))
    }
}

/// Decodes standard base64 (WebDriver's screenshots).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    sextets
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().fold(0u32, |n, &s| n << 6 | u32::from(s)) << (6 * (4 - c.len()));
            let bytes = n.to_be_bytes();
            bytes[1..c.len()].to_vec()
        })
        .collect()
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("TcO4ZGVtYXBwZQ=="), "Mødemappe".as_bytes());
    assert_eq!(base64("YWJj"), b"abc");
}

/// The app in a window under Xvfb, driven through WebKitWebDriver; closed
/// (and its processes ended) when dropped.
struct Window {
    session: Session,
    _driver: Killed,
    _xvfb: Killed,
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.session.http.delete(&self.session.base).send();
    }
}

/// Starts the app on the data directory `data` with `args`, and `env` for
/// the app (through the driver, which starts it).
fn open_window(data: &Path, args: &[&str], env: &[(&str, &Path)]) -> Window {
    let xvfb = on_path("Xvfb");
    let driver = on_path("WebKitWebDriver");
    let mut missing = Vec::new();
    if xvfb.is_none() {
        missing.push("Xvfb: apt-get install -y xvfb xauth");
    }
    if driver.is_none() {
        missing.push("WebKitWebDriver: apt-get install -y webkit2gtk-driver");
    }
    assert!(
        missing.is_empty(),
        "the Tauri smoke test cannot run; missing (bash .ci/run installs them):\n  {}",
        missing.join("\n  ")
    );
    let display = free_display();
    let xvfb = Killed(
        Command::new(xvfb.unwrap())
            .arg(format!(":{display}"))
            .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    wait_for("Xvfb's socket", Duration::from_secs(10), || {
        Path::new(&format!("/tmp/.X11-unix/X{display}")).exists()
    });

    // The driver starts the app itself, with the driver's environment.
    let port = free_port();
    let mut command = Command::new(driver.unwrap());
    command
        .arg(format!("--port={port}"))
        .env("DISPLAY", format!(":{display}"))
        .env("TAURI_WEBVIEW_AUTOMATION", "true")
        .env("MOEDEMAPPE_DATA", data)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let driver = Killed(command.spawn().expect("WebKitWebDriver starts"));
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_for("WebKitWebDriver's port", Duration::from_secs(10), || {
        http.get(format!("{base}/status")).send().is_ok()
    });
    let created: Value = http
        .post(format!("{base}/session"))
        .json(&json!({ "capabilities": { "alwaysMatch": {
            "webkitgtk:browserOptions": { "binary": APP, "args": args }
        } } }))
        .send()
        .expect("a WebDriver session")
        .json()
        .unwrap();
    let id = created["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {created}"))
        .to_string();
    Window {
        session: Session {
            http,
            base: format!("{base}/session/{id}"),
        },
        _driver: driver,
        _xvfb: xvfb,
    }
}

#[test]
fn the_window_shows_the_front_page_and_answers_the_api_through_its_scheme() {
    let started = Instant::now();

    // The app writes and imports the demo corpus itself (`--demo`, as the
    // README's command for the window), with itself as the PDF worker.
    let data = tempfile::tempdir().unwrap();
    let window = open_window(data.path(), &["--demo"], &[]);
    let session = &window.session;

    // The window opens at the scheme's front page, and the UI renders there.
    let url = session.call(reqwest::Method::GET, "/url", None);
    assert_eq!(url.as_str(), Some("mappe://localhost/"), "{url}");
    wait_for("the front page", Duration::from_secs(20), || {
        session.has(r#"main[data-screen="forside"]"#)
    });
    assert!(
        session.has(r#"nav[aria-label="Hovedmenu"]"#),
        "no main menu"
    );
    let title = session.call(reqwest::Method::GET, "/title", None);
    assert_eq!(title.as_str(), Some("Forside – Mødemappe"));

    // The page's own fetch goes through the scheme to the API router as the
    // member: the page holds no token, and a write (the reading pace) works.
    let api = session.run_async(
        "const meta = document.querySelector('meta[name=moedemappe-token]');\n\
         const auth = {};\n\
         const r = await fetch('/api/meetings', auth);\n\
         const meetings = await r.json();\n\
         let attachment = null;\n\
         for (const m of meetings) {\n\
           const items = (await (await fetch('/api/meetings/' + m.id, auth)).json()).items;\n\
           const a = items.flatMap(i => i.attachments)[0];\n\
           if (a) { attachment = a.id; break; }\n\
         }\n\
         const f = await fetch('/api/attachments/' + attachment + '/file', auth);\n\
         const pdf = new Uint8Array(await f.arrayBuffer());\n\
         const pace = await fetch('/api/pace', { method: 'PUT',\n\
           headers: { 'Content-Type': 'application/json' },\n\
           body: JSON.stringify({ pages_per_hour: 42 }) });\n\
         const paceNow = await (await fetch('/api/pace')).json();\n\
         const bad = await fetch('/api/meetings/abc');\n\
         return { status: r.status, meetings: meetings.length, attachment,\n\
                  fileStatus: f.status, type: f.headers.get('content-type'),\n\
                  head: String.fromCharCode(...pdf.slice(0, 5)), size: pdf.length,\n\
                  meta: meta !== null, html: document.documentElement.outerHTML,\n\
                  pace: pace.status, paceNow: paceNow.pages_per_hour,\n\
                  bad: bad.status, badBody: await bad.json() };",
    );
    assert_eq!(api["error"], Value::Null, "{api}");
    assert_eq!(api["status"], 200, "{api}");
    assert!(api["meetings"].as_u64().unwrap_or(0) > 0, "{api}");
    assert!(api["attachment"].is_number(), "{api}");
    assert_eq!(api["fileStatus"], 200, "{api}");
    assert_eq!(api["type"], "application/pdf", "{api}");
    assert_eq!(api["head"], "%PDF-", "{api}");
    assert!(api["size"].as_u64().unwrap_or(0) > 500, "{api}");
    // No token in the page; the window is the member, who may write.
    assert_eq!(api["meta"], false, "{api}");
    assert!(!api["html"]
        .as_str()
        .unwrap_or("")
        .contains("moedemappe-token"));
    assert_eq!(api["pace"], 200, "{api}");
    assert_eq!(api["paceNow"], 42, "{api}");
    // Errors are the API's JSON with a Danish message, here too.
    assert_eq!(api["bad"], 400, "{api}");
    assert_eq!(api["badBody"]["code"], "invalid", "{api}");
    assert!(api["badBody"]["message"].is_string(), "{api}");

    // WebKitWebDriver's screenshots lag a repaint.
    std::thread::sleep(Duration::from_millis(500));
    let shot = session.call(reqwest::Method::GET, "/screenshot", None);
    let png = base64(shot.as_str().expect("a screenshot"));
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("tauri-forside.png"), &png).unwrap();

    // The same data directory in a locked vault: the window opens on the
    // lock screen, reads open material, and unlocks and locks through its
    // scheme. The passcode is set once the app has let go of the directory.
    drop(window);
    let runtime = tempfile::tempdir_in("/dev/shm").expect("/dev/shm (tmpfs)");
    // The library reads the runtime directory from the environment; this
    // test binary runs one window at a time.
    std::env::set_var("XDG_RUNTIME_DIR", runtime.path());
    let mut set = Err(String::new());
    wait_for("the passcode set", Duration::from_secs(20), || {
        set = Mappe::set_passcode(data.path(), PASSCODE, &Silent).map_err(|e| e.to_string());
        set.is_ok()
    });
    Mappe::lock(data.path()).unwrap();
    let window = open_window(data.path(), &[], &[("XDG_RUNTIME_DIR", runtime.path())]);
    let session = &window.session;
    wait_for("the lock screen", Duration::from_secs(20), || {
        session.has(r#"div.vault-screen[role="dialog"]"#)
    });
    let vault = session.run_async(&format!(
        "const before = await (await fetch('/api/vault')).json();\n\
         const meetings = (await fetch('/api/meetings')).status;\n\
         const notes = (await fetch('/api/notes')).status;\n\
         const wrong = await fetch('/api/vault/unlock', {{ method: 'POST',\n\
           headers: {{ 'Content-Type': 'application/json' }},\n\
           body: JSON.stringify({{ passcode: 'forkert kode' }}) }});\n\
         const right = await fetch('/api/vault/unlock', {{ method: 'POST',\n\
           headers: {{ 'Content-Type': 'application/json' }},\n\
           body: JSON.stringify({{ passcode: '{PASSCODE}' }}) }});\n\
         const open = await (await fetch('/api/vault')).json();\n\
         const notesOpen = (await fetch('/api/notes')).status;\n\
         const lock = (await fetch('/api/vault/lock', {{ method: 'POST' }})).status;\n\
         const after = await (await fetch('/api/vault')).json();\n\
         return {{ before, meetings, notes, wrong: wrong.status,\n\
                  wrongCode: (await wrong.json()).code, right: right.status,\n\
                  open, notesOpen, lock, after }};"
    ));
    assert_eq!(vault["error"], Value::Null, "{vault}");
    assert_eq!(
        vault["before"],
        json!({"present": true, "locked": true, "remembered": false}),
        "{vault}"
    );
    assert_eq!(vault["meetings"], 200, "{vault}");
    assert_eq!(vault["notes"], 403, "{vault}");
    assert_eq!(
        (&vault["wrong"], &vault["wrongCode"]),
        (&json!(403), &json!("wrong_passcode")),
        "{vault}"
    );
    assert_eq!(vault["right"], 200, "{vault}");
    assert_eq!(
        vault["open"],
        json!({"present": true, "locked": false, "remembered": false}),
        "{vault}"
    );
    assert_eq!(vault["notesOpen"], 200, "{vault}");
    assert_eq!(vault["lock"], 200, "{vault}");
    assert_eq!(
        vault["after"],
        json!({"present": true, "locked": true, "remembered": false}),
        "{vault}"
    );
    drop(window);
    eprintln!("smoke test took {:.1} s", started.elapsed().as_secs_f64());
}
