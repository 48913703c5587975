//! The extraction pool driving the real `moedemappe extract-worker` processes: mixed
//! batches, deadlines, crashing workers and setup errors.

mod common;

use moedemappe_core::extract::{extract_all, ExtractOptions, Extraction, WorkerCommand};
use moedemappe_core::model::TextStatus;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test as a worker command.
fn worker() -> WorkerCommand {
    WorkerCommand {
        program: PathBuf::from(env!("CARGO_BIN_EXE_moedemappe")),
        args: vec![OsString::from("extract-worker")],
    }
}

fn options(workers: usize, deadline: Duration) -> ExtractOptions {
    ExtractOptions {
        deadline,
        workers,
        command: worker(),
    }
}

fn pdf(pages: &[(Vec<u8>, bool)]) -> Vec<u8> {
    common::pdf_raw(pages, None)
}

/// A content stream showing "Side n: Byrådets møde" (å = 0xE5, ø = 0xF8 in WinAnsi).
fn text_page(n: usize) -> (Vec<u8>, bool) {
    let mut content = format!("BT /F1 12 Tf 72 760 Td (Side {n}: Byr").into_bytes();
    content.extend_from_slice(b"\xe5dets m\xf8de) Tj ET");
    (content, true)
}

fn good_pdf(pages: usize) -> Vec<u8> {
    pdf(&(1..=pages).map(text_page).collect::<Vec<_>>())
}

/// A page whose content stream has `ops` text-showing operators: slow to extract.
fn heavy_page(ops: usize) -> (Vec<u8>, bool) {
    let mut content = b"BT /F1 1 Tf 14 TL 72 760 Td\n".to_vec();
    for _ in 0..ops {
        content.extend_from_slice(b"(ab) Tj\n");
    }
    content.extend_from_slice(b"ET");
    (content, true)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs the pool over `files` and collects the results by file name.
fn run(
    files: &[PathBuf],
    opts: &ExtractOptions,
) -> moedemappe_core::Result<BTreeMap<String, Extraction>> {
    let jobs = files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                p.clone(),
            )
        })
        .collect();
    let mut results = BTreeMap::new();
    extract_all(jobs, opts, |name, extraction| {
        assert!(
            results.insert(name, extraction).is_none(),
            "a job was delivered twice"
        );
    })?;
    Ok(results)
}

/// A batch of good and bad files.
fn mixed_batch(dir: &Path) -> Vec<PathBuf> {
    let good = good_pdf(3);
    vec![
        write(dir, "god-1.pdf", &good),
        write(dir, "tom.pdf", b""),
        write(dir, "tekst.pdf", b"Dette er ikke en PDF, bare tekst.\n"),
        write(dir, "halv.pdf", &good[..good.len() / 2]),
        write(
            dir,
            "uden-mediabox.pdf",
            &pdf(&[text_page(1), (text_page(2).0, false), text_page(3)]),
        ),
        write(dir, "god-2.pdf", &good_pdf(5)),
    ]
}

#[test]
fn a_mixed_batch_finishes_with_the_right_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let files = mixed_batch(dir.path());
    let results = run(&files, &options(2, Duration::from_secs(30))).unwrap();
    assert_eq!(results.len(), files.len());

    let good = &results["god-1.pdf"];
    assert_eq!(good.status, TextStatus::Full, "{good:?}");
    assert_eq!(good.page_count, Some(3));
    assert!(good.pages[2].contains("Side 3: Byrådets møde"), "{good:?}");
    assert_eq!(results["god-2.pdf"].page_count, Some(5));
    assert_eq!(results["god-2.pdf"].status, TextStatus::Full);

    let empty = &results["tom.pdf"];
    assert_eq!(empty.status, TextStatus::Unreadable);
    assert_eq!(empty.problem.as_deref(), Some("filen er tom"));
    let text = &results["tekst.pdf"];
    assert_eq!(text.problem.as_deref(), Some("ikke en PDF-fil"));
    let half = &results["halv.pdf"];
    assert_eq!(half.status, TextStatus::Unreadable);
    assert_eq!(
        half.problem.as_deref(),
        Some("filen er afkortet eller beskadiget")
    );

    let partial = &results["uden-mediabox.pdf"];
    assert_eq!(partial.status, TextStatus::Partial, "{partial:?}");
    assert_eq!(partial.failed_pages, vec![2]);
    assert!(partial.pages[2].contains("Side 3"), "{partial:?}");
}

#[test]
fn results_do_not_depend_on_the_number_of_workers() {
    let dir = tempfile::tempdir().unwrap();
    let files = mixed_batch(dir.path());
    let one = run(&files, &options(1, Duration::from_secs(30))).unwrap();
    let three = run(&files, &options(3, Duration::from_secs(30))).unwrap();
    assert_eq!(one, three);
}

#[test]
fn a_hang_is_cut_by_the_deadline_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // Page 2 holds 800 000 text operators: about 2 s of work for pdf-extract, while
    // lopdf 0.47 counts the pages without parsing any content stream.
    let heavy = pdf(&[text_page(1), heavy_page(800_000), text_page(3)]);
    let files = vec![
        write(dir.path(), "tung.pdf", &heavy),
        write(dir.path(), "efter.pdf", &good_pdf(2)),
    ];
    let started = Instant::now();
    let results = run(&files, &options(1, Duration::from_millis(300))).unwrap();
    let elapsed = started.elapsed();

    let slow = &results["tung.pdf"];
    assert_eq!(slow.status, TextStatus::Unreadable, "{slow:?}");
    assert_eq!(
        slow.problem.as_deref(),
        Some("tidsgrænsen på 0,3 s blev overskredet")
    );
    // Only the fallback count in a fresh worker can have told the page count.
    assert_eq!(slow.page_count, Some(3));
    assert_eq!(slow.failed_pages, vec![1, 2, 3]);
    assert_eq!(slow.pages, vec![String::new(); 3]);

    let after = &results["efter.pdf"];
    assert_eq!(after.status, TextStatus::Full, "{after:?}");
    assert!(after.pages[1].contains("Side 2: Byrådets møde"));
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// The pool with the fault-injection hook set for `crash_on` (through `env`, so the
/// test process's own environment stays untouched).
#[cfg(unix)]
fn crashing_options(crash_on: &str) -> ExtractOptions {
    ExtractOptions {
        deadline: Duration::from_secs(30),
        workers: 1,
        command: WorkerCommand {
            program: PathBuf::from("env"),
            args: vec![
                OsString::from(format!(
                    "{}={crash_on}",
                    moedemappe_core::extract::CRASH_ON_ENV
                )),
                OsString::from(env!("CARGO_BIN_EXE_moedemappe")),
                OsString::from("extract-worker"),
            ],
        },
    }
}

#[cfg(unix)]
#[test]
fn a_crashing_worker_is_replaced_and_the_batch_goes_on() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the crash hook exists only in debug builds");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        write(dir.path(), "før.pdf", &good_pdf(1)),
        write(dir.path(), "nedbrud.pdf", &good_pdf(2)),
        write(dir.path(), "efter-1.pdf", &good_pdf(3)),
        write(dir.path(), "efter-2.pdf", &good_pdf(4)),
    ];
    let results = run(&files, &crashing_options("nedbrud.pdf")).unwrap();

    let crashed = &results["nedbrud.pdf"];
    assert_eq!(crashed.status, TextStatus::Unreadable, "{crashed:?}");
    assert_eq!(
        crashed.problem.as_deref(),
        Some("PDF-læseren gik ned (signal 6 SIGABRT)")
    );
    assert_eq!(crashed.page_count, Some(2), "fallback count");
    for (name, pages) in [("før.pdf", 1), ("efter-1.pdf", 3), ("efter-2.pdf", 4)] {
        let e = &results[name];
        assert_eq!(e.status, TextStatus::Full, "{name}: {e:?}");
        assert_eq!(e.page_count, Some(pages));
    }
}

#[test]
fn a_worker_that_cannot_start_is_a_setup_error() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![write(dir.path(), "god.pdf", &good_pdf(1))];
    let opts = ExtractOptions {
        deadline: Duration::from_secs(5),
        workers: 2,
        command: WorkerCommand {
            program: dir.path().join("findes-ikke"),
            args: vec![],
        },
    };
    let mut delivered = 0;
    let result = extract_all(
        files.into_iter().map(|p| ((), p)).collect(),
        &opts,
        |(), _| delivered += 1,
    );
    assert!(result.is_err());
    assert_eq!(delivered, 0);
}

#[test]
fn an_empty_batch_starts_no_worker() {
    let opts = ExtractOptions {
        deadline: Duration::from_secs(5),
        workers: 2,
        command: WorkerCommand {
            program: PathBuf::from("/findes/ikke"),
            args: vec![],
        },
    };
    extract_all(Vec::<((), PathBuf)>::new(), &opts, |(), _| unreachable!()).unwrap();
}

#[test]
fn the_worker_speaks_one_json_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tre.pdf", &good_pdf(3));
    let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("extract-worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ask = |request: String| {
        writeln!(stdin, "{request}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    let path_json = serde_json::to_string(&path).unwrap();

    let count = ask(format!(r#"{{"path": {path_json}, "mode": "count"}}"#));
    assert_eq!(count, serde_json::json!({ "page_count": 3 }));
    let text = ask(format!(r#"{{"path": {path_json}, "mode": "text"}}"#));
    assert_eq!(text["status"], "full");
    assert_eq!(text["pages"].as_array().unwrap().len(), 3);
    let nonsense = ask("ikke json".to_string());
    assert_eq!(nonsense["status"], "unreadable");
    // A page that panics inside pdf-extract prints nothing: the panic hook is silent.
    let bad = write(
        dir.path(),
        "uden-mediabox.pdf",
        &pdf(&[(text_page(1).0, false), text_page(2)]),
    );
    let bad_json = serde_json::to_string(&bad).unwrap();
    let partial = ask(format!(r#"{{"path": {bad_json}, "mode": "text"}}"#));
    assert_eq!(partial["status"], "partial");

    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the worker exits when stdin closes"
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// How far the heavy page is from the 300 ms deadline above (in-process, no deadline):
/// `cargo test -p moedemappe --test extract_pool heavy -- --ignored --nocapture`.
#[test]
#[ignore]
fn heavy_page_timing() {
    let bytes = pdf(&[text_page(1), heavy_page(800_000), text_page(3)]);
    let started = Instant::now();
    let e = moedemappe_core::extract::extract_bytes(&bytes);
    println!("heavy page: {:?}, status {:?}", started.elapsed(), e.status);
}
