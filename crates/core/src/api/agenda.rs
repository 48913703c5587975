//! The member's reading load: the bodies they follow, and for each meeting
//! ahead the pages to read, new since the last sync, already read, and how
//! long the rest takes at the member's own pace.

use chrono::NaiveDate;
use serde::Serialize;

use super::Mappe;
use crate::api::Scope;
use crate::model::{BodyId, MeetingId};
use crate::store::{MeetingSummary, UpcomingMeeting};
use crate::{Error, Result};

/// The setting that holds the member's reading pace.
/// The setting of the member's reading pace (pages an hour).
pub(crate) const PACE_SETTING: &str = "pages_per_hour";
use PACE_SETTING as PACE;
/// Pages per hour until the member sets a pace.
pub const DEFAULT_PACE: u32 = 40;

/// One meeting ahead, with its reading load.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaEntry {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting_id: MeetingId,
    /// The body.
    pub body: String,
    /// The day.
    pub date: NaiveDate,
    /// When it starts, where known.
    pub start: Option<String>,
    /// Where, where known.
    pub place: Option<String>,
    /// Agenda items (closed ones only for a caller who may see them).
    pub items: u32,
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
    pub(crate) fn follow(&self, name: &str) -> Result<Vec<String>> {
        let ids = self.store.read().find_bodies(name, false)?;
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
    pub(crate) fn unfollow(&self, name: &str) -> Result<Vec<String>> {
        let ids: Vec<BodyId> = self.store.read().find_bodies(name, false)?;
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
    pub(crate) fn followed(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .read()
            .followed()?
            .into_iter()
            .map(|(_, name)| name)
            .collect())
    }

    /// The member's reading pace, pages per hour.
    pub(crate) fn reading_pace(&self) -> Result<u32> {
        let stored = self.store.read().setting(PACE)?;
        Ok(stored
            .and_then(|s| s.parse().ok())
            .filter(|p| *p > 0)
            .unwrap_or(DEFAULT_PACE))
    }

    /// Sets the reading pace (pages per hour, at least 1).
    pub(crate) fn set_reading_pace(&self, pages_per_hour: u32) -> Result<()> {
        if pages_per_hour == 0 {
            return Err(Error::Invalid(
                "tempoet skal være mindst 1 side i timen".into(),
            ));
        }
        self.store
            .write(|w| w.set_setting(PACE, &pages_per_hour.to_string()))
    }

    /// The next `next` meetings of the followed bodies on or after `from`,
    /// soonest first, each with its reading load, as a caller with `scope` sees it: without the closed
    /// scope, closed items and their attachments' pages are left out.
    pub(crate) fn agenda_for(
        &self,
        from: NaiveDate,
        next: usize,
        scope: Scope,
    ) -> Result<Vec<AgendaEntry>> {
        let meetings = self
            .store
            .read()
            .upcoming_meetings(from, next, !scope.sees_closed())?;
        self.entries(meetings, scope)
    }

    /// The last `last` meetings of the followed bodies before `before`,
    /// newest first, each with its reading load (for a member whose bodies
    /// have no meetings ahead yet); `scope` as in [`Mappe::agenda_for`].
    pub(crate) fn recent_agenda_for(
        &self,
        before: NaiveDate,
        last: usize,
        scope: Scope,
    ) -> Result<Vec<AgendaEntry>> {
        let meetings = self
            .store
            .read()
            .recent_meetings(before, last, !scope.sees_closed())?;
        self.entries(meetings, scope)
    }

    /// Every meeting (newest first) of the bodies `body` names, or of all,
    /// from `from` to `to`, each with its reading load; `scope` as in
    /// [`Mappe::agenda_for`]. A name that matches no body is an error.
    pub(crate) fn archive_for(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        scope: Scope,
    ) -> Result<Vec<AgendaEntry>> {
        let meetings = self.meetings_of(body, from, to, scope)?;
        self.loads(&meetings, scope)
    }

    /// The reading load of each of these meetings, in their order.
    pub(super) fn loads(
        &self,
        meetings: &[MeetingSummary],
        scope: Scope,
    ) -> Result<Vec<AgendaEntry>> {
        let meetings = meetings
            .iter()
            .map(|m| UpcomingMeeting {
                meeting: m.id,
                body: m.body.clone(),
                date: m.date,
                start: m.start.clone(),
            })
            .collect();
        self.entries(meetings, scope)
    }

    /// Every body that has met, by name, with whether the member follows
    /// it; without the closed scope, closed meetings count nowhere.
    pub(crate) fn bodies_to_follow(&self, scope: Scope) -> Result<Vec<BodyChoice>> {
        self.store.read().bodies_to_follow(!scope.sees_closed())
    }

    /// Follows (`on`) or stops following one body by its id; returns the
    /// bodies anew. Unlike [`Mappe::unfollow`], stopping to follow a body
    /// that was not followed is no error.
    pub(crate) fn set_following(&self, body: BodyId, on: bool) -> Result<Vec<BodyChoice>> {
        if !self.store.read().body_exists(body)? {
            return Err(Error::NotFound(format!("udvalg {body} findes ikke")));
        }
        let now = chrono::Utc::now().to_rfc3339();
        self.store.write(|w| {
            if on {
                w.follow(body, &now)
            } else {
                w.unfollow(body).map(|_| ())
            }
        })?;
        self.bodies_to_follow(Scope::Member)
    }

    fn entries(&self, meetings: Vec<UpcomingMeeting>, scope: Scope) -> Result<Vec<AgendaEntry>> {
        let pace = self.reading_pace()?;
        let mut out = Vec::with_capacity(meetings.len());
        for m in meetings {
            let read = self.store.read();
            let summary = read.meeting_summary(m.meeting)?;
            let (place, mut items, closed) = summary
                .map(|s| (s.place, s.item_count, s.closed_items))
                .unwrap_or_default();
            let mut progress = self.reading_progress(m.meeting)?;
            if !scope.sees_closed() {
                items -= closed;
                let open: std::collections::BTreeSet<_> = read
                    .meeting_items(m.meeting)?
                    .into_iter()
                    .filter_map(|i| scope.item(i))
                    .flat_map(|i| i.attachments.into_iter().map(|a| a.id))
                    .collect();
                progress
                    .attachments
                    .retain(|a| open.contains(&a.attachment));
                progress.pages = progress.attachments.iter().map(|a| a.pages).sum();
                progress.read = progress.attachments.iter().map(|a| a.read).sum();
                progress.new = progress
                    .attachments
                    .iter()
                    .filter(|a| a.new)
                    .map(|a| a.pages)
                    .sum();
            }
            let to_read = progress.pages.saturating_sub(progress.read);
            out.push(AgendaEntry {
                meeting_id: m.meeting,
                body: m.body,
                date: m.date,
                start: m.start,
                place,
                items,
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

/// A body the member may follow: its name, abbreviation, meetings and
/// whether the member follows it.
pub use crate::store::BodyRow as BodyChoice;

/// The member's reading pace.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Pace {
    /// Pages per hour.
    pub pages_per_hour: u32,
}
