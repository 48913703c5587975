//! Mødemappe core: every piece of behaviour of the app lives here, and every
//! caller (the `moedemappe` CLI, the HTTP and MCP servers, the desktop shell)
//! goes through [`api`].
//!
//! Public: [`api`] (the scoped sessions, the only way in), [`model`] (the
//! nouns) and [`error`]; and, for the fake portal and the tests, [`demo`]
//! (the demo corpus), [`folder`] (its on-disk format), [`extract`] (the
//! extraction workers) and [`clock`]. Every other module is crate-private,
//! so nothing outside can reach the store or the index around the scope.
//!
//! - [`model`]: the domain nouns (bodies, meetings, items, cases, attachments).
//! - `store`: the SQLite store, the source of truth, and its migrations.
//! - `private`: keeping the data directory readable by its owner only.
//! - [`clock`]: today's date, pinnable for tests and demos.
//! - `blobs`: attachment files kept by content hash inside the data directory.
//! - [`folder`]: the on-disk folder format and its `meeting.json` / `body.json`.
//! - [`extract`]: PDF text extraction, isolated in worker processes.
//! - `ingest`: importing folders and files into the store and the index.
//! - `index`: the tantivy index (derived, rebuildable) and its Danish analyzer.
//! - [`demo`]: the seeded generator of the demo corpus.
//! - `progress`: progress events that long operations report.
//! - `sources`: the agenda portal and watched folders, kept in step by `sync`.
//! - `watch`: noticing changes in watched folders, so they are synced at once.
//! - `relevance`: the search relevance test set and its evaluation.
//! - `tokens`: access tokens of API callers, and whether they see closed material.
//! - `annotations`: the member's highlights and notes (W3C Web Annotation), anchored by quote.
//! - `sharing`: sharing bundles (zip) of shared annotations and their attachments.
//! - `stats`: workload statistics per body and period, and their drill-down.
//! - `passages`: cutting stored text into passages for retrieval.
//! - `retrieve`: ranked passages with citations for the council assistant.
//! - [`api`]: the single surface callers use.

pub(crate) mod annotations;
pub mod api;
pub(crate) mod blobs;
pub mod clock;
pub mod demo;
pub mod error;
pub mod extract;
pub mod folder;
pub(crate) mod in_use;
pub(crate) mod index;
pub(crate) mod ingest;
pub mod model;
pub mod nearby;
pub mod ocr;
pub(crate) mod passages;
mod priority;
pub(crate) mod private;
pub(crate) mod progress;
pub(crate) mod relevance;
pub(crate) mod retrieve;
pub(crate) mod sharing;
pub(crate) mod sources;
pub(crate) mod stats;
pub(crate) mod store;
pub(crate) mod tokens;
pub(crate) mod vault;
pub(crate) mod watch;

pub use error::{Error, Result};
