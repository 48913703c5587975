//! The vault for callers: setting and changing the passcode, locking and
//! unlocking, and whether this data directory has a vault and is locked.
//! The unlocked state is shared by the member's programs through the key
//! remembered in the runtime directory (`core::vault::remember`); the member
//! may also have this computer remember the key in the OS keychain
//! (`core::vault::keychain`), so that unlocking needs no passcode.

use serde::Serialize;
use std::path::Path;

use super::{Lock, Mappe};
use crate::progress::Progress;
use crate::vault::sleep::{self, SleepWatch};
use crate::vault::{keychain, migrate, remember, snapshot, Key, Vault, VaultState};
use crate::{Error, Result};

pub use crate::vault::keys::MIN_PASSCODE_CHARS;
pub use crate::vault::LOST_PASSCODE;

/// The vault as a caller sees it.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VaultView {
    /// The data directory has a vault (a passcode is set).
    pub present: bool,
    /// The vault is locked: only open material is read, nothing changes.
    pub locked: bool,
    /// This computer's keychain holds the vault's key (the member chose
    /// "remember on this computer"), so it unlocks without the passcode.
    /// Told only to the member (absent for a token's caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(any(test, feature = "ts"), ts(optional))]
    pub remembered: Option<bool>,
}

/// What unlocking with this computer's keychain found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromKeychain {
    /// The remembered key opened the vault: it is unlocked.
    Unlocked,
    /// This computer remembers no key for the data directory.
    NotRemembered,
    /// The remembered key does not open this vault (another vault has taken
    /// the data directory's place, or the entry was changed): it was removed.
    Removed,
}

impl Mappe {
    /// Whether the vault is locked (then every caller gets the open scope).
    /// A program that opened it unlocked follows a `lock` of another program
    /// (the remembered key removed) within a second: from then on it answers
    /// as locked, until the key is back.
    pub fn is_locked(&self) -> bool {
        match &self.lock {
            Lock::NoVault => false,
            Lock::Locked => true,
            Lock::Unlocked(key) => !self.relocked.key_here(&self.dir, Some(key)),
        }
    }

    /// Whether this data directory has a vault (locked or not).
    pub(crate) fn has_own_vault(&self) -> bool {
        !matches!(self.lock, Lock::NoVault)
    }

    /// Whether the vault was locked, unlocked or made since this data
    /// directory was opened (by this program or another), so that a
    /// long-running program should open it again: then it holds no key it
    /// should not, and reads the store it should.
    pub fn vault_changed(&self) -> bool {
        match &self.lock {
            Lock::NoVault => self.dir.join(crate::vault::VAULT_FILE).exists(),
            Lock::Locked => self.relocked.key_here(&self.dir, None),
            Lock::Unlocked(key) => !self.relocked.key_here(&self.dir, Some(key)),
        }
    }

    /// Whether there is a vault, and whether it is locked.
    pub fn vault(&self) -> VaultView {
        let present = !matches!(self.lock, Lock::NoVault);
        VaultView {
            present,
            locked: self.is_locked(),
            remembered: present.then(|| keychain::marked(&self.dir)),
        }
    }

    /// The key of sealed files, when the vault is open.
    pub(crate) fn files_key(&self) -> Option<crate::vault::Key> {
        match &self.lock {
            Lock::Unlocked(key) if !self.is_locked() => Some(key.files()),
            _ => None,
        }
    }

    /// Sets the first passcode: moves the data directory `dir` into the
    /// vault (or finishes a move that was cut off, given the same passcode)
    /// and leaves it unlocked when the key can be remembered (returns
    /// whether it could). Refused while another program has the data
    /// directory open (see [`crate::in_use`]).
    pub fn set_passcode(dir: &Path, passcode: &str, progress: &dyn Progress) -> Result<bool> {
        crate::private::restrict_process();
        let already = || {
            Error::Invalid(
                "der er allerede en adgangskode; skift den med `moedemappe passcode change`".into(),
            )
        };
        match Vault::load(dir)? {
            Some(v) if v.state() == VaultState::Ready => return Err(already()),
            Some(_) => {}
            // The plain store and index brought up to this version first.
            None => drop(Mappe::open(dir)?),
        }
        // No other program may have the directory open while it moves.
        let _alone = crate::in_use::InUse::alone(dir)?;
        let (mut vault, key) = match Vault::load(dir)? {
            Some(v) if v.state() == VaultState::Ready => return Err(already()),
            Some(v) => {
                let key = v.open(passcode)?;
                (v, key)
            }
            None => Vault::begin(dir, passcode)?,
        };
        migrate::finish(dir, &mut vault, &key, progress)?;
        Ok(remember::remember(dir, &key).is_ok())
    }

    /// Changes the passcode (the vault's contents stay as they are). A wrong
    /// old passcode is [`Error::WrongPasscode`] and changes nothing.
    pub fn change_passcode(dir: &Path, old: &str, new: &str) -> Result<()> {
        let mut vault = ready_vault(dir)?;
        vault.change_passcode(old, new)
    }

    /// Unlocks the vault for the member's programs until [`Mappe::lock`],
    /// logout or power-off. A wrong passcode is [`Error::WrongPasscode`],
    /// changes no file of the data directory, and after three in a row each
    /// try waits longer.
    pub fn unlock(dir: &Path, passcode: &str) -> Result<()> {
        let vault = ready_vault(dir)?;
        let key = vault.open(passcode)?;
        remember::remember(dir, &key)
    }

    /// Unlocks like [`Mappe::unlock`], then has this computer's keychain
    /// remember the master key, so later unlocks need no passcode. When the
    /// keychain cannot be used the vault stays unlocked and the answer is
    /// [`Error::Keychain`], which says so.
    pub fn unlock_and_remember(dir: &Path, passcode: &str) -> Result<()> {
        let vault = ready_vault(dir)?;
        let key = vault.open(passcode)?;
        remember::remember(dir, &key)?;
        keychain::store(dir, &key).map_err(|e| match e {
            Error::Keychain(why) => Error::Keychain(format!(
                "boksen er låst op, men denne computer kan ikke huske nøglen: {why}"
            )),
            e => e,
        })
    }

    /// Unlocks with the key this computer's keychain remembers, without the
    /// passcode. A remembered key that does not open this vault is removed
    /// from the keychain. The keychain is asked only when the member chose
    /// to remember the key here; [`Error::Keychain`] when it cannot be used
    /// (then nothing is removed).
    pub fn unlock_remembered(dir: &Path) -> Result<FromKeychain> {
        let vault = ready_vault(dir)?;
        if !keychain::marked(dir) {
            return Ok(FromKeychain::NotRemembered);
        }
        let Some(text) = keychain::recall(dir)? else {
            return Ok(FromKeychain::NotRemembered);
        };
        match Key::from_hex(&text).filter(|key| vault.check_key(key)) {
            Some(key) => {
                remember::remember(dir, &key)?;
                Ok(FromKeychain::Unlocked)
            }
            None => {
                keychain::forget(dir)?;
                Ok(FromKeychain::Removed)
            }
        }
    }

    /// Has this computer forget the key (the keychain's entry removed); the
    /// vault stays as it is, locked or not. Returns whether it remembered one.
    pub fn forget_remembered(dir: &Path) -> Result<bool> {
        ready_vault(dir)?;
        keychain::forget(dir)
    }

    /// Whether the member chose to have this computer remember the key
    /// (the mark in the data directory; the keychain is not asked).
    pub fn is_remembered(dir: &Path) -> bool {
        keychain::marked(dir)
    }

    /// Locks the vault: the open copy is brought up to date and files only
    /// closed items use are sealed (while the key is still known), then the
    /// key is forgotten. Returns whether it was unlocked.
    pub fn lock(dir: &Path) -> Result<bool> {
        let vault = ready_vault(dir)?;
        let Some(key) = vault.recall() else {
            remember::forget(dir)?;
            return Ok(false);
        };
        migrate::seal_closed_files(dir, &key)?;
        snapshot::write(dir, &dir.join(crate::vault::VAULT_DB), &key)?;
        remember::forget(dir)?;
        Ok(true)
    }

    /// Whether `dir` has a vault (without opening anything).
    pub fn has_vault(dir: &Path) -> Result<bool> {
        Ok(Vault::load(dir)?.is_some())
    }
}

/// Locks the vault of `dir` (with [`Mappe::lock`]) when the computer goes to
/// sleep, while the returned watch lives (`core::vault::sleep`): for the
/// long-running programs. `None` when `dir` has no vault. `log` gets a plain
/// line when it locks, or cannot lock or listen.
pub fn lock_on_sleep(
    dir: &Path,
    log: impl Fn(&str) + Send + Sync + 'static,
) -> Result<Option<SleepWatch>> {
    if !Mappe::has_vault(dir)? {
        return Ok(None);
    }
    let log = std::sync::Arc::new(log);
    let (dir, said) = (dir.to_path_buf(), log.clone());
    let lock = move |cause| match Mappe::lock(&dir) {
        Ok(true) => said(&format!("Boksen er låst, fordi {cause}.")),
        Ok(false) => {}
        Err(e) => said(&format!("Boksen kunne ikke låses ved dvale: {e}")),
    };
    Ok(Some(sleep::watch(lock, move |line| log(line))))
}

/// What restoring a notes file did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NotesRestored {
    /// Notes the data directory did not have.
    pub added: usize,
    /// Notes whose older version was replaced.
    pub updated: usize,
    /// Notes kept as they were (the data directory's are as new or newer).
    pub unchanged: usize,
    /// Notes on material this data directory does not have.
    pub not_placed: usize,
}

impl Mappe {
    /// Writes every note of the member (closed material's too) to `path`,
    /// encrypted under `passcode` (a passcode of the file's own); returns
    /// how many.
    pub(crate) fn backup_notes(&self, path: &Path, passcode: &str) -> Result<usize> {
        let notes = self.store.read().all_annotations()?;
        crate::vault::backup::write(path, passcode, &notes)?;
        Ok(notes.len())
    }

    /// Restores notes from a file [`Mappe::backup_notes`] wrote. A wrong
    /// passcode is [`Error::WrongPasscode`] and changes nothing.
    pub(crate) fn restore_notes(&self, path: &Path, passcode: &str) -> Result<NotesRestored> {
        let notes = crate::vault::backup::read(path, passcode)?;
        self.store.write(|w| {
            let mut done = NotesRestored::default();
            for note in &notes {
                match w.restore_annotation(note)? {
                    Some(crate::store::Upserted::Added) => done.added += 1,
                    Some(crate::store::Upserted::Updated) => done.updated += 1,
                    Some(_) => done.unchanged += 1,
                    None => done.not_placed += 1,
                }
            }
            Ok(done)
        })
    }
}

/// The vault of `dir`, which must be set and whole.
fn ready_vault(dir: &Path) -> Result<Vault> {
    match Vault::load(dir)? {
        None => Err(Error::Invalid(
            "datamappen har ingen boks endnu: sæt en adgangskode med `moedemappe passcode set`"
                .into(),
        )),
        Some(v) if v.state() == VaultState::Moving => Err(super::move_interrupted()),
        Some(v) => Ok(v),
    }
}

/// Whether a remembered key is there (for an unlocked program: its own key),
/// looked at most once a second (a file read in the runtime directory).
#[derive(Debug)]
pub(crate) struct Relock {
    /// When it was last looked at, milliseconds since the Unix epoch.
    checked_ms: std::sync::atomic::AtomicU64,
    /// The key was there then.
    here: std::sync::atomic::AtomicBool,
}

impl Relock {
    /// As just looked at: the key is `here` (it was recalled, or not, at open).
    pub(crate) fn new(here: bool) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Relock {
            checked_ms: std::sync::atomic::AtomicU64::new(now),
            here: std::sync::atomic::AtomicBool::new(here),
        }
    }

    fn key_here(&self, dir: &Path, own: Option<&crate::vault::Key>) -> bool {
        use std::sync::atomic::Ordering;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let last = self.checked_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 1000
            && self
                .checked_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let here = remember::recall(dir)
                .is_some_and(|k| own.is_none_or(|own| k.bytes() == own.bytes()));
            self.here.store(here, Ordering::Relaxed);
        }
        self.here.load(Ordering::Relaxed)
    }
}
