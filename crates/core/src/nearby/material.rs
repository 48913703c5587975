//! Open meeting material as it travels in an offer: `materiale.json`, which
//! names the meetings, their open items (numbered as the open scope numbers
//! them, so a closed item leaves no gap) and each bilag by content hash with
//! its page texts. The bilag files themselves are items of the offer.
//!
//! Only what the open scope shows is ever written here; the taker checks the
//! file against the offer's manifest and its own limits before storing any of it.

use super::transfer::Manifest;
use super::{NearbyError, Result};
use crate::model::{ItemKind, Publication, TextStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The item name of the material description in an offer.
pub const MATERIAL_ITEM: &str = "materiale.json";
/// The format version written and read.
pub const MATERIAL_SCHEMA: u32 = 1;
/// The largest `materiale.json` a taker reads.
pub const MAX_MATERIAL_JSON: u64 = 512 * 1024 * 1024;
/// The most meetings in one offer.
pub const MAX_MEETINGS: usize = 5_000;
/// The most items in one meeting.
pub const MAX_ITEMS_PER_MEETING: usize = 1_000;
/// The most bilag on one item.
pub const MAX_ATTACHMENTS_PER_ITEM: usize = 500;
/// The most pages of one bilag.
pub const MAX_PAGES: usize = 20_000;
/// The longest name or title.
const MAX_NAME: usize = 1_000;

/// `materiale.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Always [`MATERIAL_SCHEMA`].
    pub schema: u32,
    /// The meetings, oldest first.
    pub meetings: Vec<MaterialMeeting>,
}

/// One open meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialMeeting {
    /// The body's name.
    pub body: String,
    /// The day.
    pub date: NaiveDate,
    /// Start "HH:MM".
    #[serde(default)]
    pub start: Option<String>,
    /// End "HH:MM".
    #[serde(default)]
    pub end: Option<String>,
    /// Place.
    #[serde(default)]
    pub place: Option<String>,
    /// Agenda, supplementary agenda or minutes.
    pub publication: Publication,
    /// Its open items, numbered 1, 2, … in agenda order.
    pub items: Vec<MaterialItem>,
}

/// One open agenda item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialItem {
    /// Its position among the meeting's open items.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Regular, fixed or briefing.
    pub kind: ItemKind,
    /// Referred from the Byråd.
    #[serde(default)]
    pub referred: bool,
    /// Postponed at this meeting.
    #[serde(default)]
    pub postponed: bool,
    /// A citizen addressed the body.
    #[serde(default)]
    pub foretraede: bool,
    /// Case number.
    #[serde(default)]
    pub case_number: Option<String>,
    /// Case text.
    #[serde(default)]
    pub case_text: Option<String>,
    /// The decision, where known.
    #[serde(default)]
    pub decision: Option<String>,
    /// Subjects of a written briefing.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Its open bilag, in order.
    #[serde(default)]
    pub attachments: Vec<MaterialFile>,
}

/// One open bilag: its content by hash, and its text where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialFile {
    /// Title on this item.
    pub title: String,
    /// Content hash (lowercase hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether the file itself is an item of the offer (the offerer may
    /// hold only the text of a bilag it does not follow).
    pub file: bool,
    /// How reading its text went (none: not read yet).
    #[serde(default)]
    pub text_status: Option<TextStatus>,
    /// Its page count, where known.
    #[serde(default)]
    pub page_count: Option<u32>,
    /// Page texts, page 1 first.
    #[serde(default)]
    pub pages: Vec<String>,
}

impl Material {
    /// Every bilag, each content once.
    pub fn files(&self) -> impl Iterator<Item = &MaterialFile> {
        let mut seen = BTreeSet::new();
        self.meetings
            .iter()
            .flat_map(|m| &m.items)
            .flat_map(|i| &i.attachments)
            .filter(move |f| seen.insert(f.sha256.as_str()))
    }

    /// Checks a received description: limits, names, numbering, and that
    /// every file it says is in the offer is in the manifest with that size.
    pub fn check(&self, manifest: &Manifest) -> Result<()> {
        let bad = |why: String| Err(NearbyError::Protocol(format!("materialet {why}")));
        if self.schema != MATERIAL_SCHEMA {
            return bad(format!("har en ukendt udgave ({})", self.schema));
        }
        if self.meetings.len() > MAX_MEETINGS {
            return bad("har for mange møder".into());
        }
        let name_ok = |s: &str| !s.trim().is_empty() && s.len() <= MAX_NAME;
        let mut meetings = BTreeSet::new();
        for m in &self.meetings {
            if !name_ok(&m.body) {
                return bad("har et udvalg uden gyldigt navn".into());
            }
            if !meetings.insert((m.body.as_str(), m.date)) {
                return bad(format!("nævner {} {} to gange", m.body, m.date));
            }
            if m.items.len() > MAX_ITEMS_PER_MEETING {
                return bad(format!("har for mange punkter på {} {}", m.body, m.date));
            }
            for (i, item) in m.items.iter().enumerate() {
                if item.number as usize != i + 1 {
                    return bad(format!(
                        "nummererer punkterne på {} {} forkert",
                        m.body, m.date
                    ));
                }
                if !name_ok(&item.title) || item.attachments.len() > MAX_ATTACHMENTS_PER_ITEM {
                    return bad(format!("har et ugyldigt punkt på {} {}", m.body, m.date));
                }
                for f in &item.attachments {
                    if !name_ok(&f.title) || !super::transfer::is_sha256(&f.sha256) {
                        return bad("har et bilag uden gyldigt navn eller hash".into());
                    }
                    if f.pages.len() > MAX_PAGES {
                        return bad("har et bilag med for mange sider".into());
                    }
                    if f.file
                        && !manifest
                            .items
                            .iter()
                            .any(|i| i.sha256 == f.sha256 && i.size == f.size)
                    {
                        return bad("nævner en fil, der ikke er med i tilbuddet".into());
                    }
                }
            }
        }
        Ok(())
    }
}
