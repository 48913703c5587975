//! The portal's JSON, rendered from [`PortalData`] on every request.

use crate::data::{FakeBody, FakeItem, FakeMeeting, PortalData, ZERO_GUID};
use crate::faults::Faults;
use chrono::Datelike;
use serde_json::{json, Map, Value};

/// A meeting entry as in "Moeder" and "Moede".
pub fn meeting_entry(m: &FakeMeeting) -> Value {
    let utc = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    json!({
        "Id": m.id,
        "Dato": m.date.format("%Y-%m-%dT00:00:00").to_string(),
        "MeetingBeginUtc": utc(&m.begin_utc),
        "MeetingEndUtc": utc(&m.end_utc),
        "ReleasedDate": m.released.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "Sted": m.place,
        "Afsluttet": m.finished,
        "Navn": m.name,
        "IsSupplementaryAgenda": m.supplementary,
        "SourceId": m.source_id,
    })
}

/// `GET /api/agenda/udvalgsliste`: bodies grouped by election period, with
/// the list quirks of live portals that `faults` turns on.
pub fn udvalgsliste(data: &PortalData, faults: &Faults) -> Value {
    let mut groups = Map::new();
    let mut add = |group: &str, b: &FakeBody, meetings: Vec<&FakeMeeting>| {
        let entry = json!({
            "Id": b.id,
            "Navn": b.name,
            "Moeder": meetings
                .into_iter()
                .map(|m| {
                    let mut e = meeting_entry(m);
                    if faults.released_null {
                        e["ReleasedDate"] = Value::Null;
                    }
                    e
                })
                .collect::<Vec<_>>(),
        });
        match groups.get_mut(group) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                groups.insert(group.to_string(), Value::Array(vec![entry]));
            }
        }
    };
    for (n, b) in data.bodies.iter().enumerate() {
        add(&b.period, b, b.meetings.iter().collect());
        if faults.listed_in_several_groups {
            // The body's first year again under an older period, and the
            // first body whole under the historical bodies.
            let first = b.meetings.iter().map(|m| m.date.year()).min();
            let early = b
                .meetings
                .iter()
                .filter(|m| Some(m.date.year()) == first)
                .collect();
            add(OLDER_PERIOD, b, early);
            if n == 0 {
                add(HISTORICAL, b, b.meetings.iter().collect());
            }
        }
    }
    json!({ "Udvalg": groups })
}

/// The older election-period group of [`Faults::listed_in_several_groups`].
pub const OLDER_PERIOD: &str = "Udvalg 2018-2021";

/// The group of bodies that no longer meet.
pub const HISTORICAL: &str = "Historiske udvalg";

/// `GET /api/agenda/dagsorden/{meetingId}`.
pub fn dagsorden(body: &FakeBody, m: &FakeMeeting) -> Value {
    json!({
        "Id": m.id,
        "Udvalg": body.name,
        "Moede": meeting_entry(m),
        "Dagsordenpunkter": m.items.iter().map(item).collect::<Vec<_>>(),
    })
}

/// One item; a closed item has no fields and no bilag whatever the data holds.
pub fn item(it: &FakeItem) -> Value {
    let felter: Vec<Value> = if it.open {
        it.fields
            .iter()
            .map(|f| {
                json!({
                    "Navn": f.name,
                    "Html": f.html,
                    "Tekst": null,
                    "Link": null,
                    "DocumentId": f.document.as_ref().map(|d| d.id.as_str()).unwrap_or(ZERO_GUID),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let bilag: Vec<Value> = if it.open {
        it.bilag
            .iter()
            .map(|b| {
                json!({
                    "Id": b.id,
                    "Navn": b.title,
                    "Order": b.order,
                    "HarPdfVersion": true,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "Id": it.id,
        "AgendaUid": it.agenda_uid,
        "Number": it.number,
        "Punktnummer": it.number.to_string(),
        "Sorting": it.number,
        "IsOpen": it.open,
        "CaseNumber": it.case_number,
        "SagsNummer": it.case_number,
        "SourceId": it.source_id,
        "Caption": it.title,
        "Navn": it.title,
        "Felter": felter,
        "Bilag": bilag,
        "ItemDecision": if it.open { it.decision.clone() } else { None },
        "Lydfiler": null,
        "Presentations": null,
    })
}
