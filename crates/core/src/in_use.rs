//! Which programs have a data directory open: each holds a shared lock on
//! `in-use.lock` for as long as it has the directory open, and the first
//! move into the vault holds it alone, so the move runs only while no other
//! program has the directory open, and no program opens it meanwhile.

use std::fs::File;
use std::path::Path;

use crate::{Error, Result};

/// The lock file's name in the data directory (empty; it stays).
pub const LOCK_FILE: &str = "in-use.lock";

/// A hold on a data directory, released when dropped (or when the program
/// ends, however it ends).
#[derive(Debug)]
pub(crate) struct InUse {
    _file: File,
}

impl InUse {
    /// A program's hold beside others'; refused while the first move into
    /// the vault runs.
    pub(crate) fn shared(dir: &Path) -> Result<Self> {
        Self::take(dir, false).map_err(|busy| busy.unwrap_or_else(|| {
            Error::Invalid(
                "datamappen flyttes ind i boksen lige nu; vent, til `moedemappe passcode set` er færdig, og prøv igen"
                    .into(),
            )
        }))
    }

    /// The hold of the first move into the vault: refused while any other
    /// program has the directory open.
    pub(crate) fn alone(dir: &Path) -> Result<Self> {
        Self::take(dir, true).map_err(|busy| busy.unwrap_or_else(|| {
            Error::Invalid(
                "datamappen er åben i et andet program (vinduet, `serve`, `mcp` eller `watch`); luk det, og sæt adgangskoden igen. Intet er ændret"
                    .into(),
            )
        }))
    }

    /// Takes the lock without waiting; `Err(None)` when another holds it.
    fn take(dir: &Path, alone: bool) -> std::result::Result<Self, Option<Error>> {
        let path = dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Some(Error::io(&path, e)))?;
        #[cfg(unix)]
        {
            use rustix::fs::{flock, FlockOperation};
            let how = if alone {
                FlockOperation::NonBlockingLockExclusive
            } else {
                FlockOperation::NonBlockingLockShared
            };
            if flock(&file, how).is_err() {
                return Err(None);
            }
        }
        #[cfg(not(unix))]
        let _ = alone;
        Ok(InUse { _file: file })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn programs_share_a_directory_and_the_move_wants_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let a = InUse::shared(dir.path()).unwrap();
        let b = InUse::shared(dir.path()).unwrap();
        assert!(InUse::alone(dir.path()).is_err());
        drop((a, b));
        let alone = InUse::alone(dir.path()).unwrap();
        let err = InUse::shared(dir.path()).unwrap_err().to_string();
        assert!(err.contains("flyttes ind i boksen"), "{err}");
        drop(alone);
        InUse::shared(dir.path()).unwrap();
    }
}
