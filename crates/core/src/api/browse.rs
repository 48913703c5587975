//! Browsing meetings and items as a caller with a token's scope sees them:
//! without the closed scope, closed items are absent (not listed, not counted).

use chrono::NaiveDate;
use serde::Serialize;

use super::Mappe;
use crate::model::{ItemId, MeetingId};
use crate::store::{ItemContext, MeetingSummary};
use crate::tokens::Scope;
use crate::{Error, Result};

/// A meeting with its agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingView {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: MeetingSummary,
    /// Its items in order, with their attachments.
    pub items: Vec<ItemContext>,
}

/// One item with its own text and public link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    /// The item, its meeting and attachments.
    #[serde(flatten)]
    pub item: ItemContext,
    /// Its case text (and a briefing's subjects).
    pub text: Option<String>,
    /// The public portal link, where it came from a portal.
    pub link: Option<String>,
}

fn hide_closed(m: &mut MeetingSummary, scope: Scope) {
    if !scope.sees_closed() {
        m.item_count -= m.closed_items;
        m.closed_items = 0;
    }
}

impl Mappe {
    /// Meetings in a span, of one body (name, former name or abbreviation)
    /// or all, newest first.
    pub fn meetings(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        scope: Scope,
    ) -> Result<Vec<MeetingSummary>> {
        let read = self.store.read();
        let bodies = match body {
            Some(name) => read.find_bodies(name)?,
            None => Vec::new(),
        };
        let mut meetings = read.meetings(from, to, &bodies)?;
        for m in &mut meetings {
            hide_closed(m, scope);
        }
        Ok(meetings)
    }

    /// One meeting and its agenda.
    pub fn meeting(&self, id: MeetingId, scope: Scope) -> Result<MeetingView> {
        let read = self.store.read();
        let mut meeting = read
            .meeting_summary(id)?
            .ok_or_else(|| Error::NotFound(format!("mødet {id} findes ikke")))?;
        hide_closed(&mut meeting, scope);
        let items = read
            .meeting_items(id)?
            .into_iter()
            .filter(|i| scope.sees_closed() || !i.closed)
            .collect();
        Ok(MeetingView { meeting, items })
    }

    /// One item; a closed item is unknown without the closed scope.
    pub fn item(&self, id: ItemId, scope: Scope) -> Result<ItemView> {
        let read = self.store.read();
        let unknown = || Error::NotFound(format!("punkt {id} findes ikke"));
        let item = match read.item_context(id) {
            Ok(item) if scope.sees_closed() || !item.closed => item,
            Ok(_) | Err(Error::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e),
        };
        Ok(ItemView {
            text: read.item_text(id.0)?,
            link: read.portal_link(id.0)?,
            item,
        })
    }
}
