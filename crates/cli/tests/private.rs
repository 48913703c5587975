//! End-to-end: the data directory is private on disk. After `demo`, `import`,
//! a folder source's `sync` and a request to `serve`, every folder in it is
//! 0700 and every file 0600 (SQLite's, tantivy's and our own); a directory
//! made readable by others is fixed by the next command, which says so once.
#![cfg(unix)]

mod common;

use common::{moedemappe, ok, pdf, Page};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every entry under `data` (itself included) whose mode is not 0700 for a
/// folder or 0600 for a file.
fn loose(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(data) {
        let e = e.unwrap();
        let mode = e.metadata().unwrap().permissions().mode() & 0o7777;
        let want = if e.file_type().is_dir() { 0o700 } else { 0o600 };
        if mode != want {
            out.push(format!("{:o} {}", mode, e.path().display()));
        }
    }
    out
}

fn assert_private(data: &Path, after: &str) {
    let loose = loose(data);
    assert!(loose.is_empty(), "after {after}: {loose:#?}");
}

/// A folder of two PDFs.
fn folder(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    for (name, line) in [
        ("trafik.pdf", "Trafikplanen for Viby"),
        ("skole.pdf", "Skolestrukturen i Lystrup"),
    ] {
        let bytes = pdf(&[Page::text(&[line])], None);
        std::fs::write(root.join(name), bytes).unwrap();
    }
}

/// Starts `serve --port 0`, makes one request with the local token, stops it.
fn serve_once(data: &Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--port", "0"])
        .env_remove("MOEDEMAPPE_DATA")
        .env("MOEDEMAPPE_UI_DIR", data.join("findes-ikke"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let host = first
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let mut stream = std::net::TcpStream::connect(&host).unwrap();
    write!(
        stream,
        "GET /api/search?q=trafikplanen HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        token.trim()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn every_folder_is_0700_and_every_file_0600_after_each_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    assert_private(&data, "demo");

    let root = dir.path().join("pdfer");
    folder(&root);
    ok(&data, &["import", root.to_str().unwrap()]);
    assert_private(&data, "import");

    let watched = dir.path().join("kilde");
    folder(&watched);
    std::fs::write(
        watched.join("ny.pdf"),
        pdf(&[Page::text(&["Havneudvidelsen i Aarhus"])], None),
    )
    .unwrap();
    ok(
        &data,
        &["source", "add", "folder", watched.to_str().unwrap()],
    );
    ok(&data, &["sync"]);
    assert_private(&data, "sync");

    serve_once(&data);
    assert_private(&data, "serve");
}

#[test]
fn a_data_directory_readable_by_others_is_fixed_and_the_member_told_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let root = dir.path().join("pdfer");
    folder(&root);
    ok(&data, &["import", root.to_str().unwrap()]);
    // As an older version left it.
    for e in walkdir::WalkDir::new(&data) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    assert!(!loose(&data).is_empty());

    let out = moedemappe(&data, &["status"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("Datamappen")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains(data.to_str().unwrap()), "{err}");
    assert!(lines[0].contains("nu kan kun du læse den"), "{err}");
    assert!(!lines[0].contains("Trafikplan"), "no content in the notice");
    assert_private(&data, "the fix");

    let out = moedemappe(&data, &["status"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("Datamappen"), "told twice: {err}");
}
