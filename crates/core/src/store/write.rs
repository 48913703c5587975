//! Writes to the store. Every function runs inside a `BEGIN IMMEDIATE`
//! transaction opened by [`Store::write`](super::Store::write), and queues the
//! index owners it touches so the index can be brought up to date afterwards.

use super::Writer;
use crate::model::{
    Access, AttachmentId, BodyId, BodyKind, CollectionId, DocumentId, FormerName, ItemFlags,
    ItemId, ItemKind, MeetingId, Period, Publication, TextStatus,
};
use crate::Result;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

/// An attachment as an item uses it: its title there and its content.
#[derive(Debug, Clone)]
pub struct AttachmentRef {
    /// Title shown for this attachment on this item.
    pub title: String,
    /// The stored content.
    pub attachment: AttachmentId,
    /// Closed on its own (a closed bilag on an open item); on a closed item
    /// every attachment is closed whatever this says.
    pub closed: bool,
}

/// A meeting as a source describes it.
#[derive(Debug, Clone)]
pub struct MeetingRecord<'a> {
    /// The body that meets.
    pub body: BodyId,
    /// The day.
    pub date: NaiveDate,
    /// Unique key within all sources, e.g. "folder:Teknisk Udvalg/2023-03-01".
    pub source_key: &'a str,
    /// Start time ("15:00"), if known.
    pub start: Option<&'a str>,
    /// End time, if known.
    pub end: Option<&'a str>,
    /// Where it is held, if known.
    pub place: Option<&'a str>,
    /// Agenda, supplementary agenda or minutes.
    pub publication: Publication,
}

/// What a source knows of a body besides its name (a folder's `body.json`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BodyFacts<'a> {
    /// Abbreviation ("TU").
    pub short: Option<&'a str>,
    /// Committee, council, Magistrat, …; unknown keeps what is stored.
    pub kind: Option<BodyKind>,
    /// Names it had before.
    pub formerly: &'a [FormerName],
    /// The period it exists in.
    pub period: Option<Period>,
}

/// An agenda item as a source describes it.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    /// Item number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ItemKind,
    /// Open or closed.
    pub access: Access,
    /// Referred, postponed, foretræde.
    pub flags: ItemFlags,
    /// Case number as printed.
    pub case_number: Option<String>,
    /// Case text.
    pub case_text: Option<String>,
    /// The decision taken; none keeps what is stored.
    pub decision: Option<String>,
    /// Subjects of a written briefing.
    pub subjects: Vec<String>,
    /// Attachments in order.
    pub attachments: Vec<AttachmentRef>,
}

impl Writer<'_> {
    /// Inserts or updates a body by name; `facts` fills the rest.
    pub fn upsert_body(&self, name: &str, facts: Option<&BodyFacts<'_>>) -> Result<BodyId> {
        let file = facts;
        let kind = file.and_then(|f| f.kind).unwrap_or(BodyKind::Committee);
        let short = file.and_then(|f| f.short);
        let period = file.and_then(|f| f.period);
        let id: i64 = self.tx.query_row(
            "INSERT INTO bodies (name, short, kind, period_from, period_to)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (name) DO UPDATE SET
               short = COALESCE(excluded.short, short),
               kind = CASE WHEN ?6 THEN excluded.kind ELSE kind END,
               period_from = COALESCE(excluded.period_from, period_from),
               period_to = COALESCE(excluded.period_to, period_to)
             RETURNING id",
            params![
                name,
                short,
                kind.as_str(),
                period.map(|p| p.from),
                period.and_then(|p| p.to),
                file.and_then(|f| f.kind).is_some()
            ],
            |r| r.get(0),
        )?;
        if let Some(file) = file {
            for former in file.formerly {
                self.tx.execute(
                    "INSERT INTO body_names (body_id, name, until) VALUES (?1, ?2, ?3)
                     ON CONFLICT (body_id, name) DO UPDATE SET until = excluded.until",
                    params![id, former.name, former.until],
                )?;
            }
        }
        Ok(BodyId(id))
    }

    /// Inserts or updates a meeting by its source key.
    pub fn upsert_meeting(&self, m: &MeetingRecord<'_>) -> Result<MeetingId> {
        let id: i64 = self.tx.query_row(
            "INSERT INTO meetings (body_id, date, start_time, end_time, place, publication, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (source_key) DO UPDATE SET
               body_id = excluded.body_id, date = excluded.date,
               start_time = excluded.start_time, end_time = excluded.end_time,
               place = excluded.place, publication = excluded.publication
             RETURNING id",
            params![
                m.body.0,
                m.date,
                m.start,
                m.end,
                m.place,
                m.publication.as_str(),
                m.source_key
            ],
            |r| r.get(0),
        )?;
        Ok(MeetingId(id))
    }

    /// Inserts or updates an item by (meeting, number), keeping its id, and
    /// replaces its subjects and the attachment list its source gives; the
    /// bilag the member attached stay (after the source's; one the source now
    /// lists itself becomes the source's). Queues it for indexing.
    pub fn upsert_item(&self, meeting: MeetingId, item: &ItemRecord) -> Result<ItemId> {
        // Fixed items often share a case number ("Meddelelser"): never a case.
        let case_id = match (&item.case_number, item.kind) {
            (Some(number), ItemKind::Regular | ItemKind::Briefing) => Some(self.case_id(number)?),
            _ => None,
        };
        let id: i64 = self.tx.query_row(
            "INSERT INTO items (meeting_id, number, title, kind, closed, referred, postponed,
                                foretraede, case_id, case_number, case_text, decision)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (meeting_id, number) DO UPDATE SET
               title = excluded.title, kind = excluded.kind, closed = excluded.closed,
               referred = excluded.referred, postponed = excluded.postponed,
               foretraede = excluded.foretraede, case_id = excluded.case_id,
               case_number = excluded.case_number, case_text = excluded.case_text,
               decision = coalesce(excluded.decision, decision)
             RETURNING id",
            params![
                meeting.0,
                item.number,
                item.title,
                item.kind.as_str(),
                item.access.is_closed(),
                item.flags.referred,
                item.flags.postponed,
                item.flags.foretraede,
                case_id,
                item.case_number,
                item.case_text,
                item.decision
            ],
            |r| r.get(0),
        )?;
        self.tx
            .execute("DELETE FROM item_subjects WHERE item_id = ?1", [id])?;
        for (ord, subject) in item.subjects.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO item_subjects (item_id, ord, title) VALUES (?1, ?2, ?3)",
                params![id, ord as i64, subject],
            )?;
        }
        self.tx.execute(
            "DELETE FROM item_attachments WHERE item_id = ?1 AND added_at IS NULL",
            [id],
        )?;
        for (ord, a) in item.attachments.iter().enumerate() {
            self.tx.execute(
                "DELETE FROM item_attachments WHERE item_id = ?1 AND attachment_id = ?2",
                params![id, a.attachment.0],
            )?;
            self.tx.execute(
                "INSERT INTO item_attachments (item_id, ord, attachment_id, title, closed)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, ord as i64, a.attachment.0, a.title, a.closed],
            )?;
        }
        self.queue_owner(&format!("item:{id}"))?;
        Ok(ItemId(id))
    }

    /// Adds a bilag the member received to an item, after every other one.
    /// False (and nothing written) when the item already has that content.
    pub fn attach_to_item(
        &self,
        item: ItemId,
        attachment: AttachmentId,
        title: &str,
        closed: bool,
        at: &str,
    ) -> Result<bool> {
        let present: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM item_attachments WHERE item_id = ?1 AND attachment_id = ?2)",
            params![item.0, attachment.0],
            |r| r.get(0),
        )?;
        if present {
            return Ok(false);
        }
        // Far after any list a source gives, so a longer list never collides.
        self.tx.execute(
            "INSERT INTO item_attachments (item_id, ord, attachment_id, title, closed, added_at)
             VALUES (?1, (SELECT max(1000000, coalesce(max(ord), 0) + 1)
                            FROM item_attachments WHERE item_id = ?1),
                     ?2, ?3, ?4, ?5)",
            params![item.0, attachment.0, title, closed, at],
        )?;
        self.queue_owner(&format!("item:{}", item.0))?;
        Ok(true)
    }

    /// Removes a bilag the member attached (never one the source lists); the
    /// content goes from the store too when nothing else uses it. Returns the
    /// hash of content that went, for its file to be removed after commit;
    /// `NotFound` when the item has no such addition.
    pub fn detach_from_item(
        &self,
        item: ItemId,
        attachment: AttachmentId,
    ) -> Result<Option<String>> {
        let removed = self.tx.execute(
            "DELETE FROM item_attachments
              WHERE item_id = ?1 AND attachment_id = ?2 AND added_at IS NOT NULL",
            params![item.0, attachment.0],
        )?;
        if removed == 0 {
            return Err(crate::Error::NotFound(format!(
                "punkt {item} har intet bilag {attachment}, som du selv har tilføjet"
            )));
        }
        self.queue_owner(&format!("item:{}", item.0))?;
        self.forget_attachment(attachment)
    }

    /// Deletes a content (and its pages) that no item, document, file on
    /// disk or portal document uses; returns its hash when it went.
    pub fn forget_attachment(&self, attachment: AttachmentId) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row(
                "DELETE FROM attachments WHERE id = ?1
                    AND NOT EXISTS (SELECT 1 FROM item_attachments WHERE attachment_id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM documents WHERE attachment_id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM source_files WHERE attachment_id = ?1)
                    AND NOT EXISTS (SELECT 1 FROM portal_documents WHERE attachment_id = ?1)
                 RETURNING sha256",
                [attachment.0],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn case_id(&self, number: &str) -> Result<i64> {
        Ok(self.tx.query_row(
            "INSERT INTO cases (number) VALUES (?1)
             ON CONFLICT (number) DO UPDATE SET number = excluded.number
             RETURNING id",
            [number],
            |r| r.get(0),
        )?)
    }

    /// The attachment row for a content hash, created when new.
    pub fn attachment(&self, sha256: &str, size: u64) -> Result<AttachmentId> {
        let id: i64 = self.tx.query_row(
            "INSERT INTO attachments (sha256, size) VALUES (?1, ?2)
             ON CONFLICT (sha256) DO UPDATE SET size = excluded.size
             RETURNING id",
            params![sha256, size as i64],
            |r| r.get(0),
        )?;
        Ok(AttachmentId(id))
    }

    /// Remembers which content a file on disk had, so an unchanged file is not hashed again.
    pub fn record_source_file(
        &self,
        path: &str,
        size: u64,
        mtime_ns: i64,
        attachment: AttachmentId,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO source_files (path, size, mtime_ns, attachment_id) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
               attachment_id = excluded.attachment_id",
            params![path, size as i64, mtime_ns, attachment.0],
        )?;
        Ok(())
    }

    /// Stores the text of an attachment's pages and how the reading went, and
    /// queues every item and document that uses the attachment for indexing.
    pub fn store_text(
        &self,
        attachment: AttachmentId,
        page_count: Option<u32>,
        pages: &[String],
        status: TextStatus,
        problem: Option<&str>,
    ) -> Result<()> {
        self.tx
            .execute("DELETE FROM pages WHERE attachment_id = ?1", [attachment.0])?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO pages (attachment_id, page, text) VALUES (?1, ?2, ?3)")?;
        for (i, text) in pages.iter().enumerate() {
            insert.execute(params![attachment.0, i as i64 + 1, text])?;
        }
        self.tx.execute(
            "UPDATE attachments SET page_count = ?2, text_status = ?3, problem = ?4 WHERE id = ?1",
            params![attachment.0, page_count, status.as_str(), problem],
        )?;
        self.tx.execute(
            "INSERT OR IGNORE INTO index_queue (owner)
             SELECT 'item:' || item_id FROM item_attachments WHERE attachment_id = ?1
             UNION SELECT 'doc:' || id FROM documents WHERE attachment_id = ?1",
            [attachment.0],
        )?;
        if status != TextStatus::Unreadable {
            self.queue_ocr(attachment, pages)?;
        }
        Ok(())
    }

    /// Inserts a collection by name, or finds it.
    pub fn upsert_collection(&self, name: &str) -> Result<CollectionId> {
        let id: i64 = self.tx.query_row(
            "INSERT INTO collections (name) VALUES (?1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
            [name],
            |r| r.get(0),
        )?;
        Ok(CollectionId(id))
    }

    /// Inserts or updates a document of a collection by its relative path.
    pub fn upsert_document(
        &self,
        collection: CollectionId,
        rel_path: &str,
        title: &str,
        attachment: AttachmentId,
    ) -> Result<DocumentId> {
        let id: i64 = self.tx.query_row(
            "INSERT INTO documents (collection_id, rel_path, title, attachment_id)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (collection_id, rel_path) DO UPDATE SET
               title = excluded.title, attachment_id = excluded.attachment_id
             RETURNING id",
            params![collection.0, rel_path, title, attachment.0],
            |r| r.get(0),
        )?;
        self.queue_owner(&format!("doc:{id}"))?;
        Ok(DocumentId(id))
    }

    /// Records a problem with a path (kept until the path imports cleanly).
    pub fn set_problem(&self, path: &str, reason: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO import_problems (path, reason) VALUES (?1, ?2)
             ON CONFLICT (path) DO UPDATE SET reason = excluded.reason",
            params![path, reason],
        )?;
        Ok(())
    }

    /// Forgets a recorded problem with a path.
    pub fn clear_problem(&self, path: &str) -> Result<()> {
        self.tx
            .execute("DELETE FROM import_problems WHERE path = ?1", [path])?;
        Ok(())
    }

    /// Marks an index owner ("item:<id>", "doc:<id>") as needing re-indexing.
    pub fn queue_owner(&self, owner: &str) -> Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO index_queue (owner) VALUES (?1)",
            [owner],
        )?;
        Ok(())
    }

    /// Queues every item and document (for a full rebuild of the index).
    pub fn queue_everything(&self) -> Result<()> {
        self.tx.execute_batch(
            "INSERT OR IGNORE INTO index_queue (owner)
             SELECT 'item:' || id FROM items UNION SELECT 'doc:' || id FROM documents;",
        )?;
        Ok(())
    }

    /// Removes owners from the queue once their documents are committed to the index.
    pub fn unqueue_owners(&self, owners: &[String]) -> Result<()> {
        let mut delete = self
            .tx
            .prepare_cached("DELETE FROM index_queue WHERE owner = ?1")?;
        for owner in owners {
            delete.execute([owner])?;
        }
        Ok(())
    }

    /// The item with this number in a meeting, if there is one.
    pub fn item_id(&self, meeting: MeetingId, number: u32) -> Result<Option<ItemId>> {
        Ok(self
            .tx
            .query_row(
                "SELECT id FROM items WHERE meeting_id = ?1 AND number = ?2",
                params![meeting.0, number],
                |r| r.get(0),
            )
            .optional()?
            .map(ItemId))
    }
}
