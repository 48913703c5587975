//! End-to-end `moedemappe calendar`: meetings imported from the folder format
//! on the days Danish clocks change, written as an .ics file and read back
//! with a real parser (Python's `icalendar`, installed by `.ci/run`).

mod common;

use common::serve::{open_token, serve};
use common::{moedemappe, ok, pdf, Page};
use serde_json::Value;
use std::path::Path;

/// A folder with one Teknisk Udvalg meeting per (day, start, end).
fn write_meetings(root: &Path, meetings: &[(&str, &str, &str)]) {
    for (day, start, end) in meetings {
        let item = root.join(format!(
            "Teknisk Udvalg/{day}/01 Trafiksikkerhed ved skolerne"
        ));
        std::fs::create_dir_all(&item).unwrap();
        std::fs::write(
            item.join("Bilag 1 Notat.pdf"),
            pdf(
                &[Page::text(&["Notat om trafiksikkerhed ved skolerne."])],
                None,
            ),
        )
        .unwrap();
        std::fs::write(
            item.parent().unwrap().join("meeting.json"),
            format!(
                r#"{{ "schema": 1, "start": "{start}", "end": "{end}", "place": "Rådhuset" }}"#
            ),
        )
        .unwrap();
    }
}

/// The events of an .ics file as `icalendar` reads them.
fn parse(file: &Path) -> Vec<Value> {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, icalendar\n\
             cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
             print(json.dumps([{'uid': str(e['UID']), 'start': e.decoded('DTSTART').isoformat(),\n\
             \x20 'end': e.decoded('DTEND').isoformat(), 'status': str(e['STATUS']),\n\
             \x20 'summary': str(e['SUMMARY']), 'location': str(e.get('LOCATION', ''))}\n\
             \x20 for e in cal.walk('VEVENT')]))",
        )
        .arg(file)
        .output()
        .expect("python3 (CI installs icalendar)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_calendar_has_one_event_per_meeting_at_the_right_instants_with_stable_uids() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mappe");
    // The last Sundays of March and October 2024, and a plain winter day.
    write_meetings(
        &folder,
        &[
            ("2024-03-31", "10:00", "12:00"),
            ("2024-10-27", "10:00", "11:30"),
            ("2024-01-15", "15:00", "17:00"),
        ],
    );
    // And a closed meeting (its only item closed): the member's calendar
    // holds it, a subscribed calendar never does.
    let closed = folder.join("Teknisk Udvalg/2024-02-12/01 Personalesag");
    std::fs::create_dir_all(&closed).unwrap();
    std::fs::write(
        closed.parent().unwrap().join("meeting.json"),
        r#"{ "schema": 1, "start": "09:00", "end": "10:00",
             "items": [{ "number": 1, "access": "closed" }] }"#,
    )
    .unwrap();
    let data = dir.path().join("data");
    ok(&data, &["import", folder.to_str().unwrap()]);

    let first = dir.path().join("moeder.ics");
    ok(
        &data,
        &[
            "calendar",
            "--body",
            "Teknisk Udvalg",
            "-o",
            first.to_str().unwrap(),
        ],
    );
    let all = parse(&first);
    assert_eq!(all.len(), 4, "the member's calendar: {all:?}");
    let events: Vec<Value> = all
        .into_iter()
        .filter(|e| !e["start"].as_str().unwrap().starts_with("2024-02-12"))
        .collect();
    let at = |day: &str| {
        events
            .iter()
            .find(|e| e["start"].as_str().unwrap().starts_with(day))
            .unwrap_or_else(|| panic!("no event on {day}: {events:?}"))
    };
    // Summer time began at 02:00 that Sunday: 10:00 is UTC+2.
    assert_eq!(at("2024-03-31")["start"], "2024-03-31T08:00:00+00:00");
    assert_eq!(at("2024-03-31")["end"], "2024-03-31T10:00:00+00:00");
    // Summer time ended at 03:00 that Sunday: 10:00 is UTC+1.
    assert_eq!(at("2024-10-27")["start"], "2024-10-27T09:00:00+00:00");
    assert_eq!(at("2024-01-15")["start"], "2024-01-15T14:00:00+00:00");
    for e in &events {
        assert_eq!(e["summary"], "Teknisk Udvalg");
        assert_eq!(e["status"], "CONFIRMED");
        assert_eq!(e["location"], "Rådhuset");
    }

    // Exported again: the same UIDs, the same file.
    let second = dir.path().join("igen.ics");
    ok(&data, &["calendar", "-o", second.to_str().unwrap()]);
    let uids = |v: &[Value]| {
        let mut u: Vec<String> = v
            .iter()
            .map(|e| e["uid"].as_str().unwrap().to_string())
            .collect();
        u.sort();
        u
    };
    let mut member_uids = uids(&events);
    member_uids.push(
        parse(&second)
            .iter()
            .find(|e| e["start"].as_str().unwrap().starts_with("2024-02-12"))
            .unwrap()["uid"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    member_uids.sort();
    assert_eq!(uids(&parse(&second)), member_uids);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    // The subscription feed over HTTP: a key in the address, the open scope.
    let server = serve(&data);
    let feed = |query: &str| {
        reqwest::blocking::get(format!("{}/kalender.ics{query}", server.base)).unwrap()
    };
    let refused = feed("");
    assert_eq!(refused.status().as_u16(), 401);
    assert!(refused.text().unwrap().contains("noegle"));
    assert_eq!(feed("?noegle=forkert").status().as_u16(), 401);
    let answer = feed(&format!("?noegle={}", open_token(&data)));
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let served = dir.path().join("abonnement.ics");
    std::fs::write(&served, answer.bytes().unwrap()).unwrap();
    let open_events = parse(&served);
    assert_eq!(
        uids(&open_events),
        uids(&events),
        "no closed meeting in the feed"
    );

    // An unknown body is refused in one line.
    let out = moedemappe(&data, &["calendar", "--body", "Intetudvalg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Intetudvalg"));
}
