//! Keeping the data directory private on disk: folders 0700, files 0600.
//!
//! [`restrict_process`] sets the process umask to 0o077 when a data directory
//! is opened, so everything written afterwards (our own files, SQLite's `-wal`
//! and `-shm`, tantivy's segments) is created private. [`tighten`] fixes a
//! directory made before that; [`tighten_once`] walks it the first time, or
//! when the folder itself has been opened up again, not on every open. Both do nothing on
//! systems without Unix permissions.

use crate::{Error, Result};
use std::path::Path;

/// Mode of every folder in the data directory.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file in the data directory.
pub const FILE_MODE: u32 = 0o600;

/// Sets the process umask to 0o077 (process-wide, so other libraries' files
/// are covered too).
pub fn restrict_process() {
    #[cfg(unix)]
    {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Gives every folder under `dir` (and `dir` itself) that others may use mode
/// 0700, and every such file 0600; returns how many there were. (An entry
/// without group or other bits is private already and left as it is.) Links are not followed, and
/// entries that vanish meanwhile (another process at work) are skipped.
pub fn tighten(dir: &Path) -> Result<usize> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut changed = 0;
        for entry in walkdir::WalkDir::new(dir).follow_links(false) {
            let entry = match entry {
                Ok(e) => e,
                Err(e) if gone(e.io_error()) => continue,
                Err(e) => {
                    let path = e.path().unwrap_or(dir).to_path_buf();
                    return Err(Error::io(path, e.into()));
                }
            };
            let want = if entry.file_type().is_dir() {
                DIR_MODE
            } else if entry.file_type().is_file() {
                FILE_MODE
            } else {
                continue;
            };
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) if gone(e.io_error()) => continue,
                Err(e) => return Err(Error::io(entry.path(), e.into())),
            };
            if meta.permissions().mode() & 0o077 == 0 {
                continue;
            }
            match std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(want)) {
                Ok(()) => changed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(entry.path(), e)),
            }
        }
        Ok(changed)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(0)
    }
}

#[cfg(unix)]
fn gone(e: Option<&std::io::Error>) -> bool {
    e.is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

/// The file that says a data directory has been walked and made private
/// once; from then on the umask keeps new files private.
const DONE: &str = ".privat";

/// [`tighten`], but the walk over every file runs only the first time (no
/// marker yet) or when the directory itself has been opened up again, not
/// on every open of a data directory holding thousands of files.
pub fn tighten_once(dir: &Path) -> Result<usize> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let marker = dir.join(DONE);
        let root_private = std::fs::metadata(dir)
            .map(|m| m.permissions().mode() & 0o077 == 0)
            .unwrap_or(false);
        if root_private && marker.is_file() {
            return Ok(0);
        }
        let changed = tighten(dir)?;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(FILE_MODE)
            .open(&marker)
            .map_err(|e| Error::io(&marker, e))?;
        Ok(changed)
    }
    #[cfg(not(unix))]
    {
        tighten(dir)
    }
}

/// The one-line notice for a member whose data directory was readable by
/// others (it names the directory, nothing in it).
pub fn notice(dir: &Path) -> String {
    format!(
        "Datamappen {} kunne læses af andre brugere på maskinen; nu kan kun du læse den (mapper 0700, filer 0600).",
        dir.display()
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn loose_modes_are_tightened_and_links_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::set_permissions(outside.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("files/ab")).unwrap();
        std::fs::write(data.join("files/ab/x.pdf"), b"%PDF-").unwrap();
        std::fs::write(data.join("moedemappe.sqlite"), b"").unwrap();
        std::os::unix::fs::symlink(outside.path(), data.join("link")).unwrap();
        for (p, m) in [
            (data.clone(), 0o755),
            (data.join("files"), 0o755),
            (data.join("files/ab"), 0o775),
            (data.join("files/ab/x.pdf"), 0o644),
            (data.join("moedemappe.sqlite"), 0o666),
        ] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        assert_eq!(tighten(&data).unwrap(), 5);
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("files/ab")), 0o700);
        assert_eq!(mode(&data.join("files/ab/x.pdf")), 0o600);
        assert_eq!(mode(&data.join("moedemappe.sqlite")), 0o600);
        assert_eq!(mode(outside.path()), 0o644, "a link's target is not ours");
        assert_eq!(tighten(&data).unwrap(), 0, "nothing left to do");
    }

    #[test]
    fn the_walk_runs_once_unless_the_folder_is_opened_up_again() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(data.join("a"), b"").unwrap();
        std::fs::set_permissions(data.join("a"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(tighten_once(&data).unwrap(), 2);
        std::fs::set_permissions(data.join("a"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(tighten_once(&data).unwrap(), 0, "no second walk");
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(tighten_once(&data).unwrap(), 2);
        assert_eq!(mode(&data.join("a")), 0o600);
    }
}
