//! Importing a bundle: every check first, on the raw zip and then the
//! manifest and notes, with files waiting in temporary files; then one
//! transaction that places the files and writes the notes.

use super::manifest::{Manifest, ManifestAttachment};
use super::{caps, safezip, ANNOTATIONS, FORMAT, MANIFEST, SCHEMA};
use crate::annotations::jsonld::{self, is_sha256, ItemLocator};
use crate::annotations::{Annotation, Origin, Visibility};
use crate::blobs::BlobStore;
use crate::model::ItemId;
use crate::store::{Store, Upserted};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
