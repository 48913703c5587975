//! Folder sources: a folder on this machine kept in step with the store. A
//! sync imports the folder like `import` does, then marks the files and
//! documents that are gone from it as removed (and unmarks those that came
//! back). Content is identified by hash, so a renamed or copied file never
//! becomes a second attachment; a renamed document gets a new row and the old
//! one is marked removed, so search shows it once.

use crate::blobs::BlobStore;
use crate::extract::ExtractOptions;
use crate::folder::scan::{self, Scan};
use crate::index::SearchIndex;
use crate::ingest::{self, ImportReport};
use crate::progress::Progress;
use crate::store::{Source, Store};
use crate::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Brings the store up to date with the folder of `source`, and records on the
/// source how it went (with the files under the folder that cannot be read
/// fully as its failures).
///
/// A folder that does not exist (an unplugged USB disk, say) is an error, and
/// nothing is marked removed.
pub fn sync_folder(
    store: &Store,
    blobs: &BlobStore,
    index: &SearchIndex,
    source: &Source,
    opts: &ExtractOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    store.write(|w| w.sync_started(source.id))?;
    match sync(store, blobs, index, source, opts, progress) {
        Ok(report) => {
            let failures = store.read().folder_failures(&source.location)?;
            store.write(|w| w.sync_finished(source.id, Ok(&failures)))?;
            Ok(report)
        }
        Err(e) => {
            store.write(|w| w.sync_finished(source.id, Err(&e.to_string())))?;
            Err(e)
        }
    }
}

fn sync(
    store: &Store,
    blobs: &BlobStore,
    index: &SearchIndex,
    source: &Source,
    opts: &ExtractOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let root = Path::new(&source.location);
    let missing = || Error::NotFound(format!("mappen findes ikke: {}", root.display()));
    if !root.is_dir() {
        return Err(missing());
    }
    let scan = scan::scan(&[root.to_path_buf()])?;
    // Gone while it was read: what the scan missed is not gone from the folder.
    if !root.is_dir() {
        return Err(missing());
    }
    let (files, documents) = seen(&scan);
    let removed = store.write(|w| {
        let gone = w.mark_folder_files(&source.location, &files)?;
        w.mark_folder_documents(source.id, &documents)?;
        Ok(gone)
    })?;
    let mut report = ingest::import_scan(store, blobs, index, &scan, opts, progress)?;
    report.removed = removed;
    Ok(report)
}

/// Every PDF path the scan found, and every collection document by collection name.
fn seen(scan: &Scan) -> (HashSet<String>, HashMap<String, HashSet<String>>) {
    let meeting_files = scan
        .bodies
        .iter()
        .flat_map(|b| &b.meetings)
        .flat_map(|m| &m.items)
        .flat_map(|i| &i.attachments);
    let document_files = scan
        .collections
        .iter()
        .flat_map(|c| c.documents.iter().map(|d| &d.1));
    let files = meeting_files
        .chain(document_files)
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect();
    let documents = scan
        .collections
        .iter()
        .map(|c| {
            let rels = c.documents.iter().map(|d| d.0.clone()).collect();
            (c.name.clone(), rels)
        })
        .collect();
    (files, documents)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::extract::WorkerCommand;
    use crate::index::SearchQuery;
    use crate::model::SourceKind;
    use crate::progress::Silent;
    use std::fs;

    /// A stand-in worker: every "PDF" is one page whose text is the file's bytes
    /// (an empty file has no text).
    fn cat_worker() -> ExtractOptions {
        let script = r#"while read -r line; do
  p=$(printf '%s' "$line" | sed 's/.*"path":"\([^"]*\)".*/\1/')
  t=$(cat "$p")
  if [ -z "$t" ]; then s='"no_text","problem":"tom"'; else s='"full","problem":null'; fi
  printf '{"page_count":1,"pages":["%s"],"failed_pages":[],"status":%s}\n' "$t" "$s"
done"#;
        let mut opts = ExtractOptions::new(WorkerCommand {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
        });
        opts.workers = 1;
        opts
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        folder: std::path::PathBuf,
        store: Store,
        blobs: BlobStore,
        index: SearchIndex,
        opts: ExtractOptions,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let base = dir.path().canonicalize().unwrap();
            let folder = base.join("Notater");
            fs::create_dir(&folder).unwrap();
            let store = Store::open(&base.join("s.sqlite")).unwrap();
            let location = folder.to_str().unwrap();
            store
                .write(|w| w.add_source(SourceKind::Folder, "Notater", location))
                .unwrap();
            Fixture {
                store,
                blobs: BlobStore::new(base.join("files")),
                index: SearchIndex::open_or_create(&base.join("index")).unwrap(),
                opts: cat_worker(),
                folder,
                _dir: dir,
            }
        }

        fn sync(&mut self) -> Result<ImportReport> {
            let source = self.store.read().source("Notater").unwrap();
            sync_folder(
                &self.store,
                &self.blobs,
                &self.index,
                &source,
                &self.opts,
                &Silent,
            )
        }

        fn titles(&self, word: &str) -> Vec<String> {
            let hits = self.index.search(&SearchQuery::new(word)).unwrap().hits;
            hits.into_iter()
                .map(|h| h.cite.attachment_title.unwrap())
                .collect()
        }
    }

    #[test]
    fn a_renamed_file_is_one_attachment_found_once_and_a_deleted_one_is_gone() {
        let mut f = Fixture::new();
        fs::write(f.folder.join("a.pdf"), "fiskeri").unwrap();
        fs::write(f.folder.join("b.pdf"), "skovbrug").unwrap();
        let report = f.sync().unwrap();
        assert_eq!((report.files, report.extracted, report.removed), (2, 2, 0));
        assert_eq!(f.titles("fiskeri"), ["a"]);

        fs::rename(f.folder.join("a.pdf"), f.folder.join("c.pdf")).unwrap();
        let report = f.sync().unwrap();
        assert_eq!((report.extracted, report.removed), (0, 1));
        assert_eq!(f.titles("fiskeri"), ["c"]);
        let counts = f.store.read().counts(false).unwrap();
        assert_eq!(counts.attachments, 2, "same content, same attachment");
        assert_eq!(counts.documents, 2);
        assert_eq!((counts.removed_files, counts.removed_documents), (1, 1));

        fs::remove_file(f.folder.join("c.pdf")).unwrap();
        f.sync().unwrap();
        assert!(f.titles("fiskeri").is_empty());
        assert_eq!(f.titles("skovbrug"), ["b"]);
        let counts = f.store.read().counts(false).unwrap();
        assert_eq!((counts.removed_files, counts.removed_documents), (2, 2));

        // The file comes back under its first name: unmarked and found again.
        fs::write(f.folder.join("a.pdf"), "fiskeri").unwrap();
        f.sync().unwrap();
        assert_eq!(f.titles("fiskeri"), ["a"]);
        let counts = f.store.read().counts(false).unwrap();
        assert_eq!((counts.removed_files, counts.removed_documents), (1, 1));
        let source = f.store.read().source("Notater").unwrap();
        assert!(source.last_success_at.is_some() && source.last_error.is_none());
    }

    #[test]
    fn a_missing_folder_is_an_error_and_marks_nothing_removed() {
        let mut f = Fixture::new();
        fs::write(f.folder.join("a.pdf"), "fiskeri").unwrap();
        f.sync().unwrap();
        let away = f.folder.with_file_name("udtaget");
        fs::rename(&f.folder, &away).unwrap();
        let err = f.sync().unwrap_err();
        assert!(err.to_string().contains("mappen findes ikke"), "{err}");
        let source = f.store.read().source("Notater").unwrap();
        assert!(source.last_error.unwrap().contains("mappen findes ikke"));
        let counts = f.store.read().counts(false).unwrap();
        assert_eq!((counts.removed_files, counts.removed_documents), (0, 0));
        assert_eq!(f.titles("fiskeri"), ["a"]);
        // Back again: the sync runs and clears the error.
        fs::rename(&away, &f.folder).unwrap();
        f.sync().unwrap();
        let source = f.store.read().source("Notater").unwrap();
        assert!(source.last_error.is_none());
    }

    #[test]
    fn files_that_cannot_be_read_are_the_sources_failures() {
        let mut f = Fixture::new();
        fs::write(f.folder.join("god.pdf"), "fiskeri").unwrap();
        fs::write(f.folder.join("tom.pdf"), "").unwrap();
        f.sync().unwrap();
        let source = f.store.read().source("Notater").unwrap();
        let what: Vec<&str> = source.failures.iter().map(|x| x.what.as_str()).collect();
        assert_eq!(what.len(), 1, "{:?}", source.failures);
        assert!(what[0].ends_with("tom.pdf"), "{what:?}");
    }
}
