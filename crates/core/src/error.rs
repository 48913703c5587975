//! The error type of the core library: one enum with a stable code per variant
//! and a message in plain words.

use std::path::PathBuf;

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite failed.
    #[error("databasefejl: {0}")]
    Db(#[from] rusqlite::Error),
    /// The search index failed.
    #[error("søgeindeksfejl: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
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
