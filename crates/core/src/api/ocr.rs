//! OCR of scanned pages through the api: a run in the foreground
//! (`moedemappe ocr`, and after `import`/`sync` on the command line), the
//! background run ([`OcrJobs`]: after every background sync, at low
//! priority, with pause and resume and pages and time left), counts and
//! failures for `status`, and the OCR mark on search hits and passages.
//!
//! Only one program reads OCR pages of a data directory at a time: a run
//! holds an exclusive lock on `<data>/ocr.lock` (another program's run
//! finds it taken and leaves the pages to it).

use super::{IngestSettings, Mappe, Scope};
use crate::index::{Citation, SearchResults};
use crate::model::AttachmentId;
use crate::ocr::{run, OcrOptions, OcrReport, WordBox};
use crate::progress::{Progress, Silent, Tick};
use crate::retrieve::Passage;
use crate::store::{OcrCounts, OcrFailure};
use crate::{Error, Result};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// OCR's state as the member sees it: what is left, and (while the
/// background run reads) how fast it goes.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OcrState {
    /// The background run is reading pages now.
    pub running: bool,
    /// The member paused OCR.
    pub paused: bool,
    /// Pages waiting for OCR.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub pages_left: u64,
    /// Seconds left at the pace of this run, once a page is done.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub seconds_left: Option<u64>,
    /// Pages read in the running (or last) run.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub done: u64,
    /// Pages OCR could not read in the running (or last) run.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub failed: u64,
    /// Counts over every page OCR has to do with.
    pub counts: OcrCounts,
    /// Pages OCR could not read, and why.
    pub failures: Vec<OcrFailure>,
    /// Why the last run stopped with an error, in plain Danish.
    pub error: Option<String>,
}

/// The words OCR read on one page, for placing highlights on the page image.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcrPageWords {
    /// Tesseract's mean word confidence, 0–100.
    pub confidence: Option<f64>,
    /// Resolution of the page image the boxes refer to (pixels per inch).
    pub dpi: u32,
    /// The page image's width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Every word: text, left, top, width, height (pixels), confidence.
    pub words: Vec<WordBox>,
}

impl IngestSettings {
    /// How OCR runs with these settings: this program as worker, two workers.
    pub(crate) fn ocr_options(&self) -> OcrOptions {
        OcrOptions {
            deadline: self.ocr_deadline,
            ..OcrOptions::new(self.worker.clone())
        }
    }
}

/// The exclusive lock of one OCR run on a data directory.
struct RunLock {
    _file: std::fs::File,
}

impl RunLock {
    /// Takes the lock, or `None` when another run holds it.
    fn take(mappe: &Mappe) -> Result<Option<Self>> {
        let path = mappe.dir.join("ocr.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        #[cfg(unix)]
        {
            use rustix::fs::{flock, FlockOperation};
            if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
                return Ok(None);
            }
        }
        Ok(Some(RunLock { _file: file }))
    }
}

impl Mappe {
    /// Reads every page waiting for OCR, in the foreground, until the queue
    /// is empty, `stop` is set or the member pauses OCR. Returns `None` when
    /// another program's run is reading them.
    pub(crate) fn run_ocr(
        &self,
        opts: &OcrOptions,
        stop: &AtomicBool,
        progress: &dyn Progress,
    ) -> Result<Option<OcrReport>> {
        if self.is_locked() {
            return Err(Error::Locked);
        }
        let Some(_lock) = RunLock::take(self)? else {
            return Ok(None);
        };
        let mut index_step = || -> Result<()> {
            // Another job (an import, a sync) indexes the queue itself.
            if let Ok(_turn) = self.jobs.try_lock() {
                crate::ingest::update_index(&self.store, &self.index, &Silent)?;
            }
            Ok(())
        };
        let mut files = run::Files::new(&self.blobs, self.files_key());
        let report = run::run(
            &self.store,
            &mut files,
            opts,
            stop,
            &mut index_step,
            progress,
        )?;
        let _turn = self.job()?;
        crate::ingest::update_index(&self.store, &self.index, &Silent)?;
        if report.with_text > 0 {
            // The pages' owners were indexed before OCR and again since: the
            // scores are a fresh build's once the deleted documents are gone.
            self.index.writer()?.purge_deletions()?;
        }
        Ok(Some(report))
    }

    /// [`Mappe::run_ocr`] with the settings' worker, as the command line runs it.
    pub(crate) fn ocr(
        &self,
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<Option<OcrReport>> {
        self.run_ocr(&settings.ocr_options(), &AtomicBool::new(false), progress)
    }

    /// How many pages wait for OCR (closed ones included: the member's own
    /// count).
    pub(crate) fn ocr_waiting(&self) -> Result<u64> {
        Ok(self.store.read().ocr_counts(false)?.queued)
    }

    /// Pauses OCR (every program's run stops after the pages it reads) or
    /// lets it go on.
    pub(crate) fn set_ocr_paused(&self, paused: bool) -> Result<()> {
        self.store.write(|w| w.set_ocr_paused(paused))
    }

    /// The words OCR read on a page `scope` may read; not found for a page
    /// whose text did not come from OCR.
    pub(crate) fn ocr_words_for(
        &self,
        attachment: AttachmentId,
        page: u32,
        scope: Scope,
    ) -> Result<OcrPageWords> {
        // The page text's own access rule, and its "not found".
        self.page_text_for(attachment, page, scope)?;
        let words = self
            .store
            .read()
            .ocr_words(attachment, page)?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "side {page} af bilag {attachment} er ikke læst med OCR"
                ))
            })?;
        Ok(OcrPageWords {
            confidence: words.confidence,
            dpi: words.dpi,
            width: words.width,
            height: words.height,
            words: serde_json::from_str(&words.words_json).unwrap_or_default(),
        })
    }

    /// Sets `ocr` on the citations of hits on pages whose text OCR read.
    pub(crate) fn mark_ocr_hits(&self, results: &mut SearchResults) -> Result<()> {
        let cites = results
            .hits
            .iter_mut()
            .chain(results.groups.iter_mut().flat_map(|g| g.hits.iter_mut()))
            .map(|h| &mut h.cite);
        self.mark_ocr(cites)
    }

    /// Sets `ocr` on the citations of passages from pages whose text OCR read.
    pub(crate) fn mark_ocr_passages(&self, passages: &mut [Passage]) -> Result<()> {
        self.mark_ocr(passages.iter_mut().map(|p| &mut p.cite))
    }

    fn mark_ocr<'a>(&self, cites: impl Iterator<Item = &'a mut Citation>) -> Result<()> {
        let mut cites: Vec<&mut Citation> = cites.collect();
        let pages: Vec<(i64, u32)> = cites
            .iter()
            .filter_map(|c| Some((c.attachment_id?, c.page?)))
            .collect();
        if pages.is_empty() {
            return Ok(());
        }
        let ocr = self.store.read().ocr_pages_among(&pages)?;
        for c in &mut cites {
            if let (Some(a), Some(p)) = (c.attachment_id, c.page) {
                c.ocr = ocr.contains(&(a, p));
            }
        }
        Ok(())
    }
}

struct Shared {
    /// The data directory (see [`super::SyncJobs::use_mappe`]).
    mappe: std::sync::RwLock<Arc<Mappe>>,
    opts: OcrOptions,
    stop: AtomicBool,
    state: Mutex<Inner>,
    finished: Condvar,
}

#[derive(Default)]
struct Inner {
    running: bool,
    again: bool,
    started: Option<Instant>,
    done: u64,
    failed: u64,
    total: u64,
    error: Option<String>,
}

impl Shared {
    fn mappe(&self) -> Arc<Mappe> {
        self.mappe.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// OCR in the background for one data directory: a run on a thread of its
/// own at low priority (its workers inherit it), one at a time; a start
/// while it runs makes it look at the queue once more when it is done.
/// Cheap to clone.
#[derive(Clone)]
pub struct OcrJobs {
    shared: Arc<Shared>,
}

impl OcrJobs {
    /// Runs the next runs on `mappe` (see [`super::SyncJobs::use_mappe`]).
    pub(crate) fn use_mappe(&self, mappe: Arc<Mappe>) {
        *self.shared.mappe.write().unwrap_or_else(|p| p.into_inner()) = mappe;
    }

    /// A handle for `mappe`; nothing runs until [`start`](Self::start).
    pub fn new(mappe: Arc<Mappe>, settings: &IngestSettings) -> Self {
        OcrJobs {
            shared: Arc::new(Shared {
                mappe: std::sync::RwLock::new(mappe),
                opts: settings.ocr_options(),
                stop: AtomicBool::new(false),
                state: Mutex::new(Inner::default()),
                finished: Condvar::new(),
            }),
        }
    }

    /// Starts reading queued pages unless OCR is paused; false when a run is
    /// already going (it then looks at the queue again when done).
    pub fn start(&self) -> bool {
        let mut inner = self.shared.lock();
        if inner.running {
            inner.again = true;
            return false;
        }
        inner.running = true;
        inner.again = false;
        drop(inner);
        self.shared.stop.store(false, Ordering::SeqCst);
        let shared = self.shared.clone();
        std::thread::spawn(move || run_in_background(&shared));
        true
    }

    /// Pauses OCR: the run stops after the pages being read, and stays
    /// paused (also for the command line) until [`resume`](Self::resume).
    pub fn pause(&self) -> Result<()> {
        self.shared.mappe().set_ocr_paused(true)?;
        self.shared.stop.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Lets OCR go on, and starts it (a run still finishing its pages after
    /// the pause goes on instead).
    pub fn resume(&self) -> Result<()> {
        self.shared.mappe().set_ocr_paused(false)?;
        self.shared.stop.store(false, Ordering::SeqCst);
        self.start();
        Ok(())
    }

    /// What OCR is doing; the member's only (it counts closed material).
    pub fn state(&self) -> Result<OcrState> {
        let mappe = self.shared.mappe();
        let read = mappe.store.read();
        let counts = read.ocr_counts(false)?;
        let failures = read.ocr_failures(false)?;
        let paused = read.ocr_paused()?;
        drop(read);
        let inner = self.shared.lock();
        let seconds_left = match inner.started {
            Some(started) if inner.running && inner.done > 0 => {
                let per_page = started.elapsed().as_secs_f64() / inner.done as f64;
                Some((per_page * counts.queued as f64).round() as u64)
            }
            _ => None,
        };
        Ok(OcrState {
            running: inner.running,
            paused,
            pages_left: counts.queued,
            seconds_left,
            done: inner.done,
            failed: inner.failed,
            counts,
            failures,
            error: inner.error.clone(),
        })
    }

    /// Blocks until no run is going.
    pub fn wait(&self) {
        let mut inner = self.shared.lock();
        while inner.running {
            inner = self
                .shared
                .finished
                .wait(inner)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

fn run_in_background(shared: &Arc<Shared>) {
    crate::priority::background_thread();
    loop {
        {
            let mut inner = shared.lock();
            inner.started = Some(Instant::now());
            (inner.done, inner.failed, inner.total) = (0, 0, 0);
        }
        let sink = Sink(shared.clone());
        let result = shared.mappe().run_ocr(&shared.opts, &shared.stop, &sink);
        let mut inner = shared.lock();
        inner.error = result.err().map(|e| e.to_string());
        if inner.again && !shared.stop.load(Ordering::SeqCst) {
            inner.again = false;
            continue;
        }
        inner.running = false;
        drop(inner);
        shared.finished.notify_all();
        return;
    }
}

/// Records a run's progress in the shared state.
struct Sink(Arc<Shared>);

impl Progress for Sink {
    fn begin(&self, _task: &str, total: u64) {
        self.0.lock().total = total;
    }

    fn update(&self, tick: Tick) {
        let mut inner = self.0.lock();
        inner.done = tick.done;
        inner.failed = tick.failures;
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::extract::WorkerCommand;
    use crate::model::TextStatus;
    use std::time::Duration;

    /// A stand-in OCR worker (the real one is the `moedemappe` binary): each
    /// page takes 0.3 s and reads as "side N fra scanningen …".
    fn settings() -> IngestSettings {
        let script = r#"while read -r line; do
  sleep 0.3
  n=$(printf '%s' "$line" | sed 's/.*"page":\([0-9]*\).*/\1/')
  printf '{"text":"side %s fra scanningen om byrådets høringssvar","words":[],"confidence":91.5,"width":10,"height":10,"dpi":300,"problem":null}\n' "$n"
done"#;
        IngestSettings::new(WorkerCommand {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
        })
    }

    /// A data directory with one scanned document of `pages` pages.
    fn scanned(dir: &std::path::Path, pages: usize) -> Arc<Mappe> {
        let mappe = Mappe::open(dir).unwrap();
        let file = dir.join("scan.pdf");
        std::fs::write(&file, b"%PDF-1.4 a stand-in").unwrap();
        let stored = mappe.blobs.put_file(&file).unwrap();
        mappe
            .store
            .write(|w| {
                let id = w.attachment(&stored.sha256, stored.size)?;
                let collection = w.upsert_collection("Scanninger")?;
                w.upsert_document(collection, "scan.pdf", "Scanning", id)?;
                let empty = vec![String::new(); pages];
                w.store_text(id, Some(pages as u32), &empty, TextStatus::NoText, None)
            })
            .unwrap();
        Arc::new(mappe)
    }

    #[test]
    fn background_ocr_pauses_resumes_and_reads_every_page_once() {
        let dir = tempfile::tempdir().unwrap();
        let mappe = scanned(dir.path(), 8);
        let jobs = OcrJobs::new(mappe.clone(), &settings());
        assert_eq!(jobs.state().unwrap().pages_left, 8);
        assert!(jobs.start());
        let until = Instant::now() + Duration::from_secs(30);
        while jobs.state().unwrap().done < 2 {
            assert!(Instant::now() < until, "no page was read");
            std::thread::sleep(Duration::from_millis(20));
        }
        let running = jobs.state().unwrap();
        assert!(running.running);
        assert!(running.seconds_left.is_some(), "time left while it reads");
        jobs.pause().unwrap();
        jobs.wait();
        let paused = jobs.state().unwrap();
        assert!(paused.paused && !paused.running);
        assert!(paused.pages_left > 0 && paused.pages_left < 8, "{paused:?}");
        // Paused for every program: a start does nothing.
        jobs.start();
        jobs.wait();
        assert_eq!(jobs.state().unwrap().pages_left, paused.pages_left);

        jobs.resume().unwrap();
        jobs.wait();
        let done = jobs.state().unwrap();
        assert_eq!((done.pages_left, done.counts.with_text), (0, 8), "{done:?}");
        let db = rusqlite::Connection::open(dir.path().join("moedemappe.sqlite")).unwrap();
        let runs: Vec<i64> = db
            .prepare("SELECT runs FROM ocr_pages ORDER BY page")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(runs, vec![1; 8], "every page read once");
        // Searchable, marked as OCR.
        let results = mappe
            .session(Scope::Member)
            .search(&crate::api::SearchRequest::new("høringssvar", 20))
            .unwrap();
        let hits: Vec<&crate::index::Hit> = results
            .hits
            .iter()
            .chain(results.groups.iter().flat_map(|g| &g.hits))
            .collect();
        assert_eq!(hits.len().min(3), 3, "{results:?}");
        assert!(hits.iter().all(|h| h.cite.ocr));
    }
}
