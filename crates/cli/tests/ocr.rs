//! OCR end to end with the real binary, a real SQLite file, real scanned PDFs
//! (Danish text drawn to images by poppler with a Debian font, wrapped in PDFs
//! without a text layer) and the real `tesseract`: a scanned bilag is found by
//! search and retrieve and its words are read back; a page whose OCR crashes,
//! hangs or takes all memory costs only that page; a killed run resumes
//! without reading a finished page again. Needs `tesseract-ocr`,
//! `tesseract-ocr-dan` and `poppler-utils` (`.ci/run` installs them).

mod common;

use common::{json_lines, ok};
use moedemappe_core::api::{Mappe, Scope};
use moedemappe_core::demo::scan::{danish_pages, write_scanned_pdf};
use moedemappe_core::model::AttachmentId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Scans are written at this resolution (a typical office scanner's).
const SCAN_DPI: u32 = 200;

fn tools_present() {
    for (tool, package) in [
        ("tesseract", "tesseract-ocr tesseract-ocr-dan"),
        ("pdftoppm", "poppler-utils"),
    ] {
        let found = Command::new(tool)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        assert!(found, "{tool} mangler: apt-get install {package}");
    }
}

/// A folder (a document collection) holding one scanned PDF of `pages`,
/// worn by `noise` (per mille of the pixels specks, and grey paper).
fn scanned_folder(root: &Path, seed: u64, pages: usize, noise: u32) -> (PathBuf, Vec<Vec<String>>) {
    let folder = root.join("Indscannede breve");
    std::fs::create_dir_all(&folder).unwrap();
    let text = danish_pages(seed, pages);
    write_scanned_pdf(&folder.join("Høringssvar.pdf"), &text, SCAN_DPI, noise).unwrap();
    (folder, text)
}

/// Words as a reader counts them: lower case, letters and digits only.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The share of `source`'s words (with their counts) found in `read`.
fn recall(source: &str, read: &str) -> (usize, usize) {
    let mut have: HashMap<String, usize> = HashMap::new();
    for w in words(read) {
        *have.entry(w).or_default() += 1;
    }
    let source = words(source);
    let mut found = 0;
    for w in &source {
        if let Some(n) = have.get_mut(w).filter(|n| **n > 0) {
            *n -= 1;
            found += 1;
        }
    }
    (found, source.len())
}

fn status(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["status", "--json"])).unwrap()
}

fn page_texts(data: &Path, pages: u32) -> Vec<String> {
    let mappe = Mappe::open(data).unwrap();
    let session = mappe.session(Scope::Member);
    (1..=pages)
        .map(|p| session.page_text(AttachmentId(1), p).unwrap())
        .collect()
}

#[test]
fn a_scanned_bilag_is_read_by_ocr_and_found_by_search_and_retrieve() {
    tools_present();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A worn copy: grey paper and specks on 0.4 % of the pixels.
    let (folder, source) = scanned_folder(dir.path(), 7, 3, 4);
    let out = ok(&data, &["import", folder.to_str().unwrap()]);
    assert!(out.contains("OCR: 3 sider læst"), "{out}");

    let s = status(&data);
    assert_eq!(s["ocr"]["with_text"], 3, "{s}");
    assert_eq!(s["ocr"]["queued"], 0);
    assert_eq!(s["ocr"]["failed"], 0);
    assert!(
        s["failed_files"].as_array().unwrap().is_empty(),
        "a scan read by OCR is no longer a file without text: {s}"
    );

    // Word recall of the OCR text against the text the scan was drawn from.
    let read = page_texts(&data, 3);
    let (mut found, mut total) = (0, 0);
    for (lines, text) in source.iter().zip(&read) {
        let (f, t) = recall(&lines.join("\n"), text);
        found += f;
        total += t;
    }
    let r = found as f64 / total as f64;
    eprintln!("OCR word recall: {found}/{total} = {r:.3}");
    assert!(r >= 0.90, "word recall {r:.3}");

    // A Danish word with æ, ø or å from the scan, found by search and retrieve.
    let word = words(&source[0].join(" "))
        .into_iter()
        .find(|w| w.chars().count() >= 8 && w.contains(['æ', 'ø', 'å']))
        .unwrap();
    let hits = json_lines(&ok(&data, &["search", &word, "--json"]));
    assert!(!hits.is_empty(), "search {word}");
    assert_eq!(hits[0]["attachment_id"], 1);
    assert_eq!(hits[0]["ocr"], true, "{}", hits[0]);
    let text_out = ok(&data, &["search", &word]);
    assert!(text_out.contains("OCR"), "{text_out}");
    let passages = json_lines(&ok(&data, &["retrieve", &word, "--json"]));
    assert!(!passages.is_empty(), "retrieve {word}");
    assert_eq!(passages[0]["ocr"], true, "{}", passages[0]);
    assert!(passages[0]["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains(&word));

    // The word boxes for highlights are stored with the page.
    let db = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let (conf, boxes): (f64, String) = db
        .query_row(
            "SELECT confidence, words FROM ocr_pages WHERE attachment_id = 1 AND page = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(conf > 70.0, "mean confidence {conf}");
    let boxes: Vec<serde_json::Value> = serde_json::from_str(&boxes).unwrap();
    assert!(boxes.len() > 100);
    assert!(boxes[0][3].as_u64().unwrap() > 0);
}

#[test]
fn a_page_whose_ocr_crashes_hangs_or_takes_all_memory_costs_only_that_page() {
    tools_present();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (folder, _) = scanned_folder(dir.path(), 8, 5, 0);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .args(["--data-dir", data.to_str().unwrap()])
        .args(["import", folder.to_str().unwrap(), "--ocr-deadline", "20"])
        .env(moedemappe_core::ocr::FAULT_ENV, "crash:2,hang:3,memory:4")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        started.elapsed() < Duration::from_secs(180),
        "the hang held the run up"
    );

    let s = status(&data);
    assert_eq!(s["ocr"]["with_text"], 2, "{s}");
    assert_eq!(s["ocr"]["failed"], 3, "{s}");
    let failures = s["ocr_failures"].as_array().unwrap();
    let reasons: Vec<(u64, &str)> = failures
        .iter()
        .map(|f| (f["page"].as_u64().unwrap(), f["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons[0].0, 2);
    assert!(reasons[0].1.contains("OCR gik ned"), "{reasons:?}");
    assert_eq!(reasons[1].0, 3);
    assert!(reasons[1].1.contains("mere end 20 s"), "{reasons:?}");
    assert_eq!(reasons[2].0, 4);
    assert!(reasons[2].1.contains("OCR gik ned"), "{reasons:?}");
    // The other pages keep their text.
    let texts = page_texts(&data, 5);
    for p in [0, 4] {
        assert!(words(&texts[p]).len() > 100, "page {}", p + 1);
    }
    for p in [1, 2, 3] {
        assert!(texts[p].is_empty(), "page {}", p + 1);
    }
    // `status` names each page with its reason.
    let text = ok(&data, &["status"]);
    assert!(
        text.contains("side 3: OCR af siden tog mere end 20 s"),
        "{text}"
    );
    assert!(text.contains("3 kunne ikke læses"), "{text}");
    // The file with partly read text says so.
    let file = &s["failed_files"][0];
    assert_eq!(file["status"], "partial", "{s}");
}

/// Pages committed so far (read-only peek at the store of a running program).
fn pages_done(data: &Path) -> i64 {
    let Ok(db) = rusqlite::Connection::open_with_flags(
        data.join("moedemappe.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    db.query_row(
        "SELECT count(*) FROM ocr_pages WHERE state = 'done'",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

#[test]
fn a_killed_ocr_run_resumes_without_reading_a_finished_page_again() {
    tools_present();
    const PAGES: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let (folder, _) = scanned_folder(dir.path(), 9, PAGES, 0);

    // Uninterrupted.
    let whole = dir.path().join("whole");
    ok(&whole, &["import", folder.to_str().unwrap()]);

    // Killed half-way, then run again.
    let data = dir.path().join("data");
    ok(&data, &["import", folder.to_str().unwrap(), "--no-ocr"]);
    assert_eq!(status(&data)["ocr"]["queued"], PAGES);
    let trace = dir.path().join("trace.txt");
    let mut run = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .args(["--data-dir", data.to_str().unwrap(), "ocr"])
        .env(moedemappe_core::ocr::TRACE_ENV, &trace)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while pages_done(&data) < 3 {
        assert!(Instant::now() < deadline, "OCR made no progress");
        assert!(run.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    run.kill().unwrap();
    run.wait().unwrap();
    let at_kill = pages_done(&data);
    assert!(at_kill < PAGES as i64, "the run finished before the kill");
    // Workers of the killed run finish their page and go.
    std::thread::sleep(Duration::from_secs(3));
    let pages_in = |state: &str| -> Vec<u32> {
        let db = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
        let mut stmt = db
            .prepare("SELECT page FROM ocr_pages WHERE state = ?1 ORDER BY page")
            .unwrap();
        let pages = stmt
            .query_map([state], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        pages
    };
    let waiting = pages_in("queued");
    assert_eq!(waiting.len() as i64, PAGES as i64 - at_kill);

    let again = dir.path().join("trace-again.txt");
    let out = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .args(["--data-dir", data.to_str().unwrap(), "ocr"])
        .env(moedemappe_core::ocr::TRACE_ENV, &again)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let rest = String::from_utf8_lossy(&out.stdout);
    assert!(
        rest.contains(&format!("OCR: {} sider læst", PAGES as i64 - at_kill)),
        "{rest}"
    );

    let db = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let runs: Vec<(u32, i64, String)> = db
        .prepare("SELECT page, runs, state FROM ocr_pages ORDER BY page")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(runs.len(), PAGES);
    for (page, n, state) in &runs {
        assert_eq!((*n, state.as_str()), (1, "done"), "page {page}");
    }
    // The second run read exactly the pages the first had not committed,
    // each once: no finished page was read again. (Pages read by the killed
    // run but not yet committed, those in flight and those waiting behind
    // an index update, are read again: that number depends on timing.)
    let mut read_again: Vec<u32> = std::fs::read_to_string(&again)
        .unwrap()
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    read_again.sort_unstable();
    assert_eq!(read_again, waiting, "the pages read again");
    let first = std::fs::read_to_string(&trace).unwrap().lines().count();
    eprintln!(
        "pages committed before the kill: {at_kill}; read by the killed run: {first}; read again: {}",
        read_again.len()
    );

    // The result equals the uninterrupted run's.
    assert_eq!(
        page_texts(&data, PAGES as u32),
        page_texts(&whole, PAGES as u32)
    );
    let word = words(&page_texts(&whole, 1)[0])
        .into_iter()
        .find(|w| w.chars().count() >= 8)
        .unwrap();
    let search = |d: &Path| {
        json_lines(&ok(d, &["search", &word, "--flat", "--json"]))
            .iter()
            .map(|h| (h["attachment_id"].clone(), h["page"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(search(&data), search(&whole));
}

/// A scanned bilag a member attaches by hand is read by OCR as well, and
/// its words are found.
#[test]
fn an_attached_scan_is_read_by_ocr() {
    tools_present();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A meeting from a folder source: one item with a text bilag.
    let folder = dir.path().join("mappe");
    let item = folder.join("Teknisk Udvalg/2024-03-05/01 Ny cykelsti");
    std::fs::create_dir_all(&item).unwrap();
    let text = common::pdf(&[common::Page::text(&["Tegninger af cykelstien."])], None);
    std::fs::write(item.join("Bilag 1 Tegninger.pdf"), text).unwrap();
    ok(
        &data,
        &[
            "source",
            "add",
            "folder",
            folder.to_str().unwrap(),
            "--name",
            "Indbakke",
        ],
    );
    ok(&data, &["sync", "--no-ocr"]);
    let db = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let item_id: i64 = db
        .query_row("SELECT id FROM items", [], |r| r.get(0))
        .unwrap();
    // A clean one-page scan, attached by hand.
    let source = danish_pages(11, 1);
    let scan = dir.path().join("Indscannet brev.pdf");
    write_scanned_pdf(&scan, &source, SCAN_DPI, 0).unwrap();
    let out = ok(
        &data,
        &[
            "attach",
            scan.to_str().unwrap(),
            "--item",
            &item_id.to_string(),
        ],
    );
    assert!(out.contains("OCR: 1 sider læst"), "{out}");
    let word = words(&source[0].join(" "))
        .into_iter()
        .find(|w| w.chars().count() >= 8)
        .unwrap();
    let hits = json_lines(&ok(&data, &["search", &word, "--json"]));
    assert!(
        hits.iter()
            .any(|h| h["ocr"] == true && h["attachment_title"] == "Indscannet brev"),
        "search {word}: {hits:?}"
    );
}
