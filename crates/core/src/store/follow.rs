//! The bodies a member follows, and their meetings ahead.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use super::read::OPEN_MEETING;
use super::{Reader, Writer};
use crate::model::{BodyId, MeetingId};
use crate::Result;

/// A body the member may follow, with when it meets (the API's `BodyChoice`).
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(any(test, feature = "ts"), ts(rename = "BodyChoice"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyRow {
    /// The body.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub id: BodyId,
    /// Its name.
    pub name: String,
    /// Its abbreviation, where known.
    pub short: Option<String>,
    /// Followed by the member.
    pub followed: bool,
    /// Its meetings (withdrawn ones left out).
    pub meetings: u32,
    /// Its last meeting day.
    pub last_meeting: Option<NaiveDate>,
}

/// A meeting ahead of a followed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingMeeting {
    /// The meeting.
    pub meeting: MeetingId,
    /// The body's name.
    pub body: String,
    /// The day.
    pub date: NaiveDate,
    /// When it starts ("HH:MM…"), where known.
    pub start: Option<String>,
}

impl Writer<'_> {
    /// Follows a body (again: no change).
    pub fn follow(&self, body: BodyId, since: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO followed_bodies (body_id, since) VALUES (?1, ?2)
             ON CONFLICT (body_id) DO NOTHING",
            params![body.0, since],
        )?;
        Ok(())
    }

    /// Stops following a body; true when it was followed.
    pub fn unfollow(&self, body: BodyId) -> Result<bool> {
        Ok(self
            .tx
            .execute("DELETE FROM followed_bodies WHERE body_id = ?1", [body.0])?
            > 0)
    }
}

impl Reader<'_> {
    /// The followed bodies' ids and names, by name.
    pub fn followed(&self) -> Result<Vec<(BodyId, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.id, b.name FROM followed_bodies f JOIN bodies b ON b.id = f.body_id
              ORDER BY b.name",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((BodyId(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A body's name and former names.
    pub fn body_all_names(&self, body: BodyId) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT name FROM bodies WHERE id = ?1
             UNION ALL SELECT name FROM body_names WHERE body_id = ?1",
        )?;
        let rows = stmt
            .query_map([body.0], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The next `limit` meetings of followed bodies on or after `from`
    /// (withdrawn ones left out), soonest first.
    /// With `open_only`, closed meetings are left out as if never stored.
    pub fn upcoming_meetings(
        &self,
        from: NaiveDate,
        limit: usize,
        open_only: bool,
    ) -> Result<Vec<UpcomingMeeting>> {
        let seen = if open_only { OPEN_MEETING } else { "1" };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT m.id, b.name, m.date, m.start_time
               FROM meetings m
               JOIN followed_bodies f ON f.body_id = m.body_id
               JOIN bodies b ON b.id = m.body_id
              WHERE m.date >= ?1 AND m.withdrawn_at IS NULL AND {seen}
              ORDER BY m.date, m.start_time, b.name, m.id
              LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![from, limit as i64], upcoming_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every body that has met, or that a portal lists before its first
    /// sync, by name, with whether it is followed. With `open_only`, closed
    /// meetings count nowhere, as if never stored.
    pub fn bodies_to_follow(&self, open_only: bool) -> Result<Vec<BodyRow>> {
        let seen = if open_only { OPEN_MEETING } else { "1" };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT b.id, b.name, b.short,
                    EXISTS (SELECT 1 FROM followed_bodies f WHERE f.body_id = b.id),
                    COUNT(m.id), MAX(m.date)
               FROM bodies b
               LEFT JOIN meetings m ON m.body_id = b.id AND m.withdrawn_at IS NULL AND {seen}
              GROUP BY b.id
             -- A body with meetings shows when some are seen; one without
             -- any (listed by a portal before the first sync) always does.
             HAVING COUNT(m.id) > 0
                 OR NOT EXISTS (SELECT 1 FROM meetings x WHERE x.body_id = b.id)
              ORDER BY b.name"
        ))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BodyRow {
                    id: BodyId(r.get(0)?),
                    name: r.get(1)?,
                    short: r.get(2)?,
                    followed: r.get(3)?,
                    meetings: r.get(4)?,
                    last_meeting: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The last `limit` meetings of followed bodies before `before`
    /// (withdrawn ones left out), newest first.
    /// With `open_only`, closed meetings are left out as if never stored.
    pub fn recent_meetings(
        &self,
        before: NaiveDate,
        limit: usize,
        open_only: bool,
    ) -> Result<Vec<UpcomingMeeting>> {
        let seen = if open_only { OPEN_MEETING } else { "1" };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT m.id, b.name, m.date, m.start_time
               FROM meetings m
               JOIN followed_bodies f ON f.body_id = m.body_id
               JOIN bodies b ON b.id = m.body_id
              WHERE m.date < ?1 AND m.withdrawn_at IS NULL AND {seen}
              ORDER BY m.date DESC, m.start_time DESC, b.name, m.id
              LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![before, limit as i64], upcoming_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Whether a body exists.
    pub fn body_exists(&self, body: BodyId) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM bodies WHERE id = ?1", [body.0], |r| {
                r.get::<_, i64>(0)
            })?
            > 0)
    }
}

/// A row of `meetings.id, bodies.name, meetings.date, meetings.start_time`.
fn upcoming_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UpcomingMeeting> {
    Ok(UpcomingMeeting {
        meeting: MeetingId(r.get(0)?),
        body: r.get(1)?,
        date: r.get(2)?,
        start: r.get(3)?,
    })
}
