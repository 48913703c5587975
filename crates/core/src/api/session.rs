//! The only way in: a [`Session`] reads the data directory in one [`Scope`],
//! and a [`Member`] (the member's own scope only) changes it. Every rule about
//! closed material lives behind these two types, so a caller (CLI, HTTP, MCP,
//! the desktop window) cannot forget it: it never sees an unscoped read.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::notes::{NoteScope, NoteView, ReadingProgress};
use super::numbering::OpenNumbers;
use super::{
    AgendaEntry, AttachmentUse, BodyChoice, CaseHistory, ItemView, Mappe, MeetingView, Scope,
    SearchRequest, ShareCandidate, SourcesStatus, Status,
};
use crate::index::SearchResults;
use crate::model::{AttachmentId, BodyId, ItemId, MeetingId};
use crate::retrieve::Passage;
use crate::stats::{Explanation, Stats, StatsQuery};
use crate::store::{MeetingSummary, Source, SourceScope};
use crate::{Error, Result};

/// Reads in one scope. Cheap: make one per request.
#[derive(Clone, Copy)]
pub struct Session<'m> {
    pub(super) mappe: &'m Mappe,
    pub(super) scope: Scope,
}

/// The member acting: reads in [`Scope::Member`] and every change.
#[derive(Clone, Copy)]
pub struct Member<'m> {
    pub(super) mappe: &'m Mappe,
}

/// The refusal of a change to a caller that is not the member.
pub(crate) fn not_member() -> Error {
    Error::Forbidden("kun medlemmet selv kan ændre noget i Mødemappe".into())
}

impl Mappe {
    /// Reads as a caller with `scope` may see them.
    pub fn session(&self, scope: Scope) -> Session<'_> {
        // A locked vault answers everyone as the open scope.
        let scope = if self.is_locked() { Scope::Open } else { scope };
        Session { mappe: self, scope }
    }

    /// Changes, for the member only: any other scope is refused with
    /// [`Error::Forbidden`].
    pub fn member(&self, scope: Scope) -> Result<Member<'_>> {
        if !scope.is_member() {
            return Err(not_member());
        }
        if self.is_locked() {
            return Err(Error::Locked);
        }
        Ok(Member { mappe: self })
    }
}

impl<'m> Session<'m> {
    /// The scope of this session.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Refuses a read of the member's own things (reading marks, settings,
    /// bundles) to anyone else.
    fn member_only(&self) -> Result<&'m Mappe> {
        if self.mappe.is_locked() {
            Err(Error::Locked)
        } else if self.scope.is_member() {
            Ok(self.mappe)
        } else {
            Err(not_member())
        }
    }

    /// The request as this scope may run it: closed material only when the
    /// scope sees it, whatever the request says.
    fn scoped(&self, request: &SearchRequest) -> SearchRequest {
        let mut request = request.clone();
        request.query.include_closed = self.scope.sees_closed();
        request
    }

    /// Runs `f` on the open scope's item numbers (positions among the
    /// meeting's open items); other scopes see the agenda's own numbers.
    fn renumber(&self, f: impl FnOnce(&mut OpenNumbers<'_>) -> Result<()>) -> Result<()> {
        if self.scope.sees_closed() {
            return Ok(());
        }
        f(&mut OpenNumbers::new(self.mappe.store.read()))
    }

    /// Full-text search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let mut results = self.mappe.search(&self.scoped(request))?;
        self.renumber(|n| n.results(&mut results))?;
        self.mappe.mark_ocr_hits(&mut results)?;
        results.case = self.case_named(&request.query.text)?;
        Ok(results)
    }

    /// The stored case number `text` names in any usual spelling
    /// ("2024-1773" for EMN-2024-001773) where this scope may see such a
    /// case; else `text` as written (trimmed), to be refused as unknown.
    pub fn resolve_case_number(&self, text: &str) -> Result<String> {
        Ok(self
            .case_named(text)?
            .map(|c| c.case_number)
            .unwrap_or_else(|| text.trim().to_string()))
    }

    /// The case a query names by its number, in any usual spelling, if this
    /// scope may see it (newest such case first).
    fn case_named(&self, text: &str) -> Result<Option<crate::index::CaseMatch>> {
        let Some(ending) = crate::store::case_number_ending(text) else {
            return Ok(None);
        };
        let numbers = self.mappe.store.read().cases_ending(&ending)?;
        for number in numbers {
            let history = match self.case_history(&number) {
                Ok(h) => h,
                Err(crate::Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let newest = history.treatments.iter().rev().find(|t| t.date.is_some());
            return Ok(Some(crate::index::CaseMatch {
                case_number: history.case_number.clone(),
                title: newest
                    .or(history.treatments.last())
                    .map(|t| t.title.clone())
                    .unwrap_or_default(),
                treatments: history.treatments.len(),
                last_date: newest.and_then(|t| t.date),
            }));
        }
        Ok(None)
    }

    /// Material like a case from other cases; a case this scope cannot see
    /// is unknown.
    pub fn more_like_case(
        &self,
        case_number: &str,
        request: &SearchRequest,
    ) -> Result<SearchResults> {
        if !self.scope.sees_closed() {
            self.case_history(case_number)?;
        }
        let mut results = self
            .mappe
            .more_like_case(case_number, &self.scoped(request))?;
        self.renumber(|n| n.results(&mut results))?;
        self.mappe.mark_ocr_hits(&mut results)?;
        Ok(results)
    }

    /// The `k` best passages for a question.
    pub fn retrieve(&self, request: &SearchRequest, k: usize) -> Result<Vec<Passage>> {
        let mut passages = self.mappe.retrieve(&self.scoped(request), k)?;
        self.renumber(|n| n.passages(&mut passages))?;
        self.mappe.mark_ocr_passages(&mut passages)?;
        Ok(passages)
    }

    /// The stored text of one page of an attachment.
    pub fn page_text(&self, attachment: AttachmentId, page: u32) -> Result<String> {
        self.mappe.page_text_for(attachment, page, self.scope)
    }

    /// The words OCR read on a page, with their boxes (for highlights).
    pub fn ocr_words(&self, attachment: AttachmentId, page: u32) -> Result<super::OcrPageWords> {
        self.mappe.ocr_words_for(attachment, page, self.scope)
    }

    /// The stored PDF of an attachment.
    pub fn attachment_file(&self, attachment: AttachmentId) -> Result<Vec<u8>> {
        self.mappe.attachment_file(attachment, self.scope)
    }

    /// Every treatment of a case that this scope sees, oldest first.
    pub fn case_history(&self, case_number: &str) -> Result<CaseHistory> {
        let mut history = self.mappe.case_history_for(case_number, self.scope)?;
        self.renumber(|n| n.treatments(&mut history.treatments))?;
        Ok(history)
    }

    /// Meetings in a span, of one body or all, newest first; a body name
    /// that matches no body this scope sees is not found.
    pub fn meetings(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<MeetingSummary>> {
        self.mappe.meetings_of(body, from, to, self.scope)
    }

    /// One meeting and its agenda.
    pub fn meeting(&self, id: MeetingId) -> Result<MeetingView> {
        let mut view = self.mappe.meeting(id, self.scope)?;
        self.renumber(|n| view.items.iter_mut().try_for_each(|i| n.item(&mut i.item)))?;
        Ok(view)
    }

    /// One item.
    pub fn item(&self, id: ItemId) -> Result<ItemView> {
        let mut view = self.mappe.item(id, self.scope)?;
        self.renumber(|n| n.item(&mut view.item))?;
        Ok(view)
    }

    /// Where an attachment is used: its items as this scope sees and numbers
    /// them, newest first.
    pub fn attachment_uses(&self, attachment: AttachmentId) -> Result<Vec<AttachmentUse>> {
        let mut items = self.mappe.attachment_items(attachment, self.scope)?;
        self.renumber(|n| items.iter_mut().try_for_each(|i| n.item(i)))?;
        Ok(items.iter().map(AttachmentUse::from).collect())
    }

    /// A meeting by id or `<body>/<YYYY-MM-DD>`.
    pub fn resolve_meeting(&self, text: &str) -> Result<MeetingId> {
        self.mappe.resolve_meeting(text)
    }

    /// Notes: the member sees all of theirs and the imported ones; anyone
    /// else only shared and imported notes on material they may see.
    /// With a locked vault the notes are inside it: [`Error::Locked`].
    pub fn notes(&self, which: &NoteScope) -> Result<Vec<NoteView>> {
        if self.mappe.is_locked() {
            return Err(Error::Locked);
        }
        self.mappe.notes_for(which, self.scope)
    }

    /// [`Session::notes`] whose text, highlighted words or tags hold every
    /// word of `query`, newest first. Words are compared as the search
    /// compares them (Danish stems, compound parts), so "støjkrav" finds
    /// "Tjek støjkravene". A query without words finds nothing.
    pub fn find_notes(&self, which: &NoteScope, query: &str) -> Result<Vec<NoteView>> {
        let wanted = crate::index::analyze(query);
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut found: Vec<NoteView> = self
            .notes(which)?
            .into_iter()
            .filter(|v| {
                let mut text = v.note.body.clone();
                if let Some(anchor) = &v.note.anchor {
                    text.push('\n');
                    text.push_str(&anchor.exact);
                }
                for tag in &v.note.tags {
                    text.push('\n');
                    text.push_str(tag);
                }
                let words: std::collections::HashSet<String> =
                    crate::index::analyze_for_index(&text).into_iter().collect();
                wanted.iter().all(|w| words.contains(w))
            })
            .collect();
        found.sort_by_key(|v| std::cmp::Reverse(v.note.modified));
        Ok(found)
    }

    /// Workload statistics; without the closed scope closed items count
    /// nowhere (as if they had never been stored).
    pub fn stats(&self, q: &StatsQuery) -> Result<Stats> {
        self.mappe.stats(q, self.scope)
    }

    /// The drill-down behind [`Session::stats`].
    pub fn stats_explain(&self, q: &StatsQuery) -> Result<Vec<Explanation>> {
        self.mappe.stats_explain(q, self.scope)
    }

    /// The bodies named (name, former name or abbreviation).
    pub fn body_ids(&self, names: &[String]) -> Result<Vec<BodyId>> {
        self.mappe.body_ids(names, self.scope)
    }

    /// What is stored, counted as this scope sees it.
    pub fn status(&self) -> Result<Status> {
        self.mappe.status(self.scope)
    }

    /// The sources.
    pub fn sources(&self) -> Result<Vec<Source>> {
        self.mappe.sources_for(self.scope)
    }

    /// What is stored and which files failed.
    pub fn sources_status(&self) -> Result<SourcesStatus> {
        self.mappe.sources_status(self.scope)
    }

    /// The next meetings of the followed bodies, with their reading load.
    pub fn agenda(&self, from: NaiveDate, next: usize) -> Result<Vec<AgendaEntry>> {
        self.mappe.agenda_for(from, next, self.scope)
    }

    /// Every meeting, newest first, of one body (name, former name or
    /// abbreviation) or all, between two days, each with its reading load.
    pub fn archive(
        &self,
        body: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<AgendaEntry>> {
        self.mappe.archive_for(body, from, to, self.scope)
    }

    /// The meetings of the bodies `bodies` names (all when empty) as an
    /// iCalendar file; closed meetings only with the closed scope.
    pub fn calendar(&self, bodies: &[String]) -> Result<String> {
        self.mappe.calendar_for(bodies, self.scope)
    }

    /// The latest meetings of the followed bodies.
    pub fn recent_agenda(&self, before: NaiveDate, last: usize) -> Result<Vec<AgendaEntry>> {
        self.mappe.recent_agenda_for(before, last, self.scope)
    }

    /// Every body that has met, with whether the member follows it.
    pub fn bodies_to_follow(&self) -> Result<Vec<BodyChoice>> {
        self.mappe.bodies_to_follow(self.scope)
    }

    /// The names of the followed bodies.
    pub fn followed(&self) -> Result<Vec<String>> {
        self.mappe.followed()
    }

    /// The member's reading pace, pages per hour.
    pub fn reading_pace(&self) -> Result<u32> {
        self.mappe.reading_pace()
    }

    /// The pages of an attachment the member has read (the member only).
    pub fn read_pages(&self, attachment: AttachmentId) -> Result<Vec<u32>> {
        self.member_only()?.read_pages(attachment)
    }

    /// The member's reading progress through a meeting (the member only).
    pub fn reading_progress(&self, meeting: MeetingId) -> Result<ReadingProgress> {
        self.member_only()?.reading_progress(meeting)
    }

    /// The cases the member has shared notes on (the member only).
    pub fn share_candidates(&self) -> Result<Vec<ShareCandidate>> {
        self.member_only()?.share_candidates()
    }

    /// What a bundle would hold (the member only).
    pub fn bundle_preview(&self, scope: &super::BundleScope) -> Result<super::BundlePreview> {
        self.member_only()?.bundle_preview(scope)
    }
}

impl Member<'_> {
    /// Reads, as the member.
    pub fn session(&self) -> Session<'_> {
        self.mappe.session(Scope::Member)
    }
}

/// Forwards each listed change of [`Mappe`] through [`Member`], the only
/// place outside this crate that reaches them.
macro_rules! member_forwards {
    ($( $(#[$doc:meta])* fn $name:ident(& $(, $arg:ident: $ty:ty)*) -> $ret:ty; )*) => {
        impl Member<'_> {
            $(
                $(#[$doc])*
                pub fn $name(&self $(, $arg: $ty)*) -> $ret {
                    self.mappe.$name($($arg),*)
                }
            )*
        }
    };
}

use super::notes::{
    BundleScope, ClosedPolicy, ExportReport, ImportBundleReport, NewNote, NoteEdit,
};
use super::{DemoReport, IngestSettings, SourceOutcome};
use crate::annotations::{Annotation, Author};
use crate::demo::DemoSummary;
use crate::ingest::ImportReport;
use crate::progress::Progress;
use crate::sources::portal::PortalOptions;
use crate::tokens::{TokenInfo, TokenScope, Tokens};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

member_forwards! {
    /// Imports folders in the folder format, plain folders of PDFs, or single PDFs.
    fn import(&, paths: &[PathBuf], settings: &IngestSettings, progress: &dyn Progress) -> Result<ImportReport>;
    /// Rebuilds the search index from the store; returns the documents written.
    fn reindex(&, progress: &dyn Progress) -> Result<u64>;
    /// Writes the demo corpus at `scale` into `<data>/demo` (without importing it).
    fn write_demo(&, scale: f64, progress: &dyn Progress) -> Result<(PathBuf, DemoSummary)>;
    /// Writes the demo corpus at `scale` into `<data>/demo` and imports it.
    fn demo(&, scale: f64, settings: &IngestSettings, progress: &dyn Progress) -> Result<DemoReport>;
    /// Adds a portal (FirstAgenda Publication) by its base URL.
    fn add_portal_source(&, url: &str, name: Option<&str>) -> Result<Source>;
    /// The bodies a portal lists in its scope, stored so they can be followed before the first sync.
    fn list_portal_bodies(&, name: &str) -> Result<Vec<BodyChoice>>;
    /// Writes the demo corpus and adds it as the folder source «Demodata».
    fn add_demo_source(&, scale: f64) -> Result<Source>;
    /// Sets what a portal source fetches; narrowing it deletes nothing.
    fn set_source_scope(&, name: &str, scope: &SourceScope) -> Result<Source>;
    /// Adds a folder as a source.
    fn add_folder_source(&, path: &Path, name: Option<&str>) -> Result<Source>;
    /// Removes a source by name; what it brought in stays.
    fn remove_source(&, name: &str) -> Result<Source>;
    /// Brings every source up to date.
    fn sync(&, settings: &IngestSettings, portal: &PortalOptions, progress: &dyn Progress) -> Result<Vec<SourceOutcome>>;
    /// Syncs folder sources, then again on every change, until `stop`.
    fn watch(&, settings: &IngestSettings, debounce: Duration, progress: &dyn Progress, stop: &AtomicBool, on_synced: &mut dyn FnMut(&Source, &ImportReport)) -> Result<()>;
    /// Follows the bodies `name` matches; returns every followed body's name.
    fn follow(&, name: &str) -> Result<Vec<String>>;
    /// Stops following the bodies `name` matches.
    fn unfollow(&, name: &str) -> Result<Vec<String>>;
    /// Follows or stops following one body by id.
    fn set_following(&, body: BodyId, on: bool) -> Result<Vec<BodyChoice>>;
    /// Sets the reading pace (pages per hour, at least 1).
    fn set_reading_pace(&, pages_per_hour: u32) -> Result<()>;
    /// The member as an author of notes (made on first use).
    fn author(&) -> Result<Author>;
    /// Sets the name others see on shared notes.
    fn set_author(&, name: &str) -> Result<Author>;
    /// Adds a highlight or note.
    fn add_note(&, new: &NewNote) -> Result<Annotation>;
    /// Changes one of the member's own notes.
    fn edit_note(&, id: &str, edit: &NoteEdit) -> Result<Annotation>;
    /// One note by id (or id prefix).
    fn find_note(&, id: &str) -> Result<Annotation>;
    /// Deletes one of the member's own notes.
    fn remove_note(&, id: &str) -> Result<Annotation>;
    /// Attaches a received PDF to an agenda item as the member's own bilag.
    fn attach(&, file: &Path, item: ItemId, closed: bool, title: Option<&str>, settings: &IngestSettings, progress: &dyn Progress) -> Result<super::Attached>;
    /// Attaches an uploaded PDF to an agenda item as the member's own bilag.
    fn attach_bytes(&, bytes: &[u8], item: ItemId, closed: bool, title: Option<&str>, settings: &IngestSettings) -> Result<super::Attached>;
    /// Removes a bilag the member attached.
    fn detach(&, item: ItemId, attachment: AttachmentId, progress: &dyn Progress) -> Result<()>;
    /// A note as listed on its own.
    fn note_view(&, note: Annotation) -> Result<NoteView>;
    /// Marks pages of an attachment as read.
    fn mark_read(&, attachment: AttachmentId, pages: &[u32]) -> Result<usize>;
    /// Records that the member opened a meeting: what was new is no longer.
    fn meeting_opened(&, meeting: MeetingId) -> Result<()>;
    /// Writes a sharing bundle to `out`.
    fn export_bundle(&, scope: &BundleScope, policy: ClosedPolicy, out: &Path) -> Result<ExportReport>;
    /// The bundle of `scope` as zip bytes (closed material left out).
    fn export_bundle_bytes(&, scope: &BundleScope) -> Result<Vec<u8>>;
    /// Imports a bundle file; a bad bundle changes nothing.
    fn import_bundle(&, path: &Path, settings: &IngestSettings, progress: &dyn Progress) -> Result<ImportBundleReport>;
    /// Imports a bundle given as zip bytes; a bad bundle changes nothing.
    fn import_bundle_bytes(&, bytes: &[u8], settings: &IngestSettings) -> Result<ImportBundleReport>;
    /// Offers the bundle of `scope` on the local network, with a code to show.
    fn offer_bundle(&, scope: &BundleScope, options: &super::OfferOptions) -> Result<super::NearbyOffering>;
    /// Offers the open material of meetings on the local network, with a code to show.
    fn offer_material(&, meetings: &[MeetingId], options: &super::OfferOptions) -> Result<super::NearbyOffering>;
    /// Takes a bundle or material offered nearby with its code, and stores it.
    fn take_offer(&, addr: std::net::SocketAddr, offer: Option<&str>, code: &super::Code, settings: &IngestSettings, progress: &dyn Progress, cancel: &AtomicBool) -> Result<super::TakeReport>;
    /// Reads the pages waiting for OCR in the foreground (`None`: another program is reading them).
    fn ocr(&, settings: &IngestSettings, progress: &dyn Progress) -> Result<Option<super::OcrReport>>;
    /// How many pages wait for OCR.
    fn ocr_waiting(&) -> Result<u64>;
    /// Writes every note to a file, encrypted under a passcode of its own.
    fn backup_notes(&, path: &Path, passcode: &str) -> Result<usize>;
    /// Restores notes from such a file.
    fn restore_notes(&, path: &Path, passcode: &str) -> Result<super::NotesRestored>;
    /// Pauses OCR, or lets it go on.
    fn set_ocr_paused(&, paused: bool) -> Result<()>;
    /// Saves a search (søgeagent) under a name (its words when none); only what arrives after counts as new.
    fn save_search(&, name: Option<&str>, query: &super::SavedQuery) -> Result<super::SavedSearch>;
    /// Removes a saved search and what it found.
    fn remove_search(&, name: &str) -> Result<()>;
    /// Marks what one saved search found as seen, or everything (`None`), release notices included.
    fn alerts_seen(&, name: Option<&str>) -> Result<()>;
    /// The tokens of this data directory.
    fn tokens(&) -> Result<Tokens>;
    /// Makes a token; returns it with its secret (shown only now).
    fn create_token(&, scope: TokenScope, label: Option<&str>) -> Result<(TokenInfo, String)>;
}
