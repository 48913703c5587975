//! Saved searches against real imports: what is new once and only once,
//! revised bilag, release notices, and the open scope's equivalence.

use std::fs;
use std::path::{Path, PathBuf};

use super::index_tests::{meeting_folder, settings};
use super::{Alerts, Mappe, SavedQuery, Scope};
use crate::progress::Silent;

fn query(text: &str) -> SavedQuery {
    SavedQuery {
        text: text.into(),
        ..SavedQuery::default()
    }
}

/// `(item title, bilag title, pages)` of a search's matches.
fn places(a: &Alerts, name: &str) -> Vec<(String, Option<String>, Vec<u32>)> {
    let news = a.searches.iter().find(|s| s.search.name == name).unwrap();
    news.matches
        .iter()
        .map(|m| {
            (
                m.item_title.clone(),
                m.attachment_title.clone(),
                m.pages.clone(),
            )
        })
        .collect()
}

/// An empty store and a meeting folder (see `meeting_folder`) beside it.
fn store_and_folder() -> (tempfile::TempDir, PathBuf, Mappe) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Møder");
    meeting_folder(&folder);
    let m = Mappe::open(&dir.path().join("data")).unwrap();
    (dir, folder, m)
}

/// A meeting folder `meeting` with an item folder per `(name, text)`, each
/// holding one file `file` with that text.
fn add_meeting(meeting: &Path, file: &str, items: &[(&str, &str)]) {
    for (item, text) in items {
        fs::create_dir_all(meeting.join(item)).unwrap();
        fs::write(meeting.join(item).join(file), text).unwrap();
    }
}

fn import(m: &Mappe, folder: &Path) {
    m.import(&[folder.to_path_buf()], &settings(), &Silent)
        .unwrap();
}

#[test]
fn new_matches_are_reported_once_in_the_scope_that_may_see_them() {
    let (_dir, folder, m) = store_and_folder();
    let member = m.member(Scope::Member).unwrap();
    member.save_search(None, &query("havnen")).unwrap();
    member.save_search(Some("kaj"), &query("kajen")).unwrap();
    import(&m, &folder);

    let all = m.session(Scope::Member).alerts(None).unwrap();
    let mut found = places(&all, "havnen");
    found.sort();
    assert_eq!(
        found,
        vec![
            ("Grundkøb".into(), Some("Bilag".into()), vec![1]),
            ("Lokalplan ved havnen".into(), None, vec![]),
            ("Lokalplan ved havnen".into(), Some("Bilag".into()), vec![1]),
        ],
        "{all:#?}"
    );
    assert_eq!(places(&all, "kaj").len(), 1);
    // The open scope: nothing of the closed item, not even as a count.
    let open = m.session(Scope::Open).alerts(None).unwrap();
    let mut found = places(&open, "havnen");
    found.sort();
    assert_eq!(
        found,
        vec![
            ("Lokalplan ved havnen".into(), None, vec![]),
            ("Lokalplan ved havnen".into(), Some("Bilag".into()), vec![1]),
        ]
    );
    assert!(!serde_json::to_string(&open).unwrap().contains("Grundkøb"));
    assert_eq!(open.total, 3);

    // Importing the same again finds nothing new; seen clears the list.
    import(&m, &folder);
    assert_eq!(m.session(Scope::Member).alerts(None).unwrap().total, 4);
    member.alerts_seen(Some("havnen")).unwrap();
    let after = m.session(Scope::Member).alerts(None).unwrap();
    assert!(places(&after, "havnen").is_empty());
    assert_eq!(places(&after, "kaj").len(), 1);
    member.alerts_seen(None).unwrap();
    import(&m, &folder);
    assert_eq!(m.session(Scope::Member).alerts(None).unwrap().total, 0);
    // With a time, what was found since is listed, seen or not.
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    assert_eq!(
        m.session(Scope::Member).alerts(Some(since)).unwrap().total,
        4
    );

    // A revised bilag (same title, new content that matches) is new; the
    // unchanged one is not.
    let bilag = folder.join("Teknisk Udvalg/2023-03-01/01 Lokalplan ved havnen/Bilag.pdf");
    fs::write(&bilag, "revideret lokalplan for havnen").unwrap();
    import(&m, &folder);
    let revised = m.session(Scope::Member).alerts(None).unwrap();
    assert_eq!(
        places(&revised, "havnen"),
        vec![("Lokalplan ved havnen".into(), Some("Bilag".into()), vec![1])]
    );
    // «kajen» is no longer in the revised text: nothing new for it.
    assert!(places(&revised, "kaj").is_empty());

    // Removing a search removes what it found.
    member.remove_search("kaj").unwrap();
    assert!(member.remove_search("kaj").is_err());
    let names: Vec<_> = m
        .session(Scope::Open)
        .saved_searches()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["havnen"]);
}

#[test]
fn a_search_saved_later_counts_only_what_arrives_after() {
    let (_dir, folder, m) = store_and_folder();
    import(&m, &folder);
    let member = m.member(Scope::Member).unwrap();
    member.save_search(None, &query("havnen")).unwrap();
    assert!(member.save_search(None, &query("havnen")).is_err());
    assert!(member.save_search(None, &SavedQuery::default()).is_err());
    import(&m, &folder);
    assert_eq!(m.session(Scope::Member).alerts(None).unwrap().total, 0);
    // A new meeting with one matching item and one that does not match.
    let next = folder.join("Teknisk Udvalg/2023-04-12");
    add_meeting(
        &next,
        "Notat.pdf",
        &[
            ("01 Ny bro over havnen", "broen ved havnen"),
            ("02 Budget", "budgettet for skolerne"),
        ],
    );
    import(&m, &folder);
    let a = m.session(Scope::Member).alerts(None).unwrap();
    let news = &a.searches[0];
    assert!(news
        .matches
        .iter()
        .all(|x| x.item_title == "Ny bro over havnen"));
    assert_eq!(news.matches.len(), 2, "{a:#?}");
    let page = news
        .matches
        .iter()
        .find(|x| x.attachment.is_some())
        .unwrap();
    assert_eq!(page.date.to_string(), "2023-04-12");
    assert_eq!(page.body, "Teknisk Udvalg");
    assert_eq!(page.item_number, 1);
    assert_eq!(page.pages, vec![1]);
}

#[test]
fn a_followed_body_gets_a_notice_when_an_agenda_is_released() {
    let (_dir, folder, m) = store_and_folder();
    import(&m, &folder);
    let member = m.member(Scope::Member).unwrap();
    member.follow("Teknisk Udvalg").unwrap();
    let day = crate::clock::today() + chrono::Duration::days(5);
    let next = folder.join(format!("Teknisk Udvalg/{day}"));
    add_meeting(
        &next,
        "Bilag.pdf",
        &[
            ("01 Cykelsti", "cykelstien langs havnen"),
            ("02 Grundkøb ved kajen", "fortroligt"),
        ],
    );
    fs::write(
        next.join("meeting.json"),
        r#"{"schema":1,"items":[{"number":2,"access":"closed"}]}"#,
    )
    .unwrap();
    import(&m, &folder);
    let all = m.session(Scope::Member).alerts(None).unwrap();
    assert_eq!(all.releases.len(), 1, "{all:#?}");
    let n = &all.releases[0];
    assert_eq!((n.items, n.pages, n.new_pages), (2, 2, 2));
    assert!(
        n.text.starts_with("Dagsorden til Teknisk Udvalg "),
        "{}",
        n.text
    );
    assert!(n
        .text
        .ends_with("er udgivet: 2 punkter, 2 sider, heraf 2 nye"));
    // The open scope counts the open item only.
    let open = m.session(Scope::Open).alerts(None).unwrap();
    assert_eq!((open.releases[0].items, open.releases[0].pages), (1, 1));
    // The history the first import brought (2023) is no release.
    member.alerts_seen(None).unwrap();
    import(&m, &folder);
    assert!(m
        .session(Scope::Member)
        .alerts(None)
        .unwrap()
        .releases
        .is_empty());
}

/// The open scope's alerts of a store with closed items are those of the
/// same store without them (ids aside, which differ between two stores).
#[test]
fn open_scope_alerts_are_those_of_a_store_without_closed_material() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, with_closed: bool| -> serde_json::Value {
        let (data, folder) = (dir.path().join(name), dir.path().join(format!("{name}-in")));
        let m = Mappe::open(&data).unwrap();
        let member = m.member(Scope::Member).unwrap();
        member.follow("Teknisk Udvalg").ok();
        for q in ["havnen", "grundkøb", "lokalplan kajen"] {
            member.save_search(None, &query(q)).unwrap();
        }
        meeting_folder(&folder);
        if !with_closed {
            let meeting = folder.join("Teknisk Udvalg/2023-03-01");
            fs::remove_dir_all(meeting.join("02 Grundkøb")).unwrap();
            fs::remove_file(meeting.join("meeting.json")).unwrap();
        }
        import(&m, &folder);
        let mut v = serde_json::to_value(m.session(Scope::Open).alerts(None).unwrap()).unwrap();
        strip(&mut v);
        v
    };
    let with = run("a", true);
    let without = run("b", false);
    assert_eq!(with, without);
    assert!(with.to_string().contains("Lokalplan ved havnen"));
}

/// Removes ids and times (they differ between two stores).
fn strip(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for key in ["meeting", "item", "attachment", "found_at", "created_at"] {
                map.remove(key);
            }
            map.values_mut().for_each(strip);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}
