//! Sharing bundles: one zip file a mentor hands to new members, holding the
//! shared annotations of a case or a meeting and the attachments they need.
//!
//! ```text
//! manifest.json              format "moedemappe-bundle", schema 1, author, scope,
//!                            open items, attachments (sha256, size, path, title)
//! annotations.jsonld         W3C AnnotationCollection (see annotations::jsonld)
//! attachments/<sha256>.pdf   each attachment once, by content
//! ```
//!
//! Closed material never goes in: closed items, attachments any closed item
//! uses, and annotations on either are left out (the default, and the export
//! report, never the bundle, says what it left out) or the export is refused.
//! A case with no open treatment is refused like an unknown case number. Only
//! attachments a note in the bundle points at go in.
//!
//! Importing checks everything first ([`safezip`]: entry names and count on
//! the raw central directory, links, sizes, compression ratio; then the
//! [`caps`], schema, references, hashes, and that each attachment is a PDF a
//! note points at) with attachments waiting in temporary files inside the
//! data directory; only then are they moved into `files/` and the notes
//! written, in one transaction. A refused import leaves nothing behind.

pub mod caps;
mod rawzip;
pub mod safezip;

use crate::annotations::jsonld::{self, is_sha256, ItemLocator};
use crate::annotations::{format_time, Annotation, Author, Origin, Visibility};
use crate::blobs::BlobStore;
use crate::model::{ItemId, MeetingId};
use crate::store::{ItemContext, Store, Upserted};
use crate::{Error, Result};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `format` every manifest carries.
pub const FORMAT: &str = "moedemappe-bundle";
/// The manifest schema this build reads and writes.
pub const SCHEMA: u32 = 1;
/// Name of the manifest entry.
pub const MANIFEST: &str = "manifest.json";
/// Name of the annotations entry.
pub const ANNOTATIONS: &str = "annotations.jsonld";

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleScope {
    /// Every treatment of a case (by number).
    Case(String),
    /// One meeting.
    Meeting(MeetingId),
}

/// What to do with closed material in the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClosedPolicy {
    /// Leave it out and say so (the default).
    #[default]
    Omit,
    /// Refuse to export, naming what is closed.
    Refuse,
}

/// The manifest of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`SCHEMA`].
    pub schema: u32,
    /// When the bundle was written (RFC 3339).
    pub created: String,
    /// The program that wrote it.
    pub generator: String,
    /// Who shares.
    pub author: Author,
    /// `{"case": "EMN-…"}` or `{"meeting": {"body": …, "date": …}}`.
    pub scope: ManifestScope,
    /// The open items in the scope.
    pub items: Vec<ManifestItem>,
    /// The attachments in the bundle.
    pub attachments: Vec<ManifestAttachment>,
    /// The annotations entry.
    pub annotations: String,
    /// How many annotations it holds.
    pub annotation_count: usize,
    // Nothing about what was left out: a bundle from before that says
    // (`omitted_closed`) is read, the field ignored.
}

/// The scope as written in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManifestScope {
    /// A case number.
    Case(String),
    /// A meeting.
    Meeting {
        /// Body name.
        body: String,
        /// Day.
        date: NaiveDate,
    },
}

/// An open item in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// Where it is.
    #[serde(flatten)]
    pub at: ItemLocator,
    /// Title.
    pub title: String,
    /// Case number.
    pub case_number: Option<String>,
    /// Its attachments: (title, sha256).
    pub attachments: Vec<(String, String)>,
}

/// An attachment in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestAttachment {
    /// Content hash.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Entry name: `attachments/<sha256>.pdf`.
    pub path: String,
    /// A title it carries.
    pub title: String,
}

/// Counts of closed material left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OmittedCounts {
    /// Closed items.
    pub items: usize,
    /// Attachments used by closed items.
    pub attachments: usize,
    /// Shared annotations on closed material.
    pub annotations: usize,
}

/// What an export did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    /// The bundle written.
    pub path: PathBuf,
    /// Annotations in it.
    pub annotations: usize,
    /// Attachments in it.
    pub attachments: usize,
    /// Private annotations in the scope, not exported.
    pub private_left_out: usize,
    /// Closed material left out.
    pub omitted: OmittedCounts,
    /// The closed items left out, in words ("Teknisk Udvalg 04.03.2024, punkt 7").
    pub omitted_items: Vec<String>,
    /// Shared notes left out because their bilag's file is not on disk (a
    /// text-only bilag never opened since).
    pub without_file: usize,
}

/// What an import did.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportBundleReport {
    /// Who shared.
    pub author: String,
    /// New annotations.
    pub added: usize,
    /// Annotations replaced by a newer version.
    pub updated: usize,
    /// Annotations already there in this or a newer version.
    pub unchanged: usize,
    /// Ids that are the member's own annotations (left untouched).
    pub own_kept: usize,
    /// Attachments new to this data directory.
    pub new_attachments: usize,
    /// Attachments already here.
    pub known_attachments: usize,
}

fn locator(item: &ItemContext) -> ItemLocator {
    ItemLocator {
        body: item.body.clone(),
        date: item.date,
        number: item.number,
    }
}

fn describe(item: &ItemContext) -> String {
    format!(
        "{} {}, punkt {}",
        item.body,
        item.date.format("%d.%m.%Y"),
        item.number
    )
}

/// What a bundle of a scope holds, and what it leaves out: the one
/// selection both [`export`] and the preview ([`preview`]) use.
struct Selection {
    manifest_scope: ManifestScope,
    /// The open items of the scope.
    open_items: Vec<ItemContext>,
    /// The attachments that go in, by content hash.
    attachments: BTreeMap<String, ManifestAttachment>,
    /// The shared notes that go in, with where their item is.
    notes: Vec<(Annotation, Option<ItemLocator>)>,
    private_left_out: usize,
    omitted: OmittedCounts,
    omitted_items: Vec<String>,
    /// Shared notes that cannot travel: their bilag's file is not on disk.
    without_file: usize,
}

/// Writes the bundle of `scope` to `out`.
pub fn export(
    store: &Store,
    blobs: &BlobStore,
    author: &Author,
    scope: &BundleScope,
    policy: ClosedPolicy,
    out: &Path,
) -> Result<ExportReport> {
    let sel = select(store, blobs, scope, policy)?;
    let exported: Vec<serde_json::Value> = sel
        .notes
        .iter()
        .map(|(a, loc)| jsonld::to_jsonld(a, loc.as_ref(), true))
        .collect();
    let attachments = &sel.attachments;
    let manifest = Manifest {
        format: FORMAT.into(),
        schema: SCHEMA,
        created: format_time(Utc::now()),
        generator: format!("moedemappe {}", env!("CARGO_PKG_VERSION")),
        author: author.clone(),
        scope: sel.manifest_scope.clone(),
        items: sel
            .open_items
            .iter()
            .map(|i| ManifestItem {
                at: locator(i),
                title: i.title.clone(),
                case_number: i.case_number.clone(),
                attachments: i
                    .attachments
                    .iter()
                    .filter(|x| attachments.contains_key(&x.sha256))
                    .map(|x| (x.title.clone(), x.sha256.clone()))
                    .collect(),
            })
            .collect(),
        attachments: attachments.values().cloned().collect(),
        annotations: ANNOTATIONS.into(),
        annotation_count: exported.len(),
    };
    within_caps(&manifest)?;
    let label = format!("Noter delt af {}", author.name);
    let collection = jsonld::collection(&label, exported);
    write_zip(blobs, &manifest, &collection, out)?;
    Ok(ExportReport {
        path: out.to_path_buf(),
        annotations: manifest.annotation_count,
        attachments: manifest.attachments.len(),
        private_left_out: sel.private_left_out,
        omitted: sel.omitted,
        omitted_items: sel.omitted_items,
        without_file: sel.without_file,
    })
}

/// Refuses to write a bundle that import would refuse for its size.
fn within_caps(m: &Manifest) -> Result<()> {
    let total: u64 = m.attachments.iter().map(|a| a.size).sum();
    let too_big = |what: String| {
        Err(Error::Invalid(format!(
            "pakken bliver for stor: {what}; del en sag eller et møde ad gangen, eller færre noter"
        )))
    };
    if m.items.len() > caps::MAX_ITEMS {
        return too_big(format!(
            "{} punkter (højst {})",
            m.items.len(),
            caps::MAX_ITEMS
        ));
    }
    if m.attachments.len() > caps::MAX_ATTACHMENTS {
        return too_big(format!(
            "{} bilag (højst {})",
            m.attachments.len(),
            caps::MAX_ATTACHMENTS
        ));
    }
    if m.annotation_count > caps::MAX_ANNOTATIONS {
        return too_big(format!(
            "{} noter (højst {})",
            m.annotation_count,
            caps::MAX_ANNOTATIONS
        ));
    }
    if total > caps::MAX_TOTAL {
        return too_big(format!(
            "bilagene fylder {} MB (højst {} MB)",
            total >> 20,
            caps::MAX_TOTAL >> 20
        ));
    }
    Ok(())
}

/// What the bundle of a scope would hold, without writing anything.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct BundlePreview {
    /// "Sag EMN-…" or "Teknisk Udvalg 04.03.2024".
    pub label: String,
    /// The open items that go in.
    pub items: Vec<PreviewItem>,
    /// The attachments that go in.
    pub attachments: Vec<PreviewAttachment>,
    /// The shared notes that go in.
    pub notes: Vec<PreviewNote>,
    /// The member's private notes in the scope (never exported).
    pub private_left_out: usize,
    /// Closed items left out.
    pub omitted_items: usize,
    /// Attachments left out because a closed item uses them.
    pub omitted_attachments: usize,
    /// Shared notes left out because they are on closed material.
    pub omitted_notes: usize,
    /// The closed items left out, in words ("Teknisk Udvalg 04.03.2024, punkt 7").
    pub omitted_item_names: Vec<String>,
    /// Shared notes left out because their bilag's file is not on disk (a
    /// text-only bilag): opening the bilag in the reader fetches it.
    pub notes_without_file: usize,
}

/// An open item in a preview.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PreviewItem {
    /// Body name.
    pub body: String,
    /// Meeting day.
    pub date: NaiveDate,
    /// Item number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Case number.
    pub case_number: Option<String>,
}

/// An attachment in a preview.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PreviewAttachment {
    /// A title it carries.
    pub title: String,
    /// Size in bytes.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub size: u64,
}

/// A shared note in a preview.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PreviewNote {
    /// The note text (empty for a plain highlight).
    pub body: String,
    /// The highlighted words, for a note on a page.
    pub quote: Option<String>,
    /// The attachment's title, for a note on a page.
    pub attachment_title: Option<String>,
    /// The page (1-based), for a note on a page.
    pub page: Option<u32>,
}

/// What [`export`] would write for `scope` (closed material left out).
pub fn preview(store: &Store, blobs: &BlobStore, scope: &BundleScope) -> Result<BundlePreview> {
    let sel = select(store, blobs, scope, ClosedPolicy::Omit)?;
    let label = match &sel.manifest_scope {
        ManifestScope::Case(c) => format!("Sag {c}"),
        ManifestScope::Meeting { body, date } => format!("{body} {}", date.format("%d.%m.%Y")),
    };
    Ok(BundlePreview {
        label,
        items: sel
            .open_items
            .iter()
            .map(|i| PreviewItem {
                body: i.body.clone(),
                date: i.date,
                number: i.number,
                title: i.title.clone(),
                case_number: i.case_number.clone(),
            })
            .collect(),
        attachments: sel
            .attachments
            .values()
            .map(|a| PreviewAttachment {
                title: a.title.clone(),
                size: a.size,
            })
            .collect(),
        notes: sel
            .notes
            .iter()
            .map(|(a, _)| PreviewNote {
                body: a.body.clone(),
                quote: a.anchor.as_ref().map(|x| x.exact.clone()),
                attachment_title: a.anchor.as_ref().and_then(|x| x.attachment_title.clone()),
                page: a.anchor.as_ref().map(|x| x.page),
            })
            .collect(),
        private_left_out: sel.private_left_out,
        omitted_items: sel.omitted.items,
        omitted_attachments: sel.omitted.attachments,
        omitted_notes: sel.omitted.annotations,
        omitted_item_names: sel.omitted_items,
        notes_without_file: sel.without_file,
    })
}

/// Chooses what the bundle of `scope` holds (see [`Selection`]).
fn select(
    store: &Store,
    blobs: &BlobStore,
    scope: &BundleScope,
    policy: ClosedPolicy,
) -> Result<Selection> {
    let read = store.read();
    let (items, annotations, manifest_scope) = match scope {
        BundleScope::Case(case) => {
            let items = read.case_items(case)?;
            // A case with no open treatment is answered like an unknown one,
            // so the answer does not confirm that it exists.
            if items.iter().all(|i| i.closed) {
                return Err(Error::NotFound(format!("ingen sag med nummeret {case}")));
            }
            let ids: BTreeSet<ItemId> = items.iter().map(|i| i.id).collect();
            let mut notes = read.case_annotations(case)?;
            for a in read.all_annotations()? {
                if a.case_number.is_none() && a.item.is_some_and(|i| ids.contains(&i)) {
                    notes.push(a);
                }
            }
            (items, notes, ManifestScope::Case(case.clone()))
        }
        BundleScope::Meeting(meeting) => {
            // A closed meeting (a closed publication, or all items closed)
            // has nothing to share, and its body and date are not to leave
            // the machine in a manifest.
            if read.meeting_is_open(*meeting)? == Some(false) {
                return Err(Error::Invalid(format!(
                    "mødet {meeting} er lukket; et lukket møde kan ikke deles"
                )));
            }
            let items = read.meeting_items(*meeting)?;
            let Some(first) = items.first() else {
                return Err(Error::NotFound(format!(
                    "mødet {meeting} findes ikke eller har ingen punkter"
                )));
            };
            let scope = ManifestScope::Meeting {
                body: first.body.clone(),
                date: first.date,
            };
            (items, read.meeting_annotations(*meeting)?, scope)
        }
    };
    let closed_contents = read.closed_contents()?;
    let closed_cases = read.closed_cases()?;
    let closed_items: Vec<&ItemContext> = items.iter().filter(|i| i.closed).collect();
    let open_items: Vec<&ItemContext> = items.iter().filter(|i| !i.closed).collect();
    let mut item_closed: BTreeMap<ItemId, bool> = items.iter().map(|i| (i.id, i.closed)).collect();
    let is_closed = |a: &Annotation, item_closed: &BTreeMap<ItemId, bool>| -> bool {
        a.item
            .is_some_and(|i| item_closed.get(&i).copied().unwrap_or(false))
            || a.anchor
                .as_ref()
                .is_some_and(|x| closed_contents.contains(&x.sha256))
            || (a.anchor.is_none()
                && a.item.is_none()
                && a.case_number
                    .as_ref()
                    .is_some_and(|c| closed_cases.contains(c)))
    };
    // Items outside the scope that annotations were made on.
    for a in &annotations {
        if let Some(i) = a.item {
            if let std::collections::btree_map::Entry::Vacant(e) = item_closed.entry(i) {
                e.insert(read.item_context(i).map(|c| c.closed).unwrap_or(false));
            }
        }
    }
    let mut seen = BTreeSet::new();
    let shared: Vec<&Annotation> = annotations
        .iter()
        .filter(|a| seen.insert(a.id.clone()))
        .filter(|a| a.origin == Origin::Own && a.visibility == Visibility::Shared)
        .collect();
    let private_left_out = annotations
        .iter()
        .filter(|a| a.origin == Origin::Own && a.visibility == Visibility::Private)
        .map(|a| &a.id)
        .collect::<BTreeSet<_>>()
        .len();
    let closed_notes = shared.iter().filter(|a| is_closed(a, &item_closed)).count();
    let closed_attachments: BTreeSet<&str> = items
        .iter()
        .flat_map(|i| &i.attachments)
        .filter(|x| closed_contents.contains(&x.sha256))
        .map(|x| x.sha256.as_str())
        .collect();
    let omitted = OmittedCounts {
        items: closed_items.len(),
        attachments: closed_attachments.len(),
        annotations: closed_notes,
    };
    let omitted_items: Vec<String> = closed_items.iter().map(|i| describe(i)).collect();
    if policy == ClosedPolicy::Refuse && omitted != OmittedCounts::default() {
        let mut what = omitted_items.clone();
        if omitted.attachments > 0 {
            what.push(format!(
                "{} bilag, som lukkede punkter bruger",
                omitted.attachments
            ));
        }
        if omitted.annotations > 0 {
            what.push(format!(
                "{} delte noter på lukket materiale",
                omitted.annotations
            ));
        }
        return Err(Error::Invalid(format!(
            "pakken er ikke lavet, fordi der er lukket materiale: {}. Lukket materiale forlader aldrig maskinen; udelad det (standard) i stedet",
            what.join("; ")
        )));
    }
    let notes: Vec<&Annotation> = shared
        .into_iter()
        .filter(|a| !is_closed(a, &item_closed))
        .collect();
    // The attachments the notes are anchored to, and only those: titled as
    // in the scope's open items where they appear there.
    let mut attachments: BTreeMap<String, ManifestAttachment> = BTreeMap::new();
    let entry = |sha: &str, size: u64, title: &str| ManifestAttachment {
        sha256: sha.to_string(),
        size,
        path: format!("attachments/{sha}.pdf"),
        title: title.to_string(),
    };
    let mut in_scope: BTreeMap<&str, ManifestAttachment> = BTreeMap::new();
    for x in open_items.iter().flat_map(|i| &i.attachments) {
        if !closed_contents.contains(&x.sha256) && blobs.contains(&x.sha256) {
            in_scope
                .entry(x.sha256.as_str())
                .or_insert_with(|| entry(&x.sha256, x.size, &x.title));
        }
    }
    let mut exported = Vec::new();
    let mut without_file = 0;
    for a in notes {
        if let Some(x) = &a.anchor {
            if let Some(e) = in_scope.get(x.sha256.as_str()) {
                attachments.insert(x.sha256.clone(), e.clone());
            } else if !attachments.contains_key(&x.sha256) {
                let found = read.attachment_by_sha(&x.sha256)?;
                let info = match found {
                    Some((id, _)) => read.attachment_info(id)?,
                    None => None,
                };
                match info {
                    Some((sha, size, _)) if blobs.contains(&sha) => {
                        let title = x.attachment_title.clone().unwrap_or_default();
                        attachments.insert(sha.clone(), entry(&sha, size, &title));
                    }
                    // Without its file the note cannot travel.
                    _ => {
                        without_file += 1;
                        continue;
                    }
                }
            }
        }
        let loc = match a.item {
            Some(i) => read.item_context(i).ok().map(|c| locator(&c)),
            None => None,
        };
        exported.push((a.clone(), loc));
    }
    let open_items = open_items.into_iter().cloned().collect();
    Ok(Selection {
        manifest_scope,
        open_items,
        attachments,
        notes: exported,
        private_left_out,
        omitted,
        omitted_items,
        without_file,
    })
}

fn write_zip(
    blobs: &BlobStore,
    manifest: &Manifest,
    annotations: &serde_json::Value,
    out: &Path,
) -> Result<()> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| Error::io(&dir, e))?;
    let zerr = |e: zip::result::ZipError| Error::Invalid(format!("pakken kunne ikke skrives: {e}"));
    let mut zip = zip::ZipWriter::new(tmp.as_file());
    let json = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    zip.start_file(MANIFEST, json).map_err(zerr)?;
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Invalid(e.to_string()))?;
    zip.write_all(&text).map_err(|e| Error::io(out, e))?;
    zip.start_file(ANNOTATIONS, json).map_err(zerr)?;
    let text = serde_json::to_vec_pretty(annotations).map_err(|e| Error::Invalid(e.to_string()))?;
    zip.write_all(&text).map_err(|e| Error::io(out, e))?;
    for a in &manifest.attachments {
        zip.start_file(&a.path, stored).map_err(zerr)?;
        let path = blobs.path_of(&a.sha256);
        let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        std::io::copy(&mut file, &mut zip).map_err(|e| Error::io(&path, e))?;
    }
    zip.finish().map_err(zerr)?;
    tmp.as_file().sync_all().map_err(|e| Error::io(out, e))?;
    tmp.persist(out).map_err(|e| Error::io(out, e.error))?;
    Ok(())
}

/// A bundle read and checked, nothing written yet.
struct Checked {
    manifest: Manifest,
    annotations: Vec<(Annotation, Option<ItemLocator>)>,
    /// Attachment contents, verified, each in a temporary file inside the
    /// file store (dropped, and so removed, unless placed), or `None` when
    /// the content is stored already.
    files: Vec<(ManifestAttachment, Option<tempfile::NamedTempFile>)>,
}

fn refuse(why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("pakken kan ikke indlæses: {why}; intet er ændret"))
}

/// Reads a JSON entry of at most `limit` bytes and [`caps::MAX_JSON_VALUES`]
/// values; both are checked before parsing.
fn read_json(zip: &mut safezip::SafeZip, name: &str, limit: u64) -> Result<serde_json::Value> {
    let bytes = zip.read_small(name, limit).map_err(refuse)?;
    if caps::json_values(&bytes) > caps::MAX_JSON_VALUES {
        return Err(refuse(format!(
            "{name} har for mange oplysninger (højst {} værdier)",
            caps::MAX_JSON_VALUES
        )));
    }
    serde_json::from_slice(&bytes).map_err(|e| refuse(format!("{name} er ikke gyldig JSON ({e})")))
}

/// Reads and checks a bundle completely; only temporary files inside the
/// file store are written.
fn check(path: &Path, blobs: &BlobStore) -> Result<Checked> {
    let mut zip = safezip::SafeZip::open(path).map_err(refuse)?;
    let raw = read_json(&mut zip, MANIFEST, caps::MAX_MANIFEST_BYTES)?;
    if raw.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(refuse(
            "filen er ikke en Mødemappe-pakke (manifest.json har ikke format «moedemappe-bundle»)",
        ));
    }
    match raw.get("schema").and_then(|s| s.as_u64()) {
        Some(s) if s == u64::from(SCHEMA) => {}
        Some(s) if s > u64::from(SCHEMA) => {
            return Err(refuse(format!(
                "pakken er lavet af en nyere udgave af Mødemappe (skemaversion {s}); opdatér programmet"
            )))
        }
        _ => {
            return Err(refuse(format!(
                "ukendt skemaversion {} (kun {SCHEMA} kan læses)",
                raw.get("schema").map(|s| s.to_string()).unwrap_or_else(|| "(ingen)".into())
            )))
        }
    }
    let manifest: Manifest = serde_json::from_value(raw)
        .map_err(|e| refuse(format!("manifest.json er ugyldig ({e})")))?;
    if manifest.author.name.trim().is_empty() {
        return Err(refuse("pakken har intet forfatternavn"));
    }
    let over = |what: &str, n: usize, max: usize| {
        refuse(format!(
            "manifest.json har for mange {what} ({n}; højst {max})"
        ))
    };
    if manifest.items.len() > caps::MAX_ITEMS {
        return Err(over("punkter", manifest.items.len(), caps::MAX_ITEMS));
    }
    if manifest.attachments.len() > caps::MAX_ATTACHMENTS {
        let n = manifest.attachments.len();
        return Err(over("bilag", n, caps::MAX_ATTACHMENTS));
    }
    if manifest.annotation_count > caps::MAX_ANNOTATIONS {
        let n = manifest.annotation_count;
        return Err(over("noter", n, caps::MAX_ANNOTATIONS));
    }
    let total = manifest
        .attachments
        .iter()
        .fold(0u64, |t, a| t.saturating_add(a.size));
    if total > caps::MAX_TOTAL {
        return Err(refuse("bilagene fylder for meget"));
    }
    // Every entry must be one the manifest names, and the other way round.
    let mut expected: BTreeSet<String> =
        [MANIFEST.to_string(), manifest.annotations.clone()].into();
    if manifest.annotations != ANNOTATIONS {
        return Err(refuse(format!("ukendt notefil «{}»", manifest.annotations)));
    }
    let mut listed = BTreeSet::new();
    for a in &manifest.attachments {
        if !is_sha256(&a.sha256) || a.path != format!("attachments/{}.pdf", a.sha256) {
            return Err(refuse(format!(
                "ugyldigt bilag i manifest.json: «{}»",
                a.path
            )));
        }
        if !listed.insert(a.sha256.clone()) {
            return Err(refuse(format!(
                "bilaget {} står to gange i manifest.json",
                a.sha256
            )));
        }
        expected.insert(a.path.clone());
    }
    let present: BTreeSet<String> = zip.names().into_iter().collect();
    if let Some(extra) = present.difference(&expected).next() {
        return Err(refuse(format!("ukendt fil i pakken: «{extra}»")));
    }
    if let Some(missing) = expected.difference(&present).next() {
        return Err(refuse(format!("filen «{missing}» mangler i pakken")));
    }
    let notes = read_json(&mut zip, ANNOTATIONS, caps::MAX_ANNOTATIONS_BYTES)?;
    let items = jsonld::collection_items(notes).map_err(refuse)?;
    if items.len() > caps::MAX_ANNOTATIONS {
        return Err(refuse(format!(
            "{ANNOTATIONS} har for mange noter ({}; højst {})",
            items.len(),
            caps::MAX_ANNOTATIONS
        )));
    }
    let mut annotations = Vec::new();
    let mut ids = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    for v in &items {
        let (a, loc) = jsonld::from_jsonld(v).map_err(refuse)?;
        if let Some(x) = &a.anchor {
            if !listed.contains(&x.sha256) {
                return Err(refuse(format!(
                    "noten {} peger på et bilag, som ikke er i pakken ({})",
                    a.id, x.sha256
                )));
            }
            referenced.insert(x.sha256.clone());
        }
        if !ids.insert(a.id.clone()) {
            return Err(refuse(format!("noten {} står to gange", a.id)));
        }
        annotations.push((a, loc));
    }
    drop(items);
    if annotations.len() != manifest.annotation_count {
        return Err(refuse(format!(
            "manifest.json lover {} noter, men der er {}",
            manifest.annotation_count,
            annotations.len()
        )));
    }
    if let Some(a) = manifest
        .attachments
        .iter()
        .find(|a| !referenced.contains(&a.sha256))
    {
        return Err(refuse(format!(
            "bilaget {} bruges ikke af nogen note i pakken",
            a.path
        )));
    }
    let mut files = Vec::new();
    for a in &manifest.attachments {
        let mut tmp = if blobs.contains(&a.sha256) {
            None
        } else {
            Some(blobs.temp_file()?)
        };
        let got = zip
            .extract_hashed(&a.path, a.size, tmp.as_mut().map(|t| t.as_file_mut()))
            .map_err(refuse)?;
        if got.sha256 != a.sha256 || got.size != a.size {
            return Err(refuse(format!(
                "bilaget {} har ikke det indhold, manifest.json siger (filen er ændret eller beskadiget)",
                a.path
            )));
        }
        if !got.head.starts_with(b"%PDF-") {
            return Err(refuse(format!("bilaget {} er ikke en PDF-fil", a.path)));
        }
        files.push((a.clone(), tmp));
    }
    Ok(Checked {
        manifest,
        annotations,
        files,
    })
}

/// Adds a bundle's annotations and attachments to the store. Everything is
/// checked before anything is written; the attachments are moved into place
/// and the annotations go in one transaction, and if that fails the
/// attachments placed are removed again.
pub fn import(store: &Store, blobs: &BlobStore, path: &Path) -> Result<ImportBundleReport> {
    let checked = check(path, blobs)?;
    let mut report = ImportBundleReport {
        author: checked.manifest.author.name.clone(),
        ..ImportBundleReport::default()
    };
    let items: Vec<Option<ItemId>> = {
        let read = store.read();
        checked
            .annotations
            .iter()
            .map(|(_, loc)| match loc {
                Some(l) => read.find_item(&l.body, l.date, l.number),
                None => Ok(None),
            })
            .collect::<Result<_>>()?
    };
    let mut placed = Vec::new();
    let written = place_files(blobs, checked.files, &mut placed, &mut report).and_then(|()| {
        write_notes(
            store,
            &checked.manifest,
            &checked.annotations,
            &items,
            &mut report,
        )
    });
    if let Err(e) = written {
        for p in placed {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    Ok(report)
}

/// Moves the checked temporary files into the file store, noting the paths
/// of contents that were not there before.
fn place_files(
    blobs: &BlobStore,
    files: Vec<(ManifestAttachment, Option<tempfile::NamedTempFile>)>,
    placed: &mut Vec<PathBuf>,
    report: &mut ImportBundleReport,
) -> Result<()> {
    for (a, tmp) in files {
        let new = match tmp {
            Some(tmp) => blobs.put_hashed(tmp, &a.sha256)?,
            None => false,
        };
        if new {
            placed.push(blobs.path_of(&a.sha256));
            report.new_attachments += 1;
        } else {
            report.known_attachments += 1;
        }
    }
    Ok(())
}

/// Writes the attachments' rows and the notes in one transaction.
fn write_notes(
    store: &Store,
    manifest: &Manifest,
    annotations: &[(Annotation, Option<ItemLocator>)],
    items: &[Option<ItemId>],
    report: &mut ImportBundleReport,
) -> Result<()> {
    store.write(|w| {
        for a in &manifest.attachments {
            w.attachment(&a.sha256, a.size)?;
        }
        for ((a, _), item) in annotations.iter().zip(items) {
            let mut a = a.clone();
            a.item = *item;
            a.origin = Origin::Imported;
            a.visibility = Visibility::Shared;
            match w.upsert_imported(&a)? {
                Upserted::Added => report.added += 1,
                Upserted::Updated => report.updated += 1,
                Upserted::Unchanged => report.unchanged += 1,
                Upserted::OwnKept => report.own_kept += 1,
            }
        }
        // The sharer may have changed their display name since an earlier bundle.
        let author = &manifest.author;
        if !author.id.is_empty() {
            w.rename_imported_author(&author.id, &author.name)?;
        }
        Ok(())
    })
}
