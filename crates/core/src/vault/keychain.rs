//! The vault's master key kept in the OS keychain (Secret Service on Linux,
//! Keychain Services on macOS, Credential Manager on Windows, through the
//! `keyring` crate) when the member asks this computer to remember it, so
//! `unlock` needs no passcode while the OS login guards the keychain.
//!
//! The entry is service `moedemappe`, account the data directory's name in
//! the runtime directory (a hash of its path), secret the master key's hex.
//! A mark file in the data directory (`vault-keychain`, nothing secret in it)
//! says an entry was stored, so nobody asks the keychain (a D-Bus call, on
//! macOS perhaps a prompt) for a data directory that never stored one.

use std::path::Path;

use zeroize::Zeroizing;

use super::keys::Key;
use super::remember;
use crate::{Error, Result};

/// The keychain entry's service.
const SERVICE: &str = "moedemappe";
/// The mark file in the data directory.
pub const MARK_FILE: &str = "vault-keychain";

/// The keychain entry of `data_dir`.
fn entry(data_dir: &Path) -> Result<keyring::Entry> {
    if cfg!(not(any(target_os = "linux", target_os = "macos", windows))) {
        // keyring's stand-in store there keeps nothing past the process.
        return Err(Error::Keychain(
            "Mødemappe kan ikke bruge en nøglering på dette styresystem".into(),
        ));
    }
    keyring::Entry::new(SERVICE, &remember::stem(data_dir)).map_err(unusable)
}

/// What the keychain's failure means for the member.
fn unusable(e: keyring::Error) -> Error {
    Error::Keychain(match e {
        keyring::Error::NoStorageAccess(e) => {
            format!("denne computers nøglering er låst eller afviste adgangen ({e})")
        }
        keyring::Error::PlatformFailure(e) => format!(
            "denne computers nøglering svarer ikke (på Linux: en Secret Service som GNOME-nøgleringen eller KWallet skal køre i din session): {e}"
        ),
        e => format!("denne computers nøglering kan ikke bruges: {e}"),
    })
}

/// Stores `key` for `data_dir` (replacing an older entry), then the mark.
pub fn store(data_dir: &Path, key: &Key) -> Result<()> {
    entry(data_dir)?
        .set_password(&key.hex())
        .map_err(unusable)?;
    let mark = data_dir.join(MARK_FILE);
    std::fs::write(
        &mark,
        "The vault's key is kept in this computer's keychain (`moedemappe passcode forget` removes it).\n",
    )
    .map_err(|e| Error::io(mark, e))
}

/// Whether the mark says a key was stored for `data_dir` (no keychain call).
pub fn marked(data_dir: &Path) -> bool {
    data_dir.join(MARK_FILE).is_file()
}

/// The stored key's text: `None` when the keychain has no entry (then the
/// mark is removed too); an error when the keychain cannot be used.
pub fn recall(data_dir: &Path) -> Result<Option<Zeroizing<String>>> {
    match entry(data_dir)?.get_password() {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(keyring::Error::NoEntry) => {
            unmark(data_dir)?;
            Ok(None)
        }
        // A secret that is not text is no key of ours.
        Err(keyring::Error::BadEncoding(_)) => Ok(Some(Zeroizing::new(String::new()))),
        Err(e) => Err(unusable(e)),
    }
}

/// Removes the entry and the mark; returns whether an entry was there.
pub fn forget(data_dir: &Path) -> Result<bool> {
    let found = match entry(data_dir)?.delete_credential() {
        Ok(()) => true,
        Err(keyring::Error::NoEntry) => false,
        Err(e) => return Err(unusable(e)),
    };
    unmark(data_dir)?;
    Ok(found)
}

fn unmark(data_dir: &Path) -> Result<()> {
    let mark = data_dir.join(MARK_FILE);
    match std::fs::remove_file(&mark) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(mark, e)),
    }
}
