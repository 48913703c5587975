//! Work the desktop app does on its own while its window is open: scheduled
//! sync of the member's portal sources and watching their import folders, so
//! new agendas and attachments appear without the member asking.
//!
//! The app is the one process that writes to the data directory while it
//! runs (it holds the index writer inside the shared `Arc<Mutex<Mappe>>` that
//! [`crate::protocol`] also serves from). The jobs will be driven by
//! `moedemappe_core::api::SyncJobs`: they take the lock only for each write,
//! so the window's reads stay responsive, and their progress and failed
//! files are what the Kilder screen reads through `/api`. Until that type
//! exists, the app runs no background work at all.
