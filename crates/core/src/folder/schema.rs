//! The versioned JSON files of the folder format: `body.json` beside a body's
//! meeting folders and `meeting.json` beside a meeting's item folders.
//!
//! Both carry `"schema": 1`. Every field but `schema` is optional; what is absent
//! takes the default written on the field. Unknown fields are refused, so a typo
//! is an error rather than a silently ignored flag.

use crate::model::{Access, BodyKind, FormerName, ItemKind, Period};
use serde::{Deserialize, Serialize};

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// `<root>/<body>/body.json`: facts about a body that a folder name cannot carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyFile {
    /// Always [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The current name; defaults to the folder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Abbreviation members use ("TU", "BUU", …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// Kind of body; defaults to `committee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BodyKind>,
    /// Earlier names with the last day each was used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formerly: Vec<FormerName>,
    /// Election period or lifetime of the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

/// `<root>/<body>/<YYYY-MM-DD>/meeting.json`: meeting facts and per-item metadata.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingFile {
    /// Always [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Start time "HH:MM".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End time "HH:MM".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// `"agenda"` (default) or `"minutes"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<crate::model::Publication>,
    /// Item metadata, matched to the item folders by `number`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemEntry>,
}

/// Metadata of one agenda item in `meeting.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemEntry {
    /// The item number; the item folder is named `<NN> <title>` with this number.
    pub number: u32,
    /// Full title, where the folder name had to shorten it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `regular` (default), `fixed` or `briefing`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub kind: ItemKind,
    /// `open` (default) or `closed`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub access: Access,
    /// Case number, e.g. "EMN-2023-001234".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// Referred from the Byråd.
    #[serde(default, skip_serializing_if = "is_default")]
    pub referred: bool,
    /// Postponed at this meeting.
    #[serde(default, skip_serializing_if = "is_default")]
    pub postponed: bool,
    /// A citizen asked to address the body.
    #[serde(default, skip_serializing_if = "is_default")]
    pub foretraede: bool,
    /// Case text (presentation, recommendation, decision) as plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_text: Option<String>,
    /// The decision taken on the item; without it, the case text's
    /// "Beslutning" section (see [`decision_in_text`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Subjects of a written briefing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// Attachments with an access of their own, by file name in the item
    /// folder (a closed bilag on an open item). The others take the item's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentEntry>,
}

/// One attachment's own access in an item entry of `meeting.json`:
/// `{"file": "<file name in the item folder>", "access": "closed"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentEntry {
    /// The PDF's file name in the item folder, e.g. "Bilag 2 Tilbud.pdf".
    pub file: String,
    /// `open` (default) or `closed`; the stricter of this and the item's
    /// access applies.
    #[serde(default)]
    pub access: Access,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
