//! Sync in the background: [`SyncJobs`] runs [`Mappe::sync`] for one data
//! directory on its own thread (on the [`Mappe`] the caller serves from, so
//! searches see each commit at once and never wait for the sync), records its progress,
//! and remembers a request that came while it ran, so a folder watcher that
//! calls [`SyncJobs::start`] on every change never loses one. The HTTP server
//! and the desktop shell share this; nothing here knows about either.

use super::{IngestSettings, Mappe, SourceOutcome};
use crate::model::SourceKind;
use crate::progress::{Progress, Tick};
use crate::sources::portal::PortalOptions;
use serde::Serialize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// How one source fared in the last finished run.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncSourceResult {
    /// The source's name.
    pub name: String,
    /// "portal" or "folder".
    pub kind: String,
    /// Files found (folder) or meetings listed (portal).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub found: u64,
    /// New material stored: new files (folder) or meetings stored (portal).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub new: u64,
    /// Pages read.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub pages: u64,
    /// Things that could not be read or fetched.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub failures: u64,
    /// Why the sync of this source stopped, in plain Danish.
    pub error: Option<String>,
    /// True when the source could not be reached (no network).
    pub offline: bool,
}

impl SyncSourceResult {
    fn from_outcome(o: &SourceOutcome) -> Self {
        let mut r = SyncSourceResult {
            name: o.name.clone(),
            kind: o.kind.as_str().to_string(),
            error: o.error.clone(),
            offline: o.offline,
            ..SyncSourceResult::default()
        };
        if let Some(f) = &o.folder {
            r.found = f.files;
            r.new = f.new_files;
            r.pages = f.pages;
            r.failures = f.failures;
        }
        if let Some(p) = &o.portal {
            r.found = p.listed;
            r.new = p.stored;
            r.pages = p.pages;
            r.failures = p.failures.len() as u64;
        }
        debug_assert!(matches!(o.kind, SourceKind::Folder | SourceKind::Portal));
        r
    }
}

/// What the background sync is doing, or did last.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncState {
    /// A sync is running.
    pub running: bool,
    /// Another run follows this one (a start came while it ran).
    pub again: bool,
    /// The running step in Danish ("Henter møder", "Læser tekst", …).
    pub task: Option<String>,
    /// Units (files, meetings) of the running step done.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub done: u64,
    /// Units of the running step expected (0 when unknown).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub total: u64,
    /// Pages read in this run so far.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub pages: u64,
    /// Files that failed in this run so far.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub failures: u64,
    /// Bytes downloaded in this run so far.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub bytes: u64,
    /// When the current (or last) run started (RFC 3339).
    pub started_at: Option<String>,
    /// When the last run finished (RFC 3339).
    pub finished_at: Option<String>,
    /// Runs finished since this handle was made.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub runs: u64,
    /// How each source fared in the last finished run.
    pub sources: Vec<SyncSourceResult>,
    /// Why the last run could not run at all (the data directory could not
    /// be opened, say), in plain Danish.
    pub error: Option<String>,
}

struct Shared {
    ocr: super::OcrJobs,
    /// The data directory (another one when it is opened again: the vault
    /// was locked or unlocked).
    mappe: std::sync::RwLock<Arc<Mappe>>,
    settings: IngestSettings,
    portal: PortalOptions,
    state: Mutex<Inner>,
    finished: Condvar,
}

#[derive(Default)]
struct Inner {
    state: SyncState,
    /// Pages and failures of the finished steps of this run.
    base_pages: u64,
    base_failures: u64,
    base_bytes: u64,
    last: Tick,
}

impl Shared {
    fn mappe(&self) -> Arc<Mappe> {
        self.mappe.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Background sync of one data directory. Cheap to clone: clones share the
/// run, its state and its "run again" flag.
#[derive(Clone)]
pub struct SyncJobs {
    shared: Arc<Shared>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl SyncJobs {
    /// A handle for the data directory of `mappe`; nothing runs until [`start`](Self::start).
    pub fn new(mappe: Arc<Mappe>, settings: IngestSettings, portal: PortalOptions) -> Self {
        SyncJobs {
            shared: Arc::new(Shared {
                ocr: super::OcrJobs::new(mappe.clone(), &settings),
                mappe: std::sync::RwLock::new(mappe),
                settings,
                portal,
                state: Mutex::new(Inner::default()),
                finished: Condvar::new(),
            }),
        }
    }

    /// Starts a sync of every source on a background thread. Returns false
    /// when one is already running; that run is then followed by another, so
    /// nothing that changed meanwhile is missed.
    pub fn start(&self) -> bool {
        let mut inner = self.shared.lock();
        if inner.state.running {
            inner.state.again = true;
            return false;
        }
        Self::begin_run(&mut inner);
        drop(inner);
        let shared = self.shared.clone();
        std::thread::spawn(move || run(&shared));
        true
    }

    fn begin_run(inner: &mut Inner) {
        let s = &mut inner.state;
        s.running = true;
        s.again = false;
        s.task = Some("Starter".into());
        (s.done, s.total, s.pages, s.failures, s.bytes) = (0, 0, 0, 0, 0);
        s.started_at = Some(now());
        (inner.base_pages, inner.base_failures, inner.base_bytes) = (0, 0, 0);
        inner.last = Tick::default();
    }

    /// Runs the next syncs and OCR on `mappe`, the same data directory
    /// opened again (after the vault was locked or unlocked); a run under
    /// way finishes on the one it began with. Every holder of this handle
    /// (the server, the window's schedule) follows.
    pub fn use_mappe(&self, mappe: Arc<Mappe>) {
        self.shared.ocr.use_mappe(mappe.clone());
        *self.shared.mappe.write().unwrap_or_else(|p| p.into_inner()) = mappe;
    }

    /// The data directory the next run syncs: the one it was made with, or
    /// the one [`use_mappe`](Self::use_mappe) gave it since.
    pub fn mappe(&self) -> Arc<Mappe> {
        self.shared.mappe()
    }

    /// The background OCR that follows every sync.
    pub fn ocr(&self) -> super::OcrJobs {
        self.shared.ocr.clone()
    }

    /// The state of the running or last run.
    pub fn state(&self) -> SyncState {
        self.shared.lock().state.clone()
    }

    /// Runs finished so far (a cheap way to notice that one finished).
    pub fn finished_runs(&self) -> u64 {
        self.shared.lock().state.runs
    }

    /// Blocks until no sync is running (a follow-up run included).
    pub fn wait(&self) {
        let mut inner = self.shared.lock();
        while inner.state.running {
            inner = self
                .shared
                .finished
                .wait(inner)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Runs syncs until no further run was asked for, on a thread of its own
/// whose CPU the member's searches come before.
fn run(shared: &Arc<Shared>) {
    crate::priority::background_thread();
    loop {
        let sink = Sink(shared.clone());
        let result = shared.mappe().sync(&shared.settings, &shared.portal, &sink);
        let mut inner = shared.lock();
        let s = &mut inner.state;
        s.task = None;
        s.finished_at = Some(now());
        s.runs += 1;
        match result {
            Ok(outcomes) => {
                s.sources = outcomes
                    .iter()
                    .map(SyncSourceResult::from_outcome)
                    .collect();
                s.error = None;
            }
            Err(e) => {
                s.sources.clear();
                s.error = Some(e.to_string());
            }
        }
        if inner.state.again {
            SyncJobs::begin_run(&mut inner);
            continue;
        }
        inner.state.running = false;
        drop(inner);
        // Scanned pages of what came in are read now, in the background.
        shared.ocr.start();
        shared.finished.notify_all();
        return;
    }
}

/// Records the progress of a run in the shared state.
struct Sink(Arc<Shared>);

impl Progress for Sink {
    fn begin(&self, task: &str, total: u64) {
        let mut inner = self.0.lock();
        let last = inner.last;
        inner.base_pages += last.pages;
        inner.base_failures += last.failures;
        inner.base_bytes += last.bytes;
        inner.last = Tick::default();
        let s = &mut inner.state;
        s.task = Some(task.to_string());
        s.total = total;
        s.done = 0;
    }

    fn update(&self, tick: Tick) {
        let mut inner = self.0.lock();
        inner.last = tick;
        let (p, f, b) = (inner.base_pages, inner.base_failures, inner.base_bytes);
        let s = &mut inner.state;
        s.done = tick.done;
        s.pages = p + tick.pages;
        s.failures = f + tick.failures;
        s.bytes = b + tick.bytes;
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::extract::WorkerCommand;
    use std::fs;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    /// A stand-in worker (the real one is the `moedemappe` binary): every
    /// "PDF" is one page whose text is the file's bytes; an empty file has no
    /// text. Each file takes `delay` seconds.
    fn settings(delay: &str) -> IngestSettings {
        let script = format!(
            r#"while read -r line; do
  sleep {delay}
  p=$(printf '%s' "$line" | sed 's/.*"path":"\([^"]*\)".*/\1/')
  t=$(cat "$p")
  if [ -z "$t" ]; then s='"no_text","problem":"filen har ingen tekst"'; else s='"full","problem":null'; fi
  printf '{{"page_count":1,"pages":["%s"],"failed_pages":[],"status":%s}}\n' "$t" "$s"
done"#
        );
        let mut s = IngestSettings::new(WorkerCommand {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
        });
        s.workers = 1;
        s
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        data: PathBuf,
        folder: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let folder = base.join("Notater");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("fiskeri.pdf"), "fiskeri i havnen").unwrap();
        fs::write(folder.join("skovbrug.pdf"), "skovbrug og natur").unwrap();
        fs::write(folder.join("tom.pdf"), "").unwrap();
        let data = base.join("data");
        let m = Mappe::open(&data).unwrap();
        m.add_folder_source(&folder, Some("Notater")).unwrap();
        Fixture {
            _dir: dir,
            data,
            folder,
        }
    }

    #[test]
    fn a_background_sync_stores_the_files_lists_the_failure_and_finishes() {
        let f = fixture();
        let serving = Arc::new(Mappe::open(&f.data).unwrap());
        let jobs = SyncJobs::new(serving.clone(), settings("0"), PortalOptions::default());
        assert_eq!(jobs.state(), SyncState::default());
        assert!(jobs.start());
        assert!(jobs.state().running || jobs.state().runs == 1);
        jobs.wait();
        let s = jobs.state();
        assert!(!s.running);
        assert_eq!(s.runs, 1);
        assert!(s.started_at.is_some() && s.finished_at.is_some());
        assert_eq!(s.error, None);
        assert_eq!(s.sources.len(), 1);
        let src = &s.sources[0];
        assert_eq!(
            (src.name.as_str(), src.kind.as_str()),
            ("Notater", "folder")
        );
        assert_eq!((src.found, src.new, src.failures), (3, 3, 1));
        assert_eq!(s.failures, 1, "the empty file failed");
        assert!(s.pages >= 2, "pages read: {}", s.pages);
        // The serving Mappe sees the new documents at once.
        let hits = |m: &Mappe| {
            m.search(&super::super::SearchRequest::new("fiskeri", 5))
                .unwrap()
                .total
        };
        assert!(hits(&serving) > 0);
        let failed = serving
            .status(crate::api::Scope::Member)
            .unwrap()
            .failed_files;
        assert_eq!(failed.len(), 1);
        assert!(failed[0].path.ends_with("tom.pdf"), "{failed:?}");
        assert!(!failed[0].reason.is_empty());
    }

    #[test]
    fn a_handle_given_another_data_directory_syncs_that_one_next() {
        // The server opens the data directory again when the vault is locked
        // or unlocked; the window's schedule keeps its handle and must follow.
        let first = fixture();
        let second = fixture();
        let old = Arc::new(Mappe::open(&first.data).unwrap());
        let new = Arc::new(Mappe::open(&second.data).unwrap());
        let jobs = SyncJobs::new(old.clone(), settings("0"), PortalOptions::default());
        let schedule = jobs.clone();
        jobs.use_mappe(new.clone());
        assert!(schedule.start());
        schedule.wait();
        let hits = |m: &Mappe| {
            m.search(&super::super::SearchRequest::new("fiskeri", 5))
                .unwrap()
                .total
        };
        assert!(hits(&new) > 0, "the new data directory was synced");
        assert_eq!(hits(&old), 0, "the old one was not");
    }

    #[test]
    fn a_start_while_running_runs_again_afterwards() {
        let f = fixture();
        let m = Arc::new(Mappe::open(&f.data).unwrap());
        let jobs = SyncJobs::new(m.clone(), settings("0.3"), PortalOptions::default());
        assert!(jobs.start());
        // Progress shows while it runs.
        let mut saw_progress = false;
        for _ in 0..100 {
            let s = jobs.state();
            if s.running && s.task.as_deref() == Some("Læser tekst") && s.total == 3 {
                saw_progress = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(saw_progress, "no progress seen: {:?}", jobs.state());
        // A change arrives while it runs: a second run follows.
        fs::write(f.folder.join("havn.pdf"), "havnen og kajen").unwrap();
        assert!(!jobs.start());
        assert!(jobs.state().again);
        let other = jobs.clone();
        other.wait();
        let s = jobs.state();
        assert_eq!(s.runs, 2);
        assert!(!s.running && !s.again);
        assert_eq!(s.sources[0].new, 1, "the second run stored the new file");
        assert_eq!(
            m.status(crate::api::Scope::Member)
                .unwrap()
                .counts
                .documents,
            4
        );
        // Nothing running: a start starts.
        assert!(jobs.start());
        jobs.wait();
        assert_eq!(jobs.state().runs, 3);
    }

    #[test]
    fn searches_and_the_members_changes_do_not_wait_for_a_running_sync() {
        let f = fixture();
        let m = Arc::new(Mappe::open(&f.data).unwrap());
        // Each of the three files takes a second to read.
        let jobs = SyncJobs::new(m.clone(), settings("1"), PortalOptions::default());
        assert!(jobs.start());
        while jobs.state().task.as_deref() != Some("Læser tekst") {
            std::thread::sleep(Duration::from_millis(10));
        }
        let started = Instant::now();
        let status = m.status(crate::api::Scope::Member).unwrap();
        m.search(&super::super::SearchRequest::new("havnen", 5))
            .unwrap();
        m.set_reading_pace(40).unwrap();
        let waited = started.elapsed();
        assert!(jobs.state().running, "the sync was still reading");
        assert!(
            waited < Duration::from_millis(500),
            "a read and a small write took {waited:?} during the sync"
        );
        assert_eq!(status.sources.len(), 1);
        jobs.wait();
        assert_eq!(jobs.state().sources[0].new, 3);
    }
}
