//! Work the desktop app does on its own while its window is open: it syncs
//! every source when it starts and then every half hour, and it watches the
//! member's folder sources, so new agendas and attachments appear without the
//! member asking.
//!
//! All of it goes through one [`SyncJobs`] handle, the same one the Kilder
//! screen starts syncs on through `/api/sync`: there is one sync at a time, a
//! change seen while one runs makes it run once more, and its progress and
//! failed files are what the Kilder screen shows.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use moedemappe_core::api::Scope;
use moedemappe_core::api::{Mappe, SyncJobs};
use moedemappe_core::model::SourceKind;

/// How often every source is synced while the app runs.
pub const SYNC_EVERY: Duration = Duration::from_secs(30 * 60);

/// Quiet time after a change in a watched folder before it is synced.
const DEBOUNCE: Duration = Duration::from_secs(2);

/// Starts the schedule and the folder watcher on their own threads. They
/// live as long as the process.
pub fn start(mappe: &Arc<Mappe>, jobs: SyncJobs) {
    // The folder sources as they are when the app starts (a folder added
    // later is synced by the schedule and watched from the next start).
    let roots: Vec<PathBuf> = mappe
        .session(Scope::Member)
        .sources()
        .map(|sources| {
            sources
                .into_iter()
                .filter(|s| s.kind == SourceKind::Folder)
                .map(|s| PathBuf::from(s.location))
                .collect()
        })
        .unwrap_or_default();
    let scheduled = jobs.clone();
    std::thread::Builder::new()
        .name("sync-schedule".into())
        .spawn(move || loop {
            scheduled.start();
            std::thread::sleep(SYNC_EVERY);
        })
        .expect("a thread for the sync schedule");
    if roots.is_empty() {
        return;
    }
    std::thread::Builder::new()
        .name("folder-watch".into())
        .spawn(move || {
            let never = AtomicBool::new(false);
            // A folder that cannot be watched (say, an unplugged disk) is
            // still synced by the schedule; the sync records why it failed.
            let _ = moedemappe_core::api::watch_folders(&roots, DEBOUNCE, &never, |_root| {
                jobs.start();
                Ok(())
            });
        })
        .expect("a thread for the folder watcher");
}
