//! Importing folders and files: scan, copy into the content-addressed store,
//! write meetings, items and documents, read the text of new attachments in
//! isolated workers, and bring the index up to date. Each step is committed as
//! it goes, so a killed import loses nothing and the next one finishes the job.

use crate::blobs::BlobStore;
use crate::extract::{self, ExtractOptions};
use crate::folder::scan::{self, PdfFile, Scan};
use crate::index::SearchIndex;
use crate::model::{AttachmentId, ItemFlags, Publication, TextStatus};
use crate::progress::{Progress, Tick};
use crate::store::{AttachmentRef, BodyFacts, ItemRecord, MeetingRecord, Store};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// PDF files found.
    pub files: u64,
    /// Files whose content was new to the store.
    pub new_files: u64,
    /// Meetings written.
    pub meetings: u64,
    /// Agenda items written.
    pub items: u64,
    /// Collection documents written.
    pub documents: u64,
    /// Attachments whose text was read in this run.
    pub extracted: u64,
    /// Pages read in this run.
    pub pages: u64,
    /// Files (or meeting folders) that could not be read fully in this run.
    pub failures: u64,
    /// Index documents written.
    pub indexed: u64,
    /// Files found gone from a watched folder in this run (marked removed).
    pub removed: u64,
}

/// Imports `paths` (meeting-format roots, body folders, plain folders, single PDFs).
pub fn import(
    store: &Store,
    blobs: &BlobStore,
    index: &SearchIndex,
    paths: &[PathBuf],
    extract_opts: &ExtractOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let scan = scan::scan(paths)?;
    import_scan(store, blobs, index, &scan, extract_opts, progress)
}

/// Imports what [`scan::scan`] found (the folder sync scans first, to see what is gone).
pub fn import_scan(
    store: &Store,
    blobs: &BlobStore,
    index: &SearchIndex,
    scan: &Scan,
    extract_opts: &ExtractOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let contents = store_files(store, blobs, scan, progress, &mut report)?;
    write_metadata(store, scan, &contents, &mut report)?;
    read_pending_text(store, blobs, extract_opts, progress, &mut report)?;
    crate::annotations::follow::after_update(store)?;
    report.indexed = update_index(store, index, progress)?;
    Ok(report)
}

/// Copies every PDF of the scan into the blob store (skipping files unchanged
/// since the last import) and returns the attachment of each path.
fn store_files(
    store: &Store,
    blobs: &BlobStore,
    scan: &Scan,
    progress: &dyn Progress,
    report: &mut ImportReport,
) -> Result<HashMap<PathBuf, AttachmentId>> {
    let files: Vec<&PdfFile> = scan
        .bodies
        .iter()
        .flat_map(|b| &b.meetings)
        .flat_map(|m| &m.items)
        .flat_map(|i| &i.attachments)
        .chain(
            scan.collections
                .iter()
                .flat_map(|c| c.documents.iter().map(|d| &d.1)),
        )
        .collect();
    report.files = files.len() as u64;
    let mut known = HashMap::new();
    let mut todo = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let (size, mtime) = match stat(&file.path) {
            Ok(found) => found,
            Err(e) => {
                problems.push((file.path.clone(), format!("filen kunne ikke læses: {e}")));
                continue;
            }
        };
        let key = file.path.to_string_lossy();
        match store.read().known_file(&key, size, mtime)? {
            Some((id, sha)) if blobs.contains(&sha) => {
                known.insert(file.path.clone(), id);
            }
            _ => todo.push((file.path.clone(), size, mtime)),
        }
    }
    progress.begin("Kopierer filer", todo.len() as u64);
    let copied = copy_parallel(blobs, &todo, progress);
    progress.end();
    // One file that cannot be copied (vanished, unreadable, disk full) is
    // recorded and skipped; the rest of the import goes on.
    store.write(|w| {
        for ((path, size, mtime), stored) in todo.iter().zip(copied) {
            let key = path.to_string_lossy();
            match stored {
                Ok(stored) => {
                    let id = w.attachment(&stored.sha256, stored.size)?;
                    w.record_source_file(&key, *size, *mtime, id)?;
                    w.clear_problem(&key)?;
                    known.insert(path.clone(), id);
                    report.new_files += 1;
                }
                Err(e) => problems.push((path.clone(), format!("filen kunne ikke gemmes: {e}"))),
            }
        }
        for (path, reason) in &problems {
            w.set_problem(&path.to_string_lossy(), reason)?;
        }
        Ok(())
    })?;
    report.failures += problems.len() as u64;
    Ok(known)
}

/// Copies files into the blob store on a few threads; one result per file, in order.
fn copy_parallel(
    blobs: &BlobStore,
    todo: &[(PathBuf, u64, i64)],
    progress: &dyn Progress,
) -> Vec<Result<crate::blobs::Stored>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let chunk = todo.len().div_ceil(threads).max(1);
    let done = AtomicU64::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                let done = &done;
                s.spawn(move || {
                    part.iter()
                        .map(|(path, ..)| {
                            let stored = blobs.put_file(path);
                            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                            progress.update(Tick {
                                done: n,
                                ..Tick::default()
                            });
                            stored
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(todo.chunks(chunk))
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|_| Err(Error::Invalid("kopieringen stoppede uventet".into())))
                        .collect()
                })
            })
            .collect()
    })
}

fn stat(path: &Path) -> Result<(u64, i64)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    Ok((meta.len(), mtime))
}

/// Writes bodies, meetings, items and documents: one transaction per meeting.
fn write_metadata(
    store: &Store,
    scan: &Scan,
    contents: &HashMap<PathBuf, AttachmentId>,
    report: &mut ImportReport,
) -> Result<()> {
    let attachment_refs = |files: &[PdfFile]| -> Vec<AttachmentRef> {
        files
            .iter()
            .filter_map(|f| {
                contents.get(&f.path).map(|&attachment| AttachmentRef {
                    title: f.title.clone(),
                    attachment,
                    closed: f.closed,
                })
            })
            .collect()
    };
    for body in &scan.bodies {
        // The folder format's files become store records here, at the edge.
        let facts = body.file.as_ref().map(|f| BodyFacts {
            short: f.short.as_deref(),
            kind: f.kind,
            formerly: &f.formerly,
            period: f.period,
        });
        let body_id = store.write(|w| w.upsert_body(&body.name, facts.as_ref()))?;
        for meeting in &body.meetings {
            let source_key = format!("folder:{}/{}", body.name, meeting.date);
            store.write(|w| {
                let meeting_id = w.upsert_meeting(&MeetingRecord {
                    body: body_id,
                    date: meeting.date,
                    source_key: &source_key,
                    start: meeting.file.start.as_deref(),
                    end: meeting.file.end.as_deref(),
                    place: meeting.file.place.as_deref(),
                    publication: meeting.file.publication.unwrap_or(Publication::Agenda),
                })?;
                for item in &meeting.items {
                    let e = &item.entry;
                    w.upsert_item(
                        meeting_id,
                        &ItemRecord {
                            number: e.number,
                            title: item.title.clone(),
                            kind: e.kind,
                            access: e.access,
                            flags: ItemFlags {
                                referred: e.referred,
                                postponed: e.postponed,
                                foretraede: e.foretraede,
                            },
                            case_number: e.case_number.clone(),
                            case_text: e.case_text.clone(),
                            decision: e.decision.clone().or_else(|| {
                                e.case_text
                                    .as_deref()
                                    .and_then(crate::model::decision_in_text)
                            }),
                            subjects: e.subjects.clone(),
                            attachments: attachment_refs(&item.attachments),
                        },
                    )?;
                }
                Ok(())
            })?;
            report.meetings += 1;
            report.items += meeting.items.len() as u64;
        }
    }
    for collection in &scan.collections {
        store.write(|w| {
            let id = w.upsert_collection(&collection.name)?;
            for (rel, file) in &collection.documents {
                if let Some(&attachment) = contents.get(&file.path) {
                    w.upsert_document(id, rel, &file.title, attachment)?;
                }
            }
            Ok(())
        })?;
        report.documents += collection.documents.len() as u64;
    }
    store.write(|w| {
        for path in &scan.clean {
            w.clear_problem(&path.to_string_lossy())?;
        }
        for (path, reason) in &scan.problems {
            w.set_problem(&path.to_string_lossy(), reason)?;
        }
        Ok(())
    })?;
    report.failures += scan.problems.len() as u64;
    Ok(())
}

/// Reads the text of every attachment not read yet, in isolated workers, and
/// stores each result as it arrives.
pub(crate) fn read_pending_text(
    store: &Store,
    blobs: &BlobStore,
    opts: &ExtractOptions,
    progress: &dyn Progress,
    report: &mut ImportReport,
) -> Result<()> {
    let pending = store.read().pending_text()?;
    if pending.is_empty() {
        return Ok(());
    }
    let jobs: Vec<(AttachmentId, PathBuf)> = pending
        .into_iter()
        .map(|(id, sha)| (id, blobs.path_of(&sha)))
        .collect();
    progress.begin("Læser tekst", jobs.len() as u64);
    let mut tick = Tick::default();
    let mut write_error = None;
    extract::extract_all(jobs, opts, |id, ex| {
        tick.done += 1;
        tick.pages += ex.pages.iter().filter(|p| !p.is_empty()).count() as u64;
        if ex.status != TextStatus::Full {
            tick.failures += 1;
        }
        progress.update(tick);
        let stored = store.write(|w| {
            w.store_text(
                id,
                ex.page_count,
                &ex.pages,
                ex.status,
                ex.problem.as_deref(),
            )
        });
        if let Err(e) = stored {
            write_error.get_or_insert(e);
        }
    })?;
    progress.end();
    if let Some(e) = write_error {
        return Err(e);
    }
    report.extracted += tick.done;
    report.pages += tick.pages;
    report.failures += tick.failures;
    Ok(())
}

/// Rebuilds the index documents of every queued owner and commits once.
pub fn update_index(store: &Store, index: &SearchIndex, progress: &dyn Progress) -> Result<u64> {
    let owners = store.read().index_queue()?;
    if owners.is_empty() {
        return Ok(0);
    }
    progress.begin("Opdaterer søgeindeks", owners.len() as u64);
    let mut writer = index.writer()?;
    let mut added = 0u64;
    for (n, owner) in owners.iter().enumerate() {
        let docs = crate::index::assemble::documents(store.read().index_source(owner)?);
        writer.delete_owner(owner);
        for doc in &docs {
            writer.add(doc)?;
        }
        added += docs.len() as u64;
        progress.update(Tick {
            done: n as u64 + 1,
            pages: added,
            ..Tick::default()
        });
    }
    writer.commit()?;
    store.write(|w| w.unqueue_owners(&owners))?;
    progress.end();
    Ok(added)
}
