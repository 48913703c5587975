//! Reads from the store: counts for `status`, failed files, pending work, and
//! the rows the search index is built from.

use super::Reader;
use crate::model::{AttachmentId, BodyId, ItemKind};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// What an owner's index documents are made of, or `Gone` when it no
/// longer exists (its documents are to be deleted).
#[derive(Debug, Clone, PartialEq)]
pub enum IndexSource {
    /// An agenda item: its own text and its bilag's pages.
    Item(ItemSource),
    /// A collection document's pages.
    Document(DocumentSource),
    /// Nothing: removed.
    Gone,
}

/// An agenda item as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSource {
    /// Item id.
    pub id: i64,
    /// Body id.
    pub body_id: i64,
    /// Body name.
    pub body: String,
    /// Meeting id.
    pub meeting_id: i64,
    /// Meeting day.
    pub date: NaiveDate,
    /// Item number as stored (the scope renumbers for display).
    pub number: u32,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: Option<ItemKind>,
    /// A closed item.
    pub closed: bool,
    /// Case number.
    pub case_number: Option<String>,
    /// Case text and subjects.
    pub text: String,
    /// Its bilag's pages with text, in order.
    pub pages: Vec<PageSource>,
}

/// A page with text of a bilag or a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSource {
    /// Attachment id.
    pub attachment_id: i64,
    /// The bilag's title on the item (empty for a document).
    pub attachment_title: String,
    /// Page number.
    pub page: u32,
    /// Its text.
    pub text: String,
    /// The bilag itself is closed.
    pub closed: bool,
}

/// A collection document as the index needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSource {
    /// Document id.
    pub id: i64,
    /// Collection name.
    pub collection: String,
    /// Document title.
    pub title: String,
    /// Its pages with text.
    pub pages: Vec<PageSource>,
}

/// What the store holds, for `status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    /// Bodies.
    pub bodies: u64,
    /// Meetings.
    pub meetings: u64,
    /// Agenda items.
    pub items: u64,
    /// Distinct attachment files.
    pub attachments: u64,
    /// Pages of all distinct attachment files (where the page count is known).
    pub pages: u64,
    /// Pages with some text.
    pub pages_with_text: u64,
    /// Document collections.
    pub collections: u64,
    /// Documents in collections.
    pub documents: u64,
    /// Attachments whose text has not been read yet.
    pub pending_text: u64,
    /// Files of watched folders that are gone from the folder.
    pub removed_files: u64,
    /// Collection documents whose file is gone (no longer searched, not in `documents`).
    pub removed_documents: u64,
}

/// A file that could not be read fully, and why.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedFile {
    /// The file as imported.
    pub path: String,
    /// Plain-words reason.
    pub reason: String,
    /// `partial`, `no_text`, `unreadable` or `problem` (not about one PDF's text).
    pub status: String,
    /// Page count where a reader could tell.
    pub page_count: Option<u32>,
}

/// The SQL condition on `a.id` that an attachment is open: an open item
/// carries it as an open bilag, or a collection document uses it. A file
/// that is open in one place and closed in another is open (it was published
/// with the open one), everywhere.
pub(crate) const OPEN_ATTACHMENT: &str =
    "(EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
              WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
         OR EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id))";

/// The SQL condition on `m.id` (a row of `meetings` named `m`) that a
/// meeting is open: it is not a closed publication's placeholder, and it has
/// an open item or no items yet. A meeting whose items are all closed is
/// closed: the open scope sees nothing of it, not even that it was held.
pub(crate) const OPEN_MEETING: &str = open_meeting!();

/// [`OPEN_MEETING`] as a literal, so [`OPEN_BODY`] can be built from it.
macro_rules! open_meeting {
    () => {
        "(m.closed = 0 AND (EXISTS (SELECT 1 FROM items i WHERE i.meeting_id = m.id AND i.closed = 0)
                           OR NOT EXISTS (SELECT 1 FROM items i WHERE i.meeting_id = m.id)))"
    };
}
use open_meeting;

/// The SQL condition on `b.id` (a row of `bodies` named `b`) that the open
/// scope knows a body: it has an open meeting, or no meeting at all. A body
/// known only from closed meetings is unknown to it.
pub(crate) const OPEN_BODY: &str = concat!(
    "(NOT EXISTS (SELECT 1 FROM meetings m WHERE m.body_id = b.id)
      OR EXISTS (SELECT 1 FROM meetings m WHERE m.body_id = b.id AND ",
    open_meeting!(),
    "))"
);

impl Reader<'_> {
    /// Counts for `status`; with `open_only`, as if closed items and the
    /// files only they use had never been stored.
    pub fn counts(&self, open_only: bool) -> Result<StoreCounts> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        // The attachments this scope sees, as a condition on `a.id`.
        let seen = if open_only { OPEN_ATTACHMENT } else { "1" };
        let items = if open_only { "WHERE closed = 0" } else { "" };
        let meetings = if open_only { OPEN_MEETING } else { "1" };
        let bodies = if open_only { OPEN_BODY } else { "1" };
        Ok(StoreCounts {
            bodies: count(&format!("SELECT count(*) FROM bodies b WHERE {bodies}"))?,
            meetings: count(&format!("SELECT count(*) FROM meetings m WHERE {meetings}"))?,
            items: count(&format!("SELECT count(*) FROM items {items}"))?,
            attachments: count(&format!("SELECT count(*) FROM attachments a WHERE {seen}"))?,
            pages: count(&format!(
                "SELECT coalesce(sum(page_count), 0) FROM attachments a WHERE {seen}"
            ))?,
            pages_with_text: count(&format!(
                "SELECT count(*) FROM pages p JOIN attachments a ON a.id = p.attachment_id
                  WHERE p.text <> '' AND {seen}"
            ))?,
            collections: count("SELECT count(*) FROM collections")?,
            documents: count("SELECT count(*) FROM documents WHERE removed_at IS NULL")?,
            pending_text: count(&format!(
                "SELECT count(*) FROM attachments a WHERE text_status IS NULL AND {seen}"
            ))?,
            removed_files: count(&format!(
                "SELECT count(*) FROM source_files sf JOIN attachments a ON a.id = sf.attachment_id
                  WHERE sf.removed_at IS NOT NULL AND {seen}"
            ))?,
            removed_documents: count(
                "SELECT count(*) FROM documents WHERE removed_at IS NOT NULL",
            )?,
        })
    }

    /// An item's position among its meeting's open items (1-based), as the
    /// open scope numbers them; `None` for a closed or unknown item.
    pub fn open_item_position(&self, item: i64) -> Result<Option<u32>> {
        Ok(self
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM items o
                          WHERE o.meeting_id = i.meeting_id AND o.closed = 0
                            AND o.number <= i.number)
                   FROM items i WHERE i.id = ?1 AND i.closed = 0",
                [item],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|n| n as u32))
    }

    /// Failed files of attachments an open item or a document uses (no
    /// path problems: those can concern closed material).
    pub fn open_failed_files(&self) -> Result<Vec<FailedFile>> {
        self.failed_files_where(&format!("AND {OPEN_ATTACHMENT}"), false)
    }

    /// Every file whose text could not be read fully, and every path problem.
    pub fn failed_files(&self) -> Result<Vec<FailedFile>> {
        self.failed_files_where("", true)
    }

    fn failed_files_where(&self, condition: &str, problems: bool) -> Result<Vec<FailedFile>> {
        let problems = if problems {
            "UNION ALL SELECT path, reason, 'problem', NULL FROM import_problems"
        } else {
            ""
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT coalesce(sf.path, 'sha256:' || a.sha256), coalesce(a.problem, ''), a.text_status, a.page_count
               FROM attachments a LEFT JOIN source_files sf ON sf.attachment_id = a.id
              WHERE a.text_status IN ('partial', 'no_text', 'unreadable') {condition}
             {problems}
             ORDER BY 1"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(FailedFile {
                path: r.get(0)?,
                reason: r.get(1)?,
                status: r.get(2)?,
                page_count: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Attachments whose text has not been read yet, with their content hash.
    pub fn pending_text(&self) -> Result<Vec<(AttachmentId, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, sha256 FROM attachments WHERE text_status IS NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((AttachmentId(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The content a file had when last seen with this size and modification time.
    pub fn known_file(
        &self,
        path: &str,
        size: u64,
        mtime_ns: i64,
    ) -> Result<Option<(AttachmentId, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT a.id, a.sha256 FROM source_files sf JOIN attachments a ON a.id = sf.attachment_id
                  WHERE sf.path = ?1 AND sf.size = ?2 AND sf.mtime_ns = ?3",
                params![path, size as i64, mtime_ns],
                |r| Ok((AttachmentId(r.get(0)?), r.get(1)?)),
            )
            .optional()?)
    }

    /// The stored text of one page of an attachment (1-based), if there is such a page.
    pub fn page_text(&self, attachment: AttachmentId, page: u32) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text FROM pages WHERE attachment_id = ?1 AND page = ?2",
                params![attachment.0, page],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The contents (SHA-256) only closed items or closed bilag use: the
    /// files a vault keeps sealed. Without `with_ocr_waiting`, files with
    /// pages waiting for OCR are left out (OCR reads them from disk; they are
    /// sealed after it, or at the latest when the vault is locked).
    pub fn closed_only_files(&self, with_ocr_waiting: bool) -> Result<Vec<String>> {
        let waiting = if with_ocr_waiting {
            ""
        } else {
            " AND NOT EXISTS (SELECT 1 FROM ocr_pages o WHERE o.attachment_id = a.id AND o.state = 'queued')"
        };
        let sql =
            format!("SELECT a.sha256 FROM attachments a WHERE NOT {OPEN_ATTACHMENT}{waiting}");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether an attachment is open: an open bilag of an open item, or used
    /// by a collection document. `None` for an attachment nobody uses (or no
    /// such attachment).
    pub fn attachment_is_open(&self, attachment: AttachmentId) -> Result<Option<bool>> {
        let (users, open): (i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(open), 0) FROM (
                 SELECT i.closed = 0 AND ia.closed = 0 AS open FROM item_attachments ia
                   JOIN items i ON i.id = ia.item_id WHERE ia.attachment_id = ?1
                 UNION ALL
                 SELECT 1 FROM documents WHERE attachment_id = ?1)",
            [attachment.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((users > 0).then_some(open > 0))
    }

    /// An item's own text as the index holds it: the case text, then the
    /// subjects of a briefing.
    pub fn item_text(&self, item_id: i64) -> Result<Option<String>> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT case_text,
                        (SELECT group_concat(title, '\n') FROM item_subjects WHERE item_id = i.id)
                   FROM items i WHERE id = ?1",
                [item_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(case_text, subjects)| {
            [case_text, subjects]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        }))
    }

    /// The public portal link of an item that came from a portal:
    /// `<portal>/vis?id=<meeting>&punktid=<item>` (the latest publication's ids).
    pub fn portal_link(&self, item_id: i64) -> Result<Option<String>> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT s.location, pm.portal_id,
                        (SELECT source_id FROM item_sources
                          WHERE item_id = i.id AND source = 'portal:' || s.id
                          ORDER BY rowid DESC LIMIT 1)
                   FROM items i
                   JOIN meetings m ON m.id = i.meeting_id
                   JOIN sources s ON s.id = m.source_id AND s.kind = 'portal'
                   JOIN portal_meetings pm ON pm.meeting_id = m.id AND pm.source_id = s.id
                  WHERE i.id = ?1
                  ORDER BY pm.rowid DESC LIMIT 1",
                [item_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(base, meeting, item)| {
            let item = item?;
            Some(format!(
                "{}/vis?id={meeting}&punktid={item}",
                base.trim_end_matches('/')
            ))
        }))
    }

    /// Index owners waiting to be (re)indexed, in a stable order.
    pub fn index_queue(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT owner FROM index_queue ORDER BY owner")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every body's id and current name.
    pub fn body_names(&self) -> Result<std::collections::HashMap<i64, String>> {
        let mut stmt = self.conn.prepare("SELECT id, name FROM bodies")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Bodies whose current name, former name or abbreviation matches `name`
    /// (case-insensitive; a unique prefix of a name also matches).
    /// With `open_only`, a body known only from closed meetings is unknown.
    pub fn find_bodies(&self, name: &str, open_only: bool) -> Result<Vec<BodyId>> {
        let needle = name.trim().to_lowercase();
        let seen = if open_only { OPEN_BODY } else { "1" };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT b.id, b.name, b.short FROM bodies b WHERE {seen}
             UNION ALL SELECT b.id, n.name, NULL FROM body_names n JOIN bodies b ON b.id = n.body_id
              WHERE {seen}"
        ))?;
        let rows: Vec<(i64, String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let exact: Vec<BodyId> = rows
            .iter()
            .filter(|(_, n, s)| {
                n.to_lowercase() == needle
                    || s.as_deref().map(str::to_lowercase) == Some(needle.clone())
            })
            .map(|(id, ..)| BodyId(*id))
            .collect();
        let mut found = if exact.is_empty() {
            rows.iter()
                .filter(|(_, n, _)| n.to_lowercase().starts_with(&needle))
                .map(|(id, ..)| BodyId(*id))
                .collect()
        } else {
            exact
        };
        found.sort();
        found.dedup();
        if found.is_empty() {
            return Err(Error::NotFound(format!("intet udvalg hedder «{name}»")));
        }
        Ok(found)
    }

    /// What the index documents of one owner ("item:<id>" or "doc:<id>")
    /// are made of; the index assembles them (`index::assemble`).
    pub fn index_source(&self, owner: &str) -> Result<IndexSource> {
        match owner.split_once(':') {
            Some(("item", id)) => self.item_source(parse_id(id)?),
            Some(("doc", id)) => self.document_source(parse_id(id)?),
            _ => Err(Error::Invalid(format!("ukendt indeksnøgle «{owner}»"))),
        }
    }

    fn item_source(&self, item_id: i64) -> Result<IndexSource> {
        let item = self
            .conn
            .query_row(
                "SELECT b.id, b.name, m.id, m.date, i.number, i.title, i.kind, i.closed,
                        i.case_number, i.case_text,
                        (SELECT group_concat(title, '\n') FROM item_subjects WHERE item_id = i.id)
                   FROM items i JOIN meetings m ON m.id = i.meeting_id JOIN bodies b ON b.id = m.body_id
                  WHERE i.id = ?1",
                [item_id],
                |r| {
                    Ok(ItemSource {
                        id: item_id,
                        body_id: r.get(0)?,
                        body: r.get(1)?,
                        meeting_id: r.get(2)?,
                        date: r.get(3)?,
                        number: r.get(4)?,
                        title: r.get(5)?,
                        kind: ItemKind::parse(&r.get::<_, String>(6)?),
                        closed: r.get(7)?,
                        case_number: r.get(8)?,
                        text: [r.get::<_, Option<String>>(9)?, r.get(10)?]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join("\n"),
                        pages: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut item) = item else {
            return Ok(IndexSource::Gone);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT ia.attachment_id, ia.title, p.page, p.text, ia.closed
               FROM item_attachments ia JOIN pages p ON p.attachment_id = ia.attachment_id
              WHERE ia.item_id = ?1 AND p.text <> ''
              ORDER BY ia.ord, p.page",
        )?;
        let rows = stmt.query_map([item_id], |r| {
            Ok(PageSource {
                attachment_id: r.get(0)?,
                attachment_title: r.get(1)?,
                page: r.get(2)?,
                text: r.get(3)?,
                closed: r.get(4)?,
            })
        })?;
        item.pages = rows.collect::<rusqlite::Result<_>>()?;
        Ok(IndexSource::Item(item))
    }

    fn document_source(&self, doc_id: i64) -> Result<IndexSource> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.name, d.title, d.attachment_id, p.page, p.text
               FROM documents d JOIN collections c ON c.id = d.collection_id
               JOIN pages p ON p.attachment_id = d.attachment_id
              WHERE d.id = ?1 AND d.removed_at IS NULL AND p.text <> '' ORDER BY p.page",
        )?;
        let rows = stmt.query_map([doc_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                PageSource {
                    attachment_id: r.get(2)?,
                    attachment_title: String::new(),
                    page: r.get(3)?,
                    text: r.get(4)?,
                    closed: false,
                },
            ))
        })?;
        let mut rows = rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter();
        let Some((collection, title, first)) = rows.next() else {
            return Ok(IndexSource::Gone);
        };
        let mut pages = vec![first];
        pages.extend(rows.map(|r| r.2));
        Ok(IndexSource::Document(DocumentSource {
            id: doc_id,
            collection,
            title,
            pages,
        }))
    }
}

fn parse_id(s: &str) -> Result<i64> {
    s.parse()
        .map_err(|_| Error::Invalid(format!("ugyldigt id «{s}»")))
}
