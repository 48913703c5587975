//! The member's reading load: the bodies they follow, and for each meeting
//! ahead the pages to read, new since the last sync, already read, and how
//! long the rest takes at the member's own pace.

use chrono::NaiveDate;
use serde::Serialize;

use super::Mappe;
use crate::model::{BodyId, MeetingId};
use crate::{Error, Result};

/// The setting that holds the member's reading pace.
const PACE: &str = "pages_per_hour";
/// Pages per hour until the member sets a pace.
pub const DEFAULT_PACE: u32 = 40;

/// One meeting ahead, with its reading load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaEntry {
    /// The meeting.
    pub meeting_id: MeetingId,
    /// The body.
    pub body: String,
    /// The day.
    pub date: NaiveDate,
    /// When it starts, where known.
    pub start: Option<String>,
    /// Pages of its attachments (each content once).
    pub pages: u32,
    /// Pages that came with the latest import or sync.
    pub new: u32,
    /// Pages marked read.
    pub read: u32,
    /// Pages left to read.
    pub to_read: u32,
    /// Minutes the pages left take at `pages_per_hour` (rounded up).
    pub minutes: u32,
    /// The pace used.
    pub pages_per_hour: u32,
}

impl Mappe {
    /// Follows the bodies `name` matches (name, former name or abbreviation);
    /// returns the names of every followed body.
    pub fn follow(&mut self, name: &str) -> Result<Vec<String>> {
        let ids = self.store.read().find_bodies(name)?;
        let now = chrono::Utc::now().to_rfc3339();
        self.store.write(|w| {
            for id in &ids {
                w.follow(*id, &now)?;
            }
            Ok(())
        })?;
        self.followed()
    }

    /// Stops following the bodies `name` matches; an error when none of them
    /// was followed.
    pub fn unfollow(&mut self, name: &str) -> Result<Vec<String>> {
        let ids: Vec<BodyId> = self.store.read().find_bodies(name)?;
        let removed = self.store.write(|w| {
            let mut any = false;
            for id in &ids {
                any |= w.unfollow(*id)?;
            }
            Ok(any)
        })?;
        if !removed {
            return Err(Error::NotFound(format!("du følger ikke «{name}»")));
        }
        self.followed()
    }

    /// The names of the followed bodies.
    pub fn followed(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .read()
            .followed()?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    /// The member's reading pace, pages per hour.
    pub fn reading_pace(&self) -> Result<u32> {
        let stored = self.store.read().setting(PACE)?;
        Ok(stored
            .and_then(|s| s.parse().ok())
            .filter(|p| *p > 0)
            .unwrap_or(DEFAULT_PACE))
    }

    /// Sets the reading pace (pages per hour, at least 1).
    pub fn set_reading_pace(&mut self, pages_per_hour: u32) -> Result<()> {
        if pages_per_hour == 0 {
            return Err(Error::Invalid(
                "tempoet skal være mindst 1 side i timen".into(),
            ));
        }
        self.store
            .write(|w| w.set_setting(PACE, &pages_per_hour.to_string()))
    }

    /// The next `next` meetings of the followed bodies on or after `from`,
    /// soonest first, each with its reading load.
    pub fn agenda(&self, from: NaiveDate, next: usize) -> Result<Vec<AgendaEntry>> {
        let pace = self.reading_pace()?;
        let meetings = self.store.read().upcoming_meetings(from, next)?;
        let mut out = Vec::with_capacity(meetings.len());
        for m in meetings {
            let progress = self.reading_progress(m.meeting)?;
            let to_read = progress.pages.saturating_sub(progress.read);
            out.push(AgendaEntry {
                meeting_id: m.meeting,
                body: m.body,
                date: m.date,
                start: m.start,
                pages: progress.pages,
                new: progress.new,
                read: progress.read,
                to_read,
                minutes: (to_read * 60).div_ceil(pace),
                pages_per_hour: pace,
            });
        }
        Ok(out)
    }
}
