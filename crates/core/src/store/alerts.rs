//! Saved searches and what is new to them: the journal of changes the
//! triggers of migration 0015 write, the matches each search has found, and
//! the release notices of followed bodies.

use super::{Reader, Writer};
use crate::model::{AttachmentId, ItemId, MeetingId};
use crate::Result;
use rusqlite::{params, OptionalExtension};

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRow {
    /// Its id.
    pub id: i64,
    /// The member's name for it.
    pub name: String,
    /// Its words and filters (JSON).
    pub query: String,
    /// When it was saved (RFC 3339, UTC).
    pub created_at: String,
    /// The last change it has looked at.
    pub checked: i64,
}

/// One entry of the journal of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertChange {
    /// A new item.
    Item(ItemId),
    /// A content whose text was read.
    Text(AttachmentId),
    /// A meeting published, or its publication changed (to this).
    Meeting(MeetingId, String),
}

/// The journal's entries in a span, with their sequence numbers.
#[derive(Debug, Clone, Default)]
pub struct AlertChanges {
    /// `(seq, change)`, oldest first.
    pub rows: Vec<(i64, AlertChange)>,
}

/// A match to record for a saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHit {
    /// `"item:<id>"` or `"page:<attachment>:<page>"`.
    pub unit: String,
    /// The item it cites.
    pub item: ItemId,
    /// The content, for a page.
    pub attachment: Option<AttachmentId>,
    /// The page.
    pub page: Option<u32>,
}

/// A recorded match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitRow {
    /// The item it cites.
    pub item: ItemId,
    /// The content, for a page.
    pub attachment: Option<AttachmentId>,
    /// The page.
    pub page: Option<u32>,
    /// When it was found.
    pub found_at: String,
    /// Whether the member has marked it seen.
    pub seen: bool,
}

/// A recorded release notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// The meeting.
    pub meeting: MeetingId,
    /// `agenda`, `supplementary_agenda` or `minutes`.
    pub publication: String,
    /// When it was found.
    pub found_at: String,
    /// Whether the member has marked it seen.
    pub seen: bool,
}

impl Reader<'_> {
    /// The saved searches, by name.
    pub fn saved_searches(&self) -> Result<Vec<SavedRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, query, created_at, checked FROM saved_searches ORDER BY name",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SavedRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    query: r.get(2)?,
                    created_at: r.get(3)?,
                    checked: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The newest entry of the journal (0 when none was ever written).
    pub fn last_change(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'alert_changes'), 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// How far release notices have looked.
    pub fn releases_checked(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT checked FROM alert_state WHERE id = 1", [], |r| {
                r.get(0)
            })?)
    }

    /// The journal after `after` up to and including `upto`.
    pub fn alert_changes(&self, after: i64, upto: i64) -> Result<AlertChanges> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, what, ref, publication FROM alert_changes
              WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map(params![after, upto], |r| {
                let seq: i64 = r.get(0)?;
                let what: String = r.get(1)?;
                let id: i64 = r.get(2)?;
                let change = match what.as_str() {
                    "item" => AlertChange::Item(ItemId(id)),
                    "text" => AlertChange::Text(AttachmentId(id)),
                    _ => AlertChange::Meeting(
                        MeetingId(id),
                        r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    ),
                };
                Ok((seq, change))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(AlertChanges { rows })
    }

    /// The matches recorded for a search in one part (`open` or `all`):
    /// those not yet seen, or with `since` every one found at or after it.
    pub fn alert_hits(&self, search: i64, part: &str, since: Option<&str>) -> Result<Vec<HitRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT item_id, attachment_id, page, found_at, seen_at IS NOT NULL
               FROM alert_hits
              WHERE search_id = ?1 AND part = ?2
                AND (CASE WHEN ?3 IS NULL THEN seen_at IS NULL ELSE found_at >= ?3 END)
              ORDER BY item_id, attachment_id, page",
        )?;
        let rows = stmt
            .query_map(params![search, part, since], |r| {
                Ok(HitRow {
                    item: ItemId(r.get(0)?),
                    attachment: r.get::<_, Option<i64>>(1)?.map(AttachmentId),
                    page: r.get(2)?,
                    found_at: r.get(3)?,
                    seen: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The release notices not yet seen, or with `since` every one found at
    /// or after it.
    pub fn release_notices(&self, since: Option<&str>) -> Result<Vec<NoticeRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT meeting_id, publication, found_at, seen_at IS NOT NULL
               FROM release_notices
              WHERE CASE WHEN ?1 IS NULL THEN seen_at IS NULL ELSE found_at >= ?1 END
              ORDER BY found_at DESC, meeting_id",
        )?;
        let rows = stmt
            .query_map(params![since], |r| {
                Ok(NoticeRow {
                    meeting: MeetingId(r.get(0)?),
                    publication: r.get(1)?,
                    found_at: r.get(2)?,
                    seen: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Whether a meeting is one to give notice of: its body followed, not
    /// withdrawn, on or after `from` (a date, `YYYY-MM-DD`).
    pub fn release_worthy(&self, meeting: MeetingId, from: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM meetings m JOIN followed_bodies f ON f.body_id = m.body_id
                  WHERE m.id = ?1 AND m.withdrawn_at IS NULL AND m.date >= ?2",
                params![meeting.0, from],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}

impl Writer<'_> {
    /// Saves a search that looks at what comes after now; `false` when the
    /// name is taken.
    pub fn save_search(&self, name: &str, query: &str, at: &str) -> Result<bool> {
        Ok(self.tx.execute(
            "INSERT INTO saved_searches (name, query, created_at, checked)
             VALUES (?1, ?2, ?3,
                     coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'alert_changes'), 0))
             ON CONFLICT (name) DO NOTHING",
            params![name, query, at],
        )? > 0)
    }

    /// Removes a saved search and its matches; `false` when there is none.
    pub fn remove_saved_search(&self, name: &str) -> Result<bool> {
        Ok(self
            .tx
            .execute("DELETE FROM saved_searches WHERE name = ?1", [name])?
            > 0)
    }

    /// Records a search's matches (one found before stays as it was) and
    /// that it has looked up to `upto`.
    pub fn record_hits(&self, search: i64, part: &str, hits: &[NewHit], at: &str) -> Result<usize> {
        // One statement for all of them (as a JSON array), not one per hit.
        let rows: Vec<_> = hits
            .iter()
            .map(|h| serde_json::json!([h.unit, h.item.0, h.attachment.map(|a| a.0), h.page]))
            .collect();
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO alert_hits
                    (search_id, part, unit, item_id, attachment_id, page, found_at)
             SELECT ?1, ?2, h.value ->> 0, h.value ->> 1, h.value ->> 2, h.value ->> 3, ?3
               FROM json_each(?4) AS h
              WHERE EXISTS (SELECT 1 FROM items WHERE id = h.value ->> 1)",
        )?;
        let rows = serde_json::Value::Array(rows).to_string();
        Ok(insert.execute(params![search, part, at, rows])?)
    }

    /// Records how far a search has looked.
    pub fn set_search_checked(&self, search: i64, upto: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE saved_searches SET checked = max(checked, ?2) WHERE id = ?1",
            params![search, upto],
        )?;
        Ok(())
    }

    /// Records a release notice (once per meeting and publication).
    pub fn record_notice(&self, meeting: MeetingId, publication: &str, at: &str) -> Result<bool> {
        Ok(self.tx.execute(
            "INSERT OR IGNORE INTO release_notices (meeting_id, publication, found_at)
             SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM meetings WHERE id = ?1)",
            params![meeting.0, publication, at],
        )? > 0)
    }

    /// Records how far release notices have looked, and forgets the journal
    /// every search and the notices have looked at.
    pub fn set_releases_checked(&self, upto: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE alert_state SET checked = max(checked, ?1) WHERE id = 1",
            [upto],
        )?;
        self.tx.execute(
            "DELETE FROM alert_changes
              WHERE seq <= min((SELECT checked FROM alert_state WHERE id = 1),
                               coalesce((SELECT min(checked) FROM saved_searches), ?1))",
            [upto],
        )?;
        Ok(())
    }

    /// Marks as seen what one search found (`Some`), or everything:
    /// every search's matches and the release notices.
    pub fn mark_alerts_seen(&self, search: Option<i64>, at: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE alert_hits SET seen_at = ?2
              WHERE seen_at IS NULL AND (?1 IS NULL OR search_id = ?1)",
            params![search, at],
        )?;
        if search.is_none() {
            self.tx.execute(
                "UPDATE release_notices SET seen_at = ?1 WHERE seen_at IS NULL",
                [at],
            )?;
        }
        Ok(())
    }
}
