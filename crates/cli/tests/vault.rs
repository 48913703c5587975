//! The vault (issue 17) end to end, with the real binary: after a passcode is
//! set and the vault locked, no file under the data directory holds a closed
//! title, a word only closed pages have, a note's text or a token's secret
//! (the same scan finds them all before the passcode is set); a wrong
//! passcode changes no byte; unlocked, search, retrieve, notes and the
//! reader's file work on closed material as before.

mod common;

use common::json_lines;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSCODE: &str = "lang og hemmelig kode";

/// A runtime directory in memory, as `$XDG_RUNTIME_DIR` is on a desktop.
fn runtime_dir() -> tempfile::TempDir {
    tempfile::tempdir_in("/dev/shm").expect("/dev/shm (tmpfs) for the runtime directory")
}

/// Runs the binary with the runtime directory and `stdin`.
fn run(data: &Path, rt: &Path, args: &[&str], stdin: &str) -> Output {
    common::moedemappe_with(
        data,
        args,
        &[("XDG_RUNTIME_DIR", rt.to_str().unwrap())],
        stdin,
    )
}

fn ok(data: &Path, rt: &Path, args: &[&str], stdin: &str) -> String {
    common::ok_with(
        data,
        args,
        &[("XDG_RUNTIME_DIR", rt.to_str().unwrap())],
        stdin,
    )
}

/// A data directory in `scratch` with the small demo imported; the demo's
/// input folder is kept outside it.
fn demo_data(scratch: &Path, rt: &Path) -> PathBuf {
    let (corpus, data) = (scratch.join("corpus"), scratch.join("data"));
    ok(&corpus, rt, &["demo", "--scale", "0.05", "--no-import"], "");
    let demo = corpus.join("demo").to_string_lossy().to_string();
    ok(&data, rt, &["import", &demo, "--no-ocr"], "");
    data
}

/// Every file under `dir` that holds `needle` (bytes, as written).
fn files_with(dir: &Path, needles: &[String]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut found: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        for needle in needles {
            let n = needle.as_bytes();
            if bytes.windows(n.len()).any(|w| w == n) {
                found
                    .entry(needle.clone())
                    .or_default()
                    .push(entry.path().to_path_buf());
            }
        }
    }
    found
}

/// SHA-256 of every file under `dir`.
fn digests(dir: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            (e.path().to_path_buf(), hex::encode(Sha256::digest(&bytes)))
        })
        .collect()
}

fn sql(db: &Path, query: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Text the open scope can read anywhere: open items and open pages.
fn open_text(db: &Path) -> String {
    let mut text = sql(
        db,
        "SELECT title || ' ' || COALESCE(case_text, '') FROM items WHERE closed = 0",
    )
    .join("\n");
    text += &sql(
        db,
        "SELECT p.text FROM pages p JOIN attachments a ON a.id = p.attachment_id
          WHERE EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
                         WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
             OR EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id)",
    )
    .join("\n");
    text.to_lowercase()
}

/// Closed titles and closed page words that no open material has.
fn closed_only_strings(db: &Path) -> Vec<String> {
    let open = open_text(db);
    let mut strings: Vec<String> = sql(db, "SELECT title FROM items WHERE closed = 1")
        .into_iter()
        .filter(|t| !open.contains(&t.to_lowercase()))
        .take(4)
        .collect();
    let closed_pages = sql(
        db,
        "SELECT p.text FROM pages p JOIN attachments a ON a.id = p.attachment_id
          WHERE NOT EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
                             WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
            AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id)",
    );
    let mut words: Vec<String> = closed_pages
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.chars().count() >= 10 && !open.contains(&w.to_lowercase()))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    strings.extend(words.into_iter().take(6));
    strings
}

#[test]
fn a_locked_vault_leaves_no_closed_word_note_or_secret_on_disk_and_opens_again() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let data = demo_data(scratch.path(), rt.path());
    let db = data.join("moedemappe.sqlite");

    // What must not be readable on disk: closed titles and words, notes, secrets.
    let mut needles = closed_only_strings(&db);
    assert!(
        needles.len() >= 6,
        "the demo has closed material: {needles:?}"
    );
    let closed_item = sql(
        &db,
        "SELECT CAST(id AS TEXT) FROM items WHERE closed = 1 LIMIT 1",
    )[0]
    .clone();
    let open_item = sql(
        &db,
        "SELECT CAST(id AS TEXT) FROM items WHERE closed = 0 LIMIT 1",
    )[0]
    .clone();
    let notes = [
        "Zebrafinkenotat om grundsalget",
        "Privat huskeseddel vandhanereglement",
    ];
    for (item, body) in [(&closed_item, notes[0]), (&open_item, notes[1])] {
        ok(
            &data,
            rt.path(),
            &["note", "add", "--item", item, "--body", body],
            "",
        );
        needles.push(body.to_string());
    }
    let closed_file = {
        let rows = sql(
            &db,
            "SELECT CAST(a.id AS TEXT) || ' ' || a.sha256 FROM attachments a
              WHERE NOT EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
                                 WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
                AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id) LIMIT 1",
        );
        let (id, sha) = rows[0].split_once(' ').unwrap();
        (id.to_string(), sha.to_string())
    };
    let closed_token = ok(
        &data,
        rt.path(),
        &["token", "create", "--scope", "lukket"],
        "",
    );
    needles.push(closed_token.trim().to_string());
    // `mcp` makes the local open-scope token (api-token) and stops at the end of its input.
    run(&data, rt.path(), &["mcp"], "");
    let api_token = std::fs::read_to_string(data.join("api-token")).unwrap();
    needles.push(api_token.trim().to_string());

    // The scan can fail: before the vault, every string is somewhere on disk
    // (the token secrets excepted: only their hashes were ever stored, but
    // for api-token's own file).
    let before = files_with(&data, &needles);
    for needle in &needles {
        if needle.as_str() == closed_token.trim() {
            continue;
        }
        assert!(
            before.contains_key(needle),
            "the plain scan finds {needle:?}"
        );
    }

    // Wrong first passcode: too short, refused before anything is written.
    let short = run(&data, rt.path(), &["passcode", "set"], "kort\n");
    assert!(!short.status.success());
    assert!(!data.join("vault.json").exists());

    let set = ok(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );
    assert!(set.contains("flyttet ind i boksen"), "{set}");
    let unlocked_scan = files_with(&data, &needles);
    assert!(
        unlocked_scan.is_empty(),
        "plain while unlocked: {unlocked_scan:?}"
    );
    ok(&data, rt.path(), &["lock"], "");
    let locked_scan = files_with(&data, &needles);
    assert!(
        locked_scan.is_empty(),
        "plain while locked: {locked_scan:?}"
    );

    // A wrong passcode says so plainly and changes no byte.
    let before = digests(&data);
    for args in [&["unlock"][..], &["passcode", "change"][..]] {
        let out = run(
            &data,
            rt.path(),
            args,
            "helt forkert kode\nny lang kode 123\n",
        );
        assert!(!out.status.success(), "{args:?} with a wrong passcode");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("forkert adgangskode"), "{err}");
        assert_eq!(digests(&data), before, "{args:?} changed a file");
    }

    // Locked: open material is searched as before, closed material is absent,
    // notes wait for the passcode.
    let title = needles[0].clone();
    let locked = ok(&data, rt.path(), &["search", &title, "--json"], "");
    assert!(!locked.contains(&title), "{locked}");
    assert!(!ok(&data, rt.path(), &["search", "budget"], "").contains("Ingen resultater"));
    let notes_locked = run(&data, rt.path(), &["note", "list", "--json"], "");
    assert!(!notes_locked.status.success());
    assert!(String::from_utf8_lossy(&notes_locked.stderr).contains("boksen er låst"));

    // Locked, the HTTP API answers even a closed-scope token as the open
    // scope, and says the vault is locked; the member's notes wait.
    {
        let rt_text = rt.path().to_string_lossy().to_string();
        let server = common::serve::serve_with(&data, None, &[("XDG_RUNTIME_DIR", &rt_text)]);
        let (status, vault) = common::serve::get_json(&server, "/api/vault", closed_token.trim());
        assert_eq!(
            (status, vault),
            (200, serde_json::json!({"present": true, "locked": true}))
        );
        let resp = reqwest::blocking::Client::new()
            .get(format!(
                "{}/api/search?q={title}&access=closed",
                server.base
            ))
            .bearer_auth(closed_token.trim())
            .send()
            .unwrap();
        assert_eq!(resp.headers()["x-moedemappe-boks"], "laast");
        let body = resp.text().unwrap();
        assert!(
            !body.contains(&title),
            "a closed title while locked: {body}"
        );
        let member = common::serve::member(&server);
        let notes = member
            .get(format!("{}/api/notes", server.base))
            .send()
            .unwrap();
        assert_eq!(notes.status().as_u16(), 403);
        let body: serde_json::Value = notes.json().unwrap();
        assert_eq!(body["code"], "locked", "{body}");

        // The member unlocks and locks from the app (the same API): the
        // running server opens the data directory again each time.
        let post = |path: &str, body: serde_json::Value| {
            member
                .post(format!("{}{path}", server.base))
                .header("origin", server.base.trim_end_matches('/'))
                .json(&body)
                .send()
                .unwrap()
        };
        let wrong = post(
            "/api/vault/unlock",
            serde_json::json!({"passcode": "forkert kode 99"}),
        );
        assert_eq!(wrong.status().as_u16(), 403);
        assert_eq!(
            wrong.json::<serde_json::Value>().unwrap()["code"],
            "wrong_passcode"
        );
        let token_refused = reqwest::blocking::Client::new()
            .post(format!("{}/api/vault/unlock", server.base))
            .bearer_auth(closed_token.trim())
            .json(&serde_json::json!({"passcode": PASSCODE}))
            .send()
            .unwrap();
        assert_eq!(
            token_refused.status().as_u16(),
            403,
            "a token cannot unlock"
        );
        let opened = post(
            "/api/vault/unlock",
            serde_json::json!({"passcode": PASSCODE}),
        );
        assert_eq!(opened.status().as_u16(), 200);
        assert_eq!(opened.json::<serde_json::Value>().unwrap()["locked"], false);
        let found = member
            .get(format!("{}/api/search?q={title}", server.base))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(found.contains(&title), "unlocked from the app: {found}");
        let locked = post("/api/vault/lock", serde_json::json!({}));
        assert_eq!(locked.json::<serde_json::Value>().unwrap()["locked"], true);
        let hidden = member
            .get(format!("{}/api/search?q={title}", server.base))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(!hidden.contains(&title), "locked from the app: {hidden}");
    }

    // Unlocked: closed material, notes and the reader's file as before.
    ok(&data, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
    let hits = json_lines(&ok(&data, rt.path(), &["search", &title, "--json"], ""));
    assert!(
        hits.iter().any(|h| h.to_string().contains(&title)),
        "the closed title is found: {hits:?}"
    );
    let word = needles[4].clone();
    let passages = ok(&data, rt.path(), &["retrieve", &word, "--json"], "");
    assert!(
        passages.to_lowercase().contains(&word.to_lowercase()),
        "retrieve finds {word}: {passages}"
    );
    let listed = ok(
        &data,
        rt.path(),
        &["note", "list", "--query", "Zebrafinkenotat", "--json"],
        "",
    );
    assert!(listed.contains(notes[0]), "{listed}");

    // A copy of the notes apart from the vault, under a passcode of its own.
    let backup = scratch.path().join("noter.mmnoter");
    let backup_text = backup.to_string_lossy().to_string();
    ok(
        &data,
        rt.path(),
        &["note", "backup", "-o", &backup_text],
        "notefilens egen kode\n",
    );
    let sealed = std::fs::read(&backup).unwrap();
    assert!(
        !sealed
            .windows(notes[0].len())
            .any(|w| w == notes[0].as_bytes()),
        "the notes file holds no note in plain"
    );
    let wrong = run(
        &data,
        rt.path(),
        &["note", "restore", &backup_text],
        "forkert kode 123\n",
    );
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("forkert adgangskode"));
    let restored = ok(
        &data,
        rt.path(),
        &["note", "restore", &backup_text],
        "notefilens egen kode\n",
    );
    assert!(
        restored.contains("0 nye, 0 opdateret, 2 uændret"),
        "{restored}"
    );

    // The reader's file of a closed bilag: sealed on disk, whole through the API.
    let (id, sha) = closed_file;
    let prefix = &sha[..2];
    assert!(data.join(format!("files/{prefix}/{sha}.sealed")).is_file());
    assert!(!data.join(format!("files/{prefix}/{sha}.pdf")).exists());
    {
        let rt_text = rt.path().to_string_lossy().to_string();
        let server = common::serve::serve_with(&data, None, &[("XDG_RUNTIME_DIR", &rt_text)]);
        let member = common::serve::member(&server);
        let resp = member
            .get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let bytes = resp.bytes().unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            sha,
            "the closed PDF, whole"
        );

        // Locked by another program, the running server follows within a second.
        ok(&data, rt.path(), &["lock"], "");
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let vault: serde_json::Value = member
            .get(format!("{}/api/vault", server.base))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(vault["locked"], true, "{vault}");
        let again = member
            .get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap();
        assert_eq!(again.status().as_u16(), 404, "the closed PDF after lock");
        ok(&data, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let back = member
            .get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap();
        assert_eq!(back.status().as_u16(), 200, "unlocked again");
    }

    ok(&data, rt.path(), &["lock"], "");
    let again = files_with(&data, &needles);
    assert!(again.is_empty(), "plain after working unlocked: {again:?}");
}

/// Copies a folder tree.
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

/// What the member sees of a data directory: counts, notes, closed search.
fn what_member_sees(data: &Path, rt: &Path, title: &str) -> (serde_json::Value, String, bool) {
    let mut status: serde_json::Value =
        serde_json::from_str(&ok(data, rt, &["status", "--json"], "")).unwrap();
    let counts = [
        "bodies",
        "meetings",
        "items",
        "attachments",
        "pages",
        "pages_with_text",
    ]
    .iter()
    .map(|k| (k.to_string(), status[k].take()))
    .collect::<serde_json::Map<_, _>>();
    let notes = ok(data, rt, &["note", "list", "--json"], "");
    let found = ok(data, rt, &["search", title, "--json"], "").contains(title);
    (serde_json::Value::Object(counts), notes, found)
}

#[test]
fn a_move_into_the_vault_killed_at_each_step_finishes_on_the_next_run_losing_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let (corpus, plain) = (scratch.path().join("corpus"), scratch.path().join("plain"));
    ok(
        &corpus,
        rt.path(),
        &["demo", "--scale", "0.02", "--no-import"],
        "",
    );
    ok(
        &plain,
        rt.path(),
        &["import", &corpus.join("demo").to_string_lossy(), "--no-ocr"],
        "",
    );
    let db = plain.join("moedemappe.sqlite");
    let closed_item = sql(
        &db,
        "SELECT CAST(id AS TEXT) FROM items WHERE closed = 1 LIMIT 1",
    )[0]
    .clone();
    let note = "Kattestrimmelnotat om lejekontrakten";
    ok(
        &plain,
        rt.path(),
        &["note", "add", "--item", &closed_item, "--body", note],
        "",
    );
    let mut needles = closed_only_strings(&db);
    needles.push(note.to_string());
    let title = needles[0].clone();
    let before = what_member_sees(&plain, rt.path(), &title);
    assert!(before.2, "the closed title is found before the move");
    assert!(before.1.contains(note));

    for step in 1..=5 {
        let data = scratch.path().join(format!("killed-after-{step}"));
        copy_dir(&plain, &data);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_moedemappe"));
        let killed = cmd
            .arg("--data-dir")
            .arg(&data)
            .args(["passcode", "set"])
            .env_remove("MOEDEMAPPE_DATA")
            .env("XDG_RUNTIME_DIR", rt.path())
            .env("MOEDEMAPPE_FAULT_VAULT_STOP_AFTER", step.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut killed = killed;
        killed
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSCODE}\n").as_bytes())
            .unwrap();
        assert!(
            !killed.wait().unwrap().success(),
            "stopped after step {step}"
        );
        // Cut off: the data directory says so and is not opened half moved.
        let half = run(&data, rt.path(), &["status"], "");
        assert!(
            !half.status.success(),
            "step {step}: a half move is not opened"
        );
        assert!(String::from_utf8_lossy(&half.stderr).contains("passcode set"));
        // A wrong passcode cannot finish it, and changes nothing.
        let files = digests(&data);
        assert!(!run(
            &data,
            rt.path(),
            &["passcode", "set"],
            "en anden lang kode\n"
        )
        .status
        .success());
        assert_eq!(
            digests(&data),
            files,
            "step {step}: a wrong passcode changed a file"
        );

        ok(
            &data,
            rt.path(),
            &["passcode", "set"],
            &format!("{PASSCODE}\n"),
        );
        assert_eq!(
            what_member_sees(&data, rt.path(), &title),
            before,
            "step {step}: nothing lost"
        );
        ok(&data, rt.path(), &["lock"], "");
        let plain_left = files_with(&data, &needles);
        assert!(
            plain_left.is_empty(),
            "step {step}: left in plain: {plain_left:?}"
        );
        for leftover in [
            "moedemappe.sqlite",
            "vault.sqlite.tmp",
            "open.sqlite.tmp",
            "index/all.sealing",
            "index/all.plain",
        ] {
            assert!(
                !data.join(leftover).exists(),
                "step {step}: {leftover} is left"
            );
        }
    }
}

/// A closed scan sealed before OCR read it (the vault was locked meanwhile)
/// is read after unlocking from a copy in memory: its words are found, no
/// plain copy of the file or of a drawn page reaches the disk (the system's
/// temporary folder is made unusable to prove it), and while locked every
/// job is refused in plain words instead of failing on the read-only store.
#[test]
fn a_closed_scan_sealed_before_its_ocr_is_read_after_unlocking_without_a_plain_copy() {
    use moedemappe_core::demo::scan::{danish_pages, write_scanned_pdf};
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let data = scratch.path().join("data");
    // A meeting from a folder source: one item with an open text bilag.
    let folder = scratch.path().join("mappe");
    let item = folder.join("Teknisk Udvalg/2024-03-05/01 Grundsalg");
    std::fs::create_dir_all(&item).unwrap();
    let open = common::pdf(&[common::Page::text(&["Kort over grunden."])], None);
    std::fs::write(item.join("Bilag 1 Kort.pdf"), open).unwrap();
    let folder_arg = folder.to_string_lossy().to_string();
    ok(
        &data,
        rt.path(),
        &["source", "add", "folder", &folder_arg, "--name", "Indbakke"],
        "",
    );
    ok(&data, rt.path(), &["sync", "--no-ocr"], "");
    let item_id = sql(
        &data.join("moedemappe.sqlite"),
        "SELECT CAST(id AS TEXT) FROM items",
    )[0]
    .clone();
    ok(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );

    // A closed scan attached unread, then the vault locked: it is sealed.
    let source = danish_pages(23, 1);
    let scan = scratch.path().join("Fortroligt brev.pdf");
    write_scanned_pdf(&scan, &source, 200, 0).unwrap();
    let scan_arg = scan.to_string_lossy().to_string();
    ok(
        &data,
        rt.path(),
        &[
            "attach", &scan_arg, "--item", &item_id, "--closed", "--no-ocr",
        ],
        "",
    );
    ok(&data, rt.path(), &["lock"], "");
    let stored = |ext: &str| {
        walkdir::WalkDir::new(data.join("files"))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == ext))
            .count()
    };
    assert_eq!(
        (stored("pdf"), stored("sealed")),
        (1, 1),
        "the scan is sealed"
    );

    // Locked, a job is refused in plain words and changes nothing.
    let before = digests(&data);
    for args in [&["sync", "--no-ocr"][..], &["ocr"], &["reindex"]] {
        let out = run(&data, rt.path(), args, "");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} while locked");
        assert!(err.contains("boksen er låst"), "{args:?}: {err}");
        assert!(!err.contains("readonly"), "{args:?}: {err}");
    }
    assert_eq!(before, digests(&data), "a refused job changed a file");

    // Unlocked, OCR reads the sealed scan. The system's temporary folder is
    // a file, so a page drawn there would fail.
    ok(&data, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
    let not_a_dir = scratch.path().join("tmp-is-a-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(&data)
        .arg("ocr")
        .env_remove("MOEDEMAPPE_DATA")
        .env("XDG_RUNTIME_DIR", rt.path())
        .env("TMPDIR", &not_a_dir)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 sider læst"), "{said}");
    let word = source[0]
        .join(" ")
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .find(|w| w.chars().count() >= 10)
        .unwrap();
    let hits = json_lines(&ok(&data, rt.path(), &["search", &word, "--json"], ""));
    assert!(
        hits.iter()
            .any(|h| h["ocr"] == true && h["attachment_title"] == "Fortroligt brev"),
        "search {word}: {hits:?}"
    );
    // The scan stays sealed, nothing is left in the runtime directory's
    // work folders, and after locking its words are nowhere on disk.
    assert_eq!((stored("pdf"), stored("sealed")), (1, 1));
    let left: Vec<_> = std::fs::read_dir(rt.path().join("moedemappe"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".key") && !n.ends_with(".tries"))
        .collect();
    assert!(left.is_empty(), "left in the runtime directory: {left:?}");
    ok(&data, rt.path(), &["lock"], "");
    assert!(
        files_with(&data, std::slice::from_ref(&word)).is_empty(),
        "{word} on disk"
    );
}

/// Where two answers first differ, and how.
fn difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .keys()
            .chain(y.keys())
            .find_map(|k| {
                difference(
                    &x[k],
                    y.get(k).unwrap_or(&Value::Null),
                    &format!("{at}.{k}"),
                )
            })
            .or_else(|| {
                y.keys()
                    .find(|k| !x.contains_key(*k))
                    .map(|k| format!("{at}.{k}: only locked"))
            }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {} vs {}", short(a), short(b))),
    }
}

fn short(v: &serde_json::Value) -> String {
    let s = v.to_string();
    s.chars().take(300).collect()
}

/// The open scope's answers.
fn open_answers(data: &Path) -> serde_json::Value {
    use moedemappe_core::api::{Mappe, Scope, SearchRequest};
    let mappe = Mappe::open(data).unwrap();
    let s = mappe.session(Scope::Open);
    let meetings = s.meetings(None, None, None).unwrap();
    let views: Vec<_> = meetings.iter().map(|m| s.meeting(m.id).unwrap()).collect();
    let searches: Vec<_> = ["budget", "lokalplan", "skole", "udvalg", "høring"]
        .iter()
        .map(|q| s.search(&SearchRequest::new(*q, 20)).unwrap())
        .collect();
    serde_json::json!({
        "status": s.status().unwrap(),
        "meetings": meetings,
        "views": views,
        "archive": s.archive(None, None, None).unwrap(),
        "stats": s.stats(&Default::default()).unwrap(),
        "calendar": s.calendar(&[]).unwrap(),
        "searches": searches,
    })
}

/// A locked vault answers the open scope exactly as the unlocked one does,
/// while its plain open copy holds no closed meeting placeholder, no body
/// only closed meetings have, no followed body and no gap in an agenda's
/// numbering that would say where a closed item was.
#[test]
fn a_locked_vault_answers_the_open_scope_as_the_unlocked_one_and_its_copy_has_no_gaps() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let data = demo_data(scratch.path(), rt.path());
    // A body whose one meeting has only a closed item: the open scope knows
    // neither.
    let secret = scratch.path().join("hemmelig");
    let item = secret.join("Ejendomsudvalget/2024-05-02/01 Salg af grund");
    std::fs::create_dir_all(&item).unwrap();
    std::fs::write(
        item.parent().unwrap().join("meeting.json"),
        r#"{"schema": 1, "items": [{"number": 1, "access": "closed"}]}"#,
    )
    .unwrap();
    let pdf = common::pdf(&[common::Page::text(&["Vurdering af grunden."])], None);
    std::fs::write(item.join("Bilag 1 Vurdering.pdf"), pdf).unwrap();
    ok(
        &data,
        rt.path(),
        &["import", &secret.to_string_lossy(), "--no-ocr"],
        "",
    );
    let db = data.join("moedemappe.sqlite");
    let gaps = "SELECT CAST(count(*) AS TEXT) FROM items i WHERE i.closed = 1
                  AND EXISTS (SELECT 1 FROM items o WHERE o.meeting_id = i.meeting_id
                                 AND o.closed = 0 AND o.number > i.number)";
    let hidden = "SELECT CAST(count(*) AS TEXT) FROM meetings m WHERE m.closed = 1
                     OR (EXISTS (SELECT 1 FROM items i WHERE i.meeting_id = m.id)
                         AND NOT EXISTS (SELECT 1 FROM items i WHERE i.meeting_id = m.id AND i.closed = 0))";
    assert_ne!(
        sql(&db, gaps)[0],
        "0",
        "the demo has closed items between open ones"
    );
    assert_ne!(
        sql(&db, hidden)[0],
        "0",
        "the demo has meetings the open scope does not see"
    );
    let no_meetings =
        "SELECT name FROM bodies WHERE id NOT IN (SELECT body_id FROM meetings) ORDER BY name";
    let bodies_without_meetings = sql(&db, no_meetings);
    let body = sql(&db, "SELECT name FROM bodies LIMIT 1")[0].clone();
    ok(&data, rt.path(), &["follow", &body], "");
    ok(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );

    // The library reads the runtime directory from the environment; no
    // other test of this binary runs the library in process.
    std::env::set_var("XDG_RUNTIME_DIR", rt.path());
    let unlocked = open_answers(&data);
    ok(&data, rt.path(), &["lock"], "");
    let locked = open_answers(&data);
    assert_eq!(difference(&unlocked, &locked, "$"), None);
    assert!(unlocked["views"].as_array().unwrap().len() > 3);

    let copy = data.join("open.sqlite");
    let numbering = "SELECT CAST(count(*) AS TEXT) FROM items i
                      WHERE i.number <> (SELECT count(*) FROM items o
                                          WHERE o.meeting_id = i.meeting_id AND o.number <= i.number)";
    assert_eq!(
        sql(&copy, numbering)[0],
        "0",
        "gaps in the open copy's numbering"
    );
    assert_eq!(
        sql(&copy, hidden)[0],
        "0",
        "closed meetings in the open copy"
    );
    assert_eq!(
        sql(&copy, "SELECT CAST(count(*) AS TEXT) FROM followed_bodies")[0],
        "0"
    );
    // A body the copy holds without meetings had none to begin with.
    assert_eq!(sql(&copy, no_meetings), bodies_without_meetings);
}

/// The first move into the vault wants the data directory to itself: while
/// another program (here `serve`) has it open, `passcode set` is refused in
/// plain words and changes no byte; once that program ends, it moves.
#[test]
fn a_passcode_is_not_set_while_another_program_has_the_data_directory_open() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let data = scratch.path().join("data");
    let folder = scratch.path().join("mappe");
    let item = folder.join("Teknisk Udvalg/2024-03-05/01 Ny cykelsti");
    std::fs::create_dir_all(&item).unwrap();
    let pdf = common::pdf(&[common::Page::text(&["Tegninger af cykelstien."])], None);
    std::fs::write(item.join("Bilag 1 Tegninger.pdf"), pdf).unwrap();
    ok(
        &data,
        rt.path(),
        &["import", &folder.to_string_lossy(), "--no-ocr"],
        "",
    );
    let rt_text = rt.path().to_string_lossy().to_string();
    let server = common::serve::serve_with(&data, None, &[("XDG_RUNTIME_DIR", &rt_text)]);
    let before = digests(&data);
    let out = run(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("åben i et andet program"), "{err}");
    // The same files (the running server may write to its store and index,
    // so those are left out, and no bytes but the PDFs' are compared).
    let after = digests(&data);
    let moved: Vec<_> = after
        .keys()
        .filter(|p| {
            let p = p.to_string_lossy();
            p.contains("vault") || p.contains("open.sqlite") || p.contains(".sealed")
        })
        .collect();
    assert!(moved.is_empty(), "the refused move wrote {moved:?}");
    let pdfs = |d: &BTreeMap<PathBuf, String>| {
        d.iter()
            .filter(|(p, _)| p.starts_with(data.join("files")))
            .map(|(p, h)| (p.clone(), h.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(pdfs(&before), pdfs(&after));
    assert!(!data.join("vault.json").exists());
    drop(server);
    ok(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );
    assert!(data.join("vault.json").exists());
}

/// A running program, killed when dropped (also when a test fails).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `share offer` on 127.0.0.1: the running program, its code and port.
fn offer_on_loopback(data: &Path, rt: &Path, args: &[&str]) -> (Running, String, String) {
    use std::io::{BufRead, BufReader};
    let mut all = vec!["share", "offer", "--no-announce", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(data)
        .args(&all)
        .env("XDG_RUNTIME_DIR", rt)
        .env_remove("MOEDEMAPPE_DATA")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut code, mut address) = (None, None);
    while code.is_none() || address.is_none() {
        let line = lines
            .next()
            .expect("the offer prints its code and address")
            .unwrap();
        if let Some(c) = line.trim().strip_prefix("Kode: ") {
            code = Some(c.replace(' ', ""));
        }
        if let Some(a) = line.split("skriv adressen: ").nth(1) {
            address = Some(a.trim().to_string());
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (Running(child), code.unwrap(), address.unwrap())
}

#[test]
fn notes_taken_from_a_colleague_nearby_never_touch_the_disk_of_a_vault_in_plain_form() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = runtime_dir();
    let mentor = demo_data(&scratch.path().join("a"), rt.path());
    let mentee = demo_data(&scratch.path().join("b"), rt.path());
    ok(&mentor, rt.path(), &["me", "--name", "Mette Mentor"], "");
    let db = mentor.join("moedemappe.sqlite");
    let case = sql(
        &db,
        "SELECT case_number FROM items WHERE closed = 0 AND kind = 'regular' AND case_number IS NOT NULL
            AND case_number NOT IN (SELECT case_number FROM items WHERE closed = 1 AND case_number IS NOT NULL)
          LIMIT 1",
    )[0]
    .clone();
    let body = "Kvartalsnotat om spildevandsledningens tracé";
    ok(
        &mentor,
        rt.path(),
        &["note", "add", "--case", &case, "--body", body, "--shared"],
        "",
    );
    ok(
        &mentee,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n{PASSCODE}\n"),
    );
    ok(&mentee, rt.path(), &["lock"], "");
    let (offer, code, address) = offer_on_loopback(&mentor, rt.path(), &["--case", &case]);

    // Locked: refused before anything is fetched, and nothing changes.
    let before = digests(&mentee);
    let out = run(
        &mentee,
        rt.path(),
        &["share", "take", "--address", &address, "--code", &code],
        "",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("låst"),
        "{out:?}"
    );
    assert_eq!(digests(&mentee), before);

    ok(&mentee, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
    let taken = ok(
        &mentee,
        rt.path(),
        &[
            "share",
            "take",
            "--address",
            &address,
            "--code",
            &code,
            "--json",
        ],
        "",
    );
    let taken: serde_json::Value = serde_json::from_str(&taken).unwrap();
    assert_eq!(taken["received"]["added"], 1, "{taken}");
    let listed = ok(
        &mentee,
        rt.path(),
        &["note", "list", "--case", &case, "--json"],
        "",
    );
    assert!(listed.contains(body), "{listed}");
    drop(offer);

    // The bundle waited in memory, not in the data directory's inbox (where
    // a removed file's bytes would stay on the disk).
    assert!(!mentee.join(".nearby-inbox").exists());
    // The note is in the vault, and nowhere on disk in plain form, unlocked or locked.
    let found = files_with(&mentee, &[body.to_string()]);
    assert!(found.is_empty(), "{found:?}");
    ok(&mentee, rt.path(), &["lock"], "");
    let found = files_with(&mentee, &[body.to_string()]);
    assert!(found.is_empty(), "{found:?}");
}
