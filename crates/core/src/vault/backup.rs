//! An encrypted copy of the member's notes in one file, kept apart from the
//! vault (a lost passcode loses the vault; a copy on a USB stick or in the
//! member's mail keeps the notes). The notes as JSON, sealed with
//! XChaCha20-Poly1305 under a key Argon2id derives from a passcode of the
//! file's own. Restoring adds the notes the data directory lacks and replaces
//! older versions; a newer note in the data directory is kept.

use serde::{Deserialize, Serialize};
use std::path::Path;

use super::keys::{self, KdfParams};
use super::seal;
use crate::annotations::Annotation;
use crate::{Error, Result};

/// The first line of a notes file.
const MAGIC: &str = "MOEDEMAPPE-NOTER 1";
/// What the sealed part is bound to.
const NAME: &str = "noter";

#[derive(Serialize, Deserialize)]
struct Header {
    kdf: KdfParams,
    notes: usize,
}

/// Writes `notes` sealed under `passcode` to `path` (a temporary name, then
/// renamed).
pub fn write(path: &Path, passcode: &str, notes: &[Annotation]) -> Result<()> {
    keys::check_new_passcode(passcode)?;
    let kdf = KdfParams::fresh()?;
    let key = kdf.derive(passcode)?;
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(notes).map_err(|e| Error::Invalid(format!("noterne: {e}")))?,
    );
    let header = serde_json::to_string(&Header {
        kdf,
        notes: notes.len(),
    })
    .map_err(|e| Error::Invalid(format!("noterne: {e}")))?;
    let mut bytes = format!("{MAGIC}\n{header}\n").into_bytes();
    bytes.extend(seal::seal(&key, NAME, &plain)?);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".noter-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Reads the notes of a file [`write`] wrote; a wrong passcode is
/// [`Error::WrongPasscode`].
pub fn read(path: &Path, passcode: &str) -> Result<Vec<Annotation>> {
    let not_ours = || {
        Error::Invalid(format!(
            "{} er ikke en notefil fra Mødemappe",
            path.display()
        ))
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut parts = bytes.splitn(3, |b| *b == b'\n');
    let (Some(magic), Some(header), Some(sealed)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(not_ours());
    };
    if magic != MAGIC.as_bytes() {
        return Err(not_ours());
    }
    let header: Header = serde_json::from_slice(header).map_err(|_| not_ours())?;
    let key = header.kdf.derive(passcode)?;
    let plain = seal::open(&key, NAME, sealed).map_err(|_| Error::WrongPasscode)?;
    serde_json::from_slice(&plain).map_err(|_| not_ours())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_back_with_their_passcode_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noter.mmnoter");
        let note: Annotation = serde_json::from_value(serde_json::json!({
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "case_number": null, "item": null, "anchor": null,
            "anchor_state": "anchored", "body": "Hemmelig note om grunden",
            "format": "text/plain", "colour": null, "tags": [],
            "author": {"id": "a", "name": "Medlem"}, "origin": "own",
            "visibility": "private",
            "created": "2026-12-01T10:00:00Z", "modified": "2026-12-01T10:00:00Z"
        }))
        .unwrap();
        write(&path, "en god lang kode", std::slice::from_ref(&note)).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(9).any(|w| w == b"Hemmelig "),
            "sealed on disk"
        );
        assert_eq!(read(&path, "en god lang kode").unwrap(), vec![note]);
        assert!(matches!(
            read(&path, "en anden kode"),
            Err(Error::WrongPasscode)
        ));
        assert!(write(&path, "kort", &[]).is_err());
    }
}
