//! OCR of scanned pages, isolated like text extraction.
//!
//! A page whose extracted text is empty or not text ([`needs_ocr`]) is queued
//! in the store when its file's text is stored. [`run::run`] reads queued
//! pages in worker processes (the same `extract-worker` process as
//! extraction, asked `{"mode": "ocr", "page": N}`), one page per request with
//! a deadline per page, and commits every finished page on its own, so a
//! killed run goes on where it stopped. In a worker a page is drawn by
//! poppler's `pdftoppm` (one page, at [`DPI`], grey) and read by the
//! `tesseract` program (`-l dan+eng`, TSV: words, boxes, confidences); see
//! [`worker`]. Both are Debian packages (`poppler-utils`, `tesseract-ocr`,
//! `tesseract-ocr-dan`, `tesseract-ocr-eng`).

mod pool;
mod rule;
pub(crate) mod run;
mod tsv;
pub(crate) mod worker;

pub use pool::{OcrJob, OcrOptions};
pub use rule::{needs_ocr, text_weight};
pub use run::OcrReport;
pub use worker::{FAULT_ENV, TRACE_ENV};

use serde::{Deserialize, Serialize};

/// Resolution pages are drawn at for Tesseract, which reads best at about 300 DPI.
pub const DPI: u32 = 300;

/// Tesseract's languages: Danish, and English for the English words Danish
/// council papers hold.
pub const LANGUAGES: &str = "dan+eng";

/// A word Tesseract read: its text, its box in pixels of the page image
/// (left, top, width, height, at the page's DPI) and its confidence (0–100).
/// Serialized as a JSON array, to keep the stored boxes small.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordBox(pub String, pub u32, pub u32, pub u32, pub u32, pub u8);

/// One page read by OCR, or why it could not be; it crosses the process
/// boundary between a worker and the pool as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OcrPage {
    /// The text read (empty for a blank page).
    pub text: String,
    /// The words and their boxes.
    pub words: Vec<WordBox>,
    /// Tesseract's mean word confidence, 0–100 (`None` when no word was read).
    pub confidence: Option<f32>,
    /// The page image's size in pixels, at `dpi`.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// The resolution the page was drawn at.
    pub dpi: u32,
    /// Why the page could not be read, in plain Danish (then the rest is empty).
    pub problem: Option<String>,
}

impl OcrPage {
    /// A page that could not be read, and why.
    pub fn failed(problem: impl Into<String>) -> Self {
        OcrPage {
            problem: Some(problem.into()),
            ..OcrPage::default()
        }
    }
}
