//! The JSON a FirstAgenda Publication portal answers, read leniently: every
//! field may be missing or null, and the zero GUID marks an empty document.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The GUID the portal uses for "no document".
pub const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// `GET /api/agenda/udvalgsliste`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommitteeList {
    /// Committees grouped by election period ("Udvalg 2022-2025").
    #[serde(rename = "Udvalg", default)]
    pub groups: BTreeMap<String, Vec<Committee>>,
}

/// A committee (or the council, the Magistrat) and its meetings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Committee {
    /// Name.
    #[serde(rename = "Navn", default)]
    pub name: Option<String>,
    /// Meeting entries.
    #[serde(rename = "Moeder", default)]
    pub meetings: Option<Vec<MeetingEntry>>,
}

/// One entry of a committee's meeting list: an agenda, minutes or a supplementary agenda.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
pub struct MeetingEntry {
    /// Portal id of this publication.
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// The day, "2023-03-06T00:00:00".
    #[serde(rename = "Dato", default)]
    pub date: Option<String>,
    /// Start, UTC.
    #[serde(rename = "MeetingBeginUtc", default)]
    pub begin_utc: Option<String>,
    /// End, UTC.
    #[serde(rename = "MeetingEndUtc", default)]
    pub end_utc: Option<String>,
    /// When it was published.
    #[serde(rename = "ReleasedDate", default)]
    pub released: Option<String>,
    /// Place.
    #[serde(rename = "Sted", default)]
    pub place: Option<String>,
    /// Meeting held and minutes final.
    #[serde(rename = "Afsluttet", default)]
    pub finished: Option<bool>,
    /// "Dagsorden", "Referat", "Tillægsdagsorden", "Lukket referat".
    #[serde(rename = "Navn", default)]
    pub name: Option<String>,
    /// A supplementary agenda.
    #[serde(rename = "IsSupplementaryAgenda", default)]
    pub supplementary: Option<bool>,
    /// The municipality's own id.
    #[serde(rename = "SourceId", default)]
    pub source_id: Option<serde_json::Value>,
}

/// `GET /api/agenda/dagsorden/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Agenda {
    /// The items.
    #[serde(rename = "Dagsordenpunkter", default)]
    pub items: Option<Vec<AgendaItem>>,
}

/// One agenda item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgendaItem {
    /// Portal item id (new ids when minutes are published as a new meeting).
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Item number (some portals send `Punktnummer` as text instead).
    #[serde(rename = "Number", default)]
    pub number: Option<serde_json::Value>,
    /// Item number as text.
    #[serde(rename = "Punktnummer", default)]
    pub punktnummer: Option<serde_json::Value>,
    /// Sort order.
    #[serde(rename = "Sorting", default)]
    pub sorting: Option<i64>,
    /// Open (public) item.
    #[serde(rename = "IsOpen", default)]
    pub is_open: Option<bool>,
    /// Case number.
    #[serde(rename = "CaseNumber", default)]
    pub case_number: Option<String>,
    /// Case number (other spelling).
    #[serde(rename = "SagsNummer", default)]
    pub sagsnummer: Option<String>,
    /// Title.
    #[serde(rename = "Caption", default)]
    pub caption: Option<String>,
    /// Title (other spelling).
    #[serde(rename = "Navn", default)]
    pub navn: Option<String>,
    /// Text fields (Resume, Indstilling, Sagsfremstilling, Beslutning, …).
    #[serde(rename = "Felter", default)]
    pub fields: Option<Vec<Field>>,
    /// Attachments.
    #[serde(rename = "Bilag", default)]
    pub attachments: Option<Vec<Bilag>>,
    /// The decision, as HTML, where published separately.
    #[serde(rename = "ItemDecision", default)]
    pub decision: Option<String>,
}

/// A text field of an item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Field {
    /// "Resume", "Sagsfremstilling", "Beslutning", …
    #[serde(rename = "Navn", default)]
    pub name: Option<String>,
    /// The text as HTML.
    #[serde(rename = "Html", default)]
    pub html: Option<String>,
    /// The text as plain text, where given.
    #[serde(rename = "Tekst", default)]
    pub text: Option<String>,
    /// A document (the case presentation as PDF); the zero GUID when none.
    #[serde(rename = "DocumentId", default)]
    pub document_id: Option<String>,
}

/// An attachment of an item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Bilag {
    /// Portal id (GUID).
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Title.
    #[serde(rename = "Navn", default)]
    pub name: Option<String>,
    /// Order on the item.
    #[serde(rename = "Order", default)]
    pub order: Option<i64>,
    /// Whether a PDF exists.
    #[serde(rename = "HarPdfVersion", default)]
    pub has_pdf: Option<bool>,
}

impl AgendaItem {
    /// The item number, from whichever field carries it.
    pub fn number(&self) -> Option<u32> {
        [&self.number, &self.punktnummer]
            .into_iter()
            .flatten()
            .find_map(|v| match v {
                serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                serde_json::Value::String(s) => s.trim().trim_end_matches('.').parse().ok(),
                _ => None,
            })
    }

    /// The title, from whichever field carries it.
    pub fn title(&self) -> Option<&str> {
        self.caption
            .as_deref()
            .or(self.navn.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The case number, from whichever field carries it.
    pub fn case_number(&self) -> Option<&str> {
        self.case_number
            .as_deref()
            .or(self.sagsnummer.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// True for a usable document id (not null, not empty, not the zero GUID).
pub fn real_guid(id: Option<&str>) -> Option<&str> {
    id.map(str::trim)
        .filter(|s| !s.is_empty() && *s != ZERO_GUID)
}
