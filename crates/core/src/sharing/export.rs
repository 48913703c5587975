//! Exporting a bundle: choosing what goes in (open items, the attachments
//! shared notes point at, never closed material), the preview of that
//! choice, and writing the zip.

use super::manifest::{within_caps, Manifest, ManifestAttachment, ManifestItem, ManifestScope};
use super::{BundleScope, ClosedPolicy, ANNOTATIONS, FORMAT, MANIFEST, SCHEMA};
use crate::annotations::jsonld::{self, ItemLocator};
use crate::annotations::{format_time, Annotation, Author, Origin, Visibility};
use crate::blobs::BlobStore;
use crate::model::ItemId;
use crate::store::{ItemContext, Store};
use crate::{Error, Result};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

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
