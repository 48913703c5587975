//! End-to-end: `moedemappe sync` against a local fake of the FirstAgenda portal
//! (real HTTP on 127.0.0.1, built from the demo corpus, with its quirks).

#[path = "../common/mod.rs"]
mod common;

mod alerts;
mod archive;
mod closed;
mod incremental;
mod quirks;
mod scope;

use common::{moedemappe, ok};
use fakeportal::{FakePortal, Faults, PortalData, RunningPortal};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small demo corpus turned into a running portal.
fn portal(dir: &Path, faults: impl FnOnce(&PortalData) -> Faults) -> RunningPortal {
    let corpus = dir.join("corpus");
    moedemappe_core::demo::generate(
        &corpus,
        &moedemappe_core::demo::DemoOptions {
            scale: 0.02,
            seed: 7,
            today: None,
        },
    )
    .unwrap();
    let data = PortalData::from_corpus(&corpus).unwrap();
    let faults = faults(&data);
    FakePortal::start(data, faults).unwrap()
}

fn status(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(data, &["status", "--json"])).unwrap()
}

/// (body, date, item number) of every item the portal publishes, leaving out
/// publications whose JSON is broken.
fn published_items(p: &RunningPortal) -> BTreeSet<(String, String, u32)> {
    let malformed = p.faults().malformed_meetings.clone();
    p.data()
        .meetings()
        .filter(|(_, m)| !malformed.contains(&m.id))
        .flat_map(|(b, m)| {
            m.items
                .iter()
                .map(move |i| (b.name.clone(), m.date.to_string(), i.number))
        })
        .collect()
}

fn add_source(data: &Path, p: &RunningPortal) {
    ok(
        data,
        &[
            "source",
            "add",
            "portal",
            &p.base_url(),
            "--name",
            "Testportal",
        ],
    );
}

fn sync(data: &Path) -> String {
    ok(data, &["sync", "--deadline", "20"])
}

/// Publishes a copy of each body's first two meetings seven years earlier,
/// with new ids; returns how many entries were added.
fn add_old_meetings(d: &mut PortalData) -> usize {
    use fakeportal::guid;
    let shift = chrono::Duration::days(365 * 7);
    let mut added = 0;
    for b in &mut d.bodies {
        let old: Vec<_> = b
            .meetings
            .iter()
            .take(2)
            .map(|m| {
                let mut m = m.clone();
                let renew = |id: &mut String| *id = guid(&format!("gammel|{id}"));
                renew(&mut m.id);
                m.date -= shift;
                m.released -= shift;
                m.begin_utc = m.begin_utc.map(|t| t - shift);
                m.end_utc = m.end_utc.map(|t| t - shift);
                for it in &mut m.items {
                    renew(&mut it.id);
                    renew(&mut it.agenda_uid);
                    it.bilag.iter_mut().for_each(|b| renew(&mut b.id));
                    for f in &mut it.fields {
                        if let Some(doc) = &mut f.document {
                            renew(&mut doc.id);
                        }
                    }
                }
                m
            })
            .collect();
        added += old.len();
        b.meetings.extend(old);
    }
    added
}
