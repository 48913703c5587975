//! Sharing bundles for callers that hold bytes rather than files (the HTTP
//! API, the desktop shell): what a bundle would hold, the bundle as bytes,
//! importing bytes, and the cases the member has shared notes on.

use super::{IngestSettings, Mappe};
use crate::annotations::{Origin, Visibility};
use crate::progress::Silent;
use crate::sharing::{self, BundlePreview, BundleScope, ClosedPolicy, ImportBundleReport};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// A case the member has shared notes on (something worth a bundle).
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareCandidate {
    /// The case number.
    pub case_number: String,
    /// The title of its latest treatment.
    pub title: String,
    /// The member's shared notes on it.
    pub shared_notes: usize,
}

/// The largest bundle accepted as bytes (the zip reader checks entries too).
pub const MAX_BUNDLE_BYTES: usize = 512 * 1024 * 1024;

impl Mappe {
    /// What the bundle of `scope` would hold, and the closed material it
    /// leaves out; the same selection [`Mappe::export_bundle`] writes.
    pub(crate) fn bundle_preview(&self, scope: &BundleScope) -> Result<BundlePreview> {
        sharing::preview(&self.store, &self.blobs, scope)
    }

    /// The bundle of `scope` as zip bytes (closed material left out).
    pub(crate) fn export_bundle_bytes(&self, scope: &BundleScope) -> Result<Vec<u8>> {
        let dir = self.temp_dir()?;
        let path = dir.path().join("pakke.zip");
        self.export_bundle(scope, ClosedPolicy::Omit, &path)?;
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }

    /// Imports a bundle given as zip bytes; a bad bundle changes nothing.
    pub(crate) fn import_bundle_bytes(
        &self,
        bytes: &[u8],
        settings: &IngestSettings,
    ) -> Result<ImportBundleReport> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(Error::Invalid(
                "pakken kan ikke indlæses: filen er for stor; intet er ændret".into(),
            ));
        }
        let dir = self.temp_dir()?;
        let path = dir.path().join("pakke.zip");
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.import_bundle(&path, settings, &Silent)
    }

    /// A temporary folder inside the data directory (private like the rest
    /// of it, whatever the system's temporary folder is), removed when dropped.
    pub(super) fn temp_dir(&self) -> Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix(".tmp-pakke")
            .tempdir_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))
    }

    /// The cases the member has shared notes on, most notes first.
    pub(crate) fn share_candidates(&self) -> Result<Vec<ShareCandidate>> {
        let read = self.store.read();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for a in read.all_annotations()? {
            if a.origin != Origin::Own || a.visibility != Visibility::Shared {
                continue;
            }
            let case = match (&a.case_number, a.item) {
                (Some(c), _) => Some(c.clone()),
                (None, Some(i)) => read.item_context(i).ok().and_then(|c| c.case_number),
                _ => None,
            };
            if let Some(c) = case {
                *counts.entry(c).or_default() += 1;
            }
        }
        let mut out = Vec::new();
        for (case_number, shared_notes) in counts {
            let title = read
                .case_history(&case_number)?
                .last()
                .map(|t| t.title.clone())
                .unwrap_or_default();
            out.push(ShareCandidate {
                case_number,
                title,
                shared_notes,
            });
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.shared_notes));
        Ok(out)
    }
}
