//! Folder sources in the store: which files and documents under a watched
//! folder are gone (marked removed, never deleted, so a file that comes back is
//! simply unmarked), and what is wrong with the files under it.

use super::{Reader, SyncFailure, Writer};
use crate::model::SourceId;
use crate::Result;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `root` with a path separator at the end, so "/a/b" does not match "/a/bc".
fn prefix_of(root: &str) -> String {
    if root.ends_with(std::path::MAIN_SEPARATOR) {
        root.to_string()
    } else {
        format!("{root}{}", std::path::MAIN_SEPARATOR)
    }
}

impl Writer<'_> {
    /// Marks every known file under `root` that is not in `seen` as removed
    /// (keeping an earlier mark's time) and unmarks those in `seen`. Returns how
    /// many files were newly marked.
    pub fn mark_folder_files(&self, root: &str, seen: &HashSet<String>) -> Result<u64> {
        let mut stmt = self.tx.prepare(
            "SELECT path, removed_at IS NOT NULL FROM source_files
              WHERE substr(path, 1, length(?1)) = ?1",
        )?;
        let rows: Vec<(String, bool)> = stmt
            .query_map([prefix_of(root)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let at = now();
        let mut newly = 0;
        for (path, removed) in rows {
            let present = seen.contains(&path);
            if present && removed {
                self.tx.execute(
                    "UPDATE source_files SET removed_at = NULL WHERE path = ?1",
                    [&path],
                )?;
            } else if !present && !removed {
                self.tx.execute(
                    "UPDATE source_files SET removed_at = ?2 WHERE path = ?1",
                    params![path, at],
                )?;
                newly += 1;
            }
        }
        Ok(newly)
    }

    /// Links the collections named in `seen` to `source` (creating them when
    /// new), then marks every document of the source's collections that is not
    /// in `seen` (collection name → relative paths) as removed and unmarks the
    /// others. Both kinds of change are queued for the index. Returns how many
    /// documents were newly marked.
    pub fn mark_folder_documents(
        &self,
        source: SourceId,
        seen: &HashMap<String, HashSet<String>>,
    ) -> Result<u64> {
        for name in seen.keys() {
            let id = self.upsert_collection(name)?;
            self.tx.execute(
                "UPDATE collections SET source_id = ?2 WHERE id = ?1",
                params![id.0, source.0],
            )?;
        }
        let mut stmt = self.tx.prepare(
            "SELECT d.id, c.name, d.rel_path, d.removed_at IS NOT NULL
               FROM documents d JOIN collections c ON c.id = d.collection_id
              WHERE c.source_id = ?1",
        )?;
        let rows: Vec<(i64, String, String, bool)> = stmt
            .query_map([source.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let at = now();
        let mut newly = 0;
        for (id, collection, rel_path, removed) in rows {
            let present = seen.get(&collection).is_some_and(|s| s.contains(&rel_path));
            if present && removed {
                self.tx
                    .execute("UPDATE documents SET removed_at = NULL WHERE id = ?1", [id])?;
            } else if !present && !removed {
                self.tx.execute(
                    "UPDATE documents SET removed_at = ?2 WHERE id = ?1",
                    params![id, at],
                )?;
                newly += 1;
            } else {
                continue;
            }
            self.queue_owner(&format!("doc:{id}"))?;
        }
        Ok(newly)
    }
}

impl Reader<'_> {
    /// What is wrong under `root` now: problems with paths there, and files
    /// there (not removed) whose text could not be read fully.
    pub fn folder_failures(&self, root: &str) -> Result<Vec<SyncFailure>> {
        let mut stmt = self.conn.prepare(
            "SELECT sf.path, coalesce(a.problem, 'teksten kunne ikke læses helt')
               FROM source_files sf JOIN attachments a ON a.id = sf.attachment_id
              WHERE substr(sf.path, 1, length(?1)) = ?1 AND sf.removed_at IS NULL
                AND a.text_status IN ('partial', 'no_text', 'unreadable')
             UNION
             SELECT path, reason FROM import_problems WHERE substr(path, 1, length(?1)) = ?1
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([prefix_of(root)], |r| {
            Ok(SyncFailure {
                what: r.get(0)?,
                reason: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SourceKind, TextStatus};
    use crate::store::Store;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn files_under_the_root_only_are_marked_and_unmarked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        store
            .write(|w| {
                let a = w.attachment("ab", 1)?;
                for path in ["/m/a.pdf", "/m/sub/b.pdf", "/mx/c.pdf", "/other/d.pdf"] {
                    w.record_source_file(path, 1, 1, a)?;
                }
                Ok(())
            })
            .unwrap();
        let removed = |store: &Store| -> Vec<String> {
            let read = store.read();
            let mut stmt = read
                .conn
                .prepare("SELECT path FROM source_files WHERE removed_at IS NOT NULL ORDER BY 1")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let n = store
            .write(|w| w.mark_folder_files("/m", &set(&["/m/a.pdf"])))
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(removed(&store), ["/m/sub/b.pdf"]);
        // Marking again counts nothing new; seeing the file again unmarks it.
        let n = store
            .write(|w| w.mark_folder_files("/m", &set(&["/m/a.pdf"])))
            .unwrap();
        assert_eq!(n, 0);
        store
            .write(|w| w.mark_folder_files("/m/", &set(&["/m/a.pdf", "/m/sub/b.pdf"])))
            .unwrap();
        assert!(removed(&store).is_empty());
    }

    #[test]
    fn documents_of_the_sources_collections_are_marked_and_queued() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        let (source, kept, gone, foreign) = store
            .write(|w| {
                let source = w.add_source(SourceKind::Folder, "Notater", "/m/Notater")?;
                let a = w.attachment("ab", 1)?;
                let notes = w.upsert_collection("Notater")?;
                let kept = w.upsert_document(notes, "a.pdf", "a", a)?;
                let gone = w.upsert_document(notes, "b.pdf", "b", a)?;
                let other = w.upsert_collection("Andet")?;
                let foreign = w.upsert_document(other, "c.pdf", "c", a)?;
                w.store_text(a, Some(1), &["ord".into()], TextStatus::Full, None)?;
                w.unqueue_owners(&[
                    format!("doc:{}", kept.0),
                    format!("doc:{}", gone.0),
                    format!("doc:{}", foreign.0),
                ])?;
                Ok((source, kept, gone, foreign))
            })
            .unwrap();
        let seen = HashMap::from([("Notater".to_string(), set(&["a.pdf"]))]);
        let n = store
            .write(|w| w.mark_folder_documents(source, &seen))
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            store.read().index_queue().unwrap(),
            [format!("doc:{}", gone.0)]
        );
        let removed = |id: i64| -> bool {
            store
                .read()
                .conn
                .query_row(
                    "SELECT removed_at IS NOT NULL FROM documents WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert!(!removed(kept.0));
        assert!(removed(gone.0));
        assert!(!removed(foreign.0), "another collection is not touched");
        // A removed document gives the index nothing; the others still do.
        let docs_of = |id: i64| {
            crate::index::assemble::documents(
                store.read().index_source(&format!("doc:{id}")).unwrap(),
            )
        };
        assert!(docs_of(gone.0).is_empty());
        assert_eq!(docs_of(kept.0).len(), 1);
    }
}
