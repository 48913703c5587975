//! The vault (issue 17): closed material, the member's notes and reading
//! marks, and the token secrets, kept encrypted on disk under a passcode.
//!
//! `vault.json` holds Argon2id's parameters and the master key sealed with
//! the passcode's key (nothing secret in plain). With a vault the store is
//! `vault.sqlite` (SQLCipher), the index of every document `index/all/` is
//! sealed file by file, and files only closed items use are sealed in
//! `files/`. Open material keeps a plain copy for a locked vault:
//! `open.sqlite` (the store as the open scope sees it, no notes) and
//! `index/open/`. ARCHITECTURE.md says what is inside and outside, and why.

pub(crate) mod backup;
pub(crate) mod keychain;
pub(crate) mod keys;
pub(crate) mod migrate;
pub(crate) mod remember;
pub(crate) mod seal;
pub(crate) mod sleep;
pub(crate) mod snapshot;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use keys::Key;
use keys::{KdfParams, Wrapped};

use crate::{Error, Result};

/// The vault's file in the data directory.
pub const VAULT_FILE: &str = "vault.json";
/// The store inside the vault (SQLCipher).
pub const VAULT_DB: &str = "vault.sqlite";
/// The plain store before a vault, and the name it keeps without one.
pub const PLAIN_DB: &str = "moedemappe.sqlite";
/// The open material's plain copy, for a locked vault.
pub const OPEN_DB: &str = "open.sqlite";

/// How far moving the data directory into the vault has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaultState {
    /// The move began and has not finished: the next open of the data
    /// directory with the passcode finishes it.
    Moving,
    /// Everything is in the vault.
    Ready,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VaultFile {
    schema: u32,
    kdf: KdfParams,
    key: Wrapped,
    state: VaultState,
}

/// A data directory's vault, as `vault.json` describes it.
#[derive(Debug, Clone)]
pub struct Vault {
    dir: PathBuf,
    file: VaultFile,
}

/// What a lost passcode means, said before one is set.
pub const LOST_PASSCODE: &str = "Glemmer du adgangskoden, er det lukkede materiale, dine noter og læsemærker tabt: ingen, heller ikke Mødemappe, kan åbne boksen uden den. Det åbne materiale kan hentes igen. Gem en krypteret kopi af dine noter et andet sted med `moedemappe note backup -o FIL`.";

impl Vault {
    /// The vault of `dir`, or `None` when it has none.
    pub fn load(dir: &Path) -> Result<Option<Vault>> {
        let path = dir.join(VAULT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let file: VaultFile = serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{} er ugyldig: {e}", path.display())))?;
        if file.schema != 1 {
            return Err(Error::Invalid(format!(
                "{} er fra en nyere udgave af Mødemappe; opdatér programmet",
                path.display()
            )));
        }
        Ok(Some(Vault {
            dir: dir.to_path_buf(),
            file,
        }))
    }

    /// Begins a vault with `passcode`: a fresh master key, sealed, written
    /// as `vault.json` in the state [`VaultState::Moving`].
    pub(crate) fn begin(dir: &Path, passcode: &str) -> Result<(Vault, Key)> {
        keys::check_new_passcode(passcode)?;
        let kdf = KdfParams::fresh()?;
        let master = Key::random()?;
        let key = keys::wrap(&kdf.derive(passcode)?, &master)?;
        let vault = Vault {
            dir: dir.to_path_buf(),
            file: VaultFile {
                schema: 1,
                kdf,
                key,
                state: VaultState::Moving,
            },
        };
        vault.save()?;
        Ok((vault, master))
    }

    fn save(&self) -> Result<()> {
        let path = self.dir.join(VAULT_FILE);
        let json = serde_json::to_vec_pretty(&self.file).expect("the vault file serializes");
        let mut tmp = tempfile::Builder::new()
            .prefix(".vault-")
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        std::io::Write::write_all(&mut tmp, &json).map_err(|e| Error::io(&path, e))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// How far the move into the vault has come.
    pub fn state(&self) -> VaultState {
        self.file.state
    }

    pub(crate) fn set_state(&mut self, state: VaultState) -> Result<()> {
        self.file.state = state;
        self.save()
    }

    /// The master key the passcode opens. A wrong passcode is
    /// [`Error::WrongPasscode`] and changes no file of the data directory;
    /// after three wrong ones in a row each try waits longer.
    pub fn open(&self, passcode: &str) -> Result<Key> {
        remember::wait_before_try(&self.dir);
        let kek = self.file.kdf.derive(passcode)?;
        let found = keys::unwrap(&kek, &self.file.key)?;
        remember::count_try(&self.dir, found.is_some());
        found.ok_or(Error::WrongPasscode)
    }

    /// The key remembered since `unlock`, if the vault is unlocked.
    pub fn recall(&self) -> Option<Key> {
        let key = remember::recall(&self.dir)?;
        // A key left from another vault in the same place is no key.
        self.check_key(&key).then_some(key)
    }

    /// Whether `key` is this vault's master key (without the passcode: it
    /// opens the store's first page).
    pub(crate) fn check_key(&self, key: &Key) -> bool {
        let db = self.dir.join(VAULT_DB);
        crate::store::key_opens(&db, &key.sqlite())
    }

    /// Changes the passcode: the master key is sealed anew (nothing else is
    /// rewritten). A wrong old passcode changes nothing.
    pub fn change_passcode(&mut self, old: &str, new: &str) -> Result<()> {
        keys::check_new_passcode(new)?;
        let master = self.open(old)?;
        let kdf = KdfParams::fresh()?;
        let key = keys::wrap(&kdf.derive(new)?, &master)?;
        self.file.kdf = kdf;
        self.file.key = key;
        self.save()
    }
}
