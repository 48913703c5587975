//! The SQL behind the workload statistics (`core::stats`): a few GROUP BY
//! queries over meetings, items and attachments for the figures, and one
//! plain listing of the same rows for the drill-down (`--explain`).
//!
//! The counting rules live in the WHERE clauses below and in
//! [`crate::stats`]'s module docs; the two must say the same thing.

use super::read::OPEN_MEETING;
use super::Reader;
use crate::model::{AttachmentId, BodyId, ItemId, MeetingId};
use crate::stats::{Interval, StatsQuery};
use crate::Result;
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeMap;

/// The figures of one body in one period, before periods without meetings are filled in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsCounts {
    /// Meetings held (withdrawn ones left out).
    pub meetings: u64,
    /// Meetings with a usable start and end time.
    pub meetings_with_times: u64,
    /// Minutes of those meetings.
    pub minutes: u64,
    /// Counted agenda items (briefing subjects included).
    pub items: u64,
    /// Subjects of written briefings (part of `items`).
    pub briefings: u64,
    /// Counted items referred from the Byråd.
    pub referred: u64,
    /// Counted attachments: distinct files per meeting.
    pub attachments: u64,
    /// Their pages, where known.
    pub pages: u64,
    /// Counted attachments whose page count is unknown (counted as 0 pages).
    pub attachments_without_pages: u64,
}

/// A body as the statistics name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsBody {
    /// Store id.
    pub id: BodyId,
    /// Current name.
    pub name: String,
    /// Abbreviation.
    pub short: Option<String>,
}

/// One agenda item of a meeting in scope, with what the rules need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainItemRow {
    /// Body.
    pub body_id: BodyId,
    /// Period key ("2023" or "2023-04").
    pub period: String,
    /// Meeting.
    pub meeting_id: MeetingId,
    /// Meeting day.
    pub date: NaiveDate,
    /// Start "HH:MM".
    pub start: Option<String>,
    /// End "HH:MM".
    pub end: Option<String>,
    /// Meeting length in minutes, when both times are usable.
    pub minutes: Option<u32>,
    /// Item (None for a meeting without items).
    pub item_id: Option<ItemId>,
    /// Item number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Stored kind ("regular", "fixed", "briefing").
    pub kind: String,
    /// Closed item.
    pub closed: bool,
    /// Postponed at this meeting.
    pub postponed: bool,
    /// Referred from the Byråd.
    pub referred: bool,
    /// Withdrawn from its source.
    pub withdrawn: bool,
    /// Case number.
    pub case_number: Option<String>,
    /// Subjects of a briefing.
    pub subjects: u32,
}

/// One attachment of an item of a meeting in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainAttachmentRow {
    /// Meeting.
    pub meeting_id: MeetingId,
    /// Item.
    pub item_id: ItemId,
    /// The file content.
    pub attachment_id: AttachmentId,
    /// Title on this item.
    pub title: String,
    /// Page count, where known.
    pub pages: Option<u32>,
    /// A closed bilag (closed on its own, whatever its item).
    pub closed: bool,
}

/// The meetings in scope: not withdrawn, inside the dates, of the chosen bodies.
/// `?1` from, `?2` to (ISO dates or NULL), `?3` a JSON array of body ids or NULL,
/// `?4` the length of the period key (4: year, 7: month).
const SCOPE: &str = "
WITH m AS (
  SELECT id, body_id, date, start_time, end_time, substr(date, 1, ?4) AS period,
         CASE WHEN start_time GLOB '[0-2][0-9]:[0-5][0-9]*' AND end_time GLOB '[0-2][0-9]:[0-5][0-9]*'
              THEN ((CAST(substr(end_time, 1, 2) AS INTEGER) * 60 + CAST(substr(end_time, 4, 2) AS INTEGER))
                  - (CAST(substr(start_time, 1, 2) AS INTEGER) * 60 + CAST(substr(start_time, 4, 2) AS INTEGER))
                  + 1440) % 1440
         END AS minutes
    FROM meetings
   WHERE withdrawn_at IS NULL /*open-meetings*/
     AND (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2)
     AND (?3 IS NULL OR body_id IN (SELECT value FROM json_each(?3)))
),
-- Items that count: treated here (not postponed), still published.
ci AS (
  SELECT i.id, i.meeting_id, i.kind, i.closed, i.referred
    FROM items i JOIN m ON m.id = i.meeting_id
   WHERE i.postponed = 0 AND i.withdrawn_at IS NULL /*open-only*/
)";

/// [`SCOPE`], for the open scope without closed items and closed meetings
/// (as if they had never been stored: they count nowhere, not even as items).
fn scope_sql(open_only: bool) -> String {
    if !open_only {
        return SCOPE.to_string();
    }
    SCOPE.replace("/*open-only*/", "AND i.closed = 0").replace(
        "/*open-meetings*/",
        &format!("AND id IN (SELECT m.id FROM meetings m WHERE {OPEN_MEETING})"),
    )
}

fn key_len(by: Interval) -> i64 {
    match by {
        Interval::Year => 4,
        Interval::Month => 7,
    }
}

fn body_filter(q: &StatsQuery) -> Option<String> {
    (!q.body_ids.is_empty()).then(|| {
        let ids: Vec<String> = q.body_ids.iter().map(|b| b.0.to_string()).collect();
        format!("[{}]", ids.join(","))
    })
}

impl Reader<'_> {
    /// The figures per (body, period) of every body and period that has a
    /// meeting in scope. Three GROUP BY queries; no row is read into Rust
    /// except the aggregates.
    pub fn stats_counts(
        &self,
        q: &StatsQuery,
        open_only: bool,
    ) -> Result<BTreeMap<(BodyId, String), StatsCounts>> {
        let scope = scope_sql(open_only);
        let bodies = body_filter(q);
        let p = params![q.from, q.to, bodies, key_len(q.by)];
        let mut out: BTreeMap<(BodyId, String), StatsCounts> = BTreeMap::new();

        let mut stmt = self.conn.prepare(&format!(
            "{scope}
             SELECT body_id, period, count(*), count(minutes), coalesce(sum(minutes), 0)
               FROM m GROUP BY body_id, period"
        ))?;
        let mut rows = stmt.query(p)?;
        while let Some(r) = rows.next()? {
            let c = out.entry((BodyId(r.get(0)?), r.get(1)?)).or_default();
            c.meetings = r.get::<_, i64>(2)? as u64;
            c.meetings_with_times = r.get::<_, i64>(3)? as u64;
            c.minutes = r.get::<_, i64>(4)? as u64;
        }

        // Fixed items are left out; a briefing counts its subjects (one when it
        // lists none); referred counts counted items with the flag.
        let mut stmt = self.conn.prepare(&format!(
            "{scope},
             subj AS (SELECT item_id, count(*) AS n FROM item_subjects
                       WHERE item_id IN (SELECT id FROM ci WHERE kind = 'briefing') GROUP BY item_id)
             SELECT m.body_id, m.period,
                    sum(CASE ci.kind WHEN 'regular' THEN 1
                                     WHEN 'briefing' THEN max(coalesce(subj.n, 0), 1) ELSE 0 END),
                    sum(CASE ci.kind WHEN 'briefing' THEN max(coalesce(subj.n, 0), 1) ELSE 0 END),
                    sum(ci.kind <> 'fixed' AND ci.referred = 1)
               FROM ci JOIN m ON m.id = ci.meeting_id LEFT JOIN subj ON subj.item_id = ci.id
              GROUP BY m.body_id, m.period"
        ))?;
        let mut rows = stmt.query(p)?;
        while let Some(r) = rows.next()? {
            let c = out.entry((BodyId(r.get(0)?), r.get(1)?)).or_default();
            c.items = r.get::<_, i64>(2)? as u64;
            c.briefings = r.get::<_, i64>(3)? as u64;
            c.referred = r.get::<_, i64>(4)? as u64;
        }

        // Pages: each distinct file once per meeting, over the open bilag of
        // the counted open items.
        let mut stmt = self.conn.prepare(&format!(
            "{scope},
             used AS (SELECT DISTINCT ci.meeting_id, ia.attachment_id
                        FROM ci JOIN item_attachments ia ON ia.item_id = ci.id
                       WHERE ci.closed = 0 AND ia.closed = 0)
             SELECT m.body_id, m.period, count(*), coalesce(sum(a.page_count), 0),
                    sum(a.page_count IS NULL)
               FROM used JOIN m ON m.id = used.meeting_id JOIN attachments a ON a.id = used.attachment_id
              GROUP BY m.body_id, m.period"
        ))?;
        let mut rows = stmt.query(p)?;
        while let Some(r) = rows.next()? {
            let c = out.entry((BodyId(r.get(0)?), r.get(1)?)).or_default();
            c.attachments = r.get::<_, i64>(2)? as u64;
            c.pages = r.get::<_, i64>(3)? as u64;
            c.attachments_without_pages = r.get::<_, i64>(4)? as u64;
        }
        Ok(out)
    }

    /// The first and last meeting day in scope (for filling empty periods).
    pub fn stats_date_range(
        &self,
        q: &StatsQuery,
        open_only: bool,
    ) -> Result<Option<(NaiveDate, NaiveDate)>> {
        let bodies = body_filter(q);
        let scope = scope_sql(open_only);
        let (a, b): (Option<NaiveDate>, Option<NaiveDate>) = self.conn.query_row(
            &format!("{scope} SELECT min(date), max(date) FROM m"),
            params![q.from, q.to, bodies, key_len(q.by)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(a.zip(b))
    }

    /// Names of the given bodies, or of every body when `ids` is empty.
    pub fn stats_bodies(&self, ids: &[BodyId]) -> Result<Vec<StatsBody>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, short FROM bodies ORDER BY name")?;
        let all = stmt
            .query_map([], |r| {
                Ok(StatsBody {
                    id: BodyId(r.get(0)?),
                    name: r.get(1)?,
                    short: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(all
            .into_iter()
            .filter(|b| ids.is_empty() || ids.contains(&b.id))
            .collect())
    }

    /// Every meeting in scope with its items (withdrawn and postponed ones
    /// included, so the drill-down can say why they were left out), and the
    /// attachments of those items. Ordered by body, date and item number.
    pub fn stats_explain_rows(
        &self,
        q: &StatsQuery,
        open_only: bool,
    ) -> Result<(Vec<ExplainItemRow>, Vec<ExplainAttachmentRow>)> {
        let scope = scope_sql(open_only);
        let only = if open_only { "AND i.closed = 0" } else { "" };
        let only_bilag = if open_only { "AND ia.closed = 0" } else { "" };
        let bodies = body_filter(q);
        let p = params![q.from, q.to, bodies, key_len(q.by)];
        let mut stmt = self.conn.prepare(&format!(
            "{scope}
             SELECT m.body_id, m.period, m.id, m.date, m.start_time, m.end_time, m.minutes,
                    i.id, i.number, i.title, i.kind, i.closed, i.postponed, i.referred,
                    i.withdrawn_at IS NOT NULL, i.case_number,
                    (SELECT count(*) FROM item_subjects s WHERE s.item_id = i.id)
               FROM m LEFT JOIN items i ON i.meeting_id = m.id {only}
              ORDER BY m.body_id, m.date, m.id, i.number"
        ))?;
        let items = stmt
            .query_map(p, |r| {
                Ok(ExplainItemRow {
                    body_id: BodyId(r.get(0)?),
                    period: r.get(1)?,
                    meeting_id: MeetingId(r.get(2)?),
                    date: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    minutes: r.get(6)?,
                    item_id: r.get::<_, Option<i64>>(7)?.map(ItemId),
                    number: r.get::<_, Option<u32>>(8)?.unwrap_or(0),
                    title: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    kind: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                    closed: r.get::<_, Option<bool>>(11)?.unwrap_or(false),
                    postponed: r.get::<_, Option<bool>>(12)?.unwrap_or(false),
                    referred: r.get::<_, Option<bool>>(13)?.unwrap_or(false),
                    withdrawn: r.get::<_, Option<bool>>(14)?.unwrap_or(false),
                    case_number: r.get(15)?,
                    subjects: r.get::<_, Option<u32>>(16)?.unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(&format!(
            "{scope}
             SELECT i.meeting_id, i.id, ia.attachment_id, ia.title, a.page_count, ia.closed
               FROM m JOIN items i ON i.meeting_id = m.id {only}
               JOIN item_attachments ia ON ia.item_id = i.id {only_bilag}
               JOIN attachments a ON a.id = ia.attachment_id
              ORDER BY m.body_id, m.date, m.id, i.number, ia.ord"
        ))?;
        let attachments = stmt
            .query_map(p, |r| {
                Ok(ExplainAttachmentRow {
                    meeting_id: MeetingId(r.get(0)?),
                    item_id: ItemId(r.get(1)?),
                    attachment_id: AttachmentId(r.get(2)?),
                    title: r.get(3)?,
                    pages: r.get(4)?,
                    closed: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((items, attachments))
    }
}
