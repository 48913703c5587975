//! The worker process: reads one JSON request per line on stdin, answers each with one
//! JSON line on stdout.
//!
//! Protocol (both directions one JSON object per line, UTF-8):
//!
//! - request `{"path": "/x/y.pdf", "mode": "text"}` → an [`Extraction`];
//! - request `{"path": "/x/y.pdf", "mode": "count"}` → `{"page_count": 12}` (or `null`),
//!   counted by lopdf 0.47 alone (the pool's fallback after a crash or a timeout);
//! - request `{"path": "/x/y.pdf", "mode": "ocr", "page": 3}` → an [`OcrPage`]: page 3
//!   drawn and read by OCR (see `crate::ocr::worker`);
//! - a request that cannot be parsed → an unreadable [`Extraction`].
//!
//! The worker exits when stdin closes.

use super::{count_pages, extract_file, panic_message, Extraction};
use crate::ocr::OcrPage;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};

/// Fault-injection hook for tests, honoured only in debug builds: when this environment
/// variable holds a file name, a `text` request for a file of that name aborts the
/// worker process (as a crash inside pdf-extract would).
pub const CRASH_ON_ENV: &str = "MOEDEMAPPE_EXTRACT_CRASH_ON";

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Mode {
    /// Extract the text ([`extract_file`]).
    Text,
    /// Only count the pages with lopdf 0.47.
    Count,
    /// Read one page by OCR.
    Ocr,
}

/// One request line.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Request {
    /// The file to read.
    pub path: PathBuf,
    /// What to do with it.
    pub mode: Mode,
    /// The page (1-based), for `ocr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// The answer to a `count` request.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CountReply {
    /// Page count, if lopdf 0.47 could tell.
    pub page_count: Option<u32>,
}

/// Runs the worker loop until stdin closes. The default panic hook is replaced by a
/// silent one, so nothing but the reply lines is ever written.
pub fn worker_main() {
    std::panic::set_hook(Box::new(|_| {}));
    crate::ocr::worker::limit_self();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut line = String::new();
    loop {
        line.clear();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.trim().is_empty() {
            continue;
        }
        let reply = answer(&line);
        let mut out = stdout.lock();
        let written = out
            .write_all(reply.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
        if written.is_err() {
            // Nobody is listening any more.
            return;
        }
    }
}

/// The reply line (without newline) to one request line.
fn answer(line: &str) -> String {
    let request: Request = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(_) => {
            return to_json(&Extraction::unreadable(
                None,
                "PDF-læseren fik en forespørgsel, den ikke forstod",
            ))
        }
    };
    match request.mode {
        Mode::Count => {
            let page_count = std::fs::read(&request.path)
                .ok()
                .and_then(|bytes| count_pages(&bytes));
            to_json(&CountReply { page_count })
        }
        Mode::Ocr => {
            let page = request.page.unwrap_or(1);
            let read = catch_unwind(|| crate::ocr::worker::read_page(&request.path, page))
                .unwrap_or_else(|p| {
                    OcrPage::failed(format!(
                        "OCR gik i stå (intern fejl: {})",
                        panic_message(p.as_ref())
                    ))
                });
            to_json(&read)
        }
        Mode::Text => {
            crash_if_asked(&request.path);
            let extraction = catch_unwind(|| extract_file(&request.path)).unwrap_or_else(|p| {
                Extraction::unreadable(
                    None,
                    format!(
                        "PDF-læseren gik i stå (intern fejl: {})",
                        panic_message(p.as_ref())
                    ),
                )
            });
            to_json(&extraction)
        }
    }
}

/// Serializes a reply; our reply types always serialize.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string())
}

/// The [`CRASH_ON_ENV`] fault-injection hook (debug builds only).
#[cfg(debug_assertions)]
fn crash_if_asked(path: &Path) {
    if let Some(name) = std::env::var_os(CRASH_ON_ENV) {
        if path.file_name() == Some(name.as_os_str()) {
            std::process::abort();
        }
    }
}

/// The fault-injection hook does nothing in release builds.
#[cfg(not(debug_assertions))]
fn crash_if_asked(_path: &Path) {}
