//! The read connections of a [`Store`](super::Store): a small pool of
//! read-only SQLite connections that threads borrow one at a time, each in a
//! read transaction (one snapshot per borrow). Written by hand (about forty
//! lines) rather than with r2d2: the pool never needs a health check or a
//! timeout, and a borrow cannot fail once the store is open.

use crate::vault::Key;
use crate::Result;
use rusqlite::{Connection, OpenFlags};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Connections opened with the store (so an error shows at open).
const OPENED_UP_FRONT: usize = 2;
/// Idle connections kept; more are closed when given back.
const KEPT_IDLE: usize = 16;

pub(super) struct ReadPool {
    path: PathBuf,
    key: Option<Key>,
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

impl ReadPool {
    pub(super) fn open(path: &Path, key: Option<Key>) -> Result<Self> {
        let idle = (0..OPENED_UP_FRONT)
            .map(|_| open_reader(path, key.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        Ok(ReadPool {
            path: path.to_path_buf(),
            key,
            idle: Mutex::new(idle),
            returned: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection, a new one when none is idle, or, when no new one
    /// can be opened (no file handles left), the next one given back.
    pub(super) fn get(&self) -> Pooled<'_> {
        let mut idle = self.lock();
        let conn = loop {
            if let Some(conn) = idle.pop() {
                break conn;
            }
            drop(idle);
            if let Ok(conn) = open_reader(&self.path, self.key.as_ref()) {
                break conn;
            }
            idle = self.lock();
            if idle.is_empty() {
                idle = self.returned.wait(idle).unwrap_or_else(|p| p.into_inner());
            }
        };
        // Every query of this borrow sees the same snapshot (SQLite takes it
        // at the first read). Should BEGIN fail, each query still sees a
        // committed state of its own.
        let _ = conn.execute_batch("BEGIN");
        Pooled {
            conn: Some(conn),
            pool: self,
        }
    }

    fn give_back(&self, conn: Connection) {
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return; // closed: a connection in an unknown state is not reused
        }
        let mut idle = self.lock();
        if idle.len() < KEPT_IDLE {
            idle.push(conn);
        }
        drop(idle);
        self.returned.notify_one();
    }
}

fn open_reader(path: &Path, key: Option<&Key>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    super::apply_key(&conn, key)?;
    Ok(conn)
}

/// A borrowed read connection; dropping it ends its snapshot and gives it back.
pub struct Pooled<'p> {
    conn: Option<Connection>,
    pool: &'p ReadPool,
}

impl Deref for Pooled<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a borrowed connection until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
