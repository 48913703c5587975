//! Watching folder sources for changes. Events are only a hint: any change
//! under a root means "sync that root again", and the sync itself looks at
//! what is on disk (it re-stats every file and hashes the changed ones). Only
//! reads (a file or folder opened or closed without writing) are ignored, so a
//! sync reading the folder does not start the next one.

use crate::{Error, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often `stop` is looked at.
const STOP_POLL: Duration = Duration::from_millis(200);

/// How often a root that could not be watched (it did not exist) is tried again.
const RETRY_MISSING: Duration = Duration::from_secs(5);

/// Watches `roots` (recursively) until `stop` is set, calling `on_change` with
/// a root once changes under it have been quiet for `debounce` (so a file still
/// being copied is not read half-way). A root that does not exist (or
/// disappears) is tried again every few seconds and reported as changed when it
/// is back. An error from `on_change` ends the watch.
pub fn watch(
    roots: &[PathBuf],
    debounce: Duration,
    stop: &AtomicBool,
    mut on_change: impl FnMut(&Path) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(debounce / 2, None, tx).map_err(watch_error)?;
    let mut missing: Vec<&PathBuf> = Vec::new();
    for root in roots {
        if debouncer.watch(root, RecursiveMode::Recursive).is_err() {
            missing.push(root);
        }
    }
    // Roots with changes not synced yet, and when they are due (quiet long enough).
    let mut pending: Vec<(&PathBuf, Instant)> = Vec::new();
    let mut last_retry = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let touched: Vec<&PathBuf> = match rx.recv_timeout(STOP_POLL) {
            Ok(Ok(events)) => changed_roots(roots, &events),
            // The watcher lost track (e.g. its queue overflowed): look everywhere.
            Ok(Err(_)) => roots.iter().collect(),
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::Invalid("overvågningen af mapperne stoppede".into()))
            }
        };
        for root in touched {
            pending.retain(|(r, _)| *r != root);
            pending.push((root, Instant::now() + debounce));
        }
        if !missing.is_empty() && last_retry.elapsed() >= RETRY_MISSING {
            last_retry = Instant::now();
            missing.retain(|root| {
                let back = root.is_dir() && debouncer.watch(root, RecursiveMode::Recursive).is_ok();
                if back {
                    pending.push((root, Instant::now()));
                }
                !back
            });
        }
        let (due, waiting): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|(_, due)| Instant::now() >= *due);
        pending = waiting;
        for (root, _) in due {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            on_change(root)?;
            if !root.is_dir() && !missing.contains(&root) {
                let _ = debouncer.unwatch(root);
                missing.push(root);
            }
        }
    }
    Ok(())
}

/// The roots that events touched, in the order of `roots`. An event with no
/// path under any root (a "rescan" notice, say) touches every root.
fn changed_roots<'a>(roots: &'a [PathBuf], events: &[DebouncedEvent]) -> Vec<&'a PathBuf> {
    let mut touched = vec![false; roots.len()];
    for event in events.iter().filter(|e| !is_read(&e.kind)) {
        let mut matched = false;
        for (i, root) in roots.iter().enumerate() {
            if event.paths.iter().any(|p| p.starts_with(root)) {
                touched[i] = true;
                matched = true;
            }
        }
        if !matched {
            touched.iter_mut().for_each(|t| *t = true);
        }
    }
    roots
        .iter()
        .zip(touched)
        .filter_map(|(root, t)| t.then_some(root))
        .collect()
}

/// Opening, reading or closing without writing changes nothing.
fn is_read(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(
            AccessKind::Open(_) | AccessKind::Read | AccessKind::Close(AccessMode::Read)
        )
    )
}

fn watch_error(e: notify::Error) -> Error {
    Error::Invalid(format!("kunne ikke holde øje med mapperne: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, Event, ModifyKind};
    use std::sync::atomic::AtomicUsize;

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(PathBuf::from(path)),
            Instant::now(),
        )
    }

    #[test]
    fn events_map_to_their_roots_and_reads_are_ignored() {
        let roots = [
            PathBuf::from("/a"),
            PathBuf::from("/b"),
            PathBuf::from("/c"),
        ];
        let events = [
            event(EventKind::Create(CreateKind::File), "/b/x.pdf"),
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/a/y.pdf",
            ),
            event(EventKind::Modify(ModifyKind::Any), "/c"),
        ];
        assert_eq!(changed_roots(&roots, &events), [&roots[1], &roots[2]]);
        // "/ab" is not under "/a"; an event nowhere touches every root.
        let events = [event(EventKind::Any, "/ab/z.pdf")];
        assert_eq!(changed_roots(&roots, &events).len(), 3);
        let write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(!is_read(&write));
    }

    #[test]
    fn a_new_file_is_reported_once_for_its_root_and_stop_ends_the_watch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("mappe");
        std::fs::create_dir(&root).unwrap();
        let other = dir.path().canonicalize().unwrap().join("anden");
        std::fs::create_dir(&other).unwrap();
        let stop = AtomicBool::new(false);
        let calls = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                watch(
                    &[root.clone(), other.clone()],
                    Duration::from_millis(100),
                    &stop,
                    |changed| {
                        assert_eq!(changed, root);
                        // Reading the folder (as a sync does) must not count as a change.
                        for entry in std::fs::read_dir(changed).unwrap() {
                            std::fs::read(entry.unwrap().path()).unwrap();
                        }
                        calls.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    },
                )
            });
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(root.join("ny.pdf"), b"%PDF-").unwrap();
            let start = Instant::now();
            while calls.load(Ordering::SeqCst) == 0 && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(20));
            }
            // Long enough for a change caused by the callback's reads to show up.
            std::thread::sleep(Duration::from_millis(800));
            stop.store(true, Ordering::SeqCst);
            watcher.join().unwrap().unwrap();
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
