//! Where an unlocked vault's key is kept between the member's programs: a
//! file in the user's runtime directory (`$XDG_RUNTIME_DIR`, a RAM file
//! system that is gone at logout or power-off, private to the user), never in
//! the data directory. Locking removes it. The count of wrong passcodes lives
//! there too, so a wrong passcode changes no file of the data directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::keys::Key;
use crate::{Error, Result};

/// Wrong passcodes allowed before each try waits.
const FREE_TRIES: u32 = 3;
/// The longest wait before a try.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// The runtime directory of this user, when it is in memory.
fn runtime_dir() -> Result<PathBuf> {
    let Some(base) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) else {
        return Err(Error::Invalid(
            "kan ikke holde boksen åben mellem kommandoer: systemet har ingen privat mappe i hukommelsen (XDG_RUNTIME_DIR)"
                .into(),
        ));
    };
    let base = PathBuf::from(base);
    if !in_memory(&base) {
        return Err(Error::Invalid(format!(
            "kan ikke holde boksen åben mellem kommandoer: {} ligger ikke i hukommelsen, og nøglen må ikke skrives på disken",
            base.display()
        )));
    }
    let dir = base.join("moedemappe");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(&dir, e))?;
    }
    Ok(dir)
}

/// A private folder in memory for plain copies that must never reach the
/// disk (a sealed scan opened for OCR); removed when dropped.
pub(crate) fn scratch_dir() -> Result<tempfile::TempDir> {
    let dir = runtime_dir()?;
    tempfile::Builder::new()
        .prefix("arbejde-")
        .tempdir_in(&dir)
        .map_err(|e| Error::io(&dir, e))
}

/// Whether `dir` is on a file system in memory (tmpfs or ramfs).
pub(crate) fn in_memory(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        const TMPFS_MAGIC: i64 = 0x0102_1994;
        const RAMFS_MAGIC: i64 = 0x8584_58f6;
        rustix::fs::statfs(dir).is_ok_and(|s| {
            #[allow(clippy::unnecessary_cast)] // i64 on x86_64, not everywhere
            let t = s.f_type as i64;
            t == TMPFS_MAGIC || t == RAMFS_MAGIC
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        false
    }
}

/// The name of a data directory's files in the runtime directory (and of its
/// keychain entry).
pub(crate) fn stem(data_dir: &Path) -> String {
    let canonical = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    hex::encode(&digest[..12])
}

/// The remembered key of `data_dir`'s vault, if it is unlocked.
pub fn recall(data_dir: &Path) -> Option<Key> {
    let dir = runtime_dir().ok()?;
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(dir.join(format!("{}.key", stem(data_dir)))).ok()?,
    );
    Key::from_hex(&text)
}

/// Remembers the key until [`forget`] (or logout, or power-off).
pub fn remember(data_dir: &Path, key: &Key) -> Result<()> {
    let dir = runtime_dir()?;
    let path = dir.join(format!("{}.key", stem(data_dir)));
    let mut tmp = tempfile::Builder::new()
        .prefix(".key-")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    std::io::Write::write_all(&mut tmp, key.hex().as_bytes()).map_err(|e| Error::io(&path, e))?;
    tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
    Ok(())
}

/// Forgets the key: the vault is locked for every program of this user.
pub fn forget(data_dir: &Path) -> Result<bool> {
    let Ok(dir) = runtime_dir() else {
        return Ok(false);
    };
    let path = dir.join(format!("{}.key", stem(data_dir)));
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn tries_path(data_dir: &Path) -> Option<PathBuf> {
    Some(
        runtime_dir()
            .ok()?
            .join(format!("{}.tries", stem(data_dir))),
    )
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Waits as long as the wrong passcodes so far ask: nothing for the first
/// three, then 2, 4, 8 … seconds (at most a minute) after the last wrong one.
pub fn wait_before_try(data_dir: &Path) {
    let Some(path) = tries_path(data_dir) else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let mut parts = text
        .split_whitespace()
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let (count, last) = (parts.next().unwrap_or(0) as u32, parts.next().unwrap_or(0));
    if let Some(wait) = wait_after(count) {
        let since = Duration::from_secs(now().saturating_sub(last));
        if since < wait {
            std::thread::sleep(wait - since);
        }
    }
}

/// How long the try after `count` wrong passcodes waits.
pub fn wait_after(count: u32) -> Option<Duration> {
    let over = count.checked_sub(FREE_TRIES)?;
    Some(Duration::from_secs(2u64.saturating_pow(over + 1)).min(MAX_WAIT))
}

/// Counts a wrong passcode (or, with `right`, starts over).
pub fn count_try(data_dir: &Path, right: bool) {
    let Some(path) = tries_path(data_dir) else {
        return;
    };
    if right {
        let _ = std::fs::remove_file(path);
        return;
    }
    let count = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(0);
    let _ = std::fs::write(path, format!("{} {}", count + 1, now()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_wait_longer_after_the_third_wrong_one() {
        assert_eq!(wait_after(0), None);
        assert_eq!(wait_after(2), None);
        assert_eq!(wait_after(3), Some(Duration::from_secs(2)));
        assert_eq!(wait_after(4), Some(Duration::from_secs(4)));
        assert_eq!(wait_after(40), Some(MAX_WAIT));
    }
}
