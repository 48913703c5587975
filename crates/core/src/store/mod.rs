//! The SQLite store, the source of truth: connection set-up (the same pragmas on
//! every connection), append-only migrations, and the reads and writes the rest
//! of the crate needs. The search index is derived from what is stored here.

mod annotations;
mod cases;
mod folders;
mod follow;
mod meetings;
mod portal;
mod read;
mod sources;
mod stats;
mod write;

pub use annotations::{ItemAttachment, ItemContext, Upserted};
pub use cases::Treatment;
pub use follow::{BodyRow, UpcomingMeeting};
pub use meetings::{ItemDetail, MeetingSummary};
pub use portal::{EntryState, ItemExtras, PortalMeeting};
pub use read::{FailedFile, IndexSource, StoreCounts};
pub use sources::{Source, SyncFailure};
pub use stats::{ExplainAttachmentRow, ExplainItemRow, StatsBody, StatsCounts};
pub use write::{AttachmentRef, ItemRecord, MeetingRecord};

use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Append-only migrations; entry `i` brings the schema to `user_version = i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("0001_init.sql"),
    include_str!("0002_sources.sql"),
    include_str!("0003_annotations.sql"),
    include_str!("0004_follow.sql"),
];

/// A handle on the SQLite database of one data directory.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (and creates or migrates) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version (number of applied migrations).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let current = self.schema_version()? as usize;
        if current > MIGRATIONS.len() {
            return Err(Error::Invalid(format!(
                "databasen er fra en nyere udgave af Mødemappe (skemaversion {current}); opdatér programmet"
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Runs `f` in a write transaction started with `BEGIN IMMEDIATE`, so a
    /// writer waits for the lock up front instead of failing half-way.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&Writer { tx: &tx })?;
        tx.commit()?;
        Ok(value)
    }

    /// Read access; every read function lives on [`Reader`].
    pub fn read(&self) -> Reader<'_> {
        Reader { conn: &self.conn }
    }
}

/// The pragmas every connection gets: busy timeout first, then WAL.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Write operations, available only inside [`Store::write`].
pub struct Writer<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

/// Read operations.
pub struct Reader<'a> {
    conn: &'a Connection,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_set_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        // Reopening applies nothing again and keeps the version.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).err().expect("must refuse");
        assert!(err.to_string().contains("nyere udgave"), "{err}");
    }
}
