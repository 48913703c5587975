//! The text-only archive in the store: which files of a portal source its
//! `files` setting lets go once their text is read (text, pages and hash
//! stay), which it wants on disk, and where a file can be fetched again.

use rusqlite::params;
use serde::Serialize;

use super::{Reader, Writer};
use crate::model::{AttachmentId, SourceId};
use crate::store::FilesPolicy;
use crate::Result;

/// A portal file to fetch again: where from, and what it must hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileToFetch {
    /// The attachment.
    pub attachment: AttachmentId,
    /// Its content hash; a fetched file must match it.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// The portal's base URL.
    pub location: String,
    /// The path on the portal (a bilag link or a case presentation's).
    pub path: String,
}

/// Disk use of a data directory, and what a change of `--files` would mean.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiskUse {
    /// Bytes of PDF files kept.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub files: u64,
    /// Bytes of page text kept.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub text: u64,
    /// Bytes of the search index.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub index: u64,
    /// Attachments kept as text only (their file is fetched when opened).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub text_only: u64,
    /// What `--files all` would fetch: the bytes of those files.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub all_would_need: u64,
}

/// The SQL condition on `a` (an attachment) that its file is kept whatever
/// a source's `files` says: the member opened it, noted or read in it, a
/// folder or document collection has it, the member attached it, or a
/// source keeps all its files.
const KEPT: &str = "(EXISTS (SELECT 1 FROM kept_files k WHERE k.sha256 = a.sha256)
  OR EXISTS (SELECT 1 FROM annotations n WHERE n.target_sha256 = a.sha256)
  OR EXISTS (SELECT 1 FROM reading_marks r WHERE r.sha256 = a.sha256)
  OR EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id)
  OR EXISTS (SELECT 1 FROM source_files sf WHERE sf.attachment_id = a.id)
  OR EXISTS (SELECT 1 FROM item_attachments ia WHERE ia.attachment_id = a.id AND ia.added_at IS NOT NULL)
  OR EXISTS (SELECT 1 FROM portal_documents p2 JOIN sources s2 ON s2.id = p2.source_id
              WHERE p2.attachment_id = a.id AND s2.files = 'all'))";

/// The SQL condition on `a` that an item of a followed body uses it.
const FOLLOWED_USE: &str = "EXISTS (SELECT 1 FROM item_attachments ia
  JOIN items i ON i.id = ia.item_id JOIN meetings m ON m.id = i.meeting_id
  JOIN followed_bodies f ON f.body_id = m.body_id WHERE ia.attachment_id = a.id)";

/// The SQL condition on `a` that `policy` lets its file go.
fn may_drop(policy: FilesPolicy) -> String {
    match policy {
        FilesPolicy::All => "0".into(),
        FilesPolicy::None => format!("NOT {KEPT}"),
        FilesPolicy::Followed => format!("NOT {KEPT} AND NOT {FOLLOWED_USE}"),
    }
}

impl Reader<'_> {
    /// Files of a portal source that `policy` lets go now: read in full for
    /// text (a scanned or partly read file stays), as (hash, size).
    pub fn droppable_files(
        &self,
        source: SourceId,
        policy: FilesPolicy,
    ) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT DISTINCT a.sha256, a.size FROM portal_documents pd
               JOIN attachments a ON a.id = pd.attachment_id
              WHERE pd.source_id = ?1 AND a.text_status = 'full'
                AND NOT EXISTS (SELECT 1 FROM ocr_pages o WHERE o.attachment_id = a.id AND o.state = 'queued')
                AND {}",
            may_drop(policy)
        ))?;
        let rows = stmt
            .query_map([source.0], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Files of a portal source that `policy` wants on disk (the caller
    /// fetches those that are not).
    pub fn wanted_files(&self, source: SourceId, policy: FilesPolicy) -> Result<Vec<FileToFetch>> {
        self.files_to_fetch(&format!(
            "pd.source_id = {} AND NOT ({})",
            source.0,
            may_drop(policy)
        ))
    }

    /// Where an attachment's file can be fetched again, if a portal had it.
    pub fn refetch_source(&self, attachment: AttachmentId) -> Result<Option<FileToFetch>> {
        Ok(self
            .files_to_fetch(&format!("a.id = {}", attachment.0))?
            .into_iter()
            .next())
    }

    fn files_to_fetch(&self, filter: &str) -> Result<Vec<FileToFetch>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.id, a.sha256, a.size, s.location, pd.path, pd.guid
               FROM portal_documents pd
               JOIN attachments a ON a.id = pd.attachment_id
               JOIN sources s ON s.id = pd.source_id
              WHERE {filter}
              ORDER BY a.id, pd.source_id"
        ))?;
        let rows: Vec<FileToFetch> = stmt
            .query_map([], |r| {
                let guid: String = r.get(5)?;
                let path: Option<String> = r.get(4)?;
                Ok(FileToFetch {
                    attachment: AttachmentId(r.get(0)?),
                    sha256: r.get(1)?,
                    size: r.get::<_, i64>(2)? as u64,
                    location: r.get(3)?,
                    path: path.unwrap_or_else(|| {
                        format!("/vis/pdf/bilag/{guid}/?redirectDirectlyToPdf=true")
                    }),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut seen = std::collections::BTreeSet::new();
        Ok(rows
            .into_iter()
            .filter(|f| seen.insert(f.attachment))
            .collect())
    }

    /// Every attachment's hash and size (for disk use, with the files present).
    pub fn attachment_sizes(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare("SELECT sha256, size FROM attachments")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Bytes of page text stored.
    pub fn text_bytes(&self) -> Result<u64> {
        let bytes: i64 = self.conn.query_row(
            "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM pages",
            [],
            |r| r.get(0),
        )?;
        Ok(bytes as u64)
    }
}

impl Writer<'_> {
    /// Keeps a file on disk from now on, whatever a source's `files` says.
    pub fn keep_file(&self, sha256: &str) -> Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO kept_files (sha256, kept_at) VALUES (?1, ?2)",
            params![sha256, chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }
}
