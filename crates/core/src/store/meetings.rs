//! Listing meetings, for the HTTP API and the UI.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use super::read::OPEN_MEETING;
use super::Reader;
use crate::model::{BodyId, ItemFlags, ItemId, ItemKind, MeetingId};
use crate::Result;

/// A meeting as listed.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingSummary {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub id: MeetingId,
    /// The body.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub body_id: i64,
    /// The body's name.
    pub body: String,
    /// The day.
    pub date: NaiveDate,
    /// Start and end times and place, where known.
    pub start: Option<String>,
    /// See `start`.
    pub end: Option<String>,
    /// See `start`.
    pub place: Option<String>,
    /// Agenda, supplementary agenda or minutes (the latest publication).
    pub publication: String,
    /// Withdrawn by its source (kept, never deleted).
    pub withdrawn: bool,
    /// Agenda items (closed ones included only where the caller may see them).
    pub item_count: u32,
    /// Of which closed.
    pub closed_items: u32,
    /// A closed meeting: a closed publication ("Lukket referat") or a
    /// meeting whose items are all closed. Only the closed scope sees it.
    pub closed: bool,
}

impl Reader<'_> {
    /// Meetings in a date span (inclusive), of some bodies (none: all),
    /// newest first.
    pub fn meetings(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        bodies: &[BodyId],
    ) -> Result<Vec<MeetingSummary>> {
        let body_filter = if bodies.is_empty() {
            String::new()
        } else {
            let ids: Vec<String> = bodies.iter().map(|b| b.0.to_string()).collect();
            format!("AND m.body_id IN ({})", ids.join(","))
        };
        self.summaries(
            &format!("(?1 IS NULL OR m.date >= ?1) AND (?2 IS NULL OR m.date <= ?2) {body_filter}"),
            params![from, to],
        )
    }

    /// One meeting, or `None`.
    pub fn meeting_summary(&self, id: MeetingId) -> Result<Option<MeetingSummary>> {
        Ok(self
            .summaries("m.id = ?1", params![id.0])?
            .into_iter()
            .next())
    }

    fn summaries(&self, filter: &str, args: impl rusqlite::Params) -> Result<Vec<MeetingSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT m.id, b.id, b.name, m.date, m.start_time, m.end_time, m.place, m.publication,
                    m.withdrawn_at IS NOT NULL,
                    (SELECT COUNT(*) FROM items i WHERE i.meeting_id = m.id),
                    (SELECT COUNT(*) FROM items i WHERE i.meeting_id = m.id AND i.closed = 1),
                    NOT {OPEN_MEETING}
               FROM meetings m JOIN bodies b ON b.id = m.body_id
              WHERE {filter}
              ORDER BY m.date DESC, b.name, m.id"
        ))?;
        let rows = stmt
            .query_map(args, |r| {
                Ok(MeetingSummary {
                    id: MeetingId(r.get(0)?),
                    body_id: r.get(1)?,
                    body: r.get(2)?,
                    date: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    place: r.get(6)?,
                    publication: r.get(7)?,
                    withdrawn: r.get(8)?,
                    item_count: r.get(9)?,
                    closed_items: r.get(10)?,
                    closed: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Kind, flags and decision of each item of a meeting, in order.
    pub fn item_details(&self, meeting: MeetingId) -> Result<Vec<ItemDetail>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, referred, postponed, foretraede, decision
               FROM items WHERE meeting_id = ?1 ORDER BY number",
        )?;
        let rows = stmt
            .query_map([meeting.0], |r| {
                let kind: String = r.get(1)?;
                Ok(ItemDetail {
                    id: ItemId(r.get(0)?),
                    kind: ItemKind::parse(&kind).unwrap_or_default(),
                    flags: ItemFlags {
                        referred: r.get(2)?,
                        postponed: r.get(3)?,
                        foretraede: r.get(4)?,
                    },
                    decision: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// What an agenda shows of an item besides its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDetail {
    /// The item.
    pub id: ItemId,
    /// Regular, fixed or briefing.
    pub kind: ItemKind,
    /// Referred, postponed, foretræde.
    pub flags: ItemFlags,
    /// The decision, where known (minutes).
    pub decision: Option<String>,
}
