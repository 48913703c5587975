//! Sources and failed files as a caller with a token's scope may see them:
//! without the closed scope, the names of files (which may be closed
//! material) are left out and only counted.

use super::Mappe;
use crate::api::Scope;
use crate::store::{FailedFile, Source};
use crate::Result;
use serde::Serialize;

/// What is stored, and the files that could not be read.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SourcesStatus {
    /// Meetings stored.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meetings: u64,
    /// Attachments and documents (files) stored.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub attachments: u64,
    /// Pages stored.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub pages: u64,
    /// Documents in the search index.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub index_documents: u64,
    /// Files that could not be read fully, with reasons in plain Danish
    /// (empty without the closed scope).
    pub failed_files: Vec<FailedFile>,
    /// How many files could not be read fully.
    pub failed_count: usize,
    /// True when the list is left out for this scope.
    pub failed_hidden: bool,
}

impl Mappe {
    /// The sources; without the closed scope, the things their last sync
    /// could not do and why it stopped are left out (they can name files).
    pub(crate) fn sources_for(&self, scope: Scope) -> Result<Vec<Source>> {
        let mut sources = self.sources()?;
        if !scope.sees_closed() {
            for s in &mut sources {
                s.failures.clear();
                s.last_error = None;
                // The portal lists closed publications too: no count of them.
                if let Some(scope) = &mut s.scope {
                    scope.counts = None;
                }
            }
        }
        Ok(sources)
    }

    /// What is stored and which files failed, as `scope` may see it.
    pub(crate) fn sources_status(&self, scope: Scope) -> Result<SourcesStatus> {
        // Without the closed scope only open attachments' failures are
        // counted, and none is named (a path can say more than the file).
        let status = self.counts_status(scope)?;
        let failed_count = status.failed_files.len();
        let hidden = !scope.sees_closed();
        Ok(SourcesStatus {
            meetings: status.counts.meetings,
            attachments: status.counts.attachments,
            pages: status.counts.pages,
            index_documents: status.index_documents,
            failed_files: if hidden {
                Vec::new()
            } else {
                status.failed_files
            },
            failed_count,
            failed_hidden: hidden,
        })
    }
}
