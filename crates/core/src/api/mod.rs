//! The single surface every caller uses: the CLI, the HTTP and MCP servers,
//! and the desktop shell later. Callers hold a [`Mappe`] (one data
//! directory) and call its methods; nothing else in the crate is needed.

mod access;
mod attach;
pub use attach::{Attached, MAX_ATTACH_BYTES};
#[cfg(all(test, unix))]
mod index_tests;
mod numbering;
mod ocr;
pub use crate::ocr::OcrReport;
pub use crate::ocr::WordBox;
pub use crate::store::{OcrCounts, OcrFailure};
pub use ocr::{OcrJobs, OcrPageWords, OcrState};
mod nearby;
mod nearby_material;
pub use crate::nearby::discovery::{local_ipv4, Interfaces, NearbyOffer};
pub use crate::nearby::pairing::Code;
pub use crate::nearby::transfer::OfferKind;
pub use nearby::{
    first_nearby_offer, nearby_offers, parse_address, NearbyOffering, OfferOptions, Received,
    TakeReport, DEFAULT_PORT, MAX_WRONG_CODES, OFFER_LIFETIME,
};
pub use nearby_material::MaterialReport;
mod scope;
mod session;
mod vault_api;
pub use crate::tokens::{TokenInfo, TokenScope};
pub use crate::vault::sleep::SleepWatch;
pub use vault_api::{
    lock_on_sleep, FromKeychain, NotesRestored, VaultView, LOST_PASSCODE, MIN_PASSCODE_CHARS,
};

// The nouns and helpers callers need, so that the glue (CLI, HTTP, MCP, the
// desktop shell) imports `api` and `model` only (a test checks it).
pub use crate::annotations::AnchorState;
pub use crate::demo::scan; // scanned test PDFs, for tests and the OCR benchmark
pub use crate::demo::DemoSummary;
pub use crate::extract::{worker_main, WorkerCommand};
pub use crate::index::{
    Citation, Hit, HitGroup, MaterialKind, SearchQuery, SearchResults, SortOrder,
};
pub use crate::ingest::ImportReport;
pub use crate::progress::{Progress, Silent, Tick};
pub use crate::retrieve::Passage;
pub use crate::sources::portal::PortalOptions;
pub use crate::store::{DiskUse, FilesPolicy, MeetingSummary, ScopeCounts, Source, SourceScope};
pub use crate::watch::watch as watch_folders;

/// The search relevance test set and its evaluation (`moedemappe relevance`).
pub mod relevance {
    pub use crate::relevance::latency::measure as measure_latency;
    pub use crate::relevance::latency::queries as test_queries;
    pub use crate::relevance::questions::{evaluate as evaluate_questions, RetrievalReport};
    pub use crate::relevance::seed::{find as find_seed, text_file as seed_text_file};
    pub use crate::relevance::{evaluate, evaluate_seed, RelevanceOptions, RelevanceReport};
}
pub use scope::Scope;
pub use session::{Member, Session};
pub(crate) mod agenda;
mod alerts;
#[cfg(all(test, unix))]
mod alerts_tests;
pub use alerts::{
    AlertMatch, Alerts, AlertsCheck, AlertsFound, ReleaseNotice, SavedQuery, SavedSearch,
    SearchNews, MAX_SEARCH_NAME, RELEASE_WINDOW_DAYS,
};
mod browse;
mod calendar;
pub use agenda::{AgendaEntry, BodyChoice, Pace, DEFAULT_PACE};
pub use browse::{AttachmentUse, ItemView, MeetingItem, MeetingView};
pub use calendar::{copenhagen_instant, CALENDAR_LINK_BASE};
mod retrieve;
mod startup;
pub use startup::{background_sync, data_dir, run_as_worker, WORKER_ARG};
pub mod wire;

use crate::blobs::BlobStore;
use crate::extract::ExtractOptions;
use crate::index::SearchIndex;
use crate::ingest;
use crate::model::AttachmentId;
use crate::model::SourceKind;
use crate::sources::portal::{self, municipalities, PortalReport};
use crate::store::{FailedFile, Store, StoreCounts, Treatment};
use crate::vault::{self, Vault, VaultState};
use crate::{demo, Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
// Folder sources and watching (the last `impl Mappe` block).
use crate::model::SourceId;
use crate::{sources, watch};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

mod notes;
pub use notes::{
    AttachmentProgress, BundleScope, ClosedPolicy, ExportReport, ImportBundleReport, NewNote, Note,
    NoteAuthor, NoteEdit, NoteFormat, NotePlace, NoteScope, NoteView, NoteVisibility,
    ReadingProgress,
};
mod share;
mod stats;
mod sync_job;
pub use crate::sharing::{BundlePreview, PreviewAttachment, PreviewItem, PreviewNote};
pub use share::{ShareCandidate, MAX_BUNDLE_BYTES};
mod sources_view;
mod stats_csv;
mod stats_xlsx;
pub use crate::stats::{Explanation, Interval, Stats, StatsQuery, StatsRow};
pub use sources_view::SourcesStatus;
pub use stats_csv::{csv_field, stats_csv, STATS_CSV_COLUMNS};
pub use stats_xlsx::{XLSX_BODY_HEADERS, XLSX_PERIOD_HEADERS};
pub use sync_job::{SyncJobs, SyncSourceResult, SyncState};

pub use crate::clock::{today, TODAY_VAR};

/// Name of the environment variable that selects the data directory.
pub const DATA_DIR_ENV: &str = "MOEDEMAPPE_DATA";

/// The name of the folder source the first-run screen's demo data comes from.
pub const DEMO_SOURCE: &str = "Demodata";

/// The default data directory: the OS's per-user application-data folder.
pub fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("dk", "Moedemappe", "Moedemappe")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::Invalid("kunne ikke finde en mappe til programdata; angiv --data-dir".into())
        })
}

/// How text extraction runs during imports.
#[derive(Debug, Clone)]
pub struct IngestSettings {
    /// How long one file may take before its worker is stopped.
    pub deadline: Duration,
    /// Worker processes (default: one per core).
    pub workers: usize,
    /// The program that runs a worker.
    pub worker: WorkerCommand,
    /// How long OCR of one page may take before its worker is stopped.
    pub ocr_deadline: Duration,
}

impl IngestSettings {
    /// Defaults: 60 s per file, one worker per core, this executable as worker.
    pub fn new(worker: WorkerCommand) -> Self {
        IngestSettings {
            deadline: Duration::from_secs(60),
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            worker,
            ocr_deadline: Duration::from_secs(120),
        }
    }

    fn extract_options(&self) -> ExtractOptions {
        ExtractOptions {
            deadline: self.deadline,
            workers: self.workers.max(1),
            command: self.worker.clone(),
        }
    }
}

/// A search as a caller asks it: [`SearchQuery`] with bodies named the way
/// members name them.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query text and every filter but the body.
    pub query: SearchQuery,
    /// Only this body (name, former name or abbreviation).
    pub body: Option<String>,
}

impl SearchRequest {
    /// A request for `text` with the defaults and at most `limit` hits.
    pub fn new(text: impl Into<String>, limit: usize) -> Self {
        SearchRequest {
            query: SearchQuery {
                limit,
                ..SearchQuery::new(text)
            },
            body: None,
        }
    }
}

/// What `status` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The data directory.
    pub data_dir: PathBuf,
    /// Counts of what is stored.
    #[serde(flatten)]
    pub counts: StoreCounts,
    /// Documents in the search index.
    pub index_documents: u64,
    /// Files that could not be read fully, with reasons.
    pub failed_files: Vec<FailedFile>,
    /// Scanned pages: read by OCR, waiting, failed.
    pub ocr: OcrCounts,
    /// Pages OCR could not read, with reasons.
    pub ocr_failures: Vec<OcrFailure>,
    /// Configured sources and how their last sync went.
    pub sources: Vec<Source>,
    /// Disk use (the member's and closed-scope tokens only: it counts closed
    /// material too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<DiskUse>,
}

/// How one source's sync went.
#[derive(Debug, Clone, Serialize)]
pub struct SourceOutcome {
    /// The source.
    pub name: String,
    /// Portal or folder.
    pub kind: SourceKind,
    /// What a portal sync did.
    pub portal: Option<PortalReport>,
    /// What a folder sync did.
    pub folder: Option<ImportReport>,
    /// Why the sync stopped, when it did.
    pub error: Option<String>,
    /// True when the source could not be reached (no network).
    pub offline: bool,
}

/// Every treatment of a case.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct CaseHistory {
    /// The case number.
    pub case_number: String,
    /// Treatments, oldest first.
    pub treatments: Vec<Treatment>,
}

/// What `demo` did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// Where the corpus was written.
    pub folder: PathBuf,
    /// What was generated.
    pub generated: demo::DemoSummary,
    /// What the import did.
    pub import: ImportReport,
}

/// One data directory: the store, the attachment files and the index.
///
/// Share one `Mappe` between threads (`Arc<Mappe>`): reads run side by side
/// (SQLite read connections from a pool, tantivy searchers of one reader),
/// and every write holds the store's one write connection for its
/// transaction only. Long jobs that fill the store and the index (import,
/// sync, reindex, bundle import) take turns with each other through
/// [`Mappe::job`], never with reads or with the member's small changes.
pub struct Mappe {
    dir: PathBuf,
    store: Store,
    blobs: BlobStore,
    index: SearchIndex,
    notices: Vec<String>,
    /// Held by the job that fills the store and the index.
    jobs: Mutex<()>,
    /// Whether this process has the vault's key.
    lock: Lock,
    /// Whether another program locked the vault since (with `Lock::Unlocked`).
    relocked: vault_api::Relock,
    /// This program's hold on the data directory (see [`crate::in_use`]).
    _in_use: crate::in_use::InUse,
    /// What the last evaluation of the saved searches found, and how long it took.
    alerts_last: Mutex<Option<AlertsCheck>>,
}

/// Whether this process has the vault's key.
#[derive(Debug, Clone)]
enum Lock {
    /// The data directory has no vault: everything is plain, as before.
    NoVault,
    /// The vault is open: the store, index and files with closed material.
    Unlocked(crate::vault::Key),
    /// The vault is locked: only the open material's plain copy is read.
    Locked,
}

/// The turn of one job (see [`Mappe::job`]); when it ends, files only closed
/// items use are sealed (with an unlocked vault).
pub(crate) struct JobTurn<'m> {
    mappe: &'m Mappe,
    _turn: MutexGuard<'m, ()>,
}

impl Drop for JobTurn<'_> {
    fn drop(&mut self) {
        // Best effort: what is left is sealed after the next job, or at the
        // next unlock.
        let _ = self.mappe.seal_closed_files();
        // What the job brought, for the saved searches and release notices;
        // what fails here stays in the journal for the next job.
        if !std::thread::panicking() {
            let started = std::time::Instant::now();
            if let Ok(found) = self.mappe.check_alerts() {
                let check = AlertsCheck {
                    found,
                    took: started.elapsed(),
                };
                *self
                    .mappe
                    .alerts_last
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(check);
            }
        }
    }
}

fn move_interrupted() -> Error {
    Error::Invalid(
        "flytningen ind i boksen blev afbrudt; kør `moedemappe passcode set` igen med samme adgangskode for at gøre den færdig (intet er tabt)"
            .into(),
    )
}

/// Opens the index in `index_dir`; one from another version (or a plain one
/// in a vault) is rebuilt from the store.
fn open_index(
    index_dir: &Path,
    store: &Store,
    key: Option<&crate::vault::Key>,
) -> Result<SearchIndex> {
    let index_key = key.map(|k| k.index());
    match SearchIndex::open_or_create_keyed(index_dir, index_key.as_ref()) {
        Err(Error::StaleIndex) => {
            std::fs::remove_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
            let index = SearchIndex::open_or_create_keyed(index_dir, index_key.as_ref())?;
            store.write(|w| w.queue_everything())?;
            ingest::update_index(store, &index, &crate::progress::Silent)?;
            Ok(index)
        }
        other => other,
    }
}

/// A temporary file this old is removed even when its process may run
/// (a name without a process id, or a system that cannot be asked).
const ORPHAN_AGE: Duration = Duration::from_secs(24 * 3600);

impl Mappe {
    /// Opens (creating when needed) the data directory `dir`. From here on
    /// the process creates files private to the member (umask 0o077), and a
    /// directory others could read is made private (see [`Mappe::notices`]).
    pub fn open(dir: &Path) -> Result<Self> {
        crate::private::restrict_process();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut notices = Vec::new();
        if crate::private::tighten_once(dir)? > 0 {
            notices.push(crate::private::notice(dir));
        }
        let in_use = crate::in_use::InUse::shared(dir)?;
        let index_dir = dir.join("index");
        let (store, index, lock) = match Vault::load(dir)? {
            None => {
                let store = Store::open(&dir.join(vault::PLAIN_DB))?;
                let index = open_index(&index_dir, &store, None)?;
                (store, index, Lock::NoVault)
            }
            Some(v) if v.state() == VaultState::Moving => return Err(move_interrupted()),
            Some(v) => match v.recall() {
                Some(key) => {
                    let store = Store::open_keyed(&dir.join(vault::VAULT_DB), Some(&key.sqlite()))?;
                    let index = open_index(&index_dir, &store, Some(&key))?;
                    (store, index, Lock::Unlocked(key))
                }
                None => {
                    let store = Store::open_read_only(&dir.join(vault::OPEN_DB))?;
                    let index = SearchIndex::open_locked(&index_dir).map_err(|_| {
                        Error::Invalid(
                            "søgeindekset skal bygges igen, og det kræver, at boksen er låst op: `moedemappe unlock`"
                                .into(),
                        )
                    })?;
                    (store, index, Lock::Locked)
                }
            },
        };
        let blobs = BlobStore::new(dir.join("files"));
        if !matches!(lock, Lock::Locked) {
            // Attachments of an import that was killed before it finished.
            blobs.remove_orphan_temps(ORPHAN_AGE)?;
        }
        Ok(Mappe {
            dir: dir.to_path_buf(),
            store,
            blobs,
            index,
            notices,
            jobs: Mutex::new(()),
            relocked: vault_api::Relock::new(matches!(lock, Lock::Unlocked(_))),
            lock,
            _in_use: in_use,
            alerts_last: Mutex::new(None),
        })
    }

    /// Waits for the running job (import, sync, reindex, bundle import) to
    /// finish and holds the turn until the guard drops. Only jobs take it:
    /// one job at a time keeps two of them from reading the same new file
    /// twice or from opening the index writer (one per index) together.
    /// Every job begins by removing the partial downloads and copies that a
    /// killed run left behind. A locked vault changes nothing: every job
    /// is refused with [`Error::Locked`] before it begins (the store is the
    /// open copy then, read-only).
    pub(crate) fn job(&self) -> Result<JobTurn<'_>> {
        if self.is_locked() {
            return Err(Error::Locked);
        }
        // A job that panicked left the store consistent (its transactions
        // rolled back), so the turn passes on.
        let turn = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        // Best effort: a file that cannot be removed now goes another time.
        let _ = self.blobs.remove_orphan_temps(ORPHAN_AGE);
        Ok(JobTurn {
            mappe: self,
            _turn: turn,
        })
    }

    /// With an unlocked vault, seals every file only closed items use (a
    /// job may just have stored one); returns how many.
    pub(crate) fn seal_closed_files(&self) -> Result<usize> {
        let Lock::Unlocked(key) = &self.lock else {
            return Ok(0);
        };
        vault::migrate::seal_files(&self.store, &self.blobs, key, false)
    }

    /// One-line notices for the member about opening the data directory
    /// (its permissions were tightened); callers show them once.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// Imports folders in the folder format, plain folders of PDFs, or single PDFs.
    pub(crate) fn import(
        &self,
        paths: &[PathBuf],
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<ImportReport> {
        let _job = self.job()?;
        ingest::import(
            &self.store,
            &self.blobs,
            &self.index,
            paths,
            &settings.extract_options(),
            progress,
        )
    }

    /// Full-text search; facet counts carry body names.
    pub(crate) fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let query = self.resolve(request)?;
        let mut results = self.index.search(&query)?;
        self.name_facets(&mut results)?;
        Ok(results)
    }

    /// Material like the case `case_number` from other cases, with the
    /// request's filters (its text is ignored).
    pub(crate) fn more_like_case(
        &self,
        case_number: &str,
        request: &SearchRequest,
    ) -> Result<SearchResults> {
        let query = self.resolve(request)?;
        let mut results = self.index.more_like_case(case_number, &query)?;
        self.name_facets(&mut results)?;
        Ok(results)
    }

    /// The index query for a request: body names become ids.
    fn resolve(&self, request: &SearchRequest) -> Result<SearchQuery> {
        let mut query = request.query.clone();
        if let Some(name) = &request.body {
            query.body_ids = self
                .store
                .read()
                .find_bodies(name, !request.query.include_closed)?
                .into_iter()
                .map(|b| b.0)
                .collect();
        }
        query.limit = query.limit.max(1);
        Ok(query)
    }

    fn name_facets(&self, results: &mut SearchResults) -> Result<()> {
        let names = self.store.read().body_names()?;
        for b in &mut results.facets.bodies {
            if let Some(name) = names.get(&b.body_id) {
                b.body.clone_from(name);
            }
        }
        Ok(())
    }

    /// The stored text of one page (1-based) of an attachment.
    pub(crate) fn page_text(&self, attachment: AttachmentId, page: u32) -> Result<String> {
        self.store
            .read()
            .page_text(attachment, page)?
            .ok_or_else(|| Error::NotFound(format!("bilag {attachment} har ingen side {page}")))
    }

    /// What is stored, and which files failed.
    pub(crate) fn status(&self, scope: Scope) -> Result<Status> {
        let mut status = self.counts_status(scope)?;
        if scope.sees_closed() {
            status.disk = Some(self.disk_use()?);
        }
        Ok(status)
    }

    /// [`Mappe::status`] without the disk use (a stat of every file), for
    /// views that show counts only.
    pub(crate) fn counts_status(&self, scope: Scope) -> Result<Status> {
        let read = self.store.read();
        let open_only = !scope.sees_closed();
        Ok(Status {
            data_dir: self.dir.clone(),
            counts: read.counts(open_only)?,
            index_documents: self.index.doc_count_in(!open_only)?,
            failed_files: if open_only {
                read.open_failed_files()?
            } else {
                read.failed_files()?
            },
            ocr: read.ocr_counts(open_only)?,
            ocr_failures: read.ocr_failures(open_only)?,
            sources: self.sources_for(scope)?,
            disk: None,
        })
    }

    /// Bytes of files, text and index, and the files kept as text only.
    fn disk_use(&self) -> Result<DiskUse> {
        let read = self.store.read();
        let mut disk = DiskUse {
            text: read.text_bytes()?,
            index: walkdir::WalkDir::new(self.dir.join("index"))
                .into_iter()
                .filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum(),
            ..DiskUse::default()
        };
        for (sha256, size) in read.attachment_sizes()? {
            if self.blobs.contains(&sha256) {
                disk.files += size;
            } else {
                disk.text_only += 1;
                disk.all_would_need += size;
            }
        }
        Ok(disk)
    }

    /// Rebuilds the search index from the store; returns the documents written.
    pub(crate) fn reindex(&self, progress: &dyn Progress) -> Result<u64> {
        let _job = self.job()?;
        // Queued first: a crash after emptying (one or both of the index's two
        // parts) leaves every owner queued for the next import.
        self.store.write(|w| w.queue_everything())?;
        {
            let mut writer = self.index.writer()?;
            writer.delete_all()?;
            writer.commit()?;
        }
        ingest::update_index(&self.store, &self.index, progress)
    }

    /// Writes the demo corpus at `scale` into `<data>/demo` (without importing it).
    pub(crate) fn write_demo(
        &self,
        scale: f64,
        progress: &dyn Progress,
    ) -> Result<(PathBuf, demo::DemoSummary)> {
        if !(scale > 0.0 && scale <= 10.0) {
            return Err(Error::Invalid(format!(
                "skalaen skal være over 0 og højst 10 (fik {scale})"
            )));
        }
        let folder = self.dir.join("demo");
        // The folder is ours and generated: replace it whole.
        if folder.exists() {
            std::fs::remove_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        }
        // Meetings around today, so the front page has something ahead.
        let opts = demo::DemoOptions {
            scale,
            today: Some(crate::clock::today()),
            ..demo::DemoOptions::default()
        };
        progress.begin("Skriver demodata", 0);
        let generated = demo::generate(&folder, &opts)?;
        progress.end();
        Ok((folder, generated))
    }

    /// Writes the demo corpus at `scale` into `<data>/demo` and imports it.
    pub(crate) fn demo(
        &self,
        scale: f64,
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<DemoReport> {
        let (folder, generated) = self.write_demo(scale, progress)?;
        let import = self.import(std::slice::from_ref(&folder), settings, progress)?;
        Ok(DemoReport {
            folder,
            generated,
            import,
        })
    }
}

/// Sources, sync and case history.
impl Mappe {
    /// Adds a portal (FirstAgenda Publication) by its base URL, or by the
    /// name of a municipality on the shipped list ("aarhus", "Aarhus Kommune").
    pub(crate) fn add_portal_source(&self, url: &str, name: Option<&str>) -> Result<Source> {
        let text = url.trim().trim_end_matches('/');
        let (url, default_name) = if text.contains("://") {
            let host = text
                .strip_prefix("https://")
                .or_else(|| text.strip_prefix("http://"))
                .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "«{text}» er ikke en webadresse; skriv fx https://dagsordener.aarhus.dk eller aarhus"
                    ))
                })?;
            (text.to_string(), host.to_string())
        } else {
            let m = municipalities::find(text).map_err(|close| {
                let close: Vec<String> = close.iter().map(|m| m.short.clone()).collect();
                Error::NotFound(match close.as_slice() {
                    [] => format!(
                        "kender ingen kommune med en dagsordensportal ved navn «{text}»; skriv portalens adresse, fx https://dagsordener.aarhus.dk"
                    ),
                    [one] => format!("kender ingen kommune ved navn «{text}»; mente du {one}?"),
                    [rest @ .., last] => format!(
                        "kender ingen kommune ved navn «{text}»; mente du {} eller {last}?",
                        rest.join(", ")
                    ),
                })
            })?;
            (m.url.clone(), m.name.clone())
        };
        let url = url.as_str();
        let name = name.map(str::to_string).unwrap_or(default_name);
        let id = self
            .store
            .write(|w| w.add_source(SourceKind::Portal, &name, url))?;
        self.sources()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NotFound(name))
    }

    /// The bodies a portal source lists with meetings in its scope, asked of
    /// the portal now (its committee list only) and stored without meetings,
    /// so the member can choose whom to follow before the first sync.
    pub(crate) fn list_portal_bodies(&self, name: &str) -> Result<Vec<BodyChoice>> {
        let source = self.store.read().source(name)?;
        if source.kind != SourceKind::Portal {
            return Err(Error::Invalid(format!(
                "«{}» er en mappe, ikke en portal",
                source.name
            )));
        }
        let opts = crate::sources::portal::PortalOptions {
            client: crate::sources::portal::client::ClientOptions {
                attempts: 2,
                ..Default::default()
            },
            ..Default::default()
        };
        crate::sources::portal::list_bodies(&self.store, &source, &opts)?;
        self.bodies_to_follow(Scope::Member)
    }

    /// Writes the demo corpus into `<data>/demo` and adds that folder as the
    /// source «Demodata», so the next sync (with its progress) imports it:
    /// the first-run screen's "Prøv med demodata".
    pub(crate) fn add_demo_source(&self, scale: f64) -> Result<Source> {
        let (folder, _) = self.write_demo(scale, &crate::progress::Silent)?;
        match self.store.read().source(DEMO_SOURCE) {
            Ok(existing) => return Ok(existing),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        // Written by us inside the data directory, where a folder the member
        // names may not lie (see `add_folder_source`).
        let location = folder.to_str().ok_or_else(|| {
            Error::Invalid(format!(
                "{}: mappens navn kan ikke gemmes",
                folder.display()
            ))
        })?;
        let id = self
            .store
            .write(|w| w.add_source(SourceKind::Folder, DEMO_SOURCE, location))?;
        self.source_by_id(id)
    }

    /// Sets what a portal source fetches: the next sync fetches what is new
    /// to the scope, and narrowing it deletes nothing.
    pub(crate) fn set_source_scope(&self, name: &str, scope: &SourceScope) -> Result<Source> {
        let source = self.store.read().source(name)?;
        if source.kind != SourceKind::Portal {
            return Err(Error::Invalid(format!(
                "«{}» er en mappe; kun en portal har et omfang",
                source.name
            )));
        }
        let scope = SourceScope {
            bodies: scope
                .bodies
                .iter()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .collect(),
            ..scope.clone()
        };
        self.store
            .write(|w| w.set_source_scope(source.id, &scope))?;
        self.store.read().source(&source.name)
    }

    /// Every configured source.
    pub(crate) fn sources(&self) -> Result<Vec<Source>> {
        self.store.read().sources()
    }

    /// Removes a source by name; what it brought in stays.
    pub(crate) fn remove_source(&self, name: &str) -> Result<Source> {
        let source = self.store.read().source(name)?;
        self.store.write(|w| w.remove_source(source.id))?;
        Ok(source)
    }

    /// Brings every source up to date, one after the other. One source failing
    /// (no network, say) does not stop the others.
    pub(crate) fn sync(
        &self,
        settings: &IngestSettings,
        portal: &PortalOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<SourceOutcome>> {
        let _job = self.job()?;
        let mut outcomes = Vec::new();
        for source in self.sources()? {
            let mut outcome = SourceOutcome {
                name: source.name.clone(),
                kind: source.kind,
                portal: None,
                folder: None,
                error: None,
                offline: false,
            };
            match source.kind {
                SourceKind::Portal => match portal::sync_portal(
                    &self.store,
                    &self.blobs,
                    &self.index,
                    &source,
                    portal,
                    &settings.extract_options(),
                    progress,
                ) {
                    Ok(report) => outcome.portal = Some(report),
                    Err(e) => {
                        outcome.offline = matches!(e, Error::Network(_));
                        outcome.error = Some(e.to_string());
                    }
                },
                SourceKind::Folder => match sources::folder::sync_folder(
                    &self.store,
                    &self.blobs,
                    &self.index,
                    &source,
                    &settings.extract_options(),
                    progress,
                ) {
                    Ok(report) => outcome.folder = Some(report),
                    Err(e) => outcome.error = Some(e.to_string()),
                },
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Every treatment of a case, oldest first.
    pub(crate) fn case_history(&self, case_number: &str) -> Result<CaseHistory> {
        let case_number = case_number.trim();
        let treatments = self.store.read().case_history(case_number)?;
        if treatments.is_empty() {
            return Err(Error::NotFound(format!(
                "ingen sag med nummeret {case_number}"
            )));
        }
        Ok(CaseHistory {
            case_number: case_number.to_string(),
            treatments,
        })
    }
}

/// Folder sources: adding one, and keeping every folder source in step.
impl Mappe {
    /// Adds `path` as a folder source (stored as its canonical absolute path),
    /// named `name` or after the folder. A folder that does not exist, or that
    /// holds the data directory or lies inside it, is refused.
    pub(crate) fn add_folder_source(&self, path: &Path, name: Option<&str>) -> Result<Source> {
        let folder = std::fs::canonicalize(path)
            .ok()
            .filter(|p| p.is_dir())
            .ok_or_else(|| Error::NotFound(format!("mappen findes ikke: {}", path.display())))?;
        let data = std::fs::canonicalize(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        if data.starts_with(&folder) || folder.starts_with(&data) {
            return Err(Error::Invalid(format!(
                "{} rummer Mødemappes egen datamappe eller ligger i den; vælg en anden mappe",
                folder.display()
            )));
        }
        let location = folder.to_str().ok_or_else(|| {
            Error::Invalid(format!(
                "{}: mappens navn indeholder tegn, som ikke kan gemmes",
                folder.display()
            ))
        })?;
        let name = match name.map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => folder.file_name().map_or_else(
                || location.to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        };
        let id = self
            .store
            .write(|w| w.add_source(SourceKind::Folder, &name, location))?;
        self.source_by_id(id)
    }

    /// Syncs every folder source once, then again whenever something changes
    /// in its folder (after `debounce` of quiet), until `stop` is set.
    /// `on_synced` gets the source as recorded after each sync (its
    /// `last_error` is set when the sync stopped, e.g. the folder is missing;
    /// the report is then empty) and what the sync did.
    pub(crate) fn watch(
        &self,
        settings: &IngestSettings,
        debounce: Duration,
        progress: &dyn Progress,
        stop: &AtomicBool,
        on_synced: &mut dyn FnMut(&Source, &ImportReport),
    ) -> Result<()> {
        let sources: Vec<Source> = self
            .store
            .read()
            .sources()?
            .into_iter()
            .filter(|s| s.kind == SourceKind::Folder)
            .collect();
        if sources.is_empty() {
            return Err(Error::NotFound(
                "der er ingen mapper at holde øje med; tilføj først en mappe som kilde".into(),
            ));
        }
        let opts = settings.extract_options();
        for source in &sources {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            self.sync_folder_source(source.id, &opts, progress, on_synced)?;
        }
        let roots: Vec<PathBuf> = sources.iter().map(|s| PathBuf::from(&s.location)).collect();
        watch::watch(&roots, debounce, stop, |root| {
            match sources.iter().find(|s| Path::new(&s.location) == root) {
                Some(source) => self.sync_folder_source(source.id, &opts, progress, on_synced),
                None => Ok(()),
            }
        })
    }

    /// Syncs one folder source (skipped when it was removed meanwhile) and
    /// tells `on_synced`. A failed sync is recorded on the source, not returned.
    fn sync_folder_source(
        &self,
        id: SourceId,
        opts: &ExtractOptions,
        progress: &dyn Progress,
        on_synced: &mut dyn FnMut(&Source, &ImportReport),
    ) -> Result<()> {
        let job = self.job()?;
        let Ok(source) = self.source_by_id(id) else {
            return Ok(());
        };
        let report = sources::folder::sync_folder(
            &self.store,
            &self.blobs,
            &self.index,
            &source,
            opts,
            progress,
        )
        .unwrap_or_default();
        drop(job);
        on_synced(&self.source_by_id(id)?, &report);
        Ok(())
    }

    fn source_by_id(&self, id: SourceId) -> Result<Source> {
        self.store
            .read()
            .sources()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NotFound(format!("kilde {id} findes ikke")))
    }
}

/// `Mappe` is shared between threads as it is, without a lock around it.
const _: () = {
    const fn shared_between_threads<T: Send + Sync>() {}
    shared_between_threads::<Mappe>();
};
