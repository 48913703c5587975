//! Browsing meetings and items as a caller with a token's scope sees them:
//! without the closed scope, closed items are absent (not listed, not counted).

use chrono::NaiveDate;
use serde::Serialize;

use super::Mappe;
use crate::api::Scope;
use crate::model::{AttachmentId, ItemFlags, ItemId, ItemKind, MeetingId};
use crate::store::{ItemContext, MeetingSummary, ReceivedFrom};
use crate::{Error, Result};

/// A meeting with its agenda.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingView {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: MeetingSummary,
    /// Its items in order, with their attachments.
    pub items: Vec<MeetingItem>,
    /// The colleague it was taken from nearby, and when (none: from the
    /// member's own sources).
    pub received: Option<ReceivedFrom>,
}

/// One item of a meeting's agenda, as the meeting screen shows it.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingItem {
    /// The item, its meeting and attachments.
    #[serde(flatten)]
    pub item: ItemContext,
    /// Regular, fixed or a written briefing.
    pub kind: ItemKind,
    /// Referred (henvist), postponed (udsat), foretræde.
    #[cfg_attr(
        any(test, feature = "ts"),
        ts(type = "{ referred: boolean, postponed: boolean, foretraede: boolean }")
    )]
    pub flags: ItemFlags,
    /// Its case text (and a briefing's subjects).
    pub text: Option<String>,
    /// The decision, where known (minutes).
    pub decision: Option<String>,
}

/// An agenda item that uses an attachment: where the reader says the bilag
/// belongs (body · day · item · case).
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentUse {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting: MeetingId,
    /// The body that met.
    pub body: String,
    /// The meeting's day.
    pub date: NaiveDate,
    /// The item.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub item: ItemId,
    /// The item's number on the agenda (as this scope numbers it).
    pub item_number: u32,
    /// The item's title.
    pub item_title: String,
    /// The case number, where the item has one.
    pub case_number: Option<String>,
}

impl From<&ItemContext> for AttachmentUse {
    fn from(i: &ItemContext) -> Self {
        AttachmentUse {
            meeting: i.meeting,
            body: i.body.clone(),
            date: i.date,
            item: i.id,
            item_number: i.number,
            item_title: i.title.clone(),
            case_number: i.case_number.clone(),
        }
    }
}

/// One item with its own text and public link.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Mappe {
    /// Meetings in a span, of one body (name, former name or abbreviation)
    /// or all, newest first.
    pub(crate) fn meetings(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        scope: Scope,
    ) -> Result<Vec<MeetingSummary>> {
        let read = self.store.read();
        let bodies = match body {
            Some(name) => read.find_bodies(name, !scope.sees_closed())?,
            None => Vec::new(),
        };
        Ok(read
            .meetings(from, to, &bodies)?
            .into_iter()
            .filter_map(|m| scope.meeting(m))
            .collect())
    }

    /// [`Mappe::meetings`] of one named body (all when `None` or blank),
    /// where a name that matches no body `scope` may see is unknown (404)
    /// rather than no filter at all.
    pub(crate) fn meetings_of(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        scope: Scope,
    ) -> Result<Vec<MeetingSummary>> {
        let body = body.map(str::trim).filter(|b| !b.is_empty());
        if let Some(name) = body {
            if self
                .store
                .read()
                .find_bodies(name, !scope.sees_closed())?
                .is_empty()
            {
                return Err(Error::NotFound(format!("Intet udvalg hedder »{name}«.")));
            }
        }
        self.meetings(body, from, to, scope)
    }

    /// One meeting and its agenda.
    pub(crate) fn meeting(&self, id: MeetingId, scope: Scope) -> Result<MeetingView> {
        let read = self.store.read();
        let meeting = read
            .meeting_summary(id)?
            .and_then(|m| scope.meeting(m))
            .ok_or_else(|| Error::NotFound(format!("mødet {id} findes ikke")))?;
        let mut details: std::collections::HashMap<ItemId, _> = read
            .item_details(id)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let mut items = Vec::new();
        for item in read.meeting_items(id)? {
            let Some(item) = scope.item(item) else {
                continue;
            };
            let detail = details.remove(&item.id);
            items.push(MeetingItem {
                text: read.item_text(item.id.0)?,
                kind: detail.as_ref().map(|d| d.kind).unwrap_or_default(),
                flags: detail.as_ref().map(|d| d.flags).unwrap_or_default(),
                decision: detail.and_then(|d| d.decision),
                item,
            });
        }
        Ok(MeetingView {
            received: read.received_meeting(id)?,
            meeting,
            items,
        })
    }

    /// The items that use an attachment as `scope` sees them (an item where
    /// it is a closed bilag, or a closed item, only with the closed scope),
    /// newest first. An attachment this scope may not see is unknown.
    pub(crate) fn attachment_items(
        &self,
        attachment: AttachmentId,
        scope: Scope,
    ) -> Result<Vec<ItemContext>> {
        let read = self.store.read();
        let open = read.attachment_is_open(attachment)?;
        if !open.is_some_and(|open| open || scope.sees_closed()) {
            return Err(Error::NotFound(format!("intet bilag med id {attachment}")));
        }
        let mut items: Vec<ItemContext> = read
            .items_using(attachment)?
            .into_iter()
            .filter_map(|i| scope.item(i))
            .filter(|i| i.attachments.iter().any(|a| a.id == attachment))
            .collect();
        items.reverse();
        Ok(items)
    }

    /// One item; a closed item is unknown without the closed scope.
    pub(crate) fn item(&self, id: ItemId, scope: Scope) -> Result<ItemView> {
        let read = self.store.read();
        let unknown = || Error::NotFound(format!("punkt {id} findes ikke"));
        let item = match read.item_context(id).map(|item| scope.item(item)) {
            Ok(Some(item)) => item,
            Ok(None) | Err(Error::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e),
        };
        Ok(ItemView {
            text: read.item_text(id.0)?,
            link: read.portal_link(id.0)?,
            item,
        })
    }
}
