//! A member's annotations in the W3C Web Annotation data model: highlights and
//! notes on an attachment page (anchored by a quote with prefix and suffix, a
//! text position and the page), and notes on an item or a case.
//!
//! Annotations belong to the case (its number) and to the attachment's content
//! (its SHA-256), never to one meeting's item, so they show wherever the case
//! returns. [`anchor`] places a quote in page texts (exact, then fuzzy);
//! [`follow`] moves anchors to a revised attachment after each import or sync;
//! [`jsonld`] reads and writes the W3C JSON-LD form used in sharing bundles.

pub mod anchor;
pub mod follow;
pub mod jsonld;

use crate::model::ItemId;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// How a note's body is written.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum NoteFormat {
    /// Plain text.
    #[default]
    #[serde(rename = "text/plain")]
    Plain,
    /// Markdown.
    #[serde(rename = "text/markdown")]
    Markdown,
}

impl NoteFormat {
    /// The media type, as stored and as written in JSON-LD.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteFormat::Plain => "text/plain",
            NoteFormat::Markdown => "text/markdown",
        }
    }

    /// Parses the media type.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "text/plain" => NoteFormat::Plain,
            "text/markdown" => NoteFormat::Markdown,
            _ => return None,
        })
    }
}

/// Who may see an annotation besides its author.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only the member (never exported).
    #[default]
    Private,
    /// Goes into sharing bundles.
    Shared,
}

impl Visibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Shared => "shared",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "private" => Visibility::Private,
            "shared" => Visibility::Shared,
            _ => return None,
        })
    }
}

/// Whether the member wrote an annotation or got it in a bundle.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Made by the member of this data directory.
    Own,
    /// Imported from someone's bundle (shown as theirs).
    Imported,
}

impl Origin {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Own => "own",
            Origin::Imported => "imported",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "own" => Origin::Own,
            "imported" => Origin::Imported,
            _ => return None,
        })
    }
}

/// Whether an anchor is placed in its text.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AnchorState {
    /// The quote is where the selectors say.
    #[default]
    Anchored,
    /// The quote could not be found in a revised attachment; kept, shown apart.
    Detached,
}

impl AnchorState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorState::Anchored => "anchored",
            AnchorState::Detached => "detached",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "anchored" => AnchorState::Anchored,
            "detached" => AnchorState::Detached,
            _ => return None,
        })
    }
}

/// The person who wrote an annotation.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// A stable id, `urn:uuid:…`.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Where on an attachment page an annotation sits (TextQuoteSelector +
/// TextPositionSelector + page). Positions count characters (Unicode scalar
/// values) of the page text as stored.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextAnchor {
    /// SHA-256 of the attachment content.
    pub sha256: String,
    /// The attachment's title where the annotation was made (finds revisions).
    pub attachment_title: Option<String>,
    /// 1-based page.
    pub page: u32,
    /// The quoted text.
    pub exact: String,
    /// Up to 32 characters before the quote.
    pub prefix: String,
    /// Up to 32 characters after the quote.
    pub suffix: String,
    /// Start of the quote in the page text (characters).
    pub start: u32,
    /// End of the quote (exclusive).
    pub end: u32,
}

/// One annotation.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// `urn:uuid:…`, kept across bundles.
    pub id: String,
    /// The case it follows, if the item has one.
    pub case_number: Option<String>,
    /// The item it was made on, in this data directory (None when unknown here).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub item: Option<ItemId>,
    /// The page and quote; None for a note on an item or case.
    pub anchor: Option<TextAnchor>,
    /// Anchored or detached.
    pub anchor_state: AnchorState,
    /// The note text (empty for a bare highlight).
    pub body: String,
    /// Plain text or Markdown.
    pub format: NoteFormat,
    /// Highlight colour (a name or `#rrggbb`).
    pub colour: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Who wrote it.
    pub author: Author,
    /// Own or imported.
    pub origin: Origin,
    /// Private or shared.
    pub visibility: Visibility,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it was last changed.
    pub modified: DateTime<Utc>,
}

impl Annotation {
    /// `highlighting` for a bare highlight, `commenting` otherwise.
    pub fn motivation(&self) -> &'static str {
        if self.anchor.is_some() && self.body.trim().is_empty() {
            "highlighting"
        } else {
            "commenting"
        }
    }
}

/// A new `urn:uuid:` id.
pub fn new_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// Times as stored and exported: RFC 3339 in UTC with milliseconds, so they
/// sort as text.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an RFC 3339 time.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether a string is an id of the form `urn:uuid:<uuid>`.
pub fn is_urn_uuid(s: &str) -> bool {
    s.strip_prefix("urn:uuid:")
        .is_some_and(|u| uuid::Uuid::parse_str(u).is_ok())
}
