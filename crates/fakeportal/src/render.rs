//! The portal's JSON, rendered from [`PortalData`] on every request.

use crate::data::{FakeBody, FakeItem, FakeMeeting, PortalData, ZERO_GUID};
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

/// `GET /api/agenda/udvalgsliste`: bodies grouped by election period.
pub fn udvalgsliste(data: &PortalData) -> Value {
    let mut groups = Map::new();
    for b in &data.bodies {
        let entry = json!({
            "Id": b.id,
            "Navn": b.name,
            "Moeder": b.meetings.iter().map(meeting_entry).collect::<Vec<_>>(),
        });
        match groups.get_mut(&b.period) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                groups.insert(b.period.clone(), Value::Array(vec![entry]));
            }
        }
    }
    json!({ "Udvalg": groups })
}

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
