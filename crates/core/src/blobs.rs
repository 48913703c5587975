//! Attachment files kept by content: `<data>/files/<aa>/<sha256>.pdf`, so a PDF
//! that appears in three meetings is stored once. Files are written to a
//! temporary name and renamed into place, so a killed process leaves no half file.

use crate::vault::Key;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The content-addressed file store of one data directory.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

impl BlobStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BlobStore { root: root.into() }
    }

    /// Where the content with this hash is (or would be) kept.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("00");
        self.root.join(prefix).join(format!("{sha256}.pdf"))
    }

    /// Where the content is kept sealed (a file only closed items use, in a
    /// data directory with a vault).
    pub fn sealed_path_of(&self, sha256: &str) -> PathBuf {
        self.path_of(sha256).with_extension("sealed")
    }

    /// Whether the content is stored (plain or sealed).
    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file() || self.sealed_path_of(sha256).is_file()
    }

    /// The content's bytes: a plain file as it is, a sealed one opened with
    /// `key` (none: the vault is locked, and the file is as good as absent).
    pub fn read(&self, sha256: &str, key: Option<&Key>) -> Result<Option<Vec<u8>>> {
        let plain = self.path_of(sha256);
        match fs::read(&plain) {
            Ok(bytes) => return Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(plain, e)),
        }
        let sealed = self.sealed_path_of(sha256);
        let (Some(key), true) = (key, sealed.is_file()) else {
            return Ok(None);
        };
        let bytes = crate::vault::seal::read_sealed(key, sha256, &sealed)?;
        Ok(Some(bytes.to_vec()))
    }

    /// Seals the plain file of a content (written to its sealed name first,
    /// then the plain one removed, so a kill in between leaves both and the
    /// next run removes the plain one); returns whether there was one.
    pub fn seal(&self, sha256: &str, key: &Key) -> Result<bool> {
        let plain = self.path_of(sha256);
        let sealed = self.sealed_path_of(sha256);
        if !plain.is_file() {
            return Ok(false);
        }
        if !sealed.is_file() {
            let bytes =
                zeroize::Zeroizing::new(fs::read(&plain).map_err(|e| Error::io(&plain, e))?);
            crate::vault::seal::write_sealed(key, sha256, &sealed, &bytes)?;
        }
        fs::remove_file(&plain).map_err(|e| Error::io(&plain, e))?;
        Ok(true)
    }

    /// A temporary file inside the store, for a download to land in before
    /// [`BlobStore::put_temp`] moves it into place.
    /// Its name carries this process's id (`.tmp-<pid>-…`), so a later run
    /// can tell one a killed process left behind from one still in use.
    pub fn temp_file(&self) -> Result<tempfile::NamedTempFile> {
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
            .tempfile_in(&self.root)
            .map_err(|e| Error::io(&self.root, e))
    }

    /// Moves a finished temporary file (from [`BlobStore::temp_file`]) into the
    /// store under its hash; content already present is kept and the temporary dropped.
    pub fn put_temp(&self, tmp: tempfile::NamedTempFile) -> Result<Stored> {
        let mut input = File::open(tmp.path()).map_err(|e| Error::io(tmp.path(), e))?;
        let mut hasher = Sha256::new();
        let size = std::io::copy(&mut input, &mut HashWriter(&mut hasher))
            .map_err(|e| Error::io(tmp.path(), e))?;
        let sha256 = hex::encode(hasher.finalize());
        self.place(tmp, &sha256)?;
        Ok(Stored { sha256, size })
    }

    /// Places a finished temporary file only if its content hashes to
    /// `expected` (a file fetched again must be the one the store knows);
    /// otherwise drops it. Returns whether it was placed (or already there).
    pub fn put_temp_if(&self, tmp: tempfile::NamedTempFile, expected: &str) -> Result<bool> {
        let mut input = File::open(tmp.path()).map_err(|e| Error::io(tmp.path(), e))?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut input, &mut HashWriter(&mut hasher))
            .map_err(|e| Error::io(tmp.path(), e))?;
        if hex::encode(hasher.finalize()) != expected {
            return Ok(false);
        }
        self.place(tmp, expected)?;
        Ok(true)
    }

    /// Removes the file of a content (its text stays in the store); returns
    /// whether there was one.
    pub fn remove(&self, sha256: &str) -> Result<bool> {
        let mut removed = false;
        for path in [self.path_of(sha256), self.sealed_path_of(sha256)] {
            match fs::remove_file(&path) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Ok(removed)
    }

    /// Removes temporary files (from [`BlobStore::temp_file`]) that no running
    /// process owns: those of a process that has ended (by the id in their
    /// name), and those older than `age` (names without an id, or systems
    /// where a process cannot be asked about); returns how many. Downloads of
    /// a process still running, this one included, are left alone.
    pub fn remove_orphan_temps(&self, age: std::time::Duration) -> Result<usize> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(Error::io(&self.root, e)),
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if !name.starts_with(".tmp") || !meta.is_file() {
                continue;
            }
            let old = meta
                .modified()
                .is_ok_and(|t| t.elapsed().is_ok_and(|e| e > age));
            let owner_gone = owner_of(&name).is_some_and(|pid| !process_runs(pid));
            if (old || owner_gone) && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Moves a temporary file (from [`BlobStore::temp_file`]) whose content
    /// the caller has just hashed into place; returns whether it was placed
    /// (false when that content was stored already and the temporary dropped).
    pub fn put_hashed(&self, tmp: tempfile::NamedTempFile, sha256: &str) -> Result<bool> {
        if self.contains(sha256) {
            return Ok(false);
        }
        self.place(tmp, sha256)?;
        Ok(true)
    }

    /// Moves `path`, a file on the same disk whose content the caller has
    /// checked hashes to `sha256`, into the store; returns whether it was
    /// placed (false, and `path` removed, when that content was stored).
    pub fn adopt(&self, path: &Path, sha256: &str) -> Result<bool> {
        if self.contains(sha256) {
            fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            return Ok(false);
        }
        let target = self.path_of(sha256);
        let dir = target.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(path, e))?;
        fs::rename(path, &target).map_err(|e| Error::io(&target, e))?;
        Ok(true)
    }

    /// Copies `source` into the store while hashing it; returns its hash and size.
    /// Content already present is not written again.
    pub fn put_file(&self, source: &Path) -> Result<Stored> {
        let mut input = File::open(source).map_err(|e| Error::io(source, e))?;
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let mut tmp = self.temp_file()?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = input.read(&mut buf).map_err(|e| Error::io(source, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| Error::io(tmp.path(), e))?;
            size += n as u64;
        }
        let sha256 = hex::encode(hasher.finalize());
        self.place(tmp, &sha256)?;
        Ok(Stored { sha256, size })
    }
}

/// How temporary files begin: `.tmp-<pid>-`.
const TEMP_PREFIX: &str = ".tmp-";

/// The process id in a temporary file's name, where there is one.
fn owner_of(name: &str) -> Option<u32> {
    name.strip_prefix(TEMP_PREFIX)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Whether the process `pid` still runs (another than this one). Where that
/// cannot be asked, it is taken to run, and only age removes its files.
fn process_runs(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        // Signal 0 only asks; "no such process" is the one answer that means gone.
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        true
    }
}

impl BlobStore {
    /// Moves a complete temporary file to the place of its hash, unless that
    /// content is already stored (then the temporary is dropped).
    fn place(&self, tmp: tempfile::NamedTempFile, sha256: &str) -> Result<()> {
        let target = self.path_of(sha256);
        if target.is_file() {
            return Ok(());
        }
        let dir = target.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&target)
            .map_err(|e| Error::io(&target, e.error))?;
        Ok(())
    }
}

/// Feeds written bytes to a hasher.
pub(crate) struct HashWriter<'a>(pub(crate) &'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn same_content_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("files"));
        let a = dir.path().join("a.pdf");
        let b = dir.path().join("b.pdf");
        fs::write(&a, b"%PDF-1.4 samme indhold").unwrap();
        fs::write(&b, b"%PDF-1.4 samme indhold").unwrap();
        let sa = store.put_file(&a).unwrap();
        let sb = store.put_file(&b).unwrap();
        assert_eq!(sa, sb);
        assert_eq!(sa.size, 22);
        let files: Vec<_> = walkdir::WalkDir::new(dir.path().join("files"))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .collect();
        assert_eq!(files.len(), 1, "one stored file, no temporaries left");
        assert_eq!(
            fs::read(store.path_of(&sa.sha256)).unwrap(),
            fs::read(&a).unwrap()
        );
    }

    #[test]
    fn only_old_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("files"));
        assert_eq!(store.remove_orphan_temps(Duration::ZERO).unwrap(), 0);
        // Without a process id in its name, as older versions wrote them.
        fs::create_dir_all(dir.path().join("files")).unwrap();
        let tmp = tempfile::NamedTempFile::new_in(dir.path().join("files"))
            .unwrap()
            .into_temp_path()
            .keep()
            .unwrap();
        let a = dir.path().join("a.pdf");
        fs::write(&a, b"%PDF-1.4").unwrap();
        let kept = store.put_file(&a).unwrap();
        let hour = Duration::from_secs(3600);
        assert_eq!(
            store.remove_orphan_temps(hour).unwrap(),
            0,
            "a young one stays"
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            store
                .remove_orphan_temps(Duration::from_millis(10))
                .unwrap(),
            1
        );
        assert!(!tmp.exists());
        assert!(
            store.contains(&kept.sha256),
            "stored content is never touched"
        );
    }

    #[test]
    fn a_temporary_of_an_ended_process_goes_at_once_and_a_running_ones_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path().join("files"));
        let mine = store.temp_file().unwrap().into_temp_path().keep().unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let running = dir.path().join(format!("files/.tmp-{}-abc", child.id()));
        fs::write(&running, b"%PDF-").unwrap();
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        let ended_id = ended.id();
        ended.wait().unwrap();
        let gone = dir.path().join(format!("files/.tmp-{ended_id}-abc"));
        fs::write(&gone, b"%PDF-").unwrap();
        let hour = Duration::from_secs(3600);
        assert_eq!(store.remove_orphan_temps(hour).unwrap(), 1);
        assert!(!gone.exists());
        assert!(mine.exists() && running.exists());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(store.remove_orphan_temps(hour).unwrap(), 1);
        assert!(!running.exists() && mine.exists());
    }
}
