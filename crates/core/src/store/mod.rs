//! The SQLite store, the source of truth: connection set-up (the same pragmas on
//! every connection), append-only migrations, and the reads and writes the rest
//! of the crate needs. The search index is derived from what is stored here.

mod alerts;
mod annotations;
mod cases;
mod files;
mod folders;
mod follow;
mod meetings;
mod ocr;
mod portal;
mod read;
mod received;
mod sources;
mod stats;
mod write;

pub use alerts::{AlertChange, NewHit, NoticeRow, SavedRow};
pub use annotations::{ItemContext, Upserted};
pub use cases::{case_number_ending, Treatment};
pub use files::{DiskUse, FileToFetch};
pub use follow::{BodyRow, UpcomingMeeting};
pub use meetings::MeetingSummary;
pub use ocr::{OcrCounts, OcrFailure};
pub use portal::{ItemExtras, PortalMeeting};
pub use read::{FailedFile, IndexSource, StoreCounts};
pub(crate) use read::{OPEN_BODY, OPEN_MEETING};
pub use received::ReceivedFrom;
pub use sources::{FilesPolicy, ScopeCounts, Source, SourceScope, SyncFailure};
pub use stats::StatsCounts;
pub use write::{AttachmentRef, BodyFacts, ItemRecord, MeetingRecord};

mod pool;

use crate::vault::Key;
use crate::{Error, Result};
use pool::{Pooled, ReadPool};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A fault switch for tests of concurrency: when set (milliseconds), every
/// write transaction waits this long before it commits, holding the write
/// lock, as a slow disk or a long write would.
pub const HOLD_WRITES_ENV: &str = "MOEDEMAPPE_FAULT_HOLD_WRITE_MS";

/// Append-only migrations; entry `i` brings the schema to `user_version = i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("0001_init.sql"),
    include_str!("0002_sources.sql"),
    include_str!("0003_annotations.sql"),
    include_str!("0004_follow.sql"),
    include_str!("0005_attachment_access.sql"),
    include_str!("0006_member_attachments.sql"),
    include_str!("0007_closed_meetings.sql"),
    include_str!("0008_source_scope.sql"),
    include_str!("0009_text_only_files.sql"),
    include_str!("0010_file_indexes.sql"),
    include_str!("0011_decisions.sql"),
    include_str!("0012_meetings_opened.sql"),
    include_str!("0013_ocr.sql"),
    include_str!("0014_received.sql"),
    include_str!("0015_alerts.sql"),
];

/// The migration after which [`fill_decisions`] runs.
const DECISIONS_MIGRATION: usize = 11;

/// A handle on the SQLite database of one data directory, to share between
/// threads: reads run side by side on a pool of read-only connections (WAL
/// lets them read while a write goes on), and writes take turns on the one
/// write connection, holding it only for their transaction.
pub struct Store {
    writer: Mutex<Connection>,
    readers: ReadPool,
    /// See [`HOLD_WRITES_ENV`].
    hold_writes: Option<Duration>,
}

impl Store {
    /// Opens (and creates or migrates) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_keyed(path, None)
    }

    /// Opens the store at `path`; with `key`, a database SQLCipher encrypts
    /// with that raw key (the vault's). A wrong key is [`Error::Invalid`]
    /// in plain words.
    pub fn open_keyed(path: &Path, key: Option<&Key>) -> Result<Self> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&conn, key)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        let hold_writes = std::env::var(HOLD_WRITES_ENV)
            .ok()
            .and_then(|ms| ms.trim().parse().ok())
            .map(Duration::from_millis);
        Ok(Store {
            writer: Mutex::new(conn),
            readers: ReadPool::open(path, key.cloned())?,
            hold_writes,
        })
    }

    /// Opens a plain store for reading only (the open copy a locked vault
    /// reads); one from another version is refused, since it cannot be
    /// brought up to date without writing.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let missing = || {
            Error::Invalid(
                "boksen er låst, og den åbne kopi mangler eller er fra en anden udgave: lås op med `moedemappe unlock`"
                    .into(),
            )
        };
        if !path.is_file() {
            return Err(missing());
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        if schema_version(&conn)? as usize != MIGRATIONS.len() {
            return Err(missing());
        }
        Ok(Store {
            writer: Mutex::new(conn),
            readers: ReadPool::open(path, None)?,
            hold_writes: None,
        })
    }

    /// The schema version (number of applied migrations).
    #[cfg(test)]
    pub fn schema_version(&self) -> Result<u32> {
        schema_version(&self.write_connection())
    }

    fn write_connection(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a write dropped its transaction (rolled back): the
        // connection itself is sound.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in a write transaction started with `BEGIN IMMEDIATE`, so a
    /// writer waits for the lock up front instead of failing half-way. Writes
    /// of all threads take turns; reads never wait for them.
    pub fn write<T>(&self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.write_connection();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&Writer { tx: &tx })?;
        if let Some(hold) = self.hold_writes {
            std::thread::sleep(hold);
        }
        tx.commit()?;
        Ok(value)
    }

    /// Read access; every read function lives on [`Reader`]. A reader sees
    /// one snapshot of the database, as of its first query, for as long as it
    /// lives: keep it for one answer, not longer.
    pub fn read(&self) -> Reader<'_> {
        Reader {
            conn: self.readers.get(),
        }
    }
}

fn schema_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current = schema_version(conn)? as usize;
    if current > MIGRATIONS.len() {
        return Err(Error::Invalid(format!(
            "databasen er fra en nyere udgave af Mødemappe (skemaversion {current}); opdatér programmet"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        if i + 1 == DECISIONS_MIGRATION {
            fill_decisions(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}

/// Gives every item without a decision the one its case text states (the
/// rule of the folder format, [`crate::model::decision_in_text`]).
fn fill_decisions(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let found: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, case_text FROM items
              WHERE decision IS NULL AND case_text LIKE '%beslutning%'",
        )?;
        let rows: Vec<(i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .filter_map(|(id, text)| crate::model::decision_in_text(&text).map(|d| (id, d)))
            .collect()
    };
    for (id, decision) in found {
        tx.execute(
            "UPDATE items SET decision = ?2 WHERE id = ?1",
            rusqlite::params![id, decision],
        )?;
    }
    Ok(())
}

/// The pragmas every connection gets: busy timeout first, then WAL.
/// Gives SQLCipher the raw key before anything else is read, and checks it
/// (SQLCipher only notices a wrong key at the first read).
pub(crate) fn apply_key(conn: &Connection, key: Option<&Key>) -> Result<()> {
    let Some(key) = key else {
        return Ok(());
    };
    let raw = zeroize::Zeroizing::new(format!("x'{}'", key.hex().as_str()));
    conn.pragma_update(None, "key", raw.as_str())?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| {
        Error::Invalid(
            "boksens database kan ikke åbnes med nøglen: forkert nøgle, eller filen er ødelagt"
                .into(),
        )
    })?;
    Ok(())
}

/// Whether `key` opens the SQLCipher database at `path`.
pub(crate) fn key_opens(path: &Path, key: &Key) -> bool {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .is_ok_and(|conn| apply_key(&conn, Some(key)).is_ok())
}

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

/// Read operations, on a read-only connection of the pool.
pub struct Reader<'a> {
    conn: Pooled<'a>,
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
            .read()
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
