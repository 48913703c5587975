//! Sharing bundles: one zip file a mentor hands to new members, holding the
//! shared annotations of a case or a meeting and the attachments they need.
//!
//! ```text
//! manifest.json              format "moedemappe-bundle", schema 1, author, scope,
//!                            open items, attachments (sha256, size, path, title)
//! annotations.jsonld         W3C AnnotationCollection (see annotations::jsonld)
//! attachments/<sha256>.pdf   each attachment once, by content
//! ```
//!
//! Closed material never goes in: closed items, attachments any closed item
//! uses, and annotations on either are left out (the default, and the export
//! report, never the bundle, says what it left out) or the export is refused.
//! A case with no open treatment is refused like an unknown case number. Only
//! attachments a note in the bundle points at go in.
//!
//! Importing checks everything first ([`safezip`]: entry names and count on
//! the raw central directory, links, sizes, compression ratio; then the
//! [`caps`], schema, references, hashes, and that each attachment is a PDF a
//! note points at) with attachments waiting in temporary files inside the
//! data directory; only then are they moved into `files/` and the notes
//! written, in one transaction. A refused import leaves nothing behind.

pub mod caps;
mod rawzip;
pub mod safezip;

use crate::model::MeetingId;

mod export;
mod import;
mod manifest;
pub use export::{
    export, preview, BundlePreview, ExportReport, PreviewAttachment, PreviewItem, PreviewNote,
};
pub use import::{import, ImportBundleReport};

/// The `format` every manifest carries.
pub const FORMAT: &str = "moedemappe-bundle";
/// The manifest schema this build reads and writes.
pub const SCHEMA: u32 = 1;
/// Name of the manifest entry.
pub const MANIFEST: &str = "manifest.json";
/// Name of the annotations entry.
pub const ANNOTATIONS: &str = "annotations.jsonld";

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleScope {
    /// Every treatment of a case (by number).
    Case(String),
    /// One meeting.
    Meeting(MeetingId),
}

/// What to do with closed material in the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClosedPolicy {
    /// Leave it out and say so (the default).
    #[default]
    Omit,
    /// Refuse to export, naming what is closed.
    Refuse,
}
