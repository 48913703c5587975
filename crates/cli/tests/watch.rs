//! End-to-end: `moedemappe watch` keeps a folder source in step while searches
//! run beside it: a new PDF is found, a renamed one is found once, a deleted
//! one is gone.

mod common;

use common::{json_lines, moedemappe, ok, pdf, Page};
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the watcher when the test ends, also when it fails.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn status(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["status", "--json"])).unwrap()
}

fn hits(data: &Path, word: &str) -> Vec<serde_json::Value> {
    json_lines(&ok(data, &["search", word, "--json"]))
}

/// Polls `check` until it holds, for at most 20 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn watch_finds_new_renamed_and_deleted_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Notater");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("gammel.pdf"),
        pdf(&[Page::text(&["Et gammelt notat om budgettet"])], None),
    )
    .unwrap();
    let added = ok(
        &data,
        &["source", "add", "folder", folder.to_str().unwrap()],
    );
    assert!(added.contains("«Notater»"), "{added}");

    let watcher = Watcher(
        Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(["watch", "--debounce-ms", "300"])
            .env_remove("MOEDEMAPPE_DATA")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The first sync at start reads what is already there.
    eventually("the old note is found", || {
        hits(&data, "budgettet").len() == 1
    });

    fs::write(
        folder.join("ny.pdf"),
        pdf(&[Page::text(&["Høringssvar om cykelstier"])], None),
    )
    .unwrap();
    eventually("the new file is found", || {
        hits(&data, "cykelstier").len() == 1
    });

    fs::rename(folder.join("ny.pdf"), folder.join("omdøbt.pdf")).unwrap();
    eventually("the renamed file is found under its new name", || {
        let found = hits(&data, "cykelstier");
        found.len() == 1 && found[0]["attachment_title"] == "omdøbt"
    });
    let s = status(&data);
    assert_eq!(s["attachments"], 2, "a rename is no new attachment: {s:#}");
    assert_eq!(s["documents"], 2, "{s:#}");
    assert_eq!(s["removed_files"], 1, "{s:#}");

    fs::remove_file(folder.join("omdøbt.pdf")).unwrap();
    eventually("the deleted file is gone from search", || {
        hits(&data, "cykelstier").is_empty()
    });
    let s = status(&data);
    assert_eq!(s["removed_files"], 2, "{s:#}");
    assert_eq!(s["removed_documents"], 2, "{s:#}");
    assert_eq!(s["documents"], 1, "{s:#}");
    assert_eq!(hits(&data, "budgettet").len(), 1);
    drop(watcher);
}

#[test]
fn a_missing_folder_is_refused_and_watch_needs_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = moedemappe(
        &data,
        &[
            "source",
            "add",
            "folder",
            dir.path().join("findes ikke").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mappen findes ikke"));
    let out = moedemappe(&data, &["watch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ingen mapper"));
}
