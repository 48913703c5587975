//! One OCR run: every queued page through the worker pool, each result
//! committed on its own (so a killed run loses at most the pages being read),
//! the index brought up to date every few seconds (so OCR'd pages become
//! searchable as they finish), until the queue is empty or the run is told
//! to stop (pause).

use super::pool::{ocr_all, OcrJob, OcrOptions};
use crate::blobs::BlobStore;
use crate::progress::{Progress, Tick};
use crate::store::Store;
use crate::vault::Key;
use crate::Result;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often finished pages are made searchable during a run.
const INDEX_EVERY: Duration = Duration::from_secs(3);

/// How often a run asks the store whether the member paused OCR (from
/// another program, say).
const PAUSE_CHECK_EVERY: Duration = Duration::from_secs(1);

/// The task name progress shows.
pub const TASK: &str = "Læser scannede sider (OCR)";

/// Where the worker reads a queued page's file: the stored file, or for a
/// sealed one (closed material in an unlocked vault) a copy opened into a
/// private folder in memory (the runtime directory), removed when the run
/// ends, so no closed page is ever written to disk in plain form.
pub struct Files<'a> {
    blobs: &'a BlobStore,
    key: Option<Key>,
    scratch: Option<tempfile::TempDir>,
}

impl<'a> Files<'a> {
    /// The files of `blobs`; sealed ones are opened with `key` (the files
    /// key of an unlocked vault; none: sealed files count as absent).
    pub fn new(blobs: &'a BlobStore, key: Option<Key>) -> Self {
        Files {
            blobs,
            key,
            scratch: None,
        }
    }

    /// The path the worker reads for `sha256`, or `None` when the file is
    /// not stored (or sealed without a key).
    fn path(&mut self, sha256: &str) -> Result<Option<PathBuf>> {
        let plain = self.blobs.path_of(sha256);
        if plain.is_file() {
            return Ok(Some(plain));
        }
        let Some(key) = &self.key else {
            return Ok(None);
        };
        let Some(bytes) = self.blobs.read(sha256, Some(key))? else {
            return Ok(None);
        };
        let bytes = zeroize::Zeroizing::new(bytes);
        let scratch = match &mut self.scratch {
            Some(dir) => dir,
            none => none.insert(crate::vault::remember::scratch_dir()?),
        };
        let path = scratch.path().join(format!("{sha256}.pdf"));
        std::fs::write(&path, &*bytes).map_err(|e| crate::Error::io(&path, e))?;
        Ok(Some(path))
    }
}

/// What an OCR run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OcrReport {
    /// Pages read in this run.
    pub pages: u64,
    /// Of those, pages whose text now comes from OCR.
    pub with_text: u64,
    /// Pages OCR could not read in this run.
    pub failed: u64,
    /// Pages still waiting (when the run was paused or stopped).
    pub left: u64,
    /// The run stopped before the queue was empty (paused).
    pub paused: bool,
    /// Seconds the run took.
    pub seconds: f64,
}

/// Reads every queued page. `stop` set (by the caller, or here when the
/// member paused OCR in the store) stops the run after the pages being
/// read; `index_step` makes what was committed searchable (it may skip when
/// another job holds the index: that job indexes the queue itself).
pub fn run(
    store: &Store,
    files: &mut Files<'_>,
    opts: &OcrOptions,
    stop: &AtomicBool,
    index_step: &mut dyn FnMut() -> Result<()>,
    progress: &dyn Progress,
) -> Result<OcrReport> {
    let started = Instant::now();
    let mut report = OcrReport::default();
    if store.read().ocr_paused()? {
        report.paused = true;
        report.left = store.read().ocr_queue()?.len() as u64;
        return Ok(report);
    }
    let queued = store.read().ocr_queue()?;
    let mut jobs = Vec::with_capacity(queued.len());
    let mut missing = Vec::new();
    for q in queued {
        match files.path(&q.sha256)? {
            Some(path) => jobs.push(OcrJob {
                attachment: q.attachment,
                page: q.page,
                path,
            }),
            None => missing.push(q),
        }
    }
    // A file kept as text only (before OCR existed) cannot be read again here.
    if !missing.is_empty() {
        store.write(|w| {
            for q in &missing {
                w.store_ocr(
                    q.attachment,
                    q.page,
                    &super::OcrPage::failed(
                        "filen er ikke gemt på disken (kun dens tekst); åbn bilaget og kør OCR igen",
                    ),
                )?;
            }
            Ok(())
        })?;
        report.failed += missing.len() as u64;
    }
    if jobs.is_empty() {
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    let total = jobs.len() as u64;
    progress.begin(TASK, total);
    let mut last_index = Instant::now();
    let mut last_pause_check = Instant::now();
    let mut first_error = None;
    let mut dirty = false;
    ocr_all(jobs, opts, stop, |job, read| {
        let stored = store.write(|w| w.store_ocr(job.attachment, job.page, &read));
        match stored {
            Ok(true) => {
                report.pages += 1;
                if read.problem.is_some() {
                    report.failed += 1;
                } else if !read.text.trim().is_empty() {
                    report.with_text += 1;
                    dirty = true;
                }
            }
            Ok(false) => {}
            Err(e) => {
                first_error.get_or_insert(e);
                stop.store(true, Ordering::SeqCst);
            }
        }
        progress.update(Tick {
            done: report.pages,
            pages: report.with_text,
            failures: report.failed,
            bytes: 0,
        });
        if dirty && last_index.elapsed() >= INDEX_EVERY {
            if let Err(e) = index_step() {
                first_error.get_or_insert(e);
                stop.store(true, Ordering::SeqCst);
            }
            dirty = false;
            last_index = Instant::now();
        }
        if last_pause_check.elapsed() >= PAUSE_CHECK_EVERY {
            if store.read().ocr_paused().unwrap_or(false) {
                stop.store(true, Ordering::SeqCst);
            }
            last_pause_check = Instant::now();
        }
    })?;
    progress.end();
    index_step()?;
    if let Some(e) = first_error {
        return Err(e);
    }
    report.left = store.read().ocr_queue()?.len() as u64;
    report.paused = report.left > 0 && stop.load(Ordering::SeqCst);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
