//! `ocr` (read scanned pages, pause, resume, status), the OCR that follows
//! `import` and `sync`, and the hidden `scan-pdf` that writes scanned test
//! PDFs for the tests and the benchmark.

use crate::output;
use crate::progress::TermProgress;
use anyhow::{Context, Result};
use moedemappe_core::api::{self, IngestSettings, Mappe, Scope};
use std::path::Path;

/// `moedemappe ocr [--pause | --resume | --status]`.
pub fn run(
    mappe: &Mappe,
    pause: bool,
    resume: bool,
    status: bool,
    settings: &IngestSettings,
) -> Result<()> {
    let member = mappe.member(Scope::Member)?;
    if pause {
        member.set_ocr_paused(true)?;
        println!("OCR er sat på pause. Fortsæt med `moedemappe ocr --resume`.");
        return Ok(());
    }
    if !status {
        if resume {
            member.set_ocr_paused(false)?;
        }
        ocr_after(mappe, settings)?;
    }
    output::ocr_status(&member.session().status()?);
    Ok(())
}

/// Reads the pages waiting for OCR in the foreground, with progress, and
/// says how it went. Ctrl-C stops at once: every finished page is stored.
pub fn ocr_after(mappe: &Mappe, settings: &IngestSettings) -> Result<()> {
    let member = mappe.member(Scope::Member)?;
    // Only the count: the whole status would also stat every stored file.
    let waiting = member.ocr_waiting()?;
    if waiting == 0 {
        return Ok(());
    }
    // Another command may have a Ctrl-C handler already (sync); it stops as well.
    let _ = ctrlc::set_handler(|| {
        eprintln!(
            "\nOCR er afbrudt. De sider, der er læst, er gemt; kør `moedemappe ocr` for at fortsætte."
        );
        std::process::exit(130);
    });
    match member.ocr(settings, &TermProgress::new())? {
        None => println!(
            "OCR kører allerede i et andet program (vinduet eller `serve`); {waiting} sider læses dér."
        ),
        Some(report) => output::ocr_report(&report),
    }
    Ok(())
}

/// `moedemappe scan-pdf`: a scanned PDF of Danish text, and its source text.
pub fn scan_pdf(
    pages: usize,
    seed: u64,
    dpi: u32,
    noise: u32,
    out: &Path,
    text: Option<&Path>,
) -> Result<()> {
    let source = api::scan::danish_pages(seed, pages);
    api::scan::write_scanned_pdf(out, &source, dpi, noise)?;
    if let Some(path) = text {
        std::fs::write(path, serde_json::to_string(&source)?)
            .with_context(|| format!("kunne ikke skrive {}", path.display()))?;
    }
    println!(
        "Skrev {} scannede sider til {}.",
        source.len(),
        out.display()
    );
    Ok(())
}
