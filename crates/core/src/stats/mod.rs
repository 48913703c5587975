//! Workload statistics per body and period, by the rules of the council's own
//! workload analysis (2023–2024), and the drill-down behind every figure.
//!
//! What is counted, per body and period (year or month) of the meeting day:
//! - **meetings**: meetings in the store, except withdrawn ones (no longer
//!   published by their source);
//! - **meeting hours**: end minus start time of the meetings that have both
//!   ("HH:MM"; an end before the start is read as past midnight); meetings
//!   without times are counted in `meetings` but not in the hours, and
//!   `meetings_with_times` says how many had them;
//! - **items**: agenda items treated at the meeting: fixed items (approval of
//!   agenda and minutes, announcements, "Sager på vej", any other business) are
//!   left out; a postponed item is left out at the meeting that postponed it
//!   (it counts where it is treated, as its own item there); withdrawn items
//!   are left out; closed items count; a written briefing counts one per
//!   subject (one when it lists no subjects);
//! - **briefings**: the subjects of written briefings (already part of items);
//! - **referred**: counted items referred from the Byråd (one per treatment);
//! - **pages**: pages of the attachments of counted, open items, each distinct
//!   file once per meeting (a file shared by two items of one meeting counts
//!   once; the same file at another meeting counts there again). Attachments
//!   of closed items and of postponed or withdrawn items are not counted;
//!   attachments of open fixed items are (members must read them; the rule on
//!   fixed items is about the item count). A file whose page count no reader
//!   could tell adds 0 pages and is counted in `attachments_without_pages`, so
//!   the page figure is then a lower bound.
//!
//! The figures come from a few GROUP BY queries in `store::stats`; the
//! drill-down ([`explain`]) lists the same meetings, items and attachments
//! with what each contributes and, where it contributes nothing, why.

use crate::model::{Access, AttachmentId, BodyId, ItemId, ItemKind, MeetingId};
use crate::store::{Reader, StatsCounts};
use crate::{Error, Result};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// The length of one period of the statistics.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Calendar years ("2023").
    #[default]
    Year,
    /// Calendar months ("2023-04").
    Month,
}

impl Interval {
    /// Parses "year" / "month" (also Danish "år" / "måned").
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "year" | "år" | "aar" => Some(Interval::Year),
            "month" | "måned" | "maaned" => Some(Interval::Month),
            _ => None,
        }
    }

    /// The stable name ("year", "month").
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Year => "year",
            Interval::Month => "month",
        }
    }

    /// The first day of the period that holds `d`.
    fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            Interval::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
            Interval::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        }
        .expect("first day of a period")
    }

    /// The first day of the next period.
    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Interval::Year => start + Months::new(12),
            Interval::Month => start + Months::new(1),
        }
    }

    /// The period key of the period starting on `start`: "2023" or "2023-04".
    fn key(self, start: NaiveDate) -> String {
        match self {
            Interval::Year => format!("{:04}", start.year()),
            Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
        }
    }
}

/// What to count: a span of meeting days, some bodies, and the period length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsQuery {
    /// First meeting day counted (inclusive), if any.
    pub from: Option<NaiveDate>,
    /// Last meeting day counted (inclusive), if any.
    pub to: Option<NaiveDate>,
    /// Only these bodies; empty: every body with a meeting in the span.
    pub body_ids: Vec<BodyId>,
    /// Years or months.
    pub by: Interval,
}

/// The figures of one body in one period. Field names are the stable CSV
/// and JSON column names.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsRow {
    /// Store id of the body.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub body_id: BodyId,
    /// The body's current name.
    pub body: String,
    /// Its abbreviation, if it has one.
    pub body_short: Option<String>,
    /// "2023" or "2023-04".
    pub period: String,
    /// First day of the period counted (the query's `from` when later).
    pub period_start: NaiveDate,
    /// Last day of the period counted (the query's `to` when earlier).
    pub period_end: NaiveDate,
    /// Meetings held.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meetings: u64,
    /// Meetings with a start and end time.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meetings_with_times: u64,
    /// Hours of those meetings (to two decimals).
    pub meeting_hours: f64,
    /// Average hours per meeting with times; `None` when there is none.
    pub avg_meeting_hours: Option<f64>,
    /// Counted agenda items (fixed and postponed out, briefings by subject).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub items: u64,
    /// Subjects of written briefings (included in `items`).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub briefings: u64,
    /// Counted items referred from the Byråd.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub referred: u64,
    /// Counted attachment files (distinct per meeting, open items only).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub attachments: u64,
    /// Pages of the counted attachment files.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub pages: u64,
    /// Counted files whose page count is unknown (they add 0 pages).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub attachments_without_pages: u64,
}

/// The statistics asked for: one row per body × period.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The query's first day, if any.
    pub from: Option<NaiveDate>,
    /// The query's last day, if any.
    pub to: Option<NaiveDate>,
    /// Years or months.
    pub by: Interval,
    /// One row per body and period, by body name, then period. Every period
    /// between the first and the last (of the query, or else of the meetings
    /// found) has a row for every body shown, with zeros where it did not meet.
    pub rows: Vec<StatsRow>,
}

fn hours(minutes: u64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Computes the statistics from the store.
pub fn compute(read: &Reader<'_>, q: &StatsQuery, open_only: bool) -> Result<Stats> {
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if f > t {
            return Err(Error::Invalid(format!(
                "startdatoen {f} ligger efter slutdatoen {t}"
            )));
        }
    }
    let counts = read.stats_counts(q, open_only)?;
    let range = match (q.from, q.to) {
        (Some(f), Some(t)) => Some((f, t)),
        _ => read
            .stats_date_range(q, open_only)?
            .map(|(a, b)| (q.from.unwrap_or(a), q.to.unwrap_or(b))),
    };
    let mut rows = Vec::new();
    if let Some((first, last)) = range {
        let bodies: Vec<_> = read
            .stats_bodies(&q.body_ids)?
            .into_iter()
            .filter(|b| !q.body_ids.is_empty() || counts.keys().any(|(id, _)| *id == b.id))
            .collect();
        let empty = StatsCounts::default();
        for b in bodies {
            let mut start = q.by.start_of(first);
            while start <= last {
                let next = q.by.next(start);
                let period = q.by.key(start);
                let c = counts.get(&(b.id, period.clone())).unwrap_or(&empty);
                rows.push(StatsRow {
                    body_id: b.id,
                    body: b.name.clone(),
                    body_short: b.short.clone(),
                    period,
                    period_start: start.max(first),
                    period_end: next.pred_opt().expect("a day before").min(last),
                    meetings: c.meetings,
                    meetings_with_times: c.meetings_with_times,
                    meeting_hours: hours(c.minutes),
                    avg_meeting_hours: (c.meetings_with_times > 0)
                        .then(|| hours(c.minutes) / c.meetings_with_times as f64)
                        .map(|h| (h * 100.0).round() / 100.0),
                    items: c.items,
                    briefings: c.briefings,
                    referred: c.referred,
                    attachments: c.attachments,
                    pages: c.pages,
                    attachments_without_pages: c.attachments_without_pages,
                });
                start = next;
            }
        }
    }
    Ok(Stats {
        from: q.from,
        to: q.to,
        by: q.by,
        rows,
    })
}

/// The meetings, items and attachments behind the figures of one body in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Store id of the body.
    pub body_id: BodyId,
    /// The body's current name.
    pub body: String,
    /// "2023" or "2023-04".
    pub period: String,
    /// Every meeting counted, oldest first.
    pub meetings: Vec<ExplainedMeeting>,
}

/// One counted meeting and what it contributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedMeeting {
    /// Store id.
    pub meeting_id: MeetingId,
    /// The day.
    pub date: NaiveDate,
    /// Start "HH:MM".
    pub start: Option<String>,
    /// End "HH:MM".
    pub end: Option<String>,
    /// Minutes counted in meeting hours (`None`: no usable times).
    pub minutes: Option<u32>,
    /// Every item of the meeting, counted or not.
    pub items: Vec<ExplainedItem>,
    /// Every distinct attachment file of the meeting, counted or not.
    pub attachments: Vec<ExplainedAttachment>,
}

/// One agenda item and what it adds to `items`, `briefings` and `referred`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedItem {
    /// Store id.
    pub item_id: ItemId,
    /// Item number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Regular, fixed or briefing.
    pub kind: ItemKind,
    /// Open or closed.
    pub access: Access,
    /// Postponed at this meeting.
    pub postponed: bool,
    /// Case number.
    pub case_number: Option<String>,
    /// What it adds to `items` (0, 1, or a briefing's subjects).
    pub items: u32,
    /// What it adds to `briefings`.
    pub briefings: u32,
    /// Whether it adds one to `referred`.
    pub referred: bool,
    /// Why it adds nothing, or what is special about it (Danish, plain words).
    pub note: Option<String>,
}

/// One distinct attachment file of a meeting and what it adds to `pages`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedAttachment {
    /// Store id of the file content.
    pub attachment_id: AttachmentId,
    /// Its title (on the first item that has it).
    pub title: String,
    /// The items of this meeting that have it.
    pub item_numbers: Vec<u32>,
    /// Its page count, where known.
    pub page_count: Option<u32>,
    /// Whether it is counted (adds `page_count` pages).
    pub counted: bool,
    /// Why it is not counted, or what is special about it (Danish, plain words).
    pub note: Option<String>,
}

/// Whether an item counts at all (fixed items do not, but their attachments may).
struct ItemRule {
    treated: bool,
    open: bool,
}

/// The drill-down: for every body and period with meetings in scope, every
/// meeting with its items and attachments, and what each contributes. Summing
/// the contributions gives the figures of [`compute`].
pub fn explain(read: &Reader<'_>, q: &StatsQuery, open_only: bool) -> Result<Vec<Explanation>> {
    let (item_rows, att_rows) = read.stats_explain_rows(q, open_only)?;
    let names: BTreeMap<BodyId, String> = read
        .stats_bodies(&q.body_ids)?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let mut out: Vec<Explanation> = Vec::new();
    let mut rules: BTreeMap<ItemId, (u32, ItemRule)> = BTreeMap::new();
    for r in item_rows {
        let new_row = out
            .last()
            .is_none_or(|e| e.body_id != r.body_id || e.period != r.period);
        if new_row {
            out.push(Explanation {
                body_id: r.body_id,
                body: names.get(&r.body_id).cloned().unwrap_or_default(),
                period: r.period.clone(),
                meetings: Vec::new(),
            });
        }
        let e = out.last_mut().expect("pushed above");
        if e.meetings
            .last()
            .is_none_or(|m| m.meeting_id != r.meeting_id)
        {
            e.meetings.push(ExplainedMeeting {
                meeting_id: r.meeting_id,
                date: r.date,
                start: r.start.clone(),
                end: r.end.clone(),
                minutes: r.minutes,
                items: Vec::new(),
                attachments: Vec::new(),
            });
        }
        let Some(item_id) = r.item_id else { continue };
        let kind = ItemKind::parse(&r.kind).unwrap_or_default();
        let treated = !r.postponed && !r.withdrawn;
        let (items, briefings, note) = if r.withdrawn {
            (
                0,
                0,
                Some("trukket tilbage fra kilden: tælles ikke".to_string()),
            )
        } else if r.postponed {
            (
                0,
                0,
                Some("udsat: tælles på det møde, hvor punktet behandles".to_string()),
            )
        } else {
            match kind {
                ItemKind::Fixed => (0, 0, Some("fast punkt: tælles ikke".to_string())),
                ItemKind::Briefing if r.subjects == 0 => (
                    1,
                    1,
                    Some("skriftlig orientering uden emneliste: tælles som ét punkt".to_string()),
                ),
                ItemKind::Briefing => (
                    r.subjects,
                    r.subjects,
                    Some(format!(
                        "skriftlig orientering: tælles pr. emne ({})",
                        r.subjects
                    )),
                ),
                ItemKind::Regular if r.closed => (
                    1,
                    0,
                    Some("lukket punkt: punktet tælles, bilagene ikke".to_string()),
                ),
                ItemKind::Regular => (1, 0, None),
            }
        };
        rules.insert(
            item_id,
            (
                r.number,
                ItemRule {
                    treated,
                    open: !r.closed,
                },
            ),
        );
        e.meetings
            .last_mut()
            .expect("pushed above")
            .items
            .push(ExplainedItem {
                item_id,
                number: r.number,
                title: r.title,
                kind,
                access: if r.closed {
                    Access::Closed
                } else {
                    Access::Open
                },
                postponed: r.postponed,
                case_number: r.case_number,
                items,
                briefings,
                referred: treated && kind != ItemKind::Fixed && r.referred,
                note,
            });
    }
    // Attachments, grouped per meeting by file content.
    let mut per_meeting: BTreeMap<MeetingId, Vec<ExplainedAttachment>> = BTreeMap::new();
    // Why a file was not counted: (on a closed treated item, on an open item
    // not treated here, a closed bilag of an open treated item).
    let mut reasons: BTreeMap<(MeetingId, AttachmentId), (bool, bool, bool)> = BTreeMap::new();
    for a in att_rows {
        let Some((number, rule)) = rules.get(&a.item_id) else {
            continue;
        };
        let list = per_meeting.entry(a.meeting_id).or_default();
        let idx = match list.iter().position(|x| x.attachment_id == a.attachment_id) {
            Some(i) => i,
            None => {
                list.push(ExplainedAttachment {
                    attachment_id: a.attachment_id,
                    title: a.title,
                    item_numbers: Vec::new(),
                    page_count: a.pages,
                    counted: false,
                    note: None,
                });
                list.len() - 1
            }
        };
        let x = &mut list[idx];
        if !x.item_numbers.contains(number) {
            x.item_numbers.push(*number);
        }
        x.counted |= rule.treated && rule.open && !a.closed;
        let r = reasons.entry((a.meeting_id, a.attachment_id)).or_default();
        r.0 |= rule.treated && !rule.open;
        r.1 |= !rule.treated && rule.open;
        r.2 |= rule.treated && rule.open && a.closed;
    }
    for e in &mut out {
        for m in &mut e.meetings {
            let mut list = per_meeting.remove(&m.meeting_id).unwrap_or_default();
            for x in &mut list {
                let (closed, untreated, closed_bilag) = reasons[&(m.meeting_id, x.attachment_id)];
                x.note = if !x.counted {
                    Some(
                        if closed_bilag {
                            "lukket bilag på et åbent punkt: tælles ikke"
                        } else if closed {
                            "kun på lukkede punkter: tælles ikke"
                        } else if untreated {
                            "kun på punkter, der ikke behandles her (udsat eller trukket tilbage): tælles ikke"
                        } else {
                            "tælles ikke"
                        }
                        .to_string(),
                    )
                } else if x.page_count.is_none() {
                    Some("sidetallet er ukendt: tælles som 0 sider".to_string())
                } else if x.item_numbers.len() > 1 {
                    Some(format!(
                        "på {} punkter på samme møde: tælles én gang",
                        x.item_numbers.len()
                    ))
                } else {
                    None
                };
            }
            m.attachments = list;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
