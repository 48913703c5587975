//! Reads for callers whose token may not see closed material (the HTTP API
//! and the MCP server), and the tokens themselves.

use super::notes::{NoteScope, NoteView};
use super::Scope;
use super::{CaseHistory, Mappe};
use crate::model::{AttachmentId, ItemId};
use crate::tokens::{TokenInfo, TokenScope, Tokens};
use crate::{Error, Result};

impl Mappe {
    /// The tokens of this data directory.
    pub(crate) fn tokens(&self) -> Result<Tokens> {
        Tokens::load(self.data_dir())
    }

    /// Makes a token; returns it with its secret (shown only now).
    pub(crate) fn create_token(
        &self,
        scope: TokenScope,
        label: Option<&str>,
    ) -> Result<(TokenInfo, String)> {
        self.tokens()?.create(scope, label)
    }

    /// Revokes the closed-scope token older versions made for the UI
    /// (labelled "brugerflade") and removes `<data>/ui-token`, so a copy of
    /// it that leaked through the page stops working.
    pub fn retire_ui_token(&self) -> Result<()> {
        let mut tokens = self.tokens()?;
        let old: Vec<String> = tokens
            .list()
            .iter()
            .filter(|t| t.label.as_deref() == Some("brugerflade"))
            .map(|t| t.id.clone())
            .collect();
        for id in old {
            tokens.revoke(&id)?;
        }
        let file = self.data_dir().join("ui-token");
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&file, e)),
            _ => Ok(()),
        }
    }

    /// The scope of a caller's token, or `None` when it is unknown.
    pub fn check_token(&self, secret: &str) -> Result<Option<Scope>> {
        Ok(self.tokens()?.check(secret).map(TokenScope::scope))
    }

    /// The local open-scope token's secret (made on first use).
    /// With a vault its secret is kept inside it (so unlocked only), not in
    /// `<data>/api-token`.
    pub fn local_token(&self) -> Result<String> {
        let mut tokens = self.tokens()?;
        match &self.lock {
            super::Lock::NoVault => tokens.local_secret(self.data_dir()),
            super::Lock::Locked => Err(Error::Locked),
            super::Lock::Unlocked(_) => {
                const KEY: &str = crate::vault::migrate::API_TOKEN_SETTING;
                if let Some(secret) = self.store.read().setting(KEY)? {
                    if tokens.check(&secret) == Some(TokenScope::Open) {
                        return Ok(secret);
                    }
                }
                let (_, secret) = tokens.create(TokenScope::Open, Some("lokal"))?;
                self.store.write(|w| w.set_setting(KEY, &secret))?;
                Ok(secret)
            }
        }
    }

    /// The stored PDF of an attachment, as a caller with `scope` may see it:
    /// a closed attachment is unknown without the closed scope.
    pub(crate) fn attachment_file(
        &self,
        attachment: AttachmentId,
        scope: Scope,
    ) -> Result<Vec<u8>> {
        let unknown = || Error::NotFound(format!("intet bilag med id {attachment}"));
        let open = self.store.read().attachment_is_open(attachment)?;
        if !open.is_some_and(|open| open || scope.sees_closed()) {
            return Err(unknown());
        }
        let (sha256, _, _) = self
            .store
            .read()
            .attachment_info(attachment)?
            .ok_or_else(unknown)?;
        let files_key = self.files_key();
        if let Some(bytes) = self.blobs.read(&sha256, files_key.as_ref())? {
            return Ok(bytes);
        }
        // Kept as text only (the text-only archive): fetched from its portal
        // now, and kept from then on.
        let opts = crate::sources::portal::PortalOptions {
            client: crate::sources::portal::client::ClientOptions {
                attempts: 2,
                ..Default::default()
            },
            ..Default::default()
        };
        let fetched = crate::sources::portal::files::fetch_on_request(
            &self.store,
            &self.blobs,
            attachment,
            &opts,
        )?;
        if fetched {
            if let Some(bytes) = self.blobs.read(&sha256, files_key.as_ref())? {
                return Ok(bytes);
            }
        }
        Err(Error::NotFound(format!(
            "filen til bilag {attachment} findes ikke i datamappen"
        )))
    }

    /// [`Mappe::case_history`] as a caller with `scope` may see it: without
    /// the closed scope, closed treatments are absent, and a case with only
    /// closed treatments is unknown.
    pub(crate) fn case_history_for(&self, case_number: &str, scope: Scope) -> Result<CaseHistory> {
        let mut history = self.case_history(case_number)?;
        if !scope.sees_closed() {
            history.treatments.retain(|t| !t.closed);
            if history.treatments.is_empty() {
                return Err(Error::NotFound(format!(
                    "ingen sag med nummeret {}",
                    case_number.trim()
                )));
            }
        }
        Ok(history)
    }

    /// [`Mappe::page_text`] as a caller with `scope` may see it: a closed
    /// attachment is unknown without the closed scope.
    pub(crate) fn page_text_for(
        &self,
        attachment: AttachmentId,
        page: u32,
        scope: Scope,
    ) -> Result<String> {
        let open = self.store.read().attachment_is_open(attachment)?;
        let visible = match open {
            Some(open) => open || scope.sees_closed(),
            None => false,
        };
        if !visible {
            return Err(Error::NotFound(format!(
                "bilag {attachment} har ingen side {page}"
            )));
        }
        self.page_text(attachment, page)
    }

    /// [`Mappe::list_notes`] as a caller with `scope` may see it: without the
    /// closed scope, a note made on a closed item, on an attachment that is
    /// not open, or on a case treated behind closed doors is absent, and so is
    /// the listing of a closed item.
    pub(crate) fn notes_for(&self, which: &NoteScope, scope: Scope) -> Result<Vec<NoteView>> {
        if scope.is_member() {
            return self.list_notes(which);
        }
        // Private notes are the member's only.
        let shared =
            |v: &NoteView| !v.mine || v.note.visibility == crate::annotations::Visibility::Shared;
        if scope.sees_closed() {
            let mut notes = self.list_notes(which)?;
            notes.retain(shared);
            return Ok(notes);
        }
        let read = self.store.read();
        // What the open scope cannot see is unknown, exactly as if it did not exist.
        match which {
            NoteScope::Item(item) => match read.item_context(*item) {
                Ok(i) if !i.closed => {}
                Ok(_) | Err(Error::NotFound(_)) => {
                    return Err(Error::NotFound(format!("punkt {item} findes ikke")))
                }
                Err(e) => return Err(e),
            },
            NoteScope::Attachment(a) => {
                if read.attachment_is_open(*a)? != Some(true) {
                    return Err(Error::NotFound(format!("bilag {a} findes ikke")));
                }
            }
            NoteScope::Case(c) => {
                self.case_history_for(c, scope)?;
            }
            NoteScope::Meeting(m) => {
                if read.meeting_is_open(*m)? != Some(true) {
                    return Err(Error::NotFound(format!("mødet {m} findes ikke")));
                }
            }
            NoteScope::All => {}
        }
        let item_open = |id: ItemId| -> Result<bool> { Ok(!read.item_context(id)?.closed) };
        // Whether a case was ever treated behind closed doors, looked up once per case.
        let mut case_open: std::collections::HashMap<String, bool> = Default::default();
        let mut visible = Vec::new();
        for view in self.list_notes(which)? {
            let open = match (view.attachment, view.note.item) {
                (Some(a), _) => read.attachment_is_open(a)? == Some(true),
                (None, Some(item)) => item_open(item)?,
                (None, None) => true,
            } && match &view.note.case_number {
                Some(case) => match case_open.get(case) {
                    Some(&open) => open,
                    None => {
                        let open = match self.case_history(case) {
                            Ok(history) => !history.treatments.iter().any(|t| t.closed),
                            Err(Error::NotFound(_)) => true,
                            Err(e) => return Err(e),
                        };
                        case_open.insert(case.clone(), open);
                        open
                    }
                },
                None => true,
            };
            if open && shared(&view) {
                visible.push(view);
            }
        }
        Ok(visible)
    }

    /// A note as listed on its own: where its anchor's attachment is here.
    pub(crate) fn note_view(&self, note: super::notes::Note) -> Result<NoteView> {
        let read = self.store.read();
        let attachment = match &note.anchor {
            Some(x) => read.attachment_by_sha(&x.sha256)?.map(|(id, _)| id),
            None => None,
        };
        let place = super::notes::note_place(&read, &note, attachment)?;
        Ok(NoteView {
            mine: note.origin == crate::annotations::Origin::Own,
            shown_at: note.item,
            attachment,
            place,
            note,
        })
    }
}
