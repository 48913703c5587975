//! Notes, reading progress and sharing bundles on [`Mappe`]: adding, listing,
//! changing and removing annotations, marking pages read, progress per
//! meeting, and exporting and importing bundles.

use super::{IngestSettings, Mappe};
use crate::annotations::anchor::select;
use crate::annotations::follow::PREVIOUS_SYNC;
use crate::annotations::{
    new_id, parse_time, AnchorState, Annotation, Author, Origin, TextAnchor, Visibility,
};
use crate::ingest::{self, ImportReport};
use crate::model::{AttachmentId, ItemId, MeetingId};
use crate::progress::Progress;
use crate::sharing;
use crate::store::ItemContext;
use crate::{Error, Result};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

pub use crate::annotations::{
    Annotation as Note, Author as NoteAuthor, NoteFormat, Visibility as NoteVisibility,
};
pub use crate::sharing::{BundleScope, ClosedPolicy, ExportReport, ImportBundleReport};

const AUTHOR_ID: &str = "author.id";
const AUTHOR_NAME: &str = "author.name";

/// A new note or highlight.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(any(test, feature = "ts"), ts(optional_fields))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewNote {
    /// The item it is made on (for an attachment: found from the attachment when absent).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub item: Option<ItemId>,
    /// The case (found from the item when absent).
    pub case_number: Option<String>,
    /// The attachment, for a highlight or a note on a page.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub attachment: Option<AttachmentId>,
    /// The page (1-based), with `attachment`.
    pub page: Option<u32>,
    /// The quoted text on the page, with `attachment`.
    pub quote: Option<String>,
    /// The note text (may be empty for a highlight).
    pub body: String,
    /// Plain text or Markdown.
    pub format: NoteFormat,
    /// Colour of a highlight.
    pub colour: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Private (default) or shared.
    pub visibility: Visibility,
}

/// Changes to one of the member's own notes (`None` keeps the field).
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(any(test, feature = "ts"), ts(optional_fields))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NoteEdit {
    /// New text.
    pub body: Option<String>,
    /// New format.
    pub format: Option<NoteFormat>,
    /// New colour.
    pub colour: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// Which notes to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteScope {
    /// Every note.
    All,
    /// The notes of a case.
    Case(String),
    /// The notes shown at a meeting (its cases, its items, their attachments).
    Meeting(MeetingId),
    /// The notes shown at an item.
    Item(ItemId),
    /// The notes on an attachment's content.
    Attachment(AttachmentId),
}

/// A note as listed: the annotation and where it shows.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// The annotation.
    #[serde(flatten)]
    pub note: Annotation,
    /// True for the member's own notes.
    pub mine: bool,
    /// The attachment here (its store id), for notes on a page.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub attachment: Option<AttachmentId>,
    /// In a meeting or item listing: the item it shows at.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub shown_at: Option<ItemId>,
    /// Where it belongs, for the list of all notes: an open agenda item.
    pub place: Option<NotePlace>,
}

/// The open agenda item a note belongs to: the item it was made at, else
/// the latest open treatment of its case, else the first open item that
/// uses its attachment. Closed items are never named here.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct NotePlace {
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
    /// The item's title.
    pub item_title: String,
}

/// See [`NotePlace`].
pub(crate) fn note_place(
    read: &crate::store::Reader<'_>,
    note: &Annotation,
    attachment: Option<AttachmentId>,
) -> Result<Option<NotePlace>> {
    let place = |i: ItemContext| NotePlace {
        meeting: i.meeting,
        body: i.body,
        date: i.date,
        item: i.id,
        item_title: i.title,
    };
    if let Some(item) = note.item {
        if let Ok(i) = read.item_context(item) {
            if !i.closed {
                return Ok(Some(place(i)));
            }
        }
    }
    if let Some(case) = &note.case_number {
        if let Some(i) = read.case_items(case)?.into_iter().rev().find(|i| !i.closed) {
            return Ok(Some(place(i)));
        }
    }
    if let Some(a) = attachment {
        if let Some(i) = read.items_using(a)?.into_iter().find(|i| !i.closed) {
            return Ok(Some(place(i)));
        }
    }
    Ok(None)
}

/// Reading progress of one attachment at a meeting.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentProgress {
    /// The attachment.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub attachment: AttachmentId,
    /// Its title at the meeting.
    pub title: String,
    /// Item number.
    pub item_number: u32,
    /// Pages.
    pub pages: u32,
    /// Pages marked read.
    pub read: u32,
    /// It came with the latest import or sync.
    pub new: bool,
}

/// Reading progress of a meeting.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ReadingProgress {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting: MeetingId,
    /// Pages of the meeting's attachments (each content once).
    pub pages: u32,
    /// Pages marked read.
    pub read: u32,
    /// Pages that came with the latest import or sync.
    pub new: u32,
    /// Per attachment.
    pub attachments: Vec<AttachmentProgress>,
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// Notes, reading progress and sharing.
impl Mappe {
    /// The member as author of notes (an id is made the first time).
    pub(crate) fn author(&self) -> Result<Author> {
        let read = self.store.read();
        let id = read.setting(AUTHOR_ID)?;
        let name = read.setting(AUTHOR_NAME)?;
        let id = match id {
            Some(id) => id,
            None => {
                let id = new_id();
                self.store.write(|w| w.set_setting(AUTHOR_ID, &id))?;
                id
            }
        };
        Ok(Author {
            id,
            name: name.unwrap_or_default(),
        })
    }

    /// Sets the member's display name (shown with shared notes); the member's
    /// own notes take the new name.
    pub(crate) fn set_author(&self, name: &str) -> Result<Author> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("navnet må ikke være tomt".into()));
        }
        let author = self.author()?;
        let own: Vec<Annotation> = self
            .store
            .read()
            .all_annotations()?
            .into_iter()
            .filter(|a| a.origin == Origin::Own)
            .collect();
        self.store.write(|w| {
            w.set_setting(AUTHOR_NAME, name)?;
            for mut a in own {
                a.author.name = name.to_string();
                w.put_annotation(&a)?;
            }
            Ok(())
        })?;
        Ok(Author {
            name: name.to_string(),
            ..author
        })
    }

    /// Adds a note: on a page of an attachment (with `attachment`, `page`,
    /// `quote`), or on an item or a case.
    pub(crate) fn add_note(&self, new: &NewNote) -> Result<Annotation> {
        let author = self.author()?;
        let author = Author {
            name: if author.name.is_empty() {
                "Mig".to_string()
            } else {
                author.name
            },
            ..author
        };
        let read = self.store.read();
        let mut item = match new.item {
            Some(id) => Some(read.item_context(id)?),
            None => None,
        };
        let anchor = match new.attachment {
            Some(att) => {
                let (sha, _, page_count) = read
                    .attachment_info(att)?
                    .ok_or_else(|| Error::NotFound(format!("bilag {att} findes ikke")))?;
                if item.is_none() {
                    item = read.items_using(att)?.pop();
                }
                let page = new
                    .page
                    .ok_or_else(|| Error::Invalid("angiv siden (--page)".into()))?;
                if page == 0 || page_count.is_some_and(|n| page > n) {
                    return Err(Error::Invalid(format!("bilag {att} har ingen side {page}")));
                }
                let quote = new.quote.as_deref().unwrap_or("").trim();
                if quote.is_empty() {
                    return Err(Error::Invalid(
                        "angiv den tekst på siden, noten hører til (--quote)".into(),
                    ));
                }
                let text = read.page_texts(&sha)?.into_iter().nth(page as usize - 1);
                let text = text.filter(|t| !t.is_empty()).ok_or_else(|| {
                    Error::Invalid(format!("side {page} af bilag {att} har ingen læst tekst"))
                })?;
                let p = select(&text, page, quote).ok_or_else(|| {
                    Error::NotFound(format!("«{quote}» står ikke på side {page} af bilag {att}"))
                })?;
                // The title on this item, else on the newest item using it
                // (the title is how a revised version is recognised).
                let title_on = |i: &ItemContext| {
                    i.attachments
                        .iter()
                        .find(|x| x.id == att)
                        .map(|x| x.title.clone())
                };
                let title = match item.as_ref().and_then(title_on) {
                    Some(t) => Some(t),
                    None => read.items_using(att)?.iter().rev().find_map(title_on),
                };
                Some(TextAnchor {
                    sha256: sha,
                    attachment_title: title,
                    page,
                    exact: p.exact,
                    prefix: p.prefix,
                    suffix: p.suffix,
                    start: p.start,
                    end: p.end,
                })
            }
            None => None,
        };
        let case_number = match &new.case_number {
            Some(c) => {
                let c = c.trim().to_string();
                if read.case_items(&c)?.is_empty() {
                    return Err(Error::NotFound(format!("ingen sag med nummeret {c}")));
                }
                Some(c)
            }
            None => item.as_ref().and_then(|i| i.case_number.clone()),
        };
        if anchor.is_none() {
            if item.is_none() && case_number.is_none() {
                return Err(Error::Invalid(
                    "angiv et punkt (--item), en sag (--case) eller et bilag (--attachment)".into(),
                ));
            }
            if new.body.trim().is_empty() {
                return Err(Error::Invalid("noten har ingen tekst".into()));
            }
        }
        let t = now();
        let note = Annotation {
            id: new_id(),
            case_number,
            item: item.map(|i| i.id),
            anchor,
            anchor_state: AnchorState::Anchored,
            body: new.body.clone(),
            format: new.format,
            colour: new.colour.clone(),
            tags: new.tags.clone(),
            author,
            origin: Origin::Own,
            visibility: new.visibility,
            created: t,
            modified: t,
        };
        self.store.write(|w| w.put_annotation(&note))?;
        Ok(note)
    }

    /// Changes one of the member's own notes; `modified` becomes now.
    pub(crate) fn edit_note(&self, id: &str, edit: &NoteEdit) -> Result<Annotation> {
        let mut note = self.own_note(id)?;
        if let Some(b) = &edit.body {
            note.body = b.clone();
        }
        if let Some(f) = edit.format {
            note.format = f;
        }
        if let Some(c) = &edit.colour {
            note.colour = Some(c.clone());
        }
        if let Some(t) = &edit.tags {
            note.tags = t.clone();
        }
        if let Some(v) = edit.visibility {
            note.visibility = v;
        }
        note.modified = now().max(note.modified + chrono::Duration::milliseconds(1));
        self.store.write(|w| w.put_annotation(&note))?;
        Ok(note)
    }

    fn own_note(&self, id: &str) -> Result<Annotation> {
        let note = self.find_note(id)?;
        if note.origin != Origin::Own {
            return Err(Error::Invalid(format!(
                "noten {} er {}s; kun dine egne noter kan ændres",
                note.id, note.author.name
            )));
        }
        Ok(note)
    }

    /// A note by its id (or an unambiguous start of it, without `urn:uuid:`).
    pub(crate) fn find_note(&self, id: &str) -> Result<Annotation> {
        let id = id.trim();
        let read = self.store.read();
        if let Some(a) = read.annotation(id)? {
            return Ok(a);
        }
        let short = id.strip_prefix("urn:uuid:").unwrap_or(id);
        let matches: Vec<Annotation> = read
            .all_annotations()?
            .into_iter()
            .filter(|a| !short.is_empty() && a.id["urn:uuid:".len()..].starts_with(short))
            .collect();
        match matches.len() {
            1 => Ok(matches.into_iter().next().unwrap_or_else(|| unreachable!())),
            0 => Err(Error::NotFound(format!("ingen note med id {id}"))),
            n => Err(Error::Invalid(format!(
                "{n} noter begynder med {id}; skriv mere af id'et"
            ))),
        }
    }

    /// Removes a note (own or imported); returns it.
    pub(crate) fn remove_note(&self, id: &str) -> Result<Annotation> {
        let note = self.find_note(id)?;
        self.store.write(|w| w.delete_annotation(&note.id))?;
        Ok(note)
    }

    /// Lists notes: the member's own and imported ones side by side.
    pub(crate) fn list_notes(&self, scope: &NoteScope) -> Result<Vec<NoteView>> {
        let read = self.store.read();
        let (notes, items) = match scope {
            NoteScope::All => (read.all_annotations()?, Vec::new()),
            NoteScope::Case(c) => (read.case_annotations(c.trim())?, Vec::new()),
            NoteScope::Meeting(m) => {
                if !read.meeting_exists(*m)? {
                    return Err(Error::NotFound(format!("mødet {m} findes ikke")));
                }
                (read.meeting_annotations(*m)?, read.meeting_items(*m)?)
            }
            NoteScope::Item(i) => {
                let item = read.item_context(*i)?;
                (read.item_annotations(*i)?, vec![item])
            }
            NoteScope::Attachment(a) => {
                let (sha, ..) = read
                    .attachment_info(*a)?
                    .ok_or_else(|| Error::NotFound(format!("bilag {a} findes ikke")))?;
                (read.attachment_annotations(&sha)?, Vec::new())
            }
        };
        let mut out = Vec::with_capacity(notes.len());
        for note in notes {
            let attachment = match &note.anchor {
                Some(x) => read.attachment_by_sha(&x.sha256)?.map(|(id, _)| id),
                None => None,
            };
            let shown_at = items
                .iter()
                .find(|i| {
                    Some(i.id) == note.item
                        || (note.case_number.is_some() && i.case_number == note.case_number)
                        || note
                            .anchor
                            .as_ref()
                            .is_some_and(|x| i.attachments.iter().any(|a| a.sha256 == x.sha256))
                })
                .map(|i| i.id);
            let place = note_place(&read, &note, attachment)?;
            out.push(NoteView {
                mine: note.origin == Origin::Own,
                note,
                attachment,
                shown_at,
                place,
            });
        }
        Ok(out)
    }

    /// A meeting by id, or by `<body>/<YYYY-MM-DD>` (name, former name or abbreviation).
    pub(crate) fn resolve_meeting(&self, text: &str) -> Result<MeetingId> {
        let text = text.trim();
        let read = self.store.read();
        if let Ok(id) = text.parse::<i64>() {
            let id = MeetingId(id);
            return if read.meeting_exists(id)? {
                Ok(id)
            } else {
                Err(Error::NotFound(format!("mødet {id} findes ikke")))
            };
        }
        let (body, date) = text.rsplit_once('/').ok_or_else(|| {
            Error::Invalid(format!(
                "«{text}»: skriv mødet som et id eller som udvalg/ÅÅÅÅ-MM-DD"
            ))
        })?;
        let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
            .map_err(|_| Error::Invalid(format!("«{date}» er ikke en dato (ÅÅÅÅ-MM-DD)")))?;
        let mut found = Vec::new();
        for b in read.find_bodies(body, false)? {
            found.extend(read.meetings_on(b, date)?);
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::NotFound(format!("intet møde i {body} den {date}"))),
            _ => Err(Error::Invalid(format!(
                "flere møder passer på «{text}»; brug mødets id"
            ))),
        }
    }

    /// Marks pages of an attachment read (all pages when `pages` is empty);
    /// returns how many were newly marked.
    pub(crate) fn mark_read(&self, attachment: AttachmentId, pages: &[u32]) -> Result<usize> {
        let (sha, _, page_count) = self
            .store
            .read()
            .attachment_info(attachment)?
            .ok_or_else(|| Error::NotFound(format!("bilag {attachment} findes ikke")))?;
        let pages: Vec<u32> = if pages.is_empty() {
            let n = page_count.ok_or_else(|| {
                Error::Invalid(format!(
                    "bilag {attachment} er ikke læst endnu; siderne kendes ikke"
                ))
            })?;
            (1..=n).collect()
        } else {
            if let Some(bad) = pages
                .iter()
                .find(|&&p| p == 0 || page_count.is_some_and(|n| p > n))
            {
                return Err(Error::Invalid(format!(
                    "bilag {attachment} har ingen side {bad}"
                )));
            }
            pages.to_vec()
        };
        self.store.write(|w| w.mark_read(&sha, &pages, now()))
    }

    /// Records that the member opened a meeting now.
    pub(crate) fn meeting_opened(&self, meeting: MeetingId) -> Result<()> {
        if !self.store.read().meeting_exists(meeting)? {
            return Err(Error::NotFound(format!("mødet {meeting} findes ikke")));
        }
        self.store.write(|w| w.meeting_opened(meeting, now()))
    }

    /// The pages of an attachment marked read, in order.
    pub(crate) fn read_pages(&self, attachment: AttachmentId) -> Result<Vec<u32>> {
        let read = self.store.read();
        let (sha, ..) = read
            .attachment_info(attachment)?
            .ok_or_else(|| Error::NotFound(format!("bilag {attachment} findes ikke")))?;
        Ok(read.read_pages(&sha)?.into_iter().collect())
    }

    /// Pages of a meeting in total, read, and new with the latest import or sync.
    pub(crate) fn reading_progress(&self, meeting: MeetingId) -> Result<ReadingProgress> {
        let read = self.store.read();
        if !read.meeting_exists(meeting)? {
            return Err(Error::NotFound(format!("mødet {meeting} findes ikke")));
        }
        // New: arrived since the member last opened the meeting, or, for a
        // meeting never opened, since the sync before the latest.
        let previous = match read.opened_at(meeting)? {
            Some(opened) => Some(opened),
            None => read.setting(PREVIOUS_SYNC)?.as_deref().and_then(parse_time),
        };
        let mut seen = BTreeSet::new();
        let mut progress = ReadingProgress {
            meeting,
            pages: 0,
            read: 0,
            new: 0,
            attachments: Vec::new(),
        };
        for item in read.meeting_items(meeting)? {
            for x in &item.attachments {
                if !seen.insert(x.sha256.clone()) {
                    continue;
                }
                let pages = x.page_count.unwrap_or(0);
                let read_pages = read
                    .read_pages(&x.sha256)?
                    .into_iter()
                    .filter(|&p| p >= 1 && p <= pages)
                    .count() as u32;
                let arrived = read.arrived_at(x.id)?;
                let new = match (previous, arrived) {
                    (Some(prev), Some(at)) => at > prev,
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                progress.pages += pages;
                progress.read += read_pages;
                if new {
                    progress.new += pages;
                }
                progress.attachments.push(AttachmentProgress {
                    attachment: x.id,
                    title: x.title.clone(),
                    item_number: item.number,
                    pages,
                    read: read_pages,
                    new,
                });
            }
        }
        Ok(progress)
    }

    /// Writes a sharing bundle of a case or meeting: the member's shared
    /// notes, with their name, and the open attachments.
    pub(crate) fn export_bundle(
        &self,
        scope: &BundleScope,
        policy: ClosedPolicy,
        out: &Path,
    ) -> Result<ExportReport> {
        let author = self.author()?;
        if author.name.is_empty() {
            return Err(Error::Invalid(
                "angiv først dit navn, som modtagerne skal se: `moedemappe me --name \"Dit Navn\"`"
                    .into(),
            ));
        }
        sharing::export(&self.store, &self.blobs, &author, scope, policy, out)
    }

    /// Adds the notes of a bundle beside the member's own; the text of new
    /// attachments is read. A bad bundle changes nothing.
    pub(crate) fn import_bundle(
        &self,
        path: &Path,
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<ImportBundleReport> {
        let _job = self.job()?;
        let report = sharing::import(&self.store, &self.blobs, path)?;
        if report.new_attachments > 0 {
            let mut read = ImportReport::default();
            ingest::read_pending_text(
                &self.store,
                &self.blobs,
                &settings.extract_options(),
                progress,
                &mut read,
            )?;
        }
        Ok(report)
    }
}
