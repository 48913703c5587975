//! Who is asking: the scope every call through the api runs in. Closed
//! (lukket) material is invisible unless the scope says otherwise, and only
//! the member's own session may change anything.

use serde::Serialize;

use crate::store::{ItemContext, MeetingSummary};

/// What a caller may see and do. There is no default: every caller states
/// its scope, and a scope can never be widened by a request's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Open material only; reads only. Scripts and assistants with the
    /// open-scope token, and anything that has not proved more.
    Open,
    /// Open and closed material; reads only. A token the member made for
    /// their own assistant. It never sees the member's private notes.
    Closed,
    /// The member: everything, writes included (notes, sources, sync,
    /// following, bundles). The command line on the member's own data
    /// directory, the desktop window and the browser UI's session.
    Member,
}

impl Scope {
    /// Whether closed material is visible in this scope.
    pub fn sees_closed(self) -> bool {
        self != Scope::Open
    }

    /// Whether this is the member acting: writes and private notes.
    pub fn is_member(self) -> bool {
        self == Scope::Member
    }
}

impl Scope {
    /// What of an item this scope sees: nothing of a closed item without the
    /// closed scope, and of an open one everything but its closed bilag. The
    /// one rule every view of items (meeting, item, reading load, notes)
    /// follows; the index and the store's counts follow the same per page
    /// and per file.
    pub(crate) fn item(self, mut item: ItemContext) -> Option<ItemContext> {
        if self.sees_closed() {
            return Some(item);
        }
        if item.closed {
            return None;
        }
        item.attachments.retain(|a| !a.closed);
        Some(item)
    }

    /// What of a meeting this scope sees: nothing of a closed meeting (a
    /// closed publication, or one whose items are all closed) without the
    /// closed scope, and of an open one its open items only.
    pub(crate) fn meeting(self, mut meeting: MeetingSummary) -> Option<MeetingSummary> {
        if self.sees_closed() {
            return Some(meeting);
        }
        if meeting.closed {
            return None;
        }
        meeting.item_count -= meeting.closed_items;
        meeting.closed_items = 0;
        Some(meeting)
    }
}
