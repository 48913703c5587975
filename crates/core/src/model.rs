//! The domain nouns: bodies, meetings, agenda items, cases, attachments, pages and
//! document collections, as the rest of the crate passes them around.
//!
//! Ids are plain SQLite row ids wrapped in their own types so that an item id can
//! never be handed to a function that wants a meeting id.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Danish month names, January first, as dates are written in council texts
/// ("6. marts 2023").
pub const DANISH_MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date as council texts write it: "6. marts 2023".
pub fn danish_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{}. {} {}",
        d.day(),
        DANISH_MONTHS[d.month0() as usize],
        d.year()
    )
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A body (committee, council, Magistrat) in the store.
    BodyId
);
id_type!(
    /// A meeting in the store.
    MeetingId
);
id_type!(
    /// An agenda item in the store.
    ItemId
);
id_type!(
    /// A case in the store.
    CaseId
);
id_type!(
    /// An attachment (one distinct file content) in the store.
    AttachmentId
);
id_type!(
    /// A plain document collection (a folder of PDFs without meeting structure).
    CollectionId
);
id_type!(
    /// One document of a collection.
    DocumentId
);
id_type!(
    /// A configured source (a portal or a watched folder).
    SourceId
);

/// Where material comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A FirstAgenda Publication portal (e.g. dagsordener.aarhus.dk).
    Portal,
    /// A folder of PDFs on this machine, watched for changes.
    Folder,
}

impl SourceKind {
    /// The stable name stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Portal => "portal",
            SourceKind::Folder => "folder",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "portal" => SourceKind::Portal,
            "folder" => SourceKind::Folder,
            _ => return None,
        })
    }
}

/// What sort of body this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Byrådet, the city council.
    Council,
    /// Magistraten, the executive committee.
    Magistrat,
    /// A standing committee (fast udvalg).
    Committee,
    /// A temporary task committee (§17, stk. 4-udvalg).
    TaskCommittee,
    /// Any other body: councils, boards, contact committees.
    Other,
}

impl BodyKind {
    /// The stable name stored in SQLite and written in `body.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Council => "council",
            BodyKind::Magistrat => "magistrat",
            BodyKind::Committee => "committee",
            BodyKind::TaskCommittee => "task_committee",
            BodyKind::Other => "other",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "council" => BodyKind::Council,
            "magistrat" => BodyKind::Magistrat,
            "committee" => BodyKind::Committee,
            "task_committee" => BodyKind::TaskCommittee,
            "other" => BodyKind::Other,
            _ => return None,
        })
    }
}

/// An earlier name of a body, valid until (and including) a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerName {
    /// The name used before the rename.
    pub name: String,
    /// The last day the name was in use.
    pub until: NaiveDate,
}

/// An election period or other span a body exists in (both ends inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day, if the body has ended or the period is known.
    pub to: Option<NaiveDate>,
}

/// A committee, the council, the Magistrat or another body that holds meetings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Store id.
    pub id: BodyId,
    /// The current name, e.g. "Teknisk Udvalg".
    pub name: String,
    /// The members' abbreviation, e.g. "TU".
    pub short: Option<String>,
    /// What sort of body.
    pub kind: BodyKind,
    /// Names used before renames.
    pub former_names: Vec<FormerName>,
    /// The period the body exists in.
    pub period: Option<Period>,
}

/// Which publication of a meeting we hold.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publication {
    /// Dagsorden.
    Agenda,
    /// Tillægsdagsorden.
    SupplementaryAgenda,
    /// Referat.
    Minutes,
}

impl Publication {
    /// The stable name stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            Publication::Agenda => "agenda",
            Publication::SupplementaryAgenda => "supplementary_agenda",
            Publication::Minutes => "minutes",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "agenda" => Publication::Agenda,
            "supplementary_agenda" => Publication::SupplementaryAgenda,
            "minutes" => Publication::Minutes,
            _ => return None,
        })
    }
}

/// A meeting of one body on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Store id.
    pub id: MeetingId,
    /// The body that met.
    pub body: BodyId,
    /// The day.
    pub date: NaiveDate,
    /// Start time, "HH:MM" local time, where known.
    pub start: Option<String>,
    /// End time, "HH:MM" local time, where known.
    pub end: Option<String>,
    /// Where the meeting is held.
    pub place: Option<String>,
    /// The newest publication we hold (agenda or minutes).
    pub publication: Publication,
}

/// What sort of agenda item.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An ordinary item with a case.
    #[default]
    Regular,
    /// A fixed item ("Godkendelse af dagsorden", "Meddelelser", "Eventuelt", …).
    Fixed,
    /// Written briefings (skriftlige orienteringer); may hold several subjects.
    Briefing,
}

impl ItemKind {
    /// The stable name stored in SQLite and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Regular => "regular",
            ItemKind::Fixed => "fixed",
            ItemKind::Briefing => "briefing",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "regular" => ItemKind::Regular,
            "fixed" => ItemKind::Fixed,
            "briefing" => ItemKind::Briefing,
            _ => return None,
        })
    }
}

/// Whether an item (and so its attachments) is public.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Åbent punkt.
    #[default]
    Open,
    /// Lukket punkt: never leaves the machine.
    Closed,
}

impl Access {
    /// True for closed material.
    pub fn is_closed(self) -> bool {
        self == Access::Closed
    }

    /// Parses the English or Danish word, any case: the one vocabulary of
    /// the CLI, HTTP and MCP (open, åben, aaben, åbne, aabne; closed,
    /// lukket, lukkede).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "open" | "åben" | "aaben" | "åbne" | "aabne" | "åbent" | "aabent" => {
                Some(Access::Open)
            }
            "closed" | "lukket" | "lukkede" => Some(Access::Closed),
            _ => None,
        }
    }
}

/// The flags an agenda item carries besides its kind.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemFlags {
    /// Referred (henvist) from the Byråd to this body.
    pub referred: bool,
    /// Postponed (udsat) at this meeting; treated at a later one.
    pub postponed: bool,
    /// A citizen asked to address the body (foretræde).
    pub foretraede: bool,
}

/// An agenda item of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Store id.
    pub id: ItemId,
    /// The meeting it belongs to.
    pub meeting: MeetingId,
    /// Item number on the agenda (1-based).
    pub number: u32,
    /// Title.
    pub title: String,
    /// Regular, fixed or written briefing.
    pub kind: ItemKind,
    /// Open or closed.
    pub access: Access,
    /// Referred, postponed, foretræde.
    pub flags: ItemFlags,
    /// The case this item treats, if any (fixed items have none).
    pub case: Option<CaseId>,
    /// The case number as printed, e.g. "EMN-2023-001234".
    pub case_number: Option<String>,
    /// Case text: presentation, recommendation, decision.
    pub case_text: Option<String>,
    /// Subjects of a written briefing (empty for other kinds).
    pub subjects: Vec<String>,
}

/// A case (sag): one matter that may be treated at many meetings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Store id.
    pub id: CaseId,
    /// The case number, e.g. "EMN-2023-001234".
    pub number: String,
}

/// How well the text of an attachment could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextStatus {
    /// Every page read.
    Full,
    /// Some pages read, some failed.
    Partial,
    /// The file opened (page count known) but no text could be read.
    NoText,
    /// The file could not be read at all.
    Unreadable,
}

impl TextStatus {
    /// The stable name stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            TextStatus::Full => "full",
            TextStatus::Partial => "partial",
            TextStatus::NoText => "no_text",
            TextStatus::Unreadable => "unreadable",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "full" => TextStatus::Full,
            "partial" => TextStatus::Partial,
            "no_text" => TextStatus::NoText,
            "unreadable" => TextStatus::Unreadable,
            _ => return None,
        })
    }
}

/// One distinct file content (a PDF), stored once however many items use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// Store id.
    pub id: AttachmentId,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Page count, where any reader could tell.
    pub page_count: Option<u32>,
    /// How much text was read.
    pub text_status: TextStatus,
    /// Plain-words reason when the text was not fully read.
    pub problem: Option<String>,
}

/// A plain document collection: a folder of PDFs with no meeting structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    /// Store id.
    pub id: CollectionId,
    /// Name (the folder's name).
    pub name: String,
}

/// The decision in a case text: the paragraph under its last "Beslutning"
/// heading (a line of its own, or "Beslutning: …" with the text after the
/// colon), up to the next empty line.
pub fn decision_in_text(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (at, inline) = lines.iter().enumerate().rev().find_map(|(n, line)| {
        let l = line.trim();
        let head = l.get(..10)?;
        if !head.eq_ignore_ascii_case("beslutning") {
            return None;
        }
        match l[10..].trim_start() {
            "" | ":" => Some((n, "")),
            rest => rest.strip_prefix(':').map(|r| (n, r.trim())),
        }
    })?;
    let mut paragraph: Vec<&str> = Vec::new();
    if !inline.is_empty() {
        paragraph.push(inline);
    }
    for line in lines[at + 1..].iter().map(|l| l.trim()) {
        match (line.is_empty(), paragraph.is_empty()) {
            (true, true) => continue,
            (true, false) => break,
            _ => paragraph.push(line),
        }
    }
    let decision = paragraph.join(" ");
    let decision: String = decision.chars().take(2000).collect();
    (!decision.is_empty()).then_some(decision)
}

#[cfg(test)]
mod tests {
    use super::Access;
    use crate::index::SortOrder;

    #[test]
    fn filters_have_one_vocabulary_in_english_and_danish() {
        for open in ["open", "Åben", "aaben", "åbne", "AABNE"] {
            assert_eq!(Access::parse(open), Some(Access::Open), "{open}");
        }
        for closed in ["closed", "lukket", " Lukkede "] {
            assert_eq!(Access::parse(closed), Some(Access::Closed), "{closed}");
        }
        assert_eq!(Access::parse("hemmelig"), None);
        assert_eq!(SortOrder::parse("Nyeste"), Some(SortOrder::Newest));
        assert_eq!(SortOrder::parse("ældste"), Some(SortOrder::Oldest));
        assert_eq!(SortOrder::parse("relevance"), Some(SortOrder::Relevance));
        assert_eq!(SortOrder::parse("tilfældig"), None);
    }
}

#[cfg(test)]
mod decision_tests {
    use super::decision_in_text;

    #[test]
    fn the_decision_is_the_paragraph_under_beslutning() {
        let text = "Resume\nNoget.\n\nBeslutning\nIndstillingen blev godkendt.\nV tog forbehold.\n\nFravær: ingen";
        assert_eq!(
            decision_in_text(text).as_deref(),
            Some("Indstillingen blev godkendt. V tog forbehold.")
        );
        assert_eq!(
            decision_in_text("Indstilling\nat …\nBeslutning: Udsat.\n").as_deref(),
            Some("Udsat.")
        );
        // The last heading counts; a word in running text does not.
        assert_eq!(
            decision_in_text("Beslutningen om budgettet er taget.\n\nBESLUTNING\n\nTiltrådt.")
                .as_deref(),
            Some("Tiltrådt.")
        );
        assert_eq!(decision_in_text("Beslutningsgrundlag\nse bilag"), None);
        assert_eq!(decision_in_text("Resume\nIngen afgørelse endnu."), None);
        assert_eq!(decision_in_text("Beslutning\n"), None);
    }
}
