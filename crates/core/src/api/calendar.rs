//! The meetings as an iCalendar file (RFC 5545, written with the icalendar
//! crate): one event per meeting the scope sees, with place, start and end
//! (Europe/Copenhagen through chrono-tz, written in UTC), the agenda's items
//! and pages, and a link that opens the meeting in `moedemappe serve`. The
//! UID is the meeting's, so importing a newer file updates the events; a
//! meeting the source withdrew is `STATUS:CANCELLED`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use super::{Mappe, Scope};
use crate::model::MeetingId;
use crate::store::MeetingSummary;
use crate::Result;

/// Where the links in the events point: `moedemappe serve` on its default port.
pub const CALENDAR_LINK_BASE: &str = "http://127.0.0.1:7411/#/moede/";

/// A meeting without an end time lasts this long in the calendar.
const DEFAULT_HOURS: i64 = 2;

/// The UTC instant of a local Danish wall-clock time ("HH:MM…") on a day; the
/// earlier one where the clock is set back, the next valid one where it jumps.
pub fn copenhagen_instant(day: NaiveDate, clock: &str) -> Option<DateTime<Utc>> {
    let time = NaiveTime::parse_from_str(clock.get(..5)?, "%H:%M").ok()?;
    let tz = chrono_tz::Europe::Copenhagen;
    let local = day.and_time(time);
    let resolved = tz.from_local_datetime(&local).earliest().or_else(|| {
        tz.from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
    })?;
    Some(resolved.with_timezone(&Utc))
}

/// The Danish name of a publication as the store names it.
fn publication_name(stored: &str) -> &'static str {
    match crate::model::Publication::parse(stored) {
        Some(crate::model::Publication::Agenda) => "Dagsorden",
        Some(crate::model::Publication::SupplementaryAgenda) => "Tillægsdagsorden",
        Some(crate::model::Publication::Minutes) => "Referat",
        None => "Møde",
    }
}

impl Mappe {
    /// The calendar of the meetings of the bodies `bodies` names (all when
    /// empty), as `scope` sees them.
    pub(crate) fn calendar_for(&self, bodies: &[String], scope: Scope) -> Result<String> {
        let mut meetings: Vec<MeetingSummary> = Vec::new();
        if bodies.is_empty() {
            meetings = self.meetings(None, None, None, scope)?;
        }
        for name in bodies {
            meetings.extend(self.meetings_of(Some(name), None, None, scope)?);
        }
        meetings.sort_by_key(|m| (m.date, m.id));
        meetings.dedup_by_key(|m| m.id);
        let loads: std::collections::HashMap<MeetingId, (u32, u32)> = self
            .loads(&meetings, scope)?
            .into_iter()
            .map(|e| (e.meeting_id, (e.items, e.pages)))
            .collect();
        let mut calendar = Calendar::new();
        calendar.name("Mødemappe: møder");
        for m in &meetings {
            let (items, pages) = loads.get(&m.id).copied().unwrap_or_default();
            let mut event = icalendar::Event::new();
            event
                .uid(&format!("moede-{}@moedemappe", m.id))
                .summary(&m.body)
                .description(&format!(
                    "{}: {items} {}, {pages} sider.\nÅbn i Mødemappe: {CALENDAR_LINK_BASE}{}",
                    publication_name(&m.publication),
                    if items == 1 { "punkt" } else { "punkter" },
                    m.id
                ))
                .url(&format!("{CALENDAR_LINK_BASE}{}", m.id))
                // Dated by the meeting, not the clock: the same meetings
                // give the same file.
                .timestamp(m.date.and_time(NaiveTime::MIN).and_utc());
            if let Some(place) = &m.place {
                event.location(place);
            }
            match m
                .start
                .as_deref()
                .and_then(|s| copenhagen_instant(m.date, s))
            {
                Some(start) => {
                    let end = m
                        .end
                        .as_deref()
                        .and_then(|e| copenhagen_instant(m.date, e))
                        .filter(|e| *e > start)
                        .unwrap_or(start + Duration::hours(DEFAULT_HOURS));
                    event.starts(start).ends(end);
                }
                None => {
                    event.all_day(m.date);
                }
            }
            event.status(if m.withdrawn {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
            calendar.push(event.done());
        }
        Ok(calendar.done().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_wall_clock_times_become_the_right_utc_instants() {
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let utc = |m, d, h, mi| Utc.with_ymd_and_hms(2024, m, d, h, mi, 0).unwrap();
        // Winter (CET, +1) and summer (CEST, +2).
        assert_eq!(
            copenhagen_instant(day(1, 15), "15:00"),
            Some(utc(1, 15, 14, 0))
        );
        assert_eq!(
            copenhagen_instant(day(6, 3), "15:00"),
            Some(utc(6, 3, 13, 0))
        );
        // The last Sunday of March: 02:00 → 03:00, so 10:00 is CEST.
        assert_eq!(
            copenhagen_instant(day(3, 31), "10:00"),
            Some(utc(3, 31, 8, 0))
        );
        // The last Sunday of October: 03:00 → 02:00, so 10:00 is CET.
        assert_eq!(
            copenhagen_instant(day(10, 27), "10:00"),
            Some(utc(10, 27, 9, 0))
        );
        // A time the clock skips, and one it passes twice.
        assert_eq!(
            copenhagen_instant(day(3, 31), "02:30"),
            Some(utc(3, 31, 1, 30))
        );
        assert_eq!(
            copenhagen_instant(day(10, 27), "02:30"),
            Some(utc(10, 27, 0, 30))
        );
        assert_eq!(copenhagen_instant(day(1, 15), "kl. 3"), None);
    }
}
