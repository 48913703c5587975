//! Material taken from a colleague nearby: which meetings came that way and
//! from whom, which bilag texts were read on the other computer, and which
//! meeting of a body and day the member already holds.

use super::{Reader, Writer};
use crate::model::{AttachmentId, MeetingId};
use crate::Result;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

/// Where a received meeting came from.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceivedFrom {
    /// The colleague's display name.
    pub from: String,
    /// When it arrived (RFC 3339, UTC).
    pub at: String,
}

impl Writer<'_> {
    /// Marks a meeting as received from `from` (the latest take wins).
    pub fn record_received_meeting(&self, meeting: MeetingId, from: &str, at: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO received_meetings (meeting_id, from_name, received_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (meeting_id) DO UPDATE SET from_name = excluded.from_name,
               received_at = excluded.received_at",
            params![meeting.0, from, at],
        )?;
        Ok(())
    }

    /// Marks a bilag's text as read on `from`'s computer.
    pub fn record_received_text(
        &self,
        attachment: AttachmentId,
        from: &str,
        at: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO received_texts (attachment_id, from_name, received_at)
             VALUES (?1, ?2, ?3)",
            params![attachment.0, from, at],
        )?;
        Ok(())
    }
}

impl Writer<'_> {
    /// Whether an attachment's text was read (or given) already.
    pub fn text_read(&self, attachment: AttachmentId) -> Result<bool> {
        Ok(self
            .tx
            .query_row(
                "SELECT text_status IS NOT NULL FROM attachments WHERE id = ?1",
                [attachment.0],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }
}

impl Reader<'_> {
    /// Where a meeting came from, when it was taken from a colleague.
    pub fn received_meeting(&self, meeting: MeetingId) -> Result<Option<ReceivedFrom>> {
        Ok(self
            .conn
            .query_row(
                "SELECT from_name, received_at FROM received_meetings WHERE meeting_id = ?1",
                [meeting.0],
                |r| {
                    Ok(ReceivedFrom {
                        from: r.get(0)?,
                        at: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// The source keys of the open meetings (any source, withdrawn ones
    /// left out) of the body named `body` on `date`.
    pub fn meeting_keys_on(&self, body: &str, date: NaiveDate) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.source_key FROM meetings m JOIN bodies b ON b.id = m.body_id
              WHERE b.name = ?1 AND m.date = ?2 AND m.withdrawn_at IS NULL AND m.closed = 0",
        )?;
        let rows = stmt.query_map(params![body, date], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An item's case text and a briefing's subjects, apart (to hand on).
    pub fn item_parts(&self, item: i64) -> Result<(Option<String>, Vec<String>)> {
        let case_text: Option<String> = self
            .conn
            .query_row("SELECT case_text FROM items WHERE id = ?1", [item], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT title FROM item_subjects WHERE item_id = ?1 ORDER BY ord")?;
        let subjects = stmt
            .query_map([item], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((case_text, subjects))
    }
}
