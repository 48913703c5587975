//! Who is asking: the scope every call through the api runs in. Closed
//! (lukket) material is invisible unless the scope says otherwise, and only
//! the member's own session may change anything.

use serde::Serialize;

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
