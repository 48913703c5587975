//! The counting rules on a small hand-made store, with every expected figure
//! worked out by hand in the comments.

use super::*;
use crate::model::{ItemFlags, Publication, TextStatus};
use crate::store::{AttachmentRef, BodyFacts, ItemRecord, MeetingRecord, Store};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An item of the hand-made corpus: (number, kind, closed, referred, postponed, subjects, attachments).
type It<'a> = (u32, ItemKind, bool, bool, bool, &'a [&'a str], &'a [usize]);

struct Corpus {
    _dir: tempfile::TempDir,
    store: Store,
    tu: BodyId,
    ku: BodyId,
}

fn meeting(
    store: &Store,
    body: BodyId,
    date: &str,
    times: Option<(&str, &str)>,
    atts: &[AttachmentId],
    items: &[It<'_>],
) -> MeetingId {
    let key = format!("test:{body}/{date}");
    store
        .write(|w| {
            let m = w.upsert_meeting(&MeetingRecord {
                body,
                date: d(date),
                source_key: &key,
                start: times.map(|t| t.0),
                end: times.map(|t| t.1),
                place: None,
                publication: Publication::Agenda,
            })?;
            for &(number, kind, closed, referred, postponed, subjects, files) in items {
                w.upsert_item(
                    m,
                    &ItemRecord {
                        number,
                        title: format!("Punkt {number}"),
                        kind,
                        access: if closed { Access::Closed } else { Access::Open },
                        flags: ItemFlags {
                            referred,
                            postponed,
                            foretraede: false,
                        },
                        case_number: (kind != ItemKind::Fixed)
                            .then(|| format!("EMN-{}-{number:06}", &date[..4])),
                        case_text: None,
                        decision: None,
                        subjects: subjects.iter().map(|s| s.to_string()).collect(),
                        attachments: files
                            .iter()
                            .map(|&f| AttachmentRef {
                                title: format!("Bilag a{f}"),
                                attachment: atts[f],
                                closed: false,
                            })
                            .collect(),
                    },
                )?;
            }
            Ok(m)
        })
        .unwrap()
}

use ItemKind::{Briefing as B, Fixed as F, Regular as R};

/// The corpus. Attachment files a0..a6 (index = number below) with pages:
/// a1 10, a2 20, a3 5, a4 7, a5 unknown (unreadable), a6 3 (a0 unused).
fn corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
    let pages = [Some(1), Some(10), Some(20), Some(5), Some(7), None, Some(3)];
    let atts: Vec<AttachmentId> = store
        .write(|w| {
            let mut v = Vec::new();
            for (i, p) in pages.iter().enumerate() {
                let a = w.attachment(&format!("{i:064}"), 100)?;
                let status = if p.is_some() {
                    TextStatus::Full
                } else {
                    TextStatus::Unreadable
                };
                w.store_text(a, *p, &[], status, None)?;
                v.push(a);
            }
            Ok(v)
        })
        .unwrap();
    let body = |short| BodyFacts {
        short: Some(short),
        ..BodyFacts::default()
    };
    let (tu, ku) = store
        .write(|w| {
            Ok((
                w.upsert_body("Teknisk Udvalg", Some(&body("TU")))?,
                w.upsert_body("Kulturudvalget", Some(&body("KU")))?,
            ))
        })
        .unwrap();
    // M1: 150 minutes.
    meeting(
        &store,
        tu,
        "2023-03-06",
        Some(("14:00", "16:30")),
        &atts,
        &[
            (1, F, false, false, false, &[], &[6]), // fixed: no item; its open file counts (3 p)
            (2, R, false, true, false, &[], &[1, 2]), // item, referred; a1 10 + a2 20
            (3, R, false, false, false, &[], &[1]), // item; a1 again at this meeting: once
            (4, R, true, true, false, &[], &[3]),   // closed: item and referred count, a3 not
            (5, R, false, true, true, &[], &[4]),   // postponed: nothing counts here
            (6, B, false, false, false, &["x", "y", "z"], &[5]), // 3 items; a5 unknown pages
            (7, B, false, false, false, &[], &[]),  // briefing without subjects: 1 item
            (8, F, false, false, false, &[], &[]),  // fixed
        ],
    );
    // M2: 75 minutes. Item 1 is the one postponed at M1, treated here.
    meeting(
        &store,
        tu,
        "2023-03-20",
        Some(("14:00", "15:15")),
        &atts,
        &[
            (1, R, false, true, false, &[], &[4]),  // item, referred; a4 7
            (2, R, false, false, false, &[], &[1]), // a1 counted again at another meeting: 10
            (3, R, true, false, false, &[], &[1]),  // closed, but a1 is on an open item too
        ],
    );
    // M3: no times.
    meeting(
        &store,
        tu,
        "2023-11-01",
        None,
        &atts,
        &[(1, R, false, false, false, &[], &[2])], // a2 20
    );
    // M4: 60 minutes.
    meeting(
        &store,
        tu,
        "2024-01-10",
        Some(("10:00", "11:00")),
        &atts,
        &[
            (1, R, false, false, false, &[], &[3]), // a3 5
            (2, F, false, false, false, &[], &[]),
        ],
    );
    // M5: withdrawn meeting, nothing of it counts.
    let m5 = meeting(
        &store,
        tu,
        "2024-02-01",
        Some(("10:00", "12:00")),
        &atts,
        &[(1, R, false, true, false, &[], &[2])],
    );
    // M6: past midnight, 60 minutes; item 1 withdrawn.
    let m6 = meeting(
        &store,
        tu,
        "2024-02-15",
        Some(("23:30", "00:30")),
        &atts,
        &[
            (1, R, false, true, false, &[], &[2]),  // withdrawn: nothing
            (2, R, false, false, false, &[], &[6]), // a6 3
        ],
    );
    // KU: one meeting, 90 minutes.
    meeting(
        &store,
        ku,
        "2023-05-02",
        Some(("15:30", "17:00")),
        &atts,
        &[(1, R, false, false, false, &[], &[2])], // a2 20
    );
    let conn = rusqlite::Connection::open(dir.path().join("s.sqlite")).unwrap();
    conn.execute(
        "UPDATE meetings SET withdrawn_at = '2024-03-01T00:00:00Z' WHERE id = ?1",
        [m5.0],
    )
    .unwrap();
    conn.execute(
        "UPDATE items SET withdrawn_at = '2024-03-01T00:00:00Z' WHERE meeting_id = ?1 AND number = 1",
        [m6.0],
    )
    .unwrap();
    Corpus {
        _dir: dir,
        store,
        tu,
        ku,
    }
}

fn row<'a>(s: &'a Stats, body: BodyId, period: &str) -> &'a StatsRow {
    s.rows
        .iter()
        .find(|r| r.body_id == body && r.period == period)
        .unwrap_or_else(|| panic!("no row {body} {period}: {:#?}", s.rows))
}

/// (meetings, with times, hours, items, briefings, referred, attachments, pages, without pages)
fn figures(r: &StatsRow) -> (u64, u64, f64, u64, u64, u64, u64, u64, u64) {
    (
        r.meetings,
        r.meetings_with_times,
        r.meeting_hours,
        r.items,
        r.briefings,
        r.referred,
        r.attachments,
        r.pages,
        r.attachments_without_pages,
    )
}

#[test]
fn every_counting_rule_by_year() {
    let c = corpus();
    let s = compute(
        &c.store.read(),
        &StatsQuery {
            from: Some(d("2023-01-01")),
            to: Some(d("2024-12-31")),
            ..StatsQuery::default()
        },
        false,
    )
    .unwrap();
    // TU 2023: meetings M1, M2, M3; hours (150 + 75) / 60 = 3.75 over 2 timed meetings.
    // Items: M1 2, 3, 4, 6 (3 subjects), 7 (1) = 7; M2 3; M3 1 → 11. Briefings 3 + 1 = 4.
    // Referred: M1 2 and 4 (closed counts), not 5 (postponed); M2 1 → 3.
    // Files: M1 a6 3, a1 10 (once), a2 20, a5 ? → 4 files, 33 pages, 1 unknown;
    //        M2 a4 7, a1 10 → 17; M3 a2 20 → 7 files, 70 pages.
    let tu23 = row(&s, c.tu, "2023");
    assert_eq!(figures(tu23), (3, 2, 3.75, 11, 4, 3, 7, 70, 1));
    assert_eq!(tu23.avg_meeting_hours, Some(1.88));
    assert_eq!(tu23.body, "Teknisk Udvalg");
    assert_eq!(tu23.body_short.as_deref(), Some("TU"));
    assert_eq!(
        (tu23.period_start, tu23.period_end),
        (d("2023-01-01"), d("2023-12-31"))
    );
    // TU 2024: M4 (60 min) and M6 (23:30–00:30, 60 min); M5 withdrawn.
    // Items: M4 1, M6 2 (1 withdrawn) → 2. Files: a3 5, a6 3 → 8.
    assert_eq!(
        figures(row(&s, c.tu, "2024")),
        (2, 2, 2.0, 2, 0, 0, 2, 8, 0)
    );
    // KU: 2023 one meeting of 1.5 h with one item and a2; 2024 a row of zeros.
    assert_eq!(
        figures(row(&s, c.ku, "2023")),
        (1, 1, 1.5, 1, 0, 0, 1, 20, 0)
    );
    assert_eq!(
        figures(row(&s, c.ku, "2024")),
        (0, 0, 0.0, 0, 0, 0, 0, 0, 0)
    );
    assert_eq!(row(&s, c.ku, "2024").avg_meeting_hours, None);
    // One row per body × period, by body name then period.
    let keys: Vec<(String, String)> = s
        .rows
        .iter()
        .map(|r| (r.body.clone(), r.period.clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Kulturudvalget", "2023"),
            ("Kulturudvalget", "2024"),
            ("Teknisk Udvalg", "2023"),
            ("Teknisk Udvalg", "2024"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn months_bodies_and_partial_periods() {
    let c = corpus();
    // Only TU, March to April 2023 by month: April is there with zeros.
    let s = compute(
        &c.store.read(),
        &StatsQuery {
            from: Some(d("2023-03-10")),
            to: Some(d("2023-04-30")),
            body_ids: vec![c.tu],
            by: Interval::Month,
        },
        false,
    )
    .unwrap();
    assert_eq!(s.rows.len(), 2, "{:#?}", s.rows);
    // March from the 10th: M2 only (75 min, 3 items, 1 referred, a4 7 + a1 10).
    let mar = row(&s, c.tu, "2023-03");
    assert_eq!(figures(mar), (1, 1, 1.25, 3, 0, 1, 2, 17, 0));
    assert_eq!(
        (mar.period_start, mar.period_end),
        (d("2023-03-10"), d("2023-03-31"))
    );
    let apr = row(&s, c.tu, "2023-04");
    assert_eq!(apr.meetings, 0);
    assert_eq!(apr.period_start, d("2023-04-01"));
    // 2024 alone: KU did not meet and is left out unless asked for.
    let q = StatsQuery {
        from: Some(d("2024-01-01")),
        to: Some(d("2024-12-31")),
        ..StatsQuery::default()
    };
    let s = compute(&c.store.read(), &q, false).unwrap();
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.rows[0].body_id, c.tu);
    let s = compute(
        &c.store.read(),
        &StatsQuery {
            body_ids: vec![c.ku],
            ..q
        },
        false,
    )
    .unwrap();
    assert_eq!(figures(&s.rows[0]), (0, 0, 0.0, 0, 0, 0, 0, 0, 0));
    // Without dates: from the first to the last meeting in the store.
    let s = compute(&c.store.read(), &StatsQuery::default(), false).unwrap();
    assert_eq!(s.rows.len(), 4);
    assert_eq!(row(&s, c.tu, "2023").period_start, d("2023-03-06"));
    assert_eq!(row(&s, c.tu, "2024").period_end, d("2024-02-15"));
    // A reversed span is refused in plain words.
    let err = compute(
        &c.store.read(),
        &StatsQuery {
            from: Some(d("2024-01-01")),
            to: Some(d("2023-01-01")),
            ..StatsQuery::default()
        },
        false,
    )
    .unwrap_err();
    assert!(err.to_string().contains("efter slutdatoen"), "{err}");
}

#[test]
fn the_drill_down_adds_up_to_the_figures_and_says_why() {
    let c = corpus();
    let q = StatsQuery {
        from: Some(d("2023-01-01")),
        to: Some(d("2024-12-31")),
        ..StatsQuery::default()
    };
    let s = compute(&c.store.read(), &q, false).unwrap();
    let ex = explain(&c.store.read(), &q, false).unwrap();
    // Every row with meetings has an explanation whose parts add up to its figures.
    assert_eq!(ex.len(), s.rows.iter().filter(|r| r.meetings > 0).count());
    for e in &ex {
        let r = row(&s, e.body_id, &e.period);
        let items: u32 = e
            .meetings
            .iter()
            .flat_map(|m| &m.items)
            .map(|i| i.items)
            .sum();
        let briefings: u32 = e
            .meetings
            .iter()
            .flat_map(|m| &m.items)
            .map(|i| i.briefings)
            .sum();
        let referred = e
            .meetings
            .iter()
            .flat_map(|m| &m.items)
            .filter(|i| i.referred)
            .count();
        let counted: Vec<&ExplainedAttachment> = e
            .meetings
            .iter()
            .flat_map(|m| &m.attachments)
            .filter(|a| a.counted)
            .collect();
        let pages: u32 = counted.iter().filter_map(|a| a.page_count).sum();
        let minutes: u32 = e.meetings.iter().filter_map(|m| m.minutes).sum();
        assert_eq!(
            (
                e.meetings.len() as u64,
                hours(u64::from(minutes)),
                u64::from(items),
                u64::from(briefings),
                referred as u64,
                counted.len() as u64,
                u64::from(pages)
            ),
            (
                r.meetings,
                r.meeting_hours,
                r.items,
                r.briefings,
                r.referred,
                r.attachments,
                r.pages
            ),
            "{} {}",
            e.body,
            e.period
        );
    }
    // The reasons, at M1 of TU.
    let tu23 = ex
        .iter()
        .find(|e| e.body_id == c.tu && e.period == "2023")
        .unwrap();
    let m1 = &tu23.meetings[0];
    assert_eq!(m1.date, d("2023-03-06"));
    assert_eq!(m1.minutes, Some(150));
    let item = |n: u32| m1.items.iter().find(|i| i.number == n).unwrap();
    assert!(item(1).note.as_deref().unwrap().contains("fast punkt"));
    assert!(item(5).note.as_deref().unwrap().contains("udsat"));
    assert_eq!((item(5).items, item(5).referred), (0, false));
    assert_eq!((item(4).items, item(4).referred), (1, true));
    assert_eq!((item(6).items, item(6).briefings), (3, 3));
    let att = |pages: Option<u32>| {
        m1.attachments
            .iter()
            .find(|a| a.page_count == pages)
            .unwrap()
    };
    let a1 = att(Some(10));
    assert_eq!((a1.counted, a1.item_numbers.clone()), (true, vec![2, 3]));
    assert!(a1.note.as_deref().unwrap().contains("én gang"));
    let a3 = att(Some(5));
    assert!(!a3.counted && a3.note.as_deref().unwrap().contains("lukkede"));
    let a4 = att(Some(7));
    assert!(!a4.counted && a4.note.as_deref().unwrap().contains("udsat"));
    assert!(att(None).note.as_deref().unwrap().contains("ukendt"));
    assert!(att(Some(3)).counted, "an open fixed item's file counts");
    // The withdrawn meeting is not listed; the withdrawn item is, with its reason.
    let tu24 = ex
        .iter()
        .find(|e| e.body_id == c.tu && e.period == "2024")
        .unwrap();
    assert_eq!(tu24.meetings.len(), 2);
    let m6 = &tu24.meetings[1];
    assert_eq!(m6.minutes, Some(60));
    assert!(m6.items[0]
        .note
        .as_deref()
        .unwrap()
        .contains("trukket tilbage"));
    assert!(!m6.items[0].referred);
    let a2 = m6
        .attachments
        .iter()
        .find(|a| a.page_count == Some(20))
        .unwrap();
    assert!(!a2.counted);
}
