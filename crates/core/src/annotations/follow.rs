//! Keeping anchors with their case after new material arrives. Called at the
//! end of every import and sync (after page texts are read, before the index
//! commit): when the newest treatment of a case carries an attachment with the
//! same title as an anchor's but other content (a revised version), the anchor
//! is moved there by its quote (exact, then fuzzy); a quote that cannot be
//! placed keeps its old anchor and is marked detached, never deleted. It also
//! records the time of this run, so reading progress can tell what is new.

use super::anchor::reanchor;
use super::{format_time, AnchorState, TextAnchor};
use crate::store::Store;
use crate::Result;
use chrono::Utc;

/// Setting: when the latest import or sync finished.
pub const LAST_SYNC: &str = "sync.last";
/// Setting: when the one before it finished.
pub const PREVIOUS_SYNC: &str = "sync.previous";

/// What following the cases did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowReport {
    /// Anchors moved to a revised attachment.
    pub moved: u64,
    /// Anchors that could not be placed in the revised attachment.
    pub detached: u64,
}

/// Moves anchors to revised attachments and records the time of this run.
pub fn after_update(store: &Store) -> Result<FollowReport> {
    let mut report = FollowReport::default();
    let mut changes: Vec<(String, TextAnchor, AnchorState)> = Vec::new();
    {
        let read = store.read();
        for a in read.all_annotations()? {
            let (Some(case), Some(anchor)) = (&a.case_number, &a.anchor) else {
                continue;
            };
            let Some(title) = &anchor.attachment_title else {
                continue;
            };
            let items = read.case_items(case)?;
            // The newest treatment that has an attachment with this title.
            let Some(latest) = items
                .iter()
                .rev()
                .find(|i| i.attachments.iter().any(|x| &x.title == title))
            else {
                continue;
            };
            if latest.attachments.iter().any(|x| x.sha256 == anchor.sha256) {
                continue;
            }
            let Some(revised) = latest.attachments.iter().find(|x| &x.title == title) else {
                continue;
            };
            if !read
                .attachment_by_sha(&revised.sha256)?
                .is_some_and(|(_, text_read)| text_read)
            {
                // Its text is read later; the next run tries again.
                continue;
            }
            let pages = read.page_texts(&revised.sha256)?;
            match reanchor(&pages, anchor) {
                Some(p) => {
                    let moved = TextAnchor {
                        sha256: revised.sha256.clone(),
                        attachment_title: Some(title.clone()),
                        page: p.page,
                        exact: p.exact,
                        prefix: p.prefix,
                        suffix: p.suffix,
                        start: p.start,
                        end: p.end,
                    };
                    changes.push((a.id.clone(), moved, AnchorState::Anchored));
                    report.moved += 1;
                }
                None if a.anchor_state != AnchorState::Detached => {
                    changes.push((a.id.clone(), anchor.clone(), AnchorState::Detached));
                    report.detached += 1;
                }
                None => {}
            }
        }
    }
    store.write(|w| {
        for (id, anchor, state) in &changes {
            w.set_anchor(id, anchor, *state)?;
        }
        if let Some(last) = w.setting(LAST_SYNC)? {
            w.set_setting(PREVIOUS_SYNC, &last)?;
        }
        w.set_setting(LAST_SYNC, &format_time(Utc::now()))
    })?;
    Ok(report)
}
