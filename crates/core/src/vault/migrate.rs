//! Moving a data directory into the vault when the passcode is first set.
//! Each step can be killed and run again: it leaves either the old state or
//! the new one, and the next run (`moedemappe passcode set` with the same
//! passcode) goes on from there. `vault.json` says `moving` until the last
//! step is done. No step writes closed material in plain: the store is
//! exported straight into SQLCipher, the open copy is cut down in memory, the
//! index and the files are sealed one file at a time.

use rusqlite::Connection;
use std::path::Path;

use super::snapshot::remove_if_there;
use super::{Key, Vault, VaultState, PLAIN_DB, VAULT_DB};
use crate::blobs::BlobStore;
use crate::progress::{Progress, Tick};
use crate::store::Store;
use crate::{Error, Result};

/// The environment variable that stops the move after step N (1–5), for the
/// test that kills it at each step.
pub const STOP_AFTER_ENV: &str = "MOEDEMAPPE_FAULT_VAULT_STOP_AFTER";

/// The settings key of the open-scope token's secret inside the vault.
pub const API_TOKEN_SETTING: &str = "api_token";

/// Stops the process after `step` when the test asks for it (as abruptly as a
/// kill: no destructor runs).
fn maybe_stop(step: u32) {
    if std::env::var(STOP_AFTER_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        == Some(step)
    {
        std::process::abort();
    }
}

/// Finishes moving `dir` into `vault` (whose master key is `key`).
pub fn finish(dir: &Path, vault: &mut Vault, key: &Key, progress: &dyn Progress) -> Result<()> {
    let step = |done: u64| {
        progress.update(Tick {
            done,
            ..Tick::default()
        });
        maybe_stop(done as u32);
    };
    progress.begin(
        "Flytter datamappen ind i boksen (database, åben kopi, søgeindeks, filer, nøgler)",
        5,
    );
    export_store(dir, key)?;
    step(1);
    super::snapshot::write(dir, &dir.join(VAULT_DB), key)?;
    step(2);
    crate::index::seal_all_part(&dir.join("index"), &key.index())?;
    step(3);
    seal_closed_files(dir, key)?;
    step(4);
    move_api_token(dir, key)?;
    step(5);
    vault.set_state(VaultState::Ready)?;
    progress.end();
    Ok(())
}

/// Step 1: the plain store exported into `vault.sqlite` (through a temporary
/// name, so the plain one is removed only when the encrypted one is whole).
fn export_store(dir: &Path, key: &Key) -> Result<()> {
    let plain = dir.join(PLAIN_DB);
    let target = dir.join(VAULT_DB);
    let tmp = dir.join(format!("{VAULT_DB}.tmp"));
    if plain.is_file() && !target.is_file() {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            remove_if_there(&dir.join(format!("{VAULT_DB}.tmp{suffix}")))?;
        }
        {
            // Brings the plain store up to this version's schema first.
            drop(Store::open(&plain)?);
            let conn = Connection::open(&plain)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let raw = zeroize::Zeroizing::new(format!("x'{}'", key.sqlite().hex().as_str()));
            let tmp_text = tmp.to_str().ok_or_else(|| {
                Error::Invalid(format!("{} er ikke et gyldigt filnavn", tmp.display()))
            })?;
            conn.execute(
                "ATTACH DATABASE ?1 AS vault KEY ?2",
                [tmp_text, raw.as_str()],
            )?;
            conn.query_row("SELECT sqlcipher_export('vault')", [], |_| Ok(()))?;
            conn.pragma_update(Some("vault"), "user_version", version)?;
            conn.execute_batch("DETACH DATABASE vault")?;
        }
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
    }
    if target.is_file() {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            remove_if_there(&dir.join(format!("{PLAIN_DB}{suffix}")))?;
        }
        for suffix in ["", "-journal"] {
            remove_if_there(&dir.join(format!("{VAULT_DB}.tmp{suffix}")))?;
        }
    }
    if !target.is_file() {
        return Err(Error::NotFound(format!(
            "hverken {PLAIN_DB} eller {VAULT_DB} findes i {}",
            dir.display()
        )));
    }
    Ok(())
}

/// Step 4 (and at `lock`): every file only closed items use is sealed, its
/// plain file removed.
pub fn seal_closed_files(dir: &Path, key: &Key) -> Result<usize> {
    let store = Store::open_keyed(&dir.join(VAULT_DB), Some(&key.sqlite()))?;
    seal_files(&store, &BlobStore::new(dir.join("files")), key, true)
}

/// Seals the plain files only closed items use; without `with_ocr_waiting`
/// it leaves those with pages waiting for OCR (sealed after it). Returns
/// how many were sealed.
pub fn seal_files(
    store: &Store,
    blobs: &BlobStore,
    key: &Key,
    with_ocr_waiting: bool,
) -> Result<usize> {
    let files_key = key.files();
    let mut sealed = 0;
    for sha in store.read().closed_only_files(with_ocr_waiting)? {
        if blobs.seal(&sha, &files_key)? {
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// Step 5: the open-scope token's secret moves from `api-token` into the vault.
fn move_api_token(dir: &Path, key: &Key) -> Result<()> {
    let path = dir.join("api-token");
    let secret = match std::fs::read_to_string(&path) {
        Ok(s) => zeroize::Zeroizing::new(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let store = Store::open_keyed(&dir.join(VAULT_DB), Some(&key.sqlite()))?;
    store.write(|w| w.set_setting(API_TOKEN_SETTING, secret.trim()))?;
    drop(store);
    remove_if_there(&path)
}
