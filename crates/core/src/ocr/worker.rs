//! Reading one page inside a worker process: draw it with poppler's
//! `pdftoppm` into a private temporary folder, read the image with the
//! `tesseract` program, parse its TSV.
//!
//! Why the programs and not libraries: both are Debian packages that members
//! install with the app (no C bindings to build or keep), `pdftoppm` draws one
//! page at a chosen DPI (`-f N -l N -r 300 -gray -singlefile`) and copes with
//! the damaged and odd PDFs scanners write, and a crash or a hang in either
//! stays in its own process. The worker runs at low priority and, when the
//! pool asks for it ([`MEMORY_ENV`]), with a cap on its address space that the
//! two programs inherit: a page that would take all memory fails alone.

use super::{tsv, OcrPage, DPI, LANGUAGES};
use std::path::Path;
use std::process::{Command, Stdio};

/// Set by the pool on OCR workers: the address-space cap in MiB, inherited by
/// `pdftoppm` and `tesseract`.
pub const MEMORY_ENV: &str = "MOEDEMAPPE_OCR_MEMORY_MB";

/// Fault switch for tests, honoured only in debug builds: a comma-separated
/// list of `crash:N`, `hang:N` or `memory:N`; OCR of page N of any file then
/// aborts the worker, hangs past any deadline, or allocates until the memory
/// cap stops it.
pub const FAULT_ENV: &str = "MOEDEMAPPE_OCR_FAULT";

/// Counting switch for tests (debug builds only): every page a worker has
/// read is appended to this file as `<file name> <page>`.
pub const TRACE_ENV: &str = "MOEDEMAPPE_OCR_TRACE";

/// The priority (`nice`) an OCR worker lowers itself to.
#[cfg(unix)]
const WORKER_NICE: i32 = 10;

/// Lowers this worker's priority and caps its memory, when the pool started
/// it as an OCR worker ([`MEMORY_ENV`] set). Called once at worker start.
pub fn limit_self() {
    let Some(mb) = std::env::var(MEMORY_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    #[cfg(unix)]
    {
        // Failing only leaves the priority or the limit as it was.
        let _ = rustix::process::setpriority_process(None, WORKER_NICE);
        #[cfg(target_os = "linux")]
        {
            let bytes = mb.saturating_mul(1024 * 1024);
            let _ = rustix::process::setrlimit(
                rustix::process::Resource::As,
                rustix::process::Rlimit {
                    current: Some(bytes),
                    maximum: Some(bytes),
                },
            );
        }
    }
    #[cfg(not(unix))]
    let _ = mb;
}

/// Reads page `page` (1-based) of the PDF at `path`.
pub fn read_page(path: &Path, page: u32) -> OcrPage {
    fault_if_asked(page);
    let read = draw_and_read(path, page);
    trace(path, page);
    read
}

fn draw_and_read(path: &Path, page: u32) -> OcrPage {
    // A page of a file opened in memory (a sealed, closed scan) is drawn
    // beside it, so its image never reaches the disk either.
    let beside = path
        .parent()
        .filter(|dir| crate::vault::remember::in_memory(dir));
    let made = match beside {
        Some(dir) => tempfile::Builder::new()
            .prefix("moedemappe-ocr-")
            .tempdir_in(dir),
        None => tempfile::Builder::new().prefix("moedemappe-ocr-").tempdir(),
    };
    let dir = match made {
        Ok(dir) => dir,
        Err(e) => return OcrPage::failed(format!("kunne ikke lave en midlertidig mappe ({e})")),
    };
    let image = dir.path().join("side");
    let n = page.to_string();
    let drawn = Command::new("pdftoppm")
        .args([
            "-f",
            &n,
            "-l",
            &n,
            "-r",
            &DPI.to_string(),
            "-gray",
            "-png",
            "-singlefile",
        ])
        .arg(path)
        .arg(&image)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let image = image.with_extension("png");
    match drawn {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return OcrPage::failed(
                "programmet pdftoppm mangler (installér poppler-utils)".to_string(),
            )
        }
        Err(e) => return OcrPage::failed(format!("siden kunne ikke tegnes ({e})")),
        Ok(out) if !out.status.success() || !image.is_file() => {
            return OcrPage::failed(format!(
                "siden kunne ikke tegnes (pdftoppm: {})",
                first_line(&out.stderr, "ukendt fejl")
            ))
        }
        Ok(_) => {}
    }
    let read = Command::new("tesseract")
        .arg(&image)
        .args(["stdout", "-l", LANGUAGES, "--dpi", &DPI.to_string(), "tsv"])
        // One thread per page: the pool runs pages side by side instead.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output();
    let out = match read {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return OcrPage::failed(
                "programmet tesseract mangler (installér tesseract-ocr og tesseract-ocr-dan)"
                    .to_string(),
            )
        }
        Err(e) => return OcrPage::failed(format!("tesseract kunne ikke startes ({e})")),
        Ok(out) => out,
    };
    if !out.status.success() {
        return OcrPage::failed(format!(
            "tesseract kunne ikke læse siden ({})",
            first_line(&out.stderr, "ukendt fejl")
        ));
    }
    let page = tsv::parse(&String::from_utf8_lossy(&out.stdout));
    OcrPage {
        text: page.text,
        words: page.words,
        confidence: page.confidence,
        width: page.width,
        height: page.height,
        dpi: DPI,
        problem: None,
    }
}

/// The first non-empty line of a program's error output, shortened.
fn first_line(stderr: &[u8], otherwise: &str) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(otherwise);
    line.chars().take(160).collect()
}

/// The [`FAULT_ENV`] switch (debug builds only).
#[cfg(debug_assertions)]
fn fault_if_asked(page: u32) {
    let Ok(spec) = std::env::var(FAULT_ENV) else {
        return;
    };
    for fault in spec.split(',') {
        let Some((kind, n)) = fault.trim().split_once(':') else {
            continue;
        };
        if n.trim().parse::<u32>().ok() != Some(page) {
            continue;
        }
        match kind.trim() {
            "crash" => std::process::abort(),
            "hang" => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    // Touch every memory page, so the memory is really taken.
                    let mut chunk = vec![0u8; 64 * 1024 * 1024];
                    for byte in chunk.iter_mut().step_by(4096) {
                        *byte = 1;
                    }
                    hoard.push(chunk);
                    std::hint::black_box(&hoard);
                }
            }
            _ => {}
        }
    }
}

/// The fault switch does nothing in release builds.
#[cfg(not(debug_assertions))]
fn fault_if_asked(_page: u32) {}

/// The [`TRACE_ENV`] switch (debug builds only).
#[cfg(debug_assertions)]
fn trace(path: &Path, page: u32) {
    use std::io::Write;
    let Some(file) = std::env::var_os(TRACE_ENV) else {
        return;
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    {
        let _ = writeln!(f, "{name} {page}");
    }
}

/// The trace switch does nothing in release builds.
#[cfg(not(debug_assertions))]
fn trace(_path: &Path, _page: u32) {}
