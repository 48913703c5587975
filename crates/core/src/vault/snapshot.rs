//! The open material's plain copy, `open.sqlite`, which a locked vault reads:
//! the store as the open scope sees it, with no closed item, closed bilag,
//! file only closed items use, note, reading mark, saved search or setting. It is made in
//! memory from the vault (SQLCipher's export), cut down there, and written with
//! `VACUUM INTO`, so no closed byte ever reaches it, not even a freed page.

use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

use super::{Key, OPEN_DB};
use crate::{Error, Result};

/// What the open scope would not see, removed: the member's own things
/// (but the times of the last syncs and the reading pace, which the open
/// scope's reading load uses);
/// meetings and bodies the open scope does not know (closed placeholders,
/// meetings whose items are all closed), closed items and bilag, then
/// whatever only they held, as the equivalence test defines "as if never
/// stored"; and the items numbered again without gaps, so no gap says where
/// a closed item was.
fn keep_open() -> String {
    use crate::annotations::follow::{LAST_SYNC, PREVIOUS_SYNC};
    use crate::store::{OPEN_BODY, OPEN_MEETING};
    let pace = crate::api::agenda::PACE_SETTING;
    format!(
        "
PRAGMA foreign_keys = ON;
DELETE FROM annotations;
DELETE FROM reading_marks;
DELETE FROM meetings_opened;
DELETE FROM followed_bodies;
DELETE FROM alert_hits;
DELETE FROM saved_searches;
DELETE FROM release_notices;
DELETE FROM alert_changes;
DELETE FROM settings WHERE key NOT IN ('{LAST_SYNC}', '{PREVIOUS_SYNC}', '{pace}');
DELETE FROM index_queue;
DELETE FROM import_problems;
DELETE FROM sync_failures;
CREATE TEMP TABLE hidden_bodies AS SELECT id FROM bodies b WHERE NOT {OPEN_BODY};
CREATE TEMP TABLE hidden_meetings AS SELECT id FROM meetings m WHERE NOT {OPEN_MEETING};
DELETE FROM portal_meetings WHERE meeting_id IN (SELECT id FROM hidden_meetings);
DELETE FROM meetings WHERE id IN (SELECT id FROM hidden_meetings);
DELETE FROM bodies WHERE id IN (SELECT id FROM hidden_bodies);
DELETE FROM items WHERE closed = 1;
DELETE FROM item_attachments WHERE closed = 1;
CREATE TEMP TABLE gone AS SELECT id, sha256 FROM attachments
 WHERE id NOT IN (SELECT attachment_id FROM item_attachments)
   AND id NOT IN (SELECT attachment_id FROM documents);
DELETE FROM kept_files WHERE sha256 IN (SELECT sha256 FROM gone);
DELETE FROM source_files WHERE attachment_id IN (SELECT id FROM gone);
DELETE FROM portal_documents WHERE attachment_id IN (SELECT id FROM gone);
DELETE FROM attachments WHERE id IN (SELECT id FROM gone);
DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM items WHERE case_id IS NOT NULL);
CREATE TEMP TABLE renumbered AS
 SELECT id, ROW_NUMBER() OVER (PARTITION BY meeting_id ORDER BY number) AS n FROM items;
UPDATE items SET number = -(SELECT n FROM renumbered r WHERE r.id = items.id);
UPDATE items SET number = -number;
DROP TABLE renumbered;
DROP TABLE gone;
DROP TABLE hidden_meetings;
DROP TABLE hidden_bodies;
"
    )
}

/// Writes `open.sqlite` in `dir` from the vault's store at `vault_db`.
pub fn write(dir: &Path, vault_db: &Path, key: &Key) -> Result<()> {
    let mem = Connection::open_in_memory()?;
    mem.busy_timeout(Duration::from_secs(10))?;
    let vault_text = vault_db.to_str().ok_or_else(|| {
        Error::Invalid(format!("{} er ikke et gyldigt filnavn", vault_db.display()))
    })?;
    let raw = zeroize::Zeroizing::new(format!("x'{}'", key.sqlite().hex().as_str()));
    mem.execute(
        "ATTACH DATABASE ?1 AS vault KEY ?2",
        [vault_text, raw.as_str()],
    )?;
    // SQLCipher's export: every table, index and trigger, decrypted into memory.
    mem.query_row("SELECT sqlcipher_export('main', 'vault')", [], |_| Ok(()))?;
    let version: u32 = mem.query_row("PRAGMA vault.user_version", [], |r| r.get(0))?;
    mem.execute_batch("DETACH DATABASE vault")?;
    mem.pragma_update(None, "user_version", version)?;
    mem.execute_batch(&keep_open())?;
    let tmp = dir.join(format!("{OPEN_DB}.tmp"));
    remove_if_there(&tmp)?;
    let tmp_text = tmp
        .to_str()
        .ok_or_else(|| Error::Invalid(format!("{} er ikke et gyldigt filnavn", tmp.display())))?;
    mem.execute("VACUUM INTO ?1", [tmp_text])?;
    drop(mem);
    {
        let conn = Connection::open(&tmp)?;
        conn.pragma_update(None, "journal_mode", "DELETE")?;
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    let path = dir.join(OPEN_DB);
    // A journal of an earlier copy must not be applied to this one.
    for suffix in ["-wal", "-shm", "-journal"] {
        remove_if_there(&dir.join(format!("{OPEN_DB}{suffix}")))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    Ok(())
}

/// Removes a file, if it is there.
pub fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}
