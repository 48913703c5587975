//! What a portal sync keeps beside the meetings themselves: the state of every
//! meeting entry last seen (so unchanged ones are not fetched again), which
//! document GUIDs are already stored (so no PDF is downloaded twice), the
//! portal ids of items, and withdrawn marks.

use super::{Reader, Writer};
use crate::model::{AttachmentId, BodyId, ItemId, MeetingId, Publication, SourceId};
use crate::Result;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use std::collections::{HashMap, HashSet};

/// What was stored about a meeting entry the last time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryState {
    /// Hash of the list entry.
    pub entry_hash: String,
    /// Everything of it was stored.
    pub complete: bool,
}

/// A meeting as a portal entry describes it.
#[derive(Debug, Clone)]
pub struct PortalMeeting<'a> {
    /// The source.
    pub source: SourceId,
    /// The body.
    pub body: BodyId,
    /// The day.
    pub date: NaiveDate,
    /// Local start "HH:MM".
    pub start: Option<String>,
    /// Local end "HH:MM".
    pub end: Option<String>,
    /// Place.
    pub place: Option<&'a str>,
    /// Which publication this entry is.
    pub publication: Publication,
    /// A closed publication ("Lukket referat"): stored as a meeting of its
    /// own, apart from the open one of the same body and day.
    pub closed: bool,
}

/// Extra facts of an item that come from a portal.
#[derive(Debug, Clone)]
pub struct ItemExtras<'a> {
    /// The portal's item id.
    pub portal_id: Option<&'a str>,
    /// The decision text.
    pub decision: Option<&'a str>,
    /// Public link to the item.
    pub link: Option<&'a str>,
    /// Earlier treatments from "Sagsforløb:": (body, date, item number, line).
    pub history: &'a [(String, Option<NaiveDate>, Option<u32>, String)],
}

fn rank(p: Publication) -> u8 {
    match p {
        Publication::Agenda => 0,
        Publication::SupplementaryAgenda => 1,
        Publication::Minutes => 2,
    }
}

impl Writer<'_> {
    /// Inserts or updates the meeting of a portal entry. Agenda, supplementary
    /// agenda and minutes of one body and day are one meeting; the publication
    /// only moves forward (agenda → minutes). Returns the meeting and whether
    /// this entry is at least as new as what was stored (only then may it
    /// overwrite existing items' text).
    pub fn upsert_portal_meeting(
        &self,
        m: &PortalMeeting<'_>,
        body_name: &str,
    ) -> Result<(MeetingId, bool)> {
        let lukket = if m.closed { ":lukket" } else { "" };
        let key = format!("portal:{}:{}/{}{lukket}", m.source.0, body_name, m.date);
        let existing: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT id, publication FROM meetings WHERE source_key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let existing = match existing {
            None if !m.closed => self.adopt_received(&key, body_name, m.date)?,
            found => found,
        };
        match existing {
            None => {
                self.tx.execute(
                    "INSERT INTO meetings (body_id, date, start_time, end_time, place, publication, source_key, source_id, closed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![m.body.0, m.date, m.start, m.end, m.place, m.publication.as_str(), key, m.source.0, m.closed],
                )?;
                Ok((MeetingId(self.tx.last_insert_rowid()), true))
            }
            Some((id, stored)) => {
                let stored = Publication::parse(&stored).unwrap_or(Publication::Agenda);
                let newer = rank(m.publication) >= rank(stored);
                let publication = if newer { m.publication } else { stored };
                self.tx.execute(
                    "UPDATE meetings SET start_time = coalesce(?2, start_time), end_time = coalesce(?3, end_time),
                            place = coalesce(?4, place), publication = ?5, source_id = ?6, withdrawn_at = NULL
                      WHERE id = ?1",
                    params![id, m.start, m.end, m.place, publication.as_str(), m.source.0],
                )?;
                Ok((MeetingId(id), newer))
            }
        }
    }

    /// The meeting of this body and day taken from a colleague nearby, made
    /// the portal's own under `key`: its items (numbered as the colleague's
    /// open scope numbered them) give way to the portal's, except one a note
    /// holds on to by the item alone, and the "received from" mark goes.
    fn adopt_received(
        &self,
        key: &str,
        body_name: &str,
        date: NaiveDate,
    ) -> Result<Option<(i64, String)>> {
        let nearby = format!("nearby:{body_name}/{date}");
        let found: Option<(i64, String)> = self
            .tx
            .query_row(
                "SELECT id, publication FROM meetings WHERE source_key = ?1",
                [&nearby],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, _)) = found else {
            return Ok(None);
        };
        self.tx.execute(
            "UPDATE meetings SET source_key = ?2 WHERE id = ?1",
            params![id, key],
        )?;
        self.tx
            .execute("DELETE FROM received_meetings WHERE meeting_id = ?1", [id])?;
        let kept = "SELECT item_id FROM annotations WHERE item_id IS NOT NULL
                      AND case_number IS NULL AND target_sha256 IS NULL";
        self.tx.execute(
            &format!(
                "INSERT OR IGNORE INTO index_queue (owner)
                 SELECT 'item:' || id FROM items WHERE meeting_id = ?1 AND id NOT IN ({kept})"
            ),
            [id],
        )?;
        self.tx.execute(
            &format!("DELETE FROM items WHERE meeting_id = ?1 AND id NOT IN ({kept})"),
            [id],
        )?;
        // As an agenda: whatever the portal's entry is, its items are written.
        Ok(Some((id, Publication::Agenda.as_str().to_string())))
    }

    /// Records the portal id, decision, link and case history of an item.
    pub fn record_item_extras(
        &self,
        item: ItemId,
        source: SourceId,
        x: &ItemExtras<'_>,
    ) -> Result<()> {
        if let Some(id) = x.portal_id {
            self.tx.execute(
                "INSERT INTO item_sources (item_id, source, source_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source, source_id) DO UPDATE SET item_id = excluded.item_id",
                params![item.0, format!("portal:{}", source.0), id],
            )?;
        }
        self.tx.execute(
            "UPDATE items SET decision = coalesce(?2, decision), link = coalesce(?3, link), withdrawn_at = NULL
              WHERE id = ?1",
            params![item.0, x.decision, x.link],
        )?;
        if !x.history.is_empty() {
            self.tx
                .execute("DELETE FROM item_history WHERE item_id = ?1", [item.0])?;
            for (ord, (body, date, number, line)) in x.history.iter().enumerate() {
                self.tx.execute(
                    "INSERT INTO item_history (item_id, ord, body_name, date, item_number, line)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![item.0, ord as i64, body, date, number, line],
                )?;
            }
        }
        Ok(())
    }

    /// Remembers which content a portal document had.
    pub fn record_portal_document(
        &self,
        source: SourceId,
        guid: &str,
        attachment: AttachmentId,
        path: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO portal_documents (source_id, guid, attachment_id, path) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (source_id, guid) DO UPDATE SET attachment_id = excluded.attachment_id,
                                                         path = excluded.path",
            params![source.0, guid, attachment.0, path],
        )?;
        Ok(())
    }

    /// Records what was stored from a meeting entry.
    pub fn record_portal_entry(
        &self,
        source: SourceId,
        portal_id: &str,
        meeting: MeetingId,
        entry_hash: &str,
        agenda_hash: &str,
        complete: bool,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO portal_meetings (source_id, portal_id, meeting_id, entry_hash, agenda_hash, complete)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (source_id, portal_id) DO UPDATE SET meeting_id = excluded.meeting_id,
               entry_hash = excluded.entry_hash, agenda_hash = excluded.agenda_hash,
               complete = excluded.complete, withdrawn_at = NULL",
            params![source.0, portal_id, meeting.0, entry_hash, agenda_hash, complete],
        )?;
        Ok(())
    }

    /// Marks entries no longer listed by the portal as withdrawn, and meetings
    /// all of whose entries are withdrawn. Nothing is deleted. Returns the
    /// number of meetings newly marked.
    pub fn mark_withdrawn(&self, source: SourceId, listed: &HashSet<String>) -> Result<u64> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut stmt = self.tx.prepare(
            "SELECT portal_id FROM portal_meetings WHERE source_id = ?1 AND withdrawn_at IS NULL",
        )?;
        let stored: Vec<String> = stmt
            .query_map([source.0], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in stored.iter().filter(|id| !listed.contains(*id)) {
            self.tx.execute(
                "UPDATE portal_meetings SET withdrawn_at = ?3 WHERE source_id = ?1 AND portal_id = ?2",
                params![source.0, id, now],
            )?;
        }
        let marked = self.tx.execute(
            "UPDATE meetings SET withdrawn_at = ?2
              WHERE source_id = ?1 AND withdrawn_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM portal_meetings p
                                 WHERE p.meeting_id = meetings.id AND p.withdrawn_at IS NULL)
                AND EXISTS (SELECT 1 FROM portal_meetings p WHERE p.meeting_id = meetings.id)",
            params![source.0, now],
        )?;
        Ok(marked as u64)
    }
}

impl Reader<'_> {
    /// The state of every meeting entry of a source, by portal id.
    pub fn portal_entries(&self, source: SourceId) -> Result<HashMap<String, EntryState>> {
        let mut stmt = self.conn.prepare(
            "SELECT portal_id, entry_hash, complete FROM portal_meetings
              WHERE source_id = ?1 AND withdrawn_at IS NULL",
        )?;
        let rows = stmt.query_map([source.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                EntryState {
                    entry_hash: r.get(1)?,
                    complete: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Document GUIDs of a source that are already stored.
    pub fn portal_documents(&self, source: SourceId) -> Result<HashMap<String, AttachmentId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT guid, attachment_id FROM portal_documents WHERE source_id = ?1")?;
        let rows = stmt.query_map([source.0], |r| Ok((r.get(0)?, AttachmentId(r.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
