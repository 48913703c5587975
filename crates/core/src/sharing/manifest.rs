//! The manifest of a bundle: what it holds, and the caps an export keeps to
//! so that import will not refuse it.

use super::caps;
use crate::annotations::jsonld::ItemLocator;
use crate::annotations::Author;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The manifest of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`](super::FORMAT).
    pub format: String,
    /// [`SCHEMA`].
    pub schema: u32,
    /// When the bundle was written (RFC 3339).
    pub created: String,
    /// The program that wrote it.
    pub generator: String,
    /// Who shares.
    pub author: Author,
    /// `{"case": "EMN-…"}` or `{"meeting": {"body": …, "date": …}}`.
    pub scope: ManifestScope,
    /// The open items in the scope.
    pub items: Vec<ManifestItem>,
    /// The attachments in the bundle.
    pub attachments: Vec<ManifestAttachment>,
    /// The annotations entry.
    pub annotations: String,
    /// How many annotations it holds.
    pub annotation_count: usize,
    // Nothing about what was left out: a bundle from before that says
    // (`omitted_closed`) is read, the field ignored.
}

/// The scope as written in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManifestScope {
    /// A case number.
    Case(String),
    /// A meeting.
    Meeting {
        /// Body name.
        body: String,
        /// Day.
        date: NaiveDate,
    },
}

/// An open item in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// Where it is.
    #[serde(flatten)]
    pub at: ItemLocator,
    /// Title.
    pub title: String,
    /// Case number.
    pub case_number: Option<String>,
    /// Its attachments: (title, sha256).
    pub attachments: Vec<(String, String)>,
}

/// An attachment in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestAttachment {
    /// Content hash.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Entry name: `attachments/<sha256>.pdf`.
    pub path: String,
    /// A title it carries.
    pub title: String,
}

/// Refuses to write a bundle that import would refuse for its size.
pub(super) fn within_caps(m: &Manifest) -> Result<()> {
    let total: u64 = m.attachments.iter().map(|a| a.size).sum();
    let too_big = |what: String| {
        Err(Error::Invalid(format!(
            "pakken bliver for stor: {what}; del en sag eller et møde ad gangen, eller færre noter"
        )))
    };
    if m.items.len() > caps::MAX_ITEMS {
        return too_big(format!(
            "{} punkter (højst {})",
            m.items.len(),
            caps::MAX_ITEMS
        ));
    }
    if m.attachments.len() > caps::MAX_ATTACHMENTS {
        return too_big(format!(
            "{} bilag (højst {})",
            m.attachments.len(),
            caps::MAX_ATTACHMENTS
        ));
    }
    if m.annotation_count > caps::MAX_ANNOTATIONS {
        return too_big(format!(
            "{} noter (højst {})",
            m.annotation_count,
            caps::MAX_ANNOTATIONS
        ));
    }
    if total > caps::MAX_TOTAL {
        return too_big(format!(
            "bilagene fylder {} MB (højst {} MB)",
            total >> 20,
            caps::MAX_TOTAL >> 20
        ));
    }
    Ok(())
}
