//! The data directory as the server holds it: opened again when the vault is
//! locked, unlocked or made meanwhile (here or by another program), so a
//! locked vault's key does not stay in memory and an unlocked vault's store
//! is the one read. Requests under way finish on the one they began with.

use moedemappe_core::api::{Mappe, SyncJobs};
use std::sync::{Arc, RwLock};

/// The open data directory and its background sync.
#[derive(Clone)]
pub(crate) struct Held {
    pub(crate) mappe: Arc<Mappe>,
    pub(crate) sync: SyncJobs,
}

/// The data directory of a running server.
pub(crate) struct Current {
    held: RwLock<Held>,
}

impl Current {
    pub(crate) fn new(mappe: Arc<Mappe>, sync: SyncJobs) -> Self {
        Current {
            held: RwLock::new(Held { mappe, sync }),
        }
    }

    /// The data directory, opened again first if the vault changed.
    pub(crate) fn get(&self) -> Held {
        let held = self.held.read().unwrap_or_else(|p| p.into_inner()).clone();
        if held.mappe.vault_changed() {
            self.reopen(&held.mappe);
            return self.held.read().unwrap_or_else(|p| p.into_inner()).clone();
        }
        held
    }

    /// Opens the data directory again (unless another request already did
    /// since `seen`); when it cannot be opened now, the open one stays.
    pub(crate) fn reopen(&self, seen: &Arc<Mappe>) {
        let mut held = self.held.write().unwrap_or_else(|p| p.into_inner());
        if !Arc::ptr_eq(&held.mappe, seen) {
            return;
        }
        let Ok(mappe) = Mappe::open(seen.data_dir()) else {
            return;
        };
        let mappe = Arc::new(mappe);
        // The same sync handle runs on the new one (the window's schedule
        // holds it too), and reads the pages left waiting for OCR.
        held.sync.use_mappe(mappe.clone());
        if !mappe.is_locked() {
            held.sync.ocr().start();
        }
        held.mappe = mappe;
    }
}
