//! The demo plan: bodies, meeting calendars, agenda items, attachments and page
//! counts, decided up front without any I/O so that [`DemoPlan::expected_stats`]
//! can be checked against [`WORKLOAD_TABLE`] before a single file is written.

use super::rng::Rng;
use super::text::{self, CaseRole, Ctx, Topic};
use crate::model::{Access, BodyKind, FormerName, ItemKind, Period, Publication};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// How often a body meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Every week.
    Weekly,
    /// Every second week.
    Biweekly,
    /// Once a month.
    Monthly,
    /// Four times a year.
    Quarterly,
}

/// Target figures of one body in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearTarget {
    /// Calendar year.
    pub year: i32,
    /// Counted agenda items (see the counting rules in the module docs).
    pub items: u32,
    /// Items referred from the Byråd.
    pub referred: u32,
    /// Counted attachment pages.
    pub pages: u64,
}

/// One row of the workload table the demo corpus reproduces at scale 1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadRow {
    /// Body name, exactly as the folder is named.
    pub body: &'static str,
    /// Abbreviation, if the body has one.
    pub short: Option<&'static str>,
    /// Meeting cadence.
    pub cadence: Cadence,
    /// Average meeting length in minutes.
    pub minutes: u32,
    /// Targets for 2023 and 2024.
    pub years: [YearTarget; 2],
}

const fn row(
    body: &'static str,
    short: Option<&'static str>,
    cadence: Cadence,
    minutes: u32,
    a: (u32, u32, u64),
    b: (u32, u32, u64),
) -> WorkloadRow {
    WorkloadRow {
        body,
        short,
        cadence,
        minutes,
        years: [
            YearTarget {
                year: 2023,
                items: a.0,
                referred: a.1,
                pages: a.2,
            },
            YearTarget {
                year: 2024,
                items: b.0,
                referred: b.1,
                pages: b.2,
            },
        ],
    }
}

/// The workload of 2023 and 2024 the demo corpus reproduces exactly at scale 1.0.
pub const WORKLOAD_TABLE: &[WorkloadRow] = &[
    row(
        "Børn og Unge-udvalget",
        Some("BUU"),
        Cadence::Biweekly,
        120,
        (113, 15, 3882),
        (91, 10, 2553),
    ),
    row(
        "Kulturudvalget",
        Some("KU"),
        Cadence::Biweekly,
        90,
        (73, 6, 1444),
        (68, 9, 1457),
    ),
    row(
        "Sundheds- og Omsorgsudvalget",
        Some("SOU"),
        Cadence::Biweekly,
        90,
        (93, 7, 2076),
        (78, 6, 1550),
    ),
    row(
        "Social- og Beskæftigelsesudvalget",
        Some("SBU"),
        Cadence::Biweekly,
        90,
        (147, 9, 2238),
        (142, 8, 1748),
    ),
    row(
        "Teknisk Udvalg",
        Some("TU"),
        Cadence::Weekly,
        150,
        (116, 54, 15346),
        (121, 61, 4149),
    ),
    row(
        "Økonomi- og Erhvervsudvalget",
        Some("ØEU"),
        Cadence::Monthly,
        90,
        (53, 22, 4233),
        (67, 17, 2484),
    ),
    row(
        "Erhvervskontaktudvalget",
        None,
        Cadence::Quarterly,
        90,
        (21, 0, 143),
        (11, 0, 66),
    ),
    row(
        "Handicaprådet",
        None,
        Cadence::Monthly,
        120,
        (64, 0, 359),
        (84, 0, 418),
    ),
    row(
        "Klima- og Bæredygtighedsudvalget",
        None,
        Cadence::Monthly,
        90,
        (63, 0, 252),
        (46, 0, 309),
    ),
    row(
        "Udvalget for Mangfoldighed og Ligestilling",
        None,
        Cadence::Monthly,
        90,
        (48, 0, 287),
        (52, 0, 87),
    ),
];

/// Very large cases: (body short or name, year, pages at scale 1.0, title, attachment name).
const BIG_CASES: &[(&str, i32, u64, &str, &str)] = &[
    (
        "TU",
        2023,
        6240,
        "Letbanens etape 2 - miljøkonsekvensrapport (MKB) og forslag til kommuneplantillæg",
        "Miljøkonsekvensrapport",
    ),
    (
        "ØEU",
        2023,
        1480,
        "Budget 2024 - forslag til 1. behandling",
        "Budgetforslag 2024",
    ),
    (
        "BUU",
        2023,
        820,
        "Ny skolestruktur i Aarhus Vest - høringsmateriale",
        "Skolestrukturanalyse",
    ),
    (
        "TU",
        2024,
        760,
        "Klimatilpasning og byudvikling ved Aarhus Å - MKB",
        "MKB-rapport",
    ),
];

struct Setup {
    name: &'static str,
    short: Option<&'static str>,
    kind: BodyKind,
    cadence: Cadence,
    weekday: Weekday,
    start: (u32, u32),
    minutes: u32,
    place: &'static str,
    topics: &'static [(Topic, u64)],
    fixed: &'static [&'static str],
}

const ALL_FIXED: &[&str] = &[
    "Godkendelse af dagsorden",
    "Godkendelse af referat",
    "Meddelelser",
    "Sager på vej",
    "Eventuelt",
];
const SHORT_FIXED: &[&str] = &["Godkendelse af dagsorden", "Meddelelser", "Eventuelt"];

const SETUPS: &[Setup] = &[
    Setup {
        name: "Børn og Unge-udvalget",
        short: Some("BUU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Biweekly,
        weekday: Weekday::Wed,
        start: (15, 0),
        minutes: 120,
        place: "Rådhuset, lokale 398",
        topics: &[
            (Topic::Skole, 6),
            (Topic::Budget, 2),
            (Topic::Social, 1),
            (Topic::Sundhed, 1),
        ],
        fixed: ALL_FIXED,
    },
    Setup {
        name: "Kulturudvalget",
        short: Some("KU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Biweekly,
        weekday: Weekday::Tue,
        start: (15, 30),
        minutes: 90,
        place: "Rådhuset, lokale 390",
        topics: &[(Topic::Kultur, 6), (Topic::Budget, 2), (Topic::Klima, 1)],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Sundheds- og Omsorgsudvalget",
        short: Some("SOU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Biweekly,
        weekday: Weekday::Tue,
        start: (15, 0),
        minutes: 90,
        place: "Rådhuset, lokale 392",
        topics: &[(Topic::Aeldre, 5), (Topic::Sundhed, 3), (Topic::Budget, 2)],
        fixed: ALL_FIXED,
    },
    Setup {
        name: "Social- og Beskæftigelsesudvalget",
        short: Some("SBU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Biweekly,
        weekday: Weekday::Wed,
        start: (15, 0),
        minutes: 90,
        place: "Rådhuset, lokale 394",
        topics: &[
            (Topic::Social, 4),
            (Topic::Beskaeftigelse, 4),
            (Topic::Budget, 1),
        ],
        fixed: ALL_FIXED,
    },
    Setup {
        name: "Teknisk Udvalg",
        short: Some("TU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Weekly,
        weekday: Weekday::Mon,
        start: (14, 0),
        minutes: 150,
        place: "Rådhuset, lokale 398",
        topics: &[
            (Topic::Lokalplan, 5),
            (Topic::Trafik, 4),
            (Topic::Klima, 2),
            (Topic::Budget, 1),
        ],
        fixed: ALL_FIXED,
    },
    Setup {
        name: "Økonomi- og Erhvervsudvalget",
        short: Some("ØEU"),
        kind: BodyKind::Committee,
        cadence: Cadence::Monthly,
        weekday: Weekday::Tue,
        start: (13, 0),
        minutes: 90,
        place: "Rådhuset, Magistratssalen",
        topics: &[(Topic::Budget, 6), (Topic::Erhverv, 3), (Topic::Klima, 1)],
        fixed: ALL_FIXED,
    },
    Setup {
        name: "Erhvervskontaktudvalget",
        short: None,
        kind: BodyKind::Other,
        cadence: Cadence::Quarterly,
        weekday: Weekday::Thu,
        start: (16, 0),
        minutes: 90,
        place: "Dokk1, mødelokale 2",
        topics: &[(Topic::Erhverv, 5), (Topic::Klima, 1)],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Handicaprådet",
        short: None,
        kind: BodyKind::Other,
        cadence: Cadence::Monthly,
        weekday: Weekday::Thu,
        start: (16, 0),
        minutes: 120,
        place: "Rådhuset, lokale 390",
        topics: &[(Topic::Handicap, 6), (Topic::Trafik, 1), (Topic::Social, 1)],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Klima- og Bæredygtighedsudvalget",
        short: None,
        kind: BodyKind::TaskCommittee,
        cadence: Cadence::Monthly,
        weekday: Weekday::Thu,
        start: (15, 0),
        minutes: 90,
        place: "Rådhuset, lokale 392",
        topics: &[(Topic::Klima, 6), (Topic::Trafik, 1), (Topic::Lokalplan, 1)],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Udvalget for Mangfoldighed og Ligestilling",
        short: None,
        kind: BodyKind::TaskCommittee,
        cadence: Cadence::Monthly,
        weekday: Weekday::Tue,
        start: (16, 0),
        minutes: 90,
        place: "Rådhuset, lokale 394",
        topics: &[
            (Topic::Mangfoldighed, 6),
            (Topic::Kultur, 1),
            (Topic::Beskaeftigelse, 1),
        ],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Magistraten",
        short: None,
        kind: BodyKind::Magistrat,
        cadence: Cadence::Weekly,
        weekday: Weekday::Mon,
        start: (9, 0),
        minutes: 120,
        place: "Rådhuset, Magistratssalen",
        topics: &[
            (Topic::Budget, 3),
            (Topic::Erhverv, 1),
            (Topic::Lokalplan, 1),
            (Topic::Klima, 1),
        ],
        fixed: SHORT_FIXED,
    },
    Setup {
        name: "Byrådet",
        short: Some("BR"),
        kind: BodyKind::Council,
        cadence: Cadence::Biweekly,
        weekday: Weekday::Wed,
        start: (18, 0),
        minutes: 210,
        place: "Rådhuset, byrådssalen",
        topics: &[
            (Topic::Budget, 2),
            (Topic::Lokalplan, 2),
            (Topic::Trafik, 1),
            (Topic::Skole, 1),
        ],
        fixed: SHORT_FIXED,
    },
];

const MAGISTRAT: usize = 10;
const COUNCIL: usize = 11;
const TU: usize = 4;
const BUU: usize = 0;
const YEARS: [i32; 2] = [2023, 2024];
const OTHER_PLACES: &[&str] = &[
    "Dokk1, mødelokale 2",
    "Godsbanen, mødelokale 1",
    "Rådhuset, lokale 145",
];
const CLOSED_TITLES: &[&str] = &[
    "Køb af ejendom i {bydel}",
    "Salg af byggegrund ved {vej}",
    "Udbud af rådgivningsydelser",
    "Personalesag",
    "Forlig i voldgiftssag",
    "Erstatningssag vedrørende {vej}",
];

/// Public holidays of 2023 and 2024 on which no meeting is held.
const HOLIDAYS: &[(i32, u32, u32)] = &[
    (2023, 4, 6),
    (2023, 4, 7),
    (2023, 4, 10),
    (2023, 5, 5),
    (2023, 5, 18),
    (2023, 5, 29),
    (2023, 6, 5),
    (2024, 3, 28),
    (2024, 3, 29),
    (2024, 4, 1),
    (2024, 5, 9),
    (2024, 5, 20),
    (2024, 6, 5),
];

/// The whole demo corpus as data.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoPlan {
    /// The seed the plan was made with.
    pub seed: u64,
    /// Bodies with their meetings.
    pub bodies: Vec<PlannedBody>,
    /// Distinct attachment files; items refer to them by index.
    pub docs: Vec<PlannedDoc>,
    /// The documents of the council handbook collection.
    pub handbook: Vec<PlannedHandbookDoc>,
}

/// A body and its meetings.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedBody {
    /// Name, also the folder name.
    pub name: String,
    /// Abbreviation.
    pub short: Option<String>,
    /// Kind of body.
    pub kind: BodyKind,
    /// Earlier names.
    pub formerly: Vec<FormerName>,
    /// Election period.
    pub period: Option<Period>,
    /// Meetings in date order.
    pub meetings: Vec<PlannedMeeting>,
}

/// A meeting of a body.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMeeting {
    /// Day.
    pub date: NaiveDate,
    /// Start "HH:MM".
    pub start: String,
    /// End "HH:MM".
    pub end: String,
    /// Place.
    pub place: String,
    /// Publication (minutes for past meetings).
    pub publication: Publication,
    /// Agenda items, numbered from 1.
    pub items: Vec<PlannedItem>,
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedItem {
    /// Item number.
    pub number: u32,
    /// Full title.
    pub title: String,
    /// Regular, fixed or briefing.
    pub kind: ItemKind,
    /// Open or closed.
    pub access: Access,
    /// Case number.
    pub case_number: Option<String>,
    /// Referred from the Byråd.
    pub referred: bool,
    /// Postponed at this meeting.
    pub postponed: bool,
    /// A citizen addresses the body.
    pub foretraede: bool,
    /// Case text.
    pub case_text: String,
    /// Subjects of a written briefing.
    pub subjects: Vec<String>,
    /// Attachments.
    pub attachments: Vec<PlannedAttachment>,
}

/// An attachment of an item: a title (the file name) and the file content.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAttachment {
    /// Title, e.g. "Bilag 1 - Lokalplanforslag".
    pub title: String,
    /// Index into [`DemoPlan::docs`].
    pub doc: usize,
    /// A closed bilag on an open item (see [`mark_closed_bilag`]).
    pub closed: bool,
}

/// Where a document first appears; printed in its page headers.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOrigin {
    /// Body name.
    pub body: String,
    /// Meeting day.
    pub date: NaiveDate,
    /// Item number.
    pub item: u32,
    /// Item title.
    pub item_title: String,
    /// Case number.
    pub case_number: Option<String>,
}

/// One distinct attachment file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedDoc {
    /// Page count.
    pub pages: u32,
    /// Subject matter.
    pub topic: Topic,
    /// Name (attachment title without "Bilag N - ").
    pub name: String,
    /// Seed of its text.
    pub seed: u64,
    /// First item that uses it.
    pub origin: DocOrigin,
}

/// A document of the council handbook.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedHandbookDoc {
    /// Title, also the file name.
    pub title: String,
    /// Page count.
    pub pages: u32,
    /// Seed of its text.
    pub seed: u64,
}

/// Counted figures of one body in one year (see the counting rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyYearStats {
    /// Body name.
    pub body: String,
    /// Calendar year.
    pub year: i32,
    /// Meetings held.
    pub meetings: u32,
    /// Counted items.
    pub items: u32,
    /// Referred items.
    pub referred: u32,
    /// Counted attachment pages.
    pub pages: u64,
}

impl DemoPlan {
    /// Counted figures per body and year, by the counting rules: fixed items and
    /// postponed appearances are not items, a briefing counts its subjects, pages
    /// are those of the open bilag of open non-postponed items, each file once
    /// per meeting.
    pub fn expected_stats(&self) -> Vec<BodyYearStats> {
        let mut out = Vec::new();
        for b in &self.bodies {
            let mut years: BTreeMap<i32, BodyYearStats> = BTreeMap::new();
            for m in &b.meetings {
                let s = years.entry(m.date.year()).or_insert_with(|| BodyYearStats {
                    body: b.name.clone(),
                    year: m.date.year(),
                    meetings: 0,
                    items: 0,
                    referred: 0,
                    pages: 0,
                });
                s.meetings += 1;
                let mut seen: Vec<usize> = Vec::new();
                for it in &m.items {
                    if it.postponed {
                        continue;
                    }
                    match it.kind {
                        ItemKind::Fixed => {}
                        ItemKind::Briefing => s.items += it.subjects.len() as u32,
                        ItemKind::Regular => s.items += 1,
                    }
                    if it.referred {
                        s.referred += 1;
                    }
                    if it.access == Access::Open {
                        // Closed bilag are not counted (nor are closed items').
                        seen.extend(it.attachments.iter().filter(|a| !a.closed).map(|a| a.doc));
                    }
                }
                seen.sort_unstable();
                seen.dedup();
                s.pages += seen
                    .iter()
                    .map(|&d| u64::from(self.docs[d].pages))
                    .sum::<u64>();
            }
            out.extend(years.into_values());
        }
        out
    }

    /// Total pages of the distinct attachment files.
    pub fn doc_pages(&self) -> u64 {
        self.docs.iter().map(|d| u64::from(d.pages)).sum()
    }
}

// ---------------------------------------------------------------------------
// Drafts
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Role {
    Regular,
    ToCouncil,
    Referred(Option<NaiveDate>),
    Postponed,
    Magistrat(String),
    Council(String),
    Proposal(String),
    Closed,
    Briefing,
    Fixed,
}

#[derive(Debug, Clone)]
struct DItem {
    group: u8,
    kind: ItemKind,
    access: Access,
    title: String,
    case_number: Option<String>,
    referred: bool,
    postponed: bool,
    foretraede: bool,
    subjects: Vec<String>,
    att: Vec<(String, usize)>,
    topic: Topic,
    role: Role,
    /// An open, counted, regular item that is not the year's very large case.
    holder: bool,
    big: bool,
}

impl DItem {
    fn regular(title: String, case_number: String, topic: Topic) -> DItem {
        DItem {
            group: 3,
            kind: ItemKind::Regular,
            access: Access::Open,
            title,
            case_number: Some(case_number),
            referred: false,
            postponed: false,
            foretraede: false,
            subjects: Vec::new(),
            att: Vec::new(),
            topic,
            role: Role::Regular,
            holder: true,
            big: false,
        }
    }
}

struct DMeeting {
    date: NaiveDate,
    items: Vec<DItem>,
    /// Not yet held: published as an agenda, without decisions.
    ahead: bool,
}

struct DDoc {
    pages: u32,
    topic: Topic,
    name: String,
}

struct Builder {
    seed: u64,
    scale: f64,
    meetings: Vec<Vec<DMeeting>>,
    docs: Vec<DDoc>,
    case_counters: BTreeMap<i32, u64>,
    rng: Rng,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn is_holiday(d: NaiveDate) -> bool {
    HOLIDAYS
        .iter()
        .any(|&(y, m, dd)| d.year() == y && d.month() == m && d.day() == dd)
}

fn is_break(d: NaiveDate) -> bool {
    d.month() == 7 || (d.month() == 12 && d.day() >= 20) || (d.month() == 1 && d.day() <= 6)
}

fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n as u8).expect("weekday of month")
}

/// Meeting days of a body in a year at full scale.
fn calendar(cadence: Cadence, wd: Weekday, year: i32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    match cadence {
        Cadence::Weekly | Cadence::Biweekly => {
            let step = if cadence == Cadence::Weekly { 7 } else { 14 };
            let mut d = date(year, 1, 2);
            while d.weekday() != wd {
                d = d + Days::new(1);
            }
            while d.year() == year {
                let week = d.iso_week().week();
                if !is_break(d) && !is_holiday(d) && week != 7 && week != 42 {
                    out.push(d);
                }
                d = d + Days::new(step);
            }
        }
        Cadence::Monthly | Cadence::Quarterly => {
            for m in 1..=12u32 {
                if m == 7 || (cadence == Cadence::Quarterly && m % 3 != 0) {
                    continue;
                }
                let mut d = nth_weekday(year, m, wd, 2);
                while is_holiday(d) {
                    d = d + Days::new(1);
                }
                out.push(d);
            }
        }
    }
    out
}

fn scaled(x: u64, scale: f64) -> u64 {
    (x as f64 * scale).round() as u64
}

/// Splits `total` pages over `n` documents, each at least one page, with a
/// skewed (or, if `flat`, even) distribution and at most `max` pages each where
/// that is possible.
fn split_pages(rng: &mut Rng, total: u64, n: usize, max: u64, flat: bool) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let weights: Vec<u64> = (0..n)
        .map(|_| {
            if flat {
                rng.range(8, 12)
            } else {
                (1u64 << rng.below(6)) * rng.range(1, 4)
            }
        })
        .collect();
    let wsum: u64 = weights.iter().sum();
    let extra = total - n as u64;
    let mut pages: Vec<u64> = weights.iter().map(|w| 1 + extra * w / wsum).collect();
    let mut rem: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| ((extra * w) % wsum, i))
        .collect();
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - pages.iter().sum::<u64>();
    for &(_, i) in rem.iter().take(short as usize) {
        pages[i] += 1;
    }
    let max = max.max(total.div_ceil(n as u64));
    let mut overflow = 0;
    for p in pages.iter_mut() {
        if *p > max {
            overflow += *p - max;
            *p = max;
        }
    }
    for p in pages.iter_mut() {
        if overflow == 0 {
            break;
        }
        let add = (max - *p).min(overflow);
        *p += add;
        overflow -= add;
    }
    pages
}

impl Builder {
    fn case_number(&mut self, year: i32) -> String {
        let step = self.rng.range(1, 37);
        let start = 1000 + self.rng.below(800);
        let c = self.case_counters.entry(year).or_insert(start);
        *c += step;
        format!("EMN-{year}-{:06}", *c)
    }

    fn add_doc(&mut self, pages: u64, topic: Topic, name: String) -> usize {
        self.docs.push(DDoc {
            pages: pages as u32,
            topic,
            name,
        });
        self.docs.len() - 1
    }

    fn pick_topic(rng: &mut Rng, topics: &[(Topic, u64)]) -> Topic {
        let total: u64 = topics.iter().map(|t| t.1).sum();
        let mut r = rng.below(total);
        for &(t, w) in topics {
            if r < w {
                return t;
            }
            r -= w;
        }
        topics[0].0
    }

    fn new_regular(&mut self, rng: &mut Rng, body: usize, year: i32) -> DItem {
        let topic = Self::pick_topic(rng, SETUPS[body].topics);
        let case = self.case_number(year);
        let title = text::case_title(
            rng,
            &Ctx {
                topic,
                year,
                case_number: &case,
            },
        );
        DItem::regular(title, case, topic)
    }

    /// Builds the counted items of one table body in one year.
    fn body_year(&mut self, b: usize, t: YearTarget, big: Option<(u64, &str, &str)>) {
        let mut rng = Rng::derive(self.seed, "body-year", (b as u64) * 10_000 + t.year as u64);
        let mids: Vec<usize> = (0..self.meetings[b].len())
            .filter(|&i| self.meetings[b][i].date.year() == t.year)
            .collect();
        let m = mids.len();
        let items = u64::from(t.items);
        // Written briefings with several subjects.
        let mut subjects: Vec<u64> = Vec::new();
        let nb = if items >= 8 {
            (m / 5).max(1)
        } else if b == BUU && items >= 3 {
            1
        } else {
            0
        };
        for _ in 0..nb.min(m) {
            subjects.push(rng.range(2, 4));
        }
        let cap = (items / 4).max(2);
        while subjects.iter().sum::<u64>() > cap {
            let (i, &mx) = subjects
                .iter()
                .enumerate()
                .max_by_key(|(i, v)| (**v, usize::MAX - i))
                .expect("non-empty");
            if mx > 2 {
                subjects[i] -= 1;
            } else {
                subjects.pop();
            }
        }
        let g = items - subjects.iter().sum::<u64>();
        // Spread the regular items over the meetings.
        let weights: Vec<u64> = (0..m).map(|_| rng.range(6, 12)).collect();
        let counts = split_even(g, &weights);
        let mut regs: Vec<(usize, usize)> = Vec::new();
        for (k, &mi) in mids.iter().enumerate() {
            for _ in 0..counts[k] {
                let it = self.new_regular(&mut rng, b, t.year);
                self.meetings[b][mi].items.push(it);
                regs.push((mi, self.meetings[b][mi].items.len() - 1));
            }
        }
        let year_of = t.year;
        // Briefings.
        let mut bmeet: Vec<usize> = mids.clone();
        rng.shuffle(&mut bmeet);
        let mut briefs: Vec<(usize, usize)> = Vec::new();
        for (k, &n) in subjects.iter().enumerate() {
            let mi = bmeet[k];
            let topic = Self::pick_topic(&mut rng, SETUPS[b].topics);
            let ctx = Ctx {
                topic,
                year: year_of,
                case_number: "",
            };
            let mut subj: Vec<String> = Vec::new();
            while (subj.len() as u64) < n {
                let s = text::briefing_subject(&mut rng, &ctx);
                if !subj.contains(&s) {
                    subj.push(s);
                } else {
                    subj.push(format!("{s} ({})", subj.len() + 1));
                }
            }
            let case = self.case_number(year_of);
            let mut it = DItem::regular("Skriftlige orienteringer".into(), case, topic);
            it.kind = ItemKind::Briefing;
            it.group = 4;
            it.subjects = subj;
            it.role = Role::Briefing;
            it.holder = false;
            self.meetings[b][mi].items.push(it);
            briefs.push((mi, self.meetings[b][mi].items.len() - 1));
        }
        // The very large case.
        let mut pages_left = t.pages;
        if let Some((bp, title, name)) = big {
            if g >= 2 && bp > 0 && bp * 10 <= t.pages * 7 {
                let &(mi, ii) = rng.pick(&regs);
                let n = bp.div_ceil(140) as usize;
                let split = split_pages(&mut rng, bp, n, 200, true);
                let mut att = Vec::new();
                for (k, p) in split.into_iter().enumerate() {
                    let nm = if n > 1 {
                        format!("{name}, bind {} af {n}", k + 1)
                    } else {
                        name.to_string()
                    };
                    att.push((nm.clone(), self.add_doc(p, Topic::Lokalplan, nm)));
                }
                let it = &mut self.meetings[b][mi].items[ii];
                it.title = title.to_string();
                it.att = att;
                it.big = true;
                it.holder = false;
                if b != TU {
                    let topic = it.topic;
                    for a in &it.att {
                        self.docs[a.1].topic = topic;
                    }
                }
                pages_left -= bp;
            }
        }
        // Closed items.
        let want_closed = ((g as f64) * 0.05).round() as u64 + u64::from(b == TU);
        let mut open: Vec<(usize, usize)> = regs
            .iter()
            .copied()
            .filter(|&(mi, ii)| !self.meetings[b][mi].items[ii].big)
            .collect();
        rng.shuffle(&mut open);
        let referred = u64::from(t.referred);
        let nc = if g >= 3 {
            want_closed.min((open.len() as u64).saturating_sub(referred + 1))
        } else {
            0
        };
        for &(mi, ii) in open.iter().take(nc as usize) {
            let topic = Self::pick_topic(&mut rng, SETUPS[b].topics);
            let mut title = String::new();
            let tpl = *rng.pick(CLOSED_TITLES);
            text::expand(
                &mut rng,
                tpl,
                &Ctx {
                    topic,
                    year: year_of,
                    case_number: "",
                },
                &mut title,
            );
            let it = &mut self.meetings[b][mi].items[ii];
            it.access = Access::Closed;
            it.group = 7;
            it.role = Role::Closed;
            it.holder = false;
            it.title = title;
            let nd = rng.range(1, 2);
            for _ in 0..nd {
                let pages = rng.range(2, 25);
                let name = text::attachment_name(&mut rng, topic);
                let d = self.add_doc(pages, topic, name.clone());
                self.meetings[b][mi].items[ii].att.push((name, d));
            }
        }
        let open: Vec<(usize, usize)> = open[nc as usize..].to_vec();
        // Referred items and citizens' addresses.
        for (k, &(mi, ii)) in open.iter().enumerate() {
            let it = &mut self.meetings[b][mi].items[ii];
            if (k as u64) < referred {
                it.referred = true;
                it.role = Role::Referred(None);
            }
            if rng.chance(1, 25) {
                it.foretraede = true;
            }
        }
        if b == TU {
            if let Some(&(mi, ii)) = open.last() {
                self.meetings[b][mi].items[ii].foretraede = true;
            }
        }
        // Pages over the holders: open regular items and briefing subjects.
        let mut holders: Vec<(usize, usize, Option<usize>)> =
            open.iter().map(|&(mi, ii)| (mi, ii, None)).collect();
        for &(mi, ii) in &briefs {
            for s in 0..self.meetings[b][mi].items[ii].subjects.len() {
                holders.push((mi, ii, Some(s)));
            }
        }
        holders.sort_unstable();
        if pages_left > 0 && !holders.is_empty() {
            let nh = holders.len() as u64;
            let d = (nh * 8 / 5)
                .max(pages_left.div_ceil(90))
                .clamp(1, pages_left);
            let mut owner: Vec<usize> = Vec::with_capacity(d as usize);
            if d <= nh {
                let mut idx: Vec<usize> = (0..holders.len()).collect();
                rng.shuffle(&mut idx);
                owner.extend(idx.into_iter().take(d as usize));
            } else {
                owner.extend(0..holders.len());
                for _ in nh..d {
                    owner.push(rng.below(nh) as usize);
                }
            }
            owner.sort_unstable();
            let pages = split_pages(&mut rng, pages_left, owner.len(), 300, false);
            for (k, &h) in owner.iter().enumerate() {
                let (mi, ii, s) = holders[h];
                let topic = self.meetings[b][mi].items[ii].topic;
                let name = match s {
                    Some(s) => self.meetings[b][mi].items[ii].subjects[s].clone(),
                    None => {
                        let mut name = text::attachment_name(&mut rng, topic);
                        for _ in 0..4 {
                            if !self.meetings[b][mi].items[ii]
                                .att
                                .iter()
                                .any(|a| a.0 == name)
                            {
                                break;
                            }
                            name = text::attachment_name(&mut rng, topic);
                        }
                        name
                    }
                };
                let doc = self.add_doc(pages[k], topic, name.clone());
                self.meetings[b][mi].items[ii].att.push((name, doc));
            }
        }
        // One attachment shared by two items of the same meeting.
        let shares = (items / 60).max(u64::from(b == TU || rng.chance(1, 2)));
        for _ in 0..shares {
            let cands: Vec<usize> = mids
                .iter()
                .copied()
                .filter(|&mi| {
                    let its = &self.meetings[b][mi].items;
                    its.iter().filter(|i| i.holder).count() >= 2
                        && its.iter().any(|i| i.holder && !i.att.is_empty())
                })
                .collect();
            if cands.is_empty() {
                break;
            }
            let mi = *rng.pick(&cands);
            let its = &self.meetings[b][mi].items;
            let hs: Vec<usize> = (0..its.len()).filter(|&i| its[i].holder).collect();
            let with: Vec<usize> = hs
                .iter()
                .copied()
                .filter(|&i| !its[i].att.is_empty())
                .collect();
            let a = *rng.pick(&with);
            let others: Vec<usize> = hs.iter().copied().filter(|&i| i != a).collect();
            let o = *rng.pick(&others);
            let shared = its[a].att[0].clone();
            if !its[o].att.iter().any(|x| x.1 == shared.1) {
                self.meetings[b][mi].items[o].att.push(shared);
            }
        }
        // Postponed appearances at the body's previous meeting.
        let mut cands: Vec<(usize, usize)> =
            open.iter().copied().filter(|&(mi, _)| mi > 0).collect();
        cands.sort_unstable();
        rng.shuffle(&mut cands);
        let np = (((g as f64) * 0.04).round() as u64)
            .max(u64::from(b == TU))
            .min(cands.len() as u64);
        for &(mi, ii) in cands.iter().take(np as usize) {
            let mut copy = self.meetings[b][mi].items[ii].clone();
            copy.postponed = true;
            copy.role = Role::Postponed;
            copy.holder = false;
            copy.foretraede = false;
            self.meetings[b][mi - 1].items.push(copy);
        }
        // The Byråd's proposals behind referred items.
        for &(mi, ii) in &open {
            if !self.meetings[b][mi].items[ii].referred {
                continue;
            }
            let case = self.meetings[b][mi].items[ii].case_number.clone();
            let first = if mi > 0
                && self.meetings[b][mi - 1]
                    .items
                    .iter()
                    .any(|x| x.postponed && x.case_number == case)
            {
                self.meetings[b][mi - 1].date
            } else {
                self.meetings[b][mi].date
            };
            let council = &self.meetings[COUNCIL];
            let Some(ci) = (0..council.len())
                .rev()
                .find(|&c| council[c].date + Days::new(6) < first)
            else {
                continue;
            };
            let cdate = council[ci].date;
            let it = &mut self.meetings[b][mi].items[ii];
            it.role = Role::Referred(Some(cdate));
            let mut prop = it.clone();
            prop.referred = false;
            prop.foretraede = false;
            prop.att.clear();
            prop.holder = false;
            prop.title = format!("Medlemsforslag om {}", lower_first(&it.title));
            prop.role = Role::Proposal(SETUPS[b].name.to_string());
            self.meetings[COUNCIL][ci].items.push(prop);
        }
    }

    /// Sends one committee item on to the next Magistrat meeting and the Byråd
    /// meeting after that; false when there is no such pair of meetings.
    fn flow_one(&mut self, b: usize, mi: usize, ii: usize) -> bool {
        let d = self.meetings[b][mi].date;
        let Some(ma) = self.meetings[MAGISTRAT].iter().position(|x| x.date > d) else {
            return false;
        };
        let md = self.meetings[MAGISTRAT][ma].date;
        let Some(br) = self.meetings[COUNCIL].iter().position(|x| x.date > md) else {
            return false;
        };
        let it = &mut self.meetings[b][mi].items[ii];
        it.role = Role::ToCouncil;
        let mut copy = it.clone();
        copy.att.truncate(3);
        copy.holder = false;
        copy.foretraede = false;
        copy.role = Role::Magistrat(SETUPS[b].name.to_string());
        self.meetings[MAGISTRAT][ma].items.push(copy.clone());
        copy.role = Role::Council(SETUPS[b].name.to_string());
        self.meetings[COUNCIL][br].items.push(copy);
        true
    }

    /// Cases that go from a committee through the Magistrat to the Byråd.
    fn flows(&mut self) {
        let mut rng = Rng::derive(self.seed, "flows", 0);
        let mut any_tu = false;
        for (b, setup) in SETUPS.iter().enumerate() {
            if setup.kind != BodyKind::Committee {
                continue;
            }
            let den = if b == TU { 4 } else { 6 };
            for mi in 0..self.meetings[b].len() {
                for ii in 0..self.meetings[b][mi].items.len() {
                    let it = &self.meetings[b][mi].items[ii];
                    let eligible = it.role == Role::Regular
                        && it.access == Access::Open
                        && it.kind == ItemKind::Regular;
                    if eligible && rng.chance(1, den) && self.flow_one(b, mi, ii) && b == TU {
                        any_tu = true;
                    }
                }
            }
        }
        if !any_tu {
            // Guarantee the flow at any scale: take TU's first open regular item.
            for mi in 0..self.meetings[TU].len() {
                let found = self.meetings[TU][mi]
                    .items
                    .iter()
                    .position(|it| it.role == Role::Regular && it.access == Access::Open);
                if let Some(ii) = found {
                    if self.flow_one(TU, mi, ii) {
                        break;
                    }
                }
            }
        }
    }

    /// The Magistrat's and the Byråd's own items (free counts).
    /// Meetings of every body around `today`: the last one before it (with
    /// minutes) and the next two from it on (agendas), each with one to three
    /// short cases of its own. They lie outside the calibrated history, so
    /// its figures stay exact; a day the body already meets is skipped.
    fn around_today(&mut self, today: NaiveDate) {
        for (b, s) in SETUPS.iter().enumerate() {
            let mut rng = Rng::derive(self.seed, "today", b as u64);
            // The body's weekday, every other week, not in a break.
            let mut first = today - Days::new(35);
            while first.weekday() != s.weekday {
                first = first + Days::new(1);
            }
            if (first.iso_week().week() + b as u32) % 2 == 1 {
                first = first + Days::new(7);
            }
            let days: Vec<NaiveDate> = (0..40u64)
                .map(|k| first + Days::new(14 * k))
                .filter(|d| !is_break(*d) && !is_holiday(*d))
                .filter(|d| self.meetings[b].iter().all(|m| m.date != *d))
                .collect();
            let before = days.iter().rfind(|d| **d < today);
            let ahead = days.iter().filter(|d| **d >= today).take(2);
            for &date in before.into_iter().chain(ahead) {
                let mut items = Vec::new();
                for _ in 0..rng.range(1, 3) {
                    let mut it = self.new_regular(&mut rng, b, date.year());
                    it.holder = false;
                    for _ in 0..rng.range(1, 2) {
                        let name = text::attachment_name(&mut rng, it.topic);
                        let d = self.add_doc(rng.range(2, 9), it.topic, name.clone());
                        it.att.push((name, d));
                    }
                    items.push(it);
                }
                self.meetings[b].push(DMeeting {
                    date,
                    items,
                    ahead: date >= today,
                });
            }
            self.meetings[b].sort_by_key(|m| m.date);
        }
    }

    fn own_items(&mut self) {
        let mut rng = Rng::derive(self.seed, "own", 0);
        for b in [MAGISTRAT, COUNCIL] {
            for mi in 0..self.meetings[b].len() {
                let year = self.meetings[b][mi].date.year();
                for _ in 0..rng.range(1, 2) {
                    let mut it = self.new_regular(&mut rng, b, year);
                    it.holder = false;
                    for _ in 0..rng.range(0, 2) {
                        let name = text::attachment_name(&mut rng, it.topic);
                        let pages = rng.range(1, 30);
                        let d = self.add_doc(pages, it.topic, name.clone());
                        it.att.push((name, d));
                    }
                    self.meetings[b][mi].items.push(it);
                }
                if b == COUNCIL && rng.chance(1, 3) {
                    let case = self.case_number(year);
                    let mut title = String::from("Valg af nyt medlem til ");
                    title.push_str(rng.word(text::COMMITTEES));
                    let mut it = DItem::regular(title, case, Topic::Handbog);
                    it.holder = false;
                    self.meetings[b][mi].items.push(it);
                }
                if b == MAGISTRAT && rng.chance(1, 6) {
                    let case = self.case_number(year);
                    let mut it = DItem::regular("Personalesag".into(), case, Topic::Budget);
                    it.access = Access::Closed;
                    it.group = 7;
                    it.role = Role::Closed;
                    it.holder = false;
                    let d = self.add_doc(rng.range(2, 12), Topic::Budget, "Notat".into());
                    it.att.push(("Notat".into(), d));
                    self.meetings[b][mi].items.push(it);
                }
            }
        }
    }
}

/// A case text without its "Beslutning" section (for an agenda).
fn without_decision(text: String) -> String {
    match text.find("Beslutning\n") {
        Some(at) => text[..at].trim_end().to_string(),
        None => text,
    }
}

/// Splits `total` over slots proportionally to integer weights (largest remainder).
fn split_even(total: u64, weights: &[u64]) -> Vec<u64> {
    let wsum: u64 = weights.iter().sum::<u64>().max(1);
    let mut out: Vec<u64> = weights.iter().map(|w| total * w / wsum).collect();
    let mut rem: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| ((total * w) % wsum, i))
        .collect();
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - out.iter().sum::<u64>();
    for &(_, i) in rem.iter().take(short as usize) {
        out[i] += 1;
    }
    out
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep abbreviations and proper names such as "SFO" or "Aarhus" as they are.
        Some(f)
            if c.clone().next().is_some_and(|n| n.is_lowercase()) && !s.starts_with("Aarhus") =>
        {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Makes the plan. Pure: no I/O, same options give the same plan.
pub(crate) fn make_plan(scale: f64, seed: u64, today: Option<NaiveDate>) -> DemoPlan {
    let scale = if scale.is_finite() {
        scale.clamp(0.001, 4.0)
    } else {
        0.05
    };
    let mut bld = Builder {
        seed,
        scale,
        meetings: Vec::new(),
        docs: Vec::new(),
        case_counters: BTreeMap::new(),
        rng: Rng::derive(seed, "case-numbers", 0),
    };
    // Calendars.
    for s in SETUPS {
        let mut ms = Vec::new();
        for y in YEARS {
            let full = calendar(s.cadence, s.weekday, y);
            let n = if bld.scale < 1.0 {
                ((full.len() as f64 * (bld.scale.sqrt() * bld.scale.sqrt().sqrt())).round()
                    as usize)
                    .clamp(1, full.len())
            } else {
                full.len()
            };
            for k in 0..n {
                let i = (k * full.len() + full.len() / 2) / n;
                ms.push(DMeeting {
                    date: full[i.min(full.len() - 1)],
                    items: Vec::new(),
                    ahead: false,
                });
            }
        }
        bld.meetings.push(ms);
    }
    // Table bodies.
    for (b, row) in WORKLOAD_TABLE.iter().enumerate() {
        for t in row.years {
            let mut t2 = YearTarget {
                year: t.year,
                items: scaled(u64::from(t.items), bld.scale) as u32,
                referred: scaled(u64::from(t.referred), bld.scale) as u32,
                pages: scaled(t.pages, bld.scale),
            };
            if t2.pages > 0 {
                t2.items = t2.items.max(1);
            }
            if b == TU {
                t2.items = t2.items.max(6);
                t2.referred = t2.referred.max(1);
                t2.pages = t2.pages.max(12);
            }
            if b == BUU {
                t2.items = t2.items.max(4);
            }
            let big = BIG_CASES
                .iter()
                .find(|c| Some(c.0) == row.short && c.1 == t.year)
                .map(|c| (scaled(c.2, bld.scale), c.3, c.4));
            bld.body_year(b, t2, big);
        }
    }
    bld.flows();
    bld.own_items();
    if let Some(today) = today {
        bld.around_today(today);
    }
    finish(bld)
}

fn finish(mut bld: Builder) -> DemoPlan {
    let seed = bld.seed;
    let mut bodies = Vec::new();
    let mut origins: Vec<Option<(NaiveDate, usize, DocOrigin)>> = vec![None; bld.docs.len()];
    for (b, s) in SETUPS.iter().enumerate() {
        let mut rng = Rng::derive(seed, "finish", b as u64);
        let mut meetings = Vec::new();
        let drafts = std::mem::take(&mut bld.meetings[b]);
        let mut prev: Option<String> = None;
        for dm in drafts {
            let year = dm.date.year();
            let mut items = dm.items;
            for f in s.fixed {
                let group = match *f {
                    "Godkendelse af dagsorden" => 0,
                    "Godkendelse af referat" => 1,
                    "Meddelelser" => 5,
                    "Sager på vej" => 6,
                    _ => 9,
                };
                items.push(DItem {
                    group,
                    kind: ItemKind::Fixed,
                    access: Access::Open,
                    title: (*f).to_string(),
                    case_number: None,
                    referred: false,
                    postponed: false,
                    foretraede: false,
                    subjects: Vec::new(),
                    att: Vec::new(),
                    topic: s.topics[0].0,
                    role: Role::Fixed,
                    holder: false,
                    big: false,
                });
            }
            items.sort_by_key(|i| i.group);
            let mut out = Vec::with_capacity(items.len());
            for (k, it) in items.into_iter().enumerate() {
                let number = k as u32 + 1;
                let case = it.case_number.clone().unwrap_or_default();
                let ctx = Ctx {
                    topic: it.topic,
                    year,
                    case_number: &case,
                };
                let date_s;
                let case_text = match &it.role {
                    Role::Fixed => text::fixed_text(&mut rng, &ctx, &it.title, prev.as_deref()),
                    role => {
                        let r = match role {
                            Role::Regular | Role::Fixed => CaseRole::Regular,
                            Role::ToCouncil => CaseRole::ToCouncil,
                            Role::Referred(d) => {
                                date_s = d
                                    .map(text::danish_date)
                                    .unwrap_or_else(|| "seneste møde".into());
                                CaseRole::Referred(&date_s)
                            }
                            Role::Postponed => CaseRole::Postponed,
                            Role::Magistrat(f) => CaseRole::Magistrat(f),
                            Role::Council(f) => CaseRole::Council(f),
                            Role::Proposal(to) => CaseRole::Proposal(to),
                            Role::Closed => CaseRole::Closed,
                            Role::Briefing => CaseRole::Briefing,
                        };
                        text::case_text(&mut rng, &ctx, s.name, &it.title, r)
                    }
                };
                // A meeting not yet held has no decisions.
                let case_text = if dm.ahead {
                    without_decision(case_text)
                } else {
                    case_text
                };
                let attachments: Vec<PlannedAttachment> = it
                    .att
                    .iter()
                    .enumerate()
                    .map(|(i, (name, doc))| PlannedAttachment {
                        title: format!("Bilag {} - {name}", i + 1),
                        doc: *doc,
                        closed: false,
                    })
                    .collect();
                for a in &attachments {
                    let key = (dm.date, b);
                    let better = match &origins[a.doc] {
                        None => true,
                        Some((d, bb, o)) => {
                            key < (*d, *bb) || (key == (*d, *bb) && number < o.item)
                        }
                    };
                    if better {
                        origins[a.doc] = Some((
                            dm.date,
                            b,
                            DocOrigin {
                                body: s.name.to_string(),
                                date: dm.date,
                                item: number,
                                item_title: it.title.clone(),
                                case_number: it.case_number.clone(),
                            },
                        ));
                    }
                }
                out.push(PlannedItem {
                    number,
                    title: it.title,
                    kind: it.kind,
                    access: it.access,
                    case_number: it.case_number,
                    referred: it.referred,
                    postponed: it.postponed,
                    foretraede: it.foretraede,
                    case_text,
                    subjects: it.subjects,
                    attachments,
                });
            }
            let start = s.start.0 * 60 + s.start.1;
            let place = if rng.chance(1, 12) {
                *rng.pick(OTHER_PLACES)
            } else {
                s.place
            };
            prev = Some(text::danish_date(dm.date));
            meetings.push(PlannedMeeting {
                date: dm.date,
                start: hhmm(start),
                end: hhmm(start + s.minutes),
                place: place.to_string(),
                publication: if dm.ahead {
                    Publication::Agenda
                } else {
                    Publication::Minutes
                },
                items: out,
            });
        }
        let formerly = if s.short == Some("ØEU") {
            vec![FormerName {
                name: "Økonomiudvalget".into(),
                until: date(2023, 2, 28),
            }]
        } else {
            Vec::new()
        };
        bodies.push(PlannedBody {
            name: s.name.to_string(),
            short: s.short.map(str::to_string),
            kind: s.kind,
            formerly,
            period: Some(Period {
                from: date(2022, 1, 1),
                to: Some(date(2025, 12, 31)),
            }),
            meetings,
        });
    }
    let docs = bld
        .docs
        .into_iter()
        .zip(origins)
        .enumerate()
        .map(|(i, (d, o))| PlannedDoc {
            pages: d.pages,
            topic: d.topic,
            name: d.name,
            seed: Rng::derive(seed, "doc", i as u64).next_u64(),
            origin: o.expect("every document is attached to an item").2,
        })
        .collect();
    let handbook = [
        ("Velkommen til Byrådet", 12),
        ("Forretningsorden for Byrådet", 18),
        ("Udvalgsstruktur og kompetencer", 24),
        ("Tavshedspligt, aktindsigt og inhabilitet", 10),
        ("Vederlag, pension og godtgørelser", 8),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(t, p))| PlannedHandbookDoc {
        title: t.to_string(),
        pages: p,
        seed: Rng::derive(seed, "handbook", i as u64).next_u64(),
    })
    .collect();
    let mut plan = DemoPlan {
        seed,
        bodies,
        docs,
        handbook,
    };
    mark_closed_bilag(&mut plan);
    plan
}

/// What a closed bilag on an open item is, by turns.
const CLOSED_BILAG: &[&str] = &[
    "Fortroligt prisoverslag",
    "Fortroligt notat om en enkeltsag",
    "Tilbud fra leverandør (fortroligt)",
];

/// Open items carry a closed bilag now and then, as members receive them (a
/// price offer, a matter of one person): every eighth open, treated regular
/// item with bilag whose case is treated only there gets one more, a short document of its own marked closed.
/// Added after the plan is drawn, so nothing else in it changes, and closed
/// bilag are not counted, so the counted figures stay those of the table.
fn mark_closed_bilag(plan: &mut DemoPlan) {
    let mut candidates = 0u64;
    let seed = plan.seed;
    // A case treated more than once (postponed, sent on to the Magistrat
    // and the Byråd) keeps the same bilag everywhere: left alone.
    let mut treatments: BTreeMap<&str, u32> = BTreeMap::new();
    for it in plan
        .bodies
        .iter()
        .flat_map(|b| &b.meetings)
        .flat_map(|m| &m.items)
    {
        if let Some(case) = &it.case_number {
            *treatments.entry(case.as_str()).or_default() += 1;
        }
    }
    let once: std::collections::BTreeSet<String> = treatments
        .into_iter()
        .filter(|&(_, n)| n == 1)
        .map(|(c, _)| c.to_string())
        .collect();
    for b in &mut plan.bodies {
        for m in &mut b.meetings {
            for it in &mut m.items {
                let eligible = it.access == Access::Open
                    && it.kind == ItemKind::Regular
                    && !it.postponed
                    && !it.attachments.is_empty()
                    && it.case_number.as_ref().is_some_and(|c| once.contains(c));
                if !eligible {
                    continue;
                }
                candidates += 1;
                if candidates % 8 != 0 {
                    continue;
                }
                let n = candidates / 8;
                let mut rng = Rng::derive(seed, "closed-bilag", n);
                let first = &plan.docs[it.attachments[0].doc];
                let name = CLOSED_BILAG[(n as usize) % CLOSED_BILAG.len()].to_string();
                let doc = PlannedDoc {
                    pages: 1 + (rng.next_u64() % 3) as u32,
                    topic: first.topic,
                    name: name.clone(),
                    seed: rng.next_u64(),
                    origin: DocOrigin {
                        body: b.name.clone(),
                        date: m.date,
                        item: it.number,
                        item_title: it.title.clone(),
                        case_number: it.case_number.clone(),
                    },
                };
                plan.docs.push(doc);
                it.attachments.push(PlannedAttachment {
                    title: format!("Bilag {} - {name}", it.attachments.len() + 1),
                    doc: plan.docs.len() - 1,
                    closed: true,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_pages_is_exact_and_bounded() {
        let mut rng = Rng::derive(1, "t", 0);
        for (total, n) in [(10u64, 10usize), (9146, 160), (87, 40), (6240, 45), (5, 1)] {
            let p = split_pages(&mut rng, total, n, 300, false);
            assert_eq!(p.iter().sum::<u64>(), total);
            assert!(p
                .iter()
                .all(|&x| x >= 1 && x <= 300.max(total.div_ceil(n as u64))));
        }
    }

    #[test]
    fn calendars_skip_july_and_christmas() {
        for y in YEARS {
            for c in [
                Cadence::Weekly,
                Cadence::Biweekly,
                Cadence::Monthly,
                Cadence::Quarterly,
            ] {
                let cal = calendar(c, Weekday::Mon, y);
                assert!(cal
                    .iter()
                    .all(|d| d.month() != 7 && !(d.month() == 12 && d.day() >= 20)));
                assert!(cal.iter().all(|d| d.weekday() == Weekday::Mon
                    || matches!(c, Cadence::Monthly | Cadence::Quarterly)));
            }
        }
    }
}
