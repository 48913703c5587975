//! What every program of Mødemappe (the `moedemappe` binary, the desktop
//! app) does first, written once: serve as an extraction worker when started
//! as one, find the data directory, and set up the background sync.

use std::path::PathBuf;
use std::sync::Arc;

use super::{
    default_data_dir, worker_main, IngestSettings, Mappe, PortalOptions, SyncJobs, WorkerCommand,
    DATA_DIR_ENV,
};
use crate::Result;

/// The argument a program is started with to be an extraction worker.
pub const WORKER_ARG: &str = "extract-worker";

/// When this process was started as an extraction worker
/// (`<program> extract-worker`), runs the worker and returns true: the
/// caller then exits.
pub fn run_as_worker() -> bool {
    if std::env::args_os().nth(1).is_some_and(|a| a == WORKER_ARG) {
        worker_main();
        return true;
    }
    false
}

/// The data directory: `chosen` (e.g. `--data-dir`), else
/// `$MOEDEMAPPE_DATA` when it is set and not empty, else the user's
/// program-data folder.
pub fn data_dir(chosen: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = chosen {
        return Ok(dir);
    }
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => default_data_dir(),
    }
}

/// How this program reads PDFs (its own executable as the worker), and the
/// one background sync of `mappe` that `serve`, the desktop app and its
/// schedule share.
pub fn background_sync(mappe: Arc<Mappe>) -> Result<(SyncJobs, IngestSettings)> {
    let settings = IngestSettings::new(WorkerCommand::current_exe()?);
    let jobs = SyncJobs::new(mappe, settings.clone(), PortalOptions::default());
    // Pages left waiting by an earlier run are read from the start.
    jobs.ocr().start();
    Ok((jobs, settings))
}
