//! The error type of the core library: one enum with a stable code per variant
//! and a message in plain words.

use std::path::PathBuf;

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite failed.
    #[error("{}", db_words(.0))]
    Db(#[from] rusqlite::Error),
    /// The search index failed.
    #[error("søgeindeksfejl: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A file could not be read or written.
    #[error("{}", io_words(path, source))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Input (a folder, a JSON file, a query) was not understood.
    #[error("{0}")]
    Invalid(String),
    /// Something asked for was not there.
    #[error("{0}")]
    NotFound(String),
    /// The search index was written by another version of the program; it is
    /// derived, so it is rebuilt from the store.
    #[error("søgeindekset er fra en anden version; kør `moedemappe reindex`")]
    StaleIndex,
    /// The caller's scope does not allow this (only the member may change
    /// anything, or read what is the member's own).
    #[error("{0}")]
    Forbidden(String),
    /// The network or a server could not be reached; what is stored stays usable.
    #[error("{0}")]
    Network(String),
    /// The passcode does not open the vault; nothing was changed.
    #[error("forkert adgangskode: boksen er ikke låst op, og intet er ændret")]
    WrongPasscode,
    /// The vault is locked: only open material can be read until the member
    /// unlocks it.
    #[error("boksen er låst: lås op med din adgangskode (`moedemappe unlock` eller i vinduet) for at se lukket materiale, dine noter og for at ændre noget")]
    Locked,
    /// This computer's keychain holds no key that opens the vault (or it was
    /// stale and has been removed): the passcode is needed.
    #[error("denne computer husker ikke boksens nøgle: lås op med adgangskoden")]
    NotRemembered,
    /// The OS keychain could not be used (none running, locked, refused).
    #[error("{0}")]
    Keychain(String),
}

/// What a full disk means for the member, said once for files and database.
const DISK_FULL: &str = "disken er fuld, så intet nyt kunne gemmes; alt, der allerede var gemt, er i behold. Gør plads på disken, og prøv igen";

fn io_words(path: &std::path::Path, source: &std::io::Error) -> String {
    if source.kind() == std::io::ErrorKind::StorageFull {
        format!("{DISK_FULL} ({})", path.display())
    } else {
        format!("{}: {source}", path.display())
    }
}

fn db_words(e: &rusqlite::Error) -> String {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
        DISK_FULL.to_string()
    } else {
        format!("databasefejl: {e}")
    }
}

impl Error {
    /// A stable code for callers that must branch on the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Db(_) => "db",
            Error::Index(_) => "index",
            Error::Io { .. } => "io",
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Network(_) => "network",
            Error::Forbidden(_) => "forbidden",
            Error::StaleIndex => "stale_index",
            Error::WrongPasscode => "wrong_passcode",
            Error::Locked => "locked",
            Error::NotRemembered => "not_remembered",
            Error::Keychain(_) => "keychain",
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_in_plain_danish() {
        let full = Error::io("/data/files/ab.pdf", std::io::ErrorKind::StorageFull.into());
        assert!(full.to_string().starts_with("disken er fuld"), "{full}");
        let db = Error::Db(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
        assert!(db.to_string().starts_with("disken er fuld"), "{db}");
        let other = Error::io("/data/x", std::io::ErrorKind::NotFound.into());
        assert!(other.to_string().starts_with("/data/x: "), "{other}");
    }
}
