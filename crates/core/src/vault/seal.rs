//! Sealing bytes and files with a vault key: XChaCha20-Poly1305 with a fresh
//! random nonce per seal, the file's name as associated data (so sealed
//! files cannot be swapped for each other), behind a short header.

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

use super::keys::Key;
use crate::{Error, Result};

/// The first bytes of every sealed file.
const MAGIC: &[u8; 8] = b"MMSEAL01";
/// Header: magic and nonce.
const HEADER: usize = 8 + 24;

/// Seals `plain`, bound to `name`.
pub fn seal(key: &Key, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let nonce = XNonce::generate();
    let sealed = XChaCha20Poly1305::new(key.bytes().into())
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: name.as_bytes(),
            },
        )
        .map_err(|_| Error::Invalid("kunne ikke kryptere".into()))?;
    let mut out = Vec::with_capacity(HEADER + sealed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(nonce.as_slice());
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`seal`] sealed under the same `name`; an error when the key is
/// another or the bytes were changed.
pub fn open(key: &Key, name: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let broken = || {
        Error::Invalid(format!(
            "{name} kan ikke dekrypteres: forkert nøgle, eller filen er ødelagt"
        ))
    };
    if !is_sealed(sealed) {
        return Err(broken());
    }
    let nonce = XNonce::try_from(&sealed[8..HEADER]).map_err(|_| broken())?;
    XChaCha20Poly1305::new(key.bytes().into())
        .decrypt(
            &nonce,
            Payload {
                msg: &sealed[HEADER..],
                aad: name.as_bytes(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| broken())
}

/// Whether `bytes` begin like a sealed file.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER + 16 && &bytes[..8] == MAGIC
}

/// Writes `plain` sealed to `path` (a temporary name in the same folder,
/// synced, then renamed), bound to `name`.
pub fn write_sealed(key: &Key, name: &str, path: &Path, plain: &[u8]) -> Result<()> {
    let sealed = seal(key, name, plain)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".sealing-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(&sealed)
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Reads and opens a file [`write_sealed`] wrote.
pub fn read_sealed(key: &Key, name: &str, path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    open(key, name, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_with_their_key_and_name_only() {
        let key = Key::random().unwrap();
        let sealed = seal(&key, "a.pdf", b"hemmelig tekst om grunden").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.windows(8).any(|w| w == b"hemmelig"));
        assert_eq!(
            &open(&key, "a.pdf", &sealed).unwrap()[..],
            b"hemmelig tekst om grunden"
        );
        assert!(open(&key, "b.pdf", &sealed).is_err(), "bound to its name");
        assert!(open(&Key::random().unwrap(), "a.pdf", &sealed).is_err());
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(open(&key, "a.pdf", &changed).is_err());
        assert_ne!(
            seal(&key, "a.pdf", b"x").unwrap(),
            seal(&key, "a.pdf", b"x").unwrap()
        );
    }
}
