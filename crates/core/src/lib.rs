//! Mødemappe core: every piece of behaviour of the app lives here, and every
//! caller (the `moedemappe` CLI, the HTTP and MCP servers, the desktop shell)
//! goes through [`api`].
//!
//! - [`model`]: the domain nouns (bodies, meetings, items, cases, attachments).
//! - [`store`]: the SQLite store, the source of truth, and its migrations.
//! - [`private`]: keeping the data directory readable by its owner only.
//! - [`clock`]: today's date, pinnable for tests and demos.
//! - [`blobs`]: attachment files kept by content hash inside the data directory.
//! - [`folder`]: the on-disk folder format and its `meeting.json` / `body.json`.
//! - [`extract`]: PDF text extraction, isolated in worker processes.
//! - [`ingest`]: importing folders and files into the store and the index.
//! - [`index`]: the tantivy index (derived, rebuildable) and its Danish analyzer.
//! - [`demo`]: the seeded generator of the demo corpus.
//! - [`progress`]: progress events that long operations report.
//! - [`sources`]: the agenda portal and watched folders, kept in step by `sync`.
//! - [`watch`]: noticing changes in watched folders, so they are synced at once.
//! - [`relevance`]: the search relevance test set and its evaluation.
//! - [`tokens`]: access tokens of API callers, and whether they see closed material.
//! - [`annotations`]: the member's highlights and notes (W3C Web Annotation), anchored by quote.
//! - [`sharing`]: sharing bundles (zip) of shared annotations and their attachments.
//! - [`stats`]: workload statistics per body and period, and their drill-down.
//! - [`passages`]: cutting stored text into passages for retrieval.
//! - [`retrieve`]: ranked passages with citations for the council assistant.
//! - [`api`]: the single surface callers use.

pub mod annotations;
pub mod api;
pub mod blobs;
pub mod clock;
pub mod demo;
pub mod error;
pub mod extract;
pub mod folder;
pub mod index;
pub mod ingest;
pub mod model;
pub mod passages;
mod priority;
pub mod private;
pub mod progress;
pub mod relevance;
pub mod retrieve;
pub mod sharing;
pub mod sources;
pub mod stats;
pub mod store;
pub mod tokens;
pub mod watch;

pub use error::{Error, Result};
