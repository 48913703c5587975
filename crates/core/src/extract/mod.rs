//! PDF text extraction, page by page, isolated in worker processes.
//!
//! pdf-extract panics on some real files, can abort or run for minutes on others,
//! and cannot open some damaged files that newer lopdf can. So:
//!
//! - [`extract_file`] reads one file in-process: every page is extracted on its own
//!   inside `catch_unwind`, so a panic on one page still yields the others; lopdf 0.47
//!   counts the pages when pdf-extract's older lopdf cannot open the file.
//! - [`worker_main`] is the body of the `moedemappe extract-worker` process: it answers
//!   one JSON request per line on stdin with one JSON line on stdout.
//! - [`extract_all`] runs a pool of such workers with a deadline per file, and survives
//!   workers that crash or hang.
//!
//! Failure reasons ([`Extraction::problem`]) are short Danish sentences in plain words.

mod pool;
mod worker;

pub(crate) use pool::{danish_seconds, Outcome, Worker};
pub use pool::{extract_all, ExtractOptions, WorkerCommand};
pub use worker::{worker_main, CRASH_ON_ENV};
pub(crate) use worker::{Mode, Request};

use crate::model::TextStatus;
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// Reason: the file has zero bytes.
const EMPTY_FILE: &str = "filen er tom";
/// Reason: the file does not start like a PDF.
const NOT_PDF: &str = "ikke en PDF-fil";
/// Reason: the file could not be parsed.
const DAMAGED: &str = "filen er afkortet eller beskadiget";
/// Reason: the file needs a password we do not have.
const PASSWORD: &str = "filen er beskyttet med adgangskode";
/// Reason: the file opened but has no pages.
const NO_PAGES: &str = "filen indeholder ingen sider";
/// Reason: every page opened but none held text.
const NO_TEXT: &str = "ingen tekst (måske en scannet PDF uden tekstlag)";

/// The longest internal error message kept in a reason, in characters.
const MAX_INTERNAL_CHARS: usize = 200;

/// The text of one PDF file and how well it could be read.
///
/// It crosses the process boundary between a worker and the pool as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// Page count, from pdf-extract's document or the lopdf 0.47 fallback.
    pub page_count: Option<u32>,
    /// The text of each page (`len() == page_count` when the count is known); `""` for
    /// failed or empty pages. Runs of spaces and tabs are collapsed, lines trimmed,
    /// line breaks kept.
    pub pages: Vec<String>,
    /// 1-based numbers of the pages whose text could not be read because of an error
    /// (not because they are blank). When `status` is `Unreadable` and the count is known,
    /// this is every page.
    pub failed_pages: Vec<u32>,
    /// Full, Partial, NoText or Unreadable.
    pub status: TextStatus,
    /// Plain Danish reason when `status` is not `Full`.
    pub problem: Option<String>,
}

impl Extraction {
    /// A result for a file none of whose text could be read: every known page failed.
    pub fn unreadable(page_count: Option<u32>, problem: impl Into<String>) -> Self {
        let n = page_count.unwrap_or(0);
        Extraction {
            page_count,
            pages: vec![String::new(); n as usize],
            failed_pages: (1..=n).collect(),
            status: TextStatus::Unreadable,
            problem: Some(problem.into()),
        }
    }
}

/// Extracts the text of the PDF at `path`, in-process.
///
/// Never panics on a bad file (panics inside pdf-extract are caught page by page), but
/// cannot protect against aborts, stack overflows, out-of-memory or endless loops: run
/// it through [`extract_all`] for untrusted files. Panic messages still go to the
/// process's panic hook; [`worker_main`] silences it.
pub fn extract_file(path: &Path) -> Extraction {
    match std::fs::read(path) {
        Ok(bytes) => extract_bytes(&bytes),
        Err(e) => Extraction::unreadable(
            None,
            format!("filen kunne ikke åbnes (intern fejl: {})", internal(&e)),
        ),
    }
}

/// Extracts the text of a PDF held in memory (see [`extract_file`]).
pub fn extract_bytes(bytes: &[u8]) -> Extraction {
    if bytes.is_empty() {
        return Extraction::unreadable(None, EMPTY_FILE);
    }
    if !looks_like_pdf(bytes) {
        return Extraction::unreadable(None, NOT_PDF);
    }
    extract_pdf(bytes).unwrap_or_else(|| unopenable(bytes))
}

/// Extracts with pdf-extract; `None` if its lopdf cannot open the file at all.
fn extract_pdf(bytes: &[u8]) -> Option<Extraction> {
    let mut doc = match catch_unwind(|| pdf_extract::Document::load_mem(bytes)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(_)) | Err(_) => return None,
    };
    let encrypted = doc.is_encrypted();
    if encrypted {
        let decrypted = catch_unwind(AssertUnwindSafe(|| doc.decrypt("")));
        if !matches!(decrypted, Ok(Ok(()))) {
            let count = catch_unwind(AssertUnwindSafe(|| doc.get_pages().len()))
                .ok()
                .filter(|&n| n > 0)
                .and_then(|n| u32::try_from(n).ok())
                .or_else(|| count_pages(bytes));
            return Some(Extraction::unreadable(count, PASSWORD));
        }
    }

    let page_count = match catch_unwind(AssertUnwindSafe(|| doc.get_pages().len())) {
        Ok(n) => u32::try_from(n).unwrap_or(u32::MAX),
        Err(_) => return None,
    };
    if page_count == 0 {
        return None;
    }

    let mut pages = Vec::with_capacity(page_count as usize);
    let mut failed_pages = Vec::new();
    let mut first_failure: Option<String> = None;
    for page_no in 1..=page_count {
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut raw = String::new();
            let mut output = pdf_extract::PlainTextOutput::new(&mut raw);
            pdf_extract::output_doc_page(&doc, &mut output, page_no).map(|()| raw)
        }));
        match result {
            Ok(Ok(raw)) => pages.push(normalize_page(&raw)),
            Ok(Err(e)) => {
                pages.push(String::new());
                failed_pages.push(page_no);
                first_failure.get_or_insert_with(|| internal(&e));
            }
            Err(payload) => {
                pages.push(String::new());
                failed_pages.push(page_no);
                first_failure.get_or_insert_with(|| panic_message(payload.as_ref()));
            }
        }
    }

    let has_text = pages.iter().any(|p| !p.is_empty());
    let failure_reason = first_failure.map(|detail| {
        format!(
            "PDF-læseren gik i stå på {} (intern fejl: {detail})",
            page_list(&failed_pages)
        )
    });
    let (status, problem) = if failed_pages.len() == page_count as usize {
        (TextStatus::Unreadable, failure_reason)
    } else if has_text {
        match failure_reason {
            Some(reason) => (TextStatus::Partial, Some(reason)),
            None => (TextStatus::Full, None),
        }
    } else if encrypted {
        // Some user-password files "decrypt" with the empty password and yield nothing.
        return Some(Extraction::unreadable(Some(page_count), PASSWORD));
    } else {
        let reason = match failure_reason {
            Some(reason) => format!("{NO_TEXT}; {reason}"),
            None => NO_TEXT.to_string(),
        };
        (TextStatus::NoText, Some(reason))
    };
    Some(Extraction {
        page_count: Some(page_count),
        pages,
        failed_pages,
        status,
        problem,
    })
}

/// The page count lopdf 0.47 reads, if it can open the file and finds any pages.
fn count_pages(bytes: &[u8]) -> Option<u32> {
    catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let n = doc.get_pages().len();
        u32::try_from(n).ok().filter(|&n| n > 0)
    })
    .ok()
    .flatten()
}

/// The result for a file pdf-extract cannot open (or finds no pages in).
///
/// lopdf 0.47 repairs more damage (a wrong `startxref`, a lost trailer) than the lopdf
/// 0.42 inside pdf-extract, and decrypts more schemes. If it opens the file, it writes
/// the document out again and pdf-extract reads that copy; otherwise lopdf 0.47 at
/// least counts the pages.
fn unopenable(bytes: &[u8]) -> Extraction {
    let reopened = catch_unwind(|| {
        let mut doc = lopdf::Document::load_mem(bytes).ok()?;
        let encrypted = doc.is_encrypted();
        let pages = u32::try_from(doc.get_pages().len()).ok()?;
        if encrypted || pages == 0 {
            return Some((encrypted, pages, None));
        }
        let mut rewritten = Vec::new();
        let rewritten = doc.save_to(&mut rewritten).ok().map(|()| rewritten);
        Some((encrypted, pages, rewritten))
    })
    .ok()
    .flatten();
    match reopened {
        Some((_, _, Some(rewritten))) => extract_pdf(&rewritten)
            .unwrap_or_else(|| Extraction::unreadable(count_pages(bytes), DAMAGED)),
        Some((true, pages, None)) => {
            Extraction::unreadable(Some(pages).filter(|&n| n > 0), PASSWORD)
        }
        Some((false, 0, None)) => Extraction::unreadable(Some(0), NO_PAGES),
        _ => Extraction::unreadable(count_pages(bytes), DAMAGED),
    }
}

/// True when `%PDF-` appears within the first KiB (readers tolerate leading junk).
fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Collapses runs of spaces and tabs to one space and trims each line; keeps line
/// breaks (and line-end hyphens) as they are, and drops leading and trailing blank lines.
fn normalize_page(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let mut pending_space = false;
        let mut line_out = String::with_capacity(line.len());
        for c in line.chars() {
            if c == ' ' || c == '\t' || c == '\r' {
                pending_space = !line_out.is_empty();
            } else {
                if pending_space {
                    line_out.push(' ');
                    pending_space = false;
                }
                line_out.push(c);
            }
        }
        out.push_str(&line_out);
        out.push('\n');
    }
    out.trim_matches('\n').to_string()
}

/// "side 3", "side 3 og 5", "side 3, 5 og 7", or the first ten and how many more.
fn page_list(pages: &[u32]) -> String {
    const SHOWN: usize = 10;
    let words: Vec<String> = pages.iter().take(SHOWN).map(u32::to_string).collect();
    let rest = pages.len().saturating_sub(SHOWN);
    match (words.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => format!("side {one}"),
        (_, 0) => {
            let (last, init) = words.split_last().expect("at least two pages");
            format!("side {} og {last}", init.join(", "))
        }
        (_, rest) => format!("side {} og {rest} andre sider", words.join(", ")),
    }
}

/// An internal error's message, shortened to fit in a reason.
fn internal(e: &dyn std::fmt::Display) -> String {
    shorten(&e.to_string())
}

/// The message a panic carried, shortened.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "ukendt fejl".to_string()
    };
    shorten(&text)
}

/// Cuts a message to [`MAX_INTERNAL_CHARS`] characters on one line.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_INTERNAL_CHARS {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(MAX_INTERNAL_CHARS).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests;
