//! The vault's keys: a random master key, wrapped by a key derived from the
//! passcode with Argon2id, and one key per use derived from the master key
//! with HKDF-SHA256 (SQLCipher, the closed index, sealed files).

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{Error, Result};

/// Argon2id's memory in KiB: 64 MiB, so each guess costs a guesser that much
/// memory (OWASP's first recommendation is 19 MiB; RFC 9106's second
/// choice 64 MiB).
pub const KDF_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id's passes over that memory.
pub const KDF_ITERATIONS: u32 = 3;
/// Argon2id's lanes (one: the member's laptop may have two cores).
pub const KDF_LANES: u32 = 1;
/// Bytes of the random salt.
const SALT_LEN: usize = 16;
/// What the wrapped master key is bound to (associated data).
const WRAP_AAD: &[u8] = b"moedemappe vault master key v1";

/// The fewest characters a passcode may have.
pub const MIN_PASSCODE_CHARS: usize = 8;

/// A 32-byte key, wiped from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    /// A fresh random key.
    pub fn random() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut())
            .map_err(|e| Error::Invalid(format!("ingen tilfældighed fra systemet: {e}")))?;
        Ok(Key(k))
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as lower-case hex (for SQLCipher's raw key and the remembered key).
    pub fn hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// Parses the hex of [`Key::hex`].
    pub fn from_hex(s: &str) -> Option<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s.trim(), k.as_mut()).ok()?;
        Some(Key(k))
    }

    /// The key for one use, derived with HKDF-SHA256 (`info` names the use).
    fn derive(&self, info: &[u8]) -> Key {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(None, self.0.as_ref());
        let mut k = Zeroizing::new([0u8; 32]);
        hk.expand(info, k.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Key(k)
    }

    /// SQLCipher's raw key for the vault's database.
    pub fn sqlite(&self) -> Key {
        self.derive(b"moedemappe/sqlcipher/v1")
    }

    /// The key of the closed index's sealed files.
    pub fn index(&self) -> Key {
        self.derive(b"moedemappe/index/v1")
    }

    /// The key of sealed attachment files and secrets.
    pub fn files(&self) -> Key {
        self.derive(b"moedemappe/files/v1")
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

/// Argon2id's parameters as stored beside the wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always "argon2id".
    pub algorithm: String,
    /// Argon2 version (0x13 = 19).
    pub version: u32,
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub lanes: u32,
    /// The salt, hex.
    pub salt: String,
}

impl KdfParams {
    /// Today's parameters with a fresh salt.
    pub fn fresh() -> Result<Self> {
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt)
            .map_err(|e| Error::Invalid(format!("ingen tilfældighed fra systemet: {e}")))?;
        Ok(KdfParams {
            algorithm: "argon2id".into(),
            version: 0x13,
            memory_kib: KDF_MEMORY_KIB,
            iterations: KDF_ITERATIONS,
            lanes: KDF_LANES,
            salt: hex::encode(salt),
        })
    }

    /// The key the passcode gives under these parameters.
    pub fn derive(&self, passcode: &str) -> Result<Key> {
        let bad = |what: &str| Error::Invalid(format!("boksens nøglefil er ugyldig ({what})"));
        if self.algorithm != "argon2id" || self.version != 0x13 {
            return Err(bad("ukendt nøgleafledning"));
        }
        let salt = hex::decode(&self.salt).map_err(|_| bad("salt"))?;
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, Some(32))
            .map_err(|_| bad("parametre"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut k = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passcode.as_bytes(), &salt, k.as_mut())
            .map_err(|_| bad("parametre"))?;
        Ok(Key(k))
    }
}

/// The master key sealed with the passcode's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    /// The nonce, hex.
    pub nonce: String,
    /// The sealed master key with its tag, hex.
    pub sealed: String,
}

/// Seals `master` with `kek`.
pub fn wrap(kek: &Key, master: &Key) -> Result<Wrapped> {
    let nonce = XNonce::generate();
    let sealed = XChaCha20Poly1305::new(kek.bytes().into())
        .encrypt(
            &nonce,
            Payload {
                msg: master.bytes(),
                aad: WRAP_AAD,
            },
        )
        .map_err(|_| Error::Invalid("nøglen kunne ikke forsegles".into()))?;
    Ok(Wrapped {
        nonce: hex::encode(nonce.as_slice()),
        sealed: hex::encode(sealed),
    })
}

/// Opens the master key with `kek`; `None` when `kek` is not the key that
/// sealed it (a wrong passcode).
pub fn unwrap(kek: &Key, wrapped: &Wrapped) -> Result<Option<Key>> {
    let bad = || Error::Invalid("boksens nøglefil er ugyldig (den forseglede nøgle)".into());
    let nonce = hex::decode(&wrapped.nonce).map_err(|_| bad())?;
    let nonce = XNonce::try_from(nonce.as_slice()).map_err(|_| bad())?;
    let sealed = hex::decode(&wrapped.sealed).map_err(|_| bad())?;
    let Ok(plain) = XChaCha20Poly1305::new(kek.bytes().into()).decrypt(
        &nonce,
        Payload {
            msg: &sealed,
            aad: WRAP_AAD,
        },
    ) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let mut k = Zeroizing::new([0u8; 32]);
    if plain.len() != 32 {
        return Err(bad());
    }
    k.copy_from_slice(&plain);
    Ok(Some(Key(k)))
}

/// Refuses a passcode too short to protect anything.
pub fn check_new_passcode(passcode: &str) -> Result<()> {
    if passcode.chars().count() < MIN_PASSCODE_CHARS {
        return Err(Error::Invalid(format!(
            "adgangskoden skal have mindst {MIN_PASSCODE_CHARS} tegn"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todays_parameters_are_argon2id_with_64_mib_and_3_passes() {
        let p = KdfParams::fresh().unwrap();
        assert_eq!(p.algorithm, "argon2id");
        assert_eq!(p.version, 0x13);
        assert_eq!((p.memory_kib, p.iterations, p.lanes), (65536, 3, 1));
        assert_eq!(p.salt.len(), 32);
        assert_ne!(
            p.salt,
            KdfParams::fresh().unwrap().salt,
            "a fresh salt each time"
        );
    }

    #[test]
    fn the_passcode_unwraps_the_master_key_and_another_does_not() {
        let p = KdfParams::fresh().unwrap();
        let master = Key::random().unwrap();
        let wrapped = wrap(&p.derive("rigtig kode 1").unwrap(), &master).unwrap();
        let back = unwrap(&p.derive("rigtig kode 1").unwrap(), &wrapped)
            .unwrap()
            .unwrap();
        assert_eq!(back.bytes(), master.bytes());
        assert!(unwrap(&p.derive("forkert kode").unwrap(), &wrapped)
            .unwrap()
            .is_none());
        // The parameters count: the same passcode with less memory is another key.
        let weaker = KdfParams {
            memory_kib: 8 * 1024,
            ..p.clone()
        };
        assert!(unwrap(&weaker.derive("rigtig kode 1").unwrap(), &wrapped)
            .unwrap()
            .is_none());
    }

    #[test]
    fn each_use_has_its_own_key() {
        let master = Key::random().unwrap();
        let keys = [master.sqlite(), master.index(), master.files()];
        for (i, a) in keys.iter().enumerate() {
            assert_ne!(a.bytes(), master.bytes());
            for b in &keys[i + 1..] {
                assert_ne!(a.bytes(), b.bytes());
            }
        }
        assert_eq!(master.sqlite().bytes(), master.sqlite().bytes());
    }

    #[test]
    fn short_passcodes_are_refused() {
        assert!(check_new_passcode("1234").is_err());
        assert!(check_new_passcode("lang nok kode").is_ok());
    }
}
