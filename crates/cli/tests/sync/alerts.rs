//! Saved searches against the portal: a new meeting's matching item is new
//! once, through a killed sync; a revised bilag is new, an unchanged one not;
//! a followed body's new agenda gets a release notice.

use super::*;
use fakeportal::{guid, FakeMeeting, PdfSource};
use std::sync::Arc;

/// A word no demo text holds.
const WORD: &str = "Bassinkajen";

fn alerts(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["alerts", "--json"])).unwrap()
}

/// `(item title, bilag title, pages)` of the one saved search's matches.
fn matches(a: &serde_json::Value) -> Vec<(String, Option<String>, Vec<u64>)> {
    let mut out: Vec<_> = a["searches"][0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["item_title"].as_str().unwrap().to_string(),
                m["attachment_title"].as_str().map(String::from),
                m["pages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A copy of the newest meeting of the first body a week from today, with new
/// ids and two open items: the first about [`WORD`], the second not.
fn new_meeting(d: &PortalData) -> (String, FakeMeeting) {
    let body = &d.bodies[0];
    let newest = body.meetings.iter().max_by_key(|m| m.date).unwrap();
    let mut m = newest.clone();
    let renew = |id: &mut String| *id = guid(&format!("ny|{id}"));
    renew(&mut m.id);
    // A week from today: a release, not history.
    let shift = chrono::Local::now().date_naive() + chrono::Duration::days(7) - m.date;
    m.date += shift;
    m.released += shift;
    m.begin_utc = m.begin_utc.map(|t| t + shift);
    m.end_utc = m.end_utc.map(|t| t + shift);
    m.finished = false;
    m.name = "Dagsorden".into();
    m.supplementary = false;
    m.source_id = format!("9{}", m.source_id);
    let template = m
        .items
        .iter()
        .find(|i| i.open && !i.bilag.is_empty())
        .unwrap()
        .clone();
    m.items = (1..=2)
        .map(|n| {
            let mut it = template.clone();
            renew(&mut it.id);
            it.id.push_str(&n.to_string());
            it.id = guid(&it.id);
            it.agenda_uid = guid(&format!("ny-uid|{}", it.id));
            it.number = n;
            it.source_id = format!("9{n}{}", it.source_id);
            it.case_number = Some(format!("EMN-2031-00000{n}"));
            it.fields.clear();
            it.decision = None;
            let (title, text) = if n == 1 {
                (
                    format!("Badezone ved {WORD}"),
                    format!(
                        "Forvaltningen foreslår en badezone ved {WORD} med trapper og bade bro."
                    ),
                )
            } else {
                (
                    "Vejbelysning i Hasle".to_string(),
                    "Forvaltningen foreslår nye lygtepæle langs vejen.".to_string(),
                )
            };
            it.title = title.clone();
            it.bilag.truncate(1);
            let b = &mut it.bilag[0];
            b.id = guid(&format!("ny-bilag|{}", it.id));
            b.title = format!("Notat {n}");
            b.pdf = PdfSource::Generated {
                title: Arc::from(title.as_str()),
                text: Arc::from(text.as_str()),
            };
            it
        })
        .collect();
    (body.name.clone(), m)
}

#[test]
fn a_new_matching_item_is_new_once_through_a_killed_sync_and_a_revised_bilag_counts() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let data = dir.path().join("data");
    add_source(&data, &p);
    ok(&data, &["alert", "add", WORD, "--name", "Bassin"]);
    sync(&data);
    assert!(
        matches(&alerts(&data)).is_empty(),
        "nothing about {WORD} yet"
    );

    let (body, meeting) = new_meeting(&p.data());
    let date = meeting.date.to_string();
    p.data().bodies[0].meetings.push(meeting.clone());
    ok(&data, &["follow", &body]);
    // Kill the second sync at a few points (every write transaction held
    // a while, so kills land between the meeting's write and the alerts');
    // the last run completes.
    for n in 0..5u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
            .arg("--data-dir")
            .arg(&data)
            .args(["sync", "--deadline", "20"])
            .env("MOEDEMAPPE_FAULT_HOLD_WRITE_MS", "150")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + n * 120));
        let _ = child.kill();
        child.wait().unwrap();
    }
    sync(&data);
    let a = alerts(&data);
    let title = format!("Badezone ved {WORD}");
    assert_eq!(
        matches(&a),
        vec![
            (title.clone(), None, vec![]),
            (title.clone(), Some("Notat 1".into()), vec![1]),
        ],
        "{a:#}"
    );
    for m in a["searches"][0]["matches"].as_array().unwrap() {
        assert_eq!(m["date"], date.as_str());
        assert_eq!(m["body"], body.as_str());
        assert_eq!(m["item_number"], 1);
        assert_eq!(m["case_number"], "EMN-2031-000001");
    }
    // The followed body's new agenda is a release notice.
    let releases = a["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 1, "{a:#}");
    let text = releases[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("Dagsorden til {body} ")),
        "{text}"
    );
    assert!(
        text.contains("er udgivet: 2 punkter, 2 sider, heraf 2 nye"),
        "{text}"
    );
    let human = ok(&data, &["alerts"]);
    assert!(
        human.contains(&title) && human.contains("Notat 1"),
        "{human}"
    );

    // Another sync: nothing new, nothing doubled.
    sync(&data);
    assert_eq!(alerts(&data), a);
    ok(&data, &["alerts", "seen"]);
    assert_eq!(alerts(&data)["total"], 0);
    sync(&data);
    assert_eq!(alerts(&data)["total"], 0);

    // A revised bilag (same title, new content that matches) is new; the
    // unchanged bilag of the other item is not. The portal republishes the
    // agenda (a later release time) with a new id for the revised file.
    {
        let mut d = p.data();
        let m = d.meeting_mut(&meeting.id).unwrap();
        m.released += chrono::Duration::hours(2);
        let b = &mut m.items[0].bilag[0];
        b.id = guid(&format!("revideret|{}", b.id));
        b.pdf = PdfSource::Generated {
            title: Arc::from("Revideret notat"),
            text: Arc::from(format!("Revideret: badezonen ved {WORD} flyttes mod nord.").as_str()),
        };
    }
    sync(&data);
    let revised = alerts(&data);
    assert_eq!(
        matches(&revised),
        vec![(title, Some("Notat 1".into()), vec![1])],
        "{revised:#}"
    );
}
