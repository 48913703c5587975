//! Reading an untrusted zip file safely: every entry is checked when the file
//! is opened (count and names from the raw central directory, so a name that
//! appears twice is seen; links, declared sizes, compression ratio), and
//! every read stops at the declared size and the limit, whatever the headers
//! claim. The limits are [`super::caps`]. Errors are plain Danish sentences.

use super::caps::{MAX_ENTRIES, MAX_FILE, MAX_TOTAL};
use super::rawzip;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
/// Largest compression ratio of an entry bigger than [`RATIO_FROM`] bytes.
pub const MAX_RATIO: u64 = 100;
/// Entries up to this size are not held to [`MAX_RATIO`].
pub const RATIO_FROM: u64 = 1 << 20;

/// What [`SafeZip::extract_hashed`] read.
pub struct Extracted {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Bytes read.
    pub size: u64,
    /// The first bytes (up to 8).
    pub head: Vec<u8>,
}

/// An opened and checked zip file.
pub struct SafeZip {
    archive: zip::ZipArchive<File>,
    /// (name, declared uncompressed size) per entry index.
    entries: Vec<(String, u64)>,
}

/// Why a name is not acceptable, if it is not.
fn bad_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("et tomt navn");
    }
    if name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
        return Some("en absolut sti");
    }
    if name.contains('\\') || name.contains('\0') {
        return Some("ugyldige tegn i navnet");
    }
    if name.split('/').any(|part| part == ".." || part == ".") {
        return Some("«..» i stien");
    }
    None
}

impl SafeZip {
    /// Opens `path` and checks every entry.
    pub fn open(path: &Path) -> Result<SafeZip, String> {
        let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // The zip crate keeps one entry per name: count and compare names on
        // the raw central directory first.
        let raw = rawzip::central_names(&mut file, MAX_ENTRIES)?;
        let mut raw_names = std::collections::BTreeSet::new();
        for name in &raw {
            if !raw_names.insert(name.as_slice()) {
                return Err(format!(
                    "«{}» står to gange i pakken",
                    String::from_utf8_lossy(name)
                ));
            }
        }
        let archive = zip::ZipArchive::new(file).map_err(|e| {
            format!("filen er ikke en hel zip-fil (afkortet eller beskadiget: {e})")
        })?;
        if archive.len() != raw.len() {
            return Err(
                "filen er beskadiget (indholdsfortegnelsen kan læses på to måder)".to_string(),
            );
        }
        let mut archive = archive;
        let mut entries = Vec::with_capacity(archive.len());
        let mut total = 0u64;
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..archive.len() {
            let entry = archive
                .by_index_raw(i)
                .map_err(|e| format!("filen er beskadiget ({e})"))?;
            let name = entry.name().to_string();
            if !raw_names.contains(name.as_bytes()) {
                return Err(
                    "filen er beskadiget (indholdsfortegnelsen kan læses på to måder)".to_string(),
                );
            }
            if let Some(why) = bad_name(&name) {
                return Err(format!("filen «{name}» i pakken har {why}"));
            }
            if entry.enclosed_name().is_none() {
                return Err(format!("filen «{name}» i pakken peger uden for pakken"));
            }
            if entry.is_symlink() {
                return Err(format!(
                    "«{name}» i pakken er et link; links er ikke tilladt"
                ));
            }
            if entry.is_dir() {
                return Err(format!(
                    "«{name}» i pakken er en mappe; mapper er ikke tilladt"
                ));
            }
            if entry.encrypted() {
                return Err(format!("«{name}» i pakken er krypteret"));
            }
            let size = entry.size();
            let compressed = entry.compressed_size();
            if size > MAX_FILE {
                return Err(format!("«{name}» er for stor ({size} byte udpakket)"));
            }
            if size > RATIO_FROM && size > compressed.saturating_mul(MAX_RATIO) {
                return Err(format!(
                    "«{name}» pakker sig ud til mere end {MAX_RATIO} gange sin størrelse (en zip-bombe?)"
                ));
            }
            total = total.saturating_add(size);
            if total > MAX_TOTAL {
                return Err("pakken fylder for meget udpakket".to_string());
            }
            if !seen.insert(name.clone()) {
                return Err(format!("«{name}» står to gange i pakken"));
            }
            entries.push((name, size));
        }
        Ok(SafeZip { archive, entries })
    }

    /// The entry names.
    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|(n, _)| n.clone()).collect()
    }

    fn index(&self, name: &str) -> Result<(usize, u64), String> {
        self.entries
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| (i, self.entries[i].1))
            .ok_or_else(|| format!("filen «{name}» mangler i pakken"))
    }

    /// Streams one entry into `sink`, stopping at `limit` bytes and at the
    /// declared size; returns the bytes read.
    fn copy(&mut self, name: &str, limit: u64, sink: &mut dyn Write) -> Result<u64, String> {
        let (i, declared) = self.index(name)?;
        if declared > limit {
            return Err(format!(
                "«{name}» er for stor ({declared} byte; højst {limit})"
            ));
        }
        let entry = self
            .archive
            .by_index(i)
            .map_err(|e| format!("«{name}» kan ikke læses ({e})"))?;
        let mut limited = entry.take(declared + 1);
        let mut buf = vec![0u8; 64 * 1024];
        let mut n = 0u64;
        loop {
            let got = limited.read(&mut buf).map_err(|e| {
                format!("«{name}» kan ikke pakkes ud (afkortet eller beskadiget: {e})")
            })?;
            if got == 0 {
                break;
            }
            n += got as u64;
            if n > declared {
                return Err(format!("«{name}» er større, end pakken siger"));
            }
            sink.write_all(&buf[..got])
                .map_err(|e| format!("«{name}» kan ikke gemmes midlertidigt ({e})"))?;
        }
        if n != declared {
            return Err(format!("«{name}» er afkortet"));
        }
        Ok(n)
    }

    /// Reads a small (JSON) entry whole, refusing it unread when its
    /// declared size is over `limit`.
    pub fn read_small(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.copy(name, limit, &mut out)?;
        Ok(out)
    }

    /// Hashes an entry (SHA-256) and, when given a file, writes it there;
    /// returns the hash, the size and the first bytes (up to 8).
    pub fn extract_hashed(
        &mut self,
        name: &str,
        declared: u64,
        keep: Option<&mut File>,
    ) -> Result<Extracted, String> {
        if self.index(name)?.1 != declared {
            return Err(format!(
                "«{name}» har ikke den størrelse, manifest.json siger"
            ));
        }
        struct Sink<'a>(Sha256, Option<&'a mut File>, Vec<u8>);
        impl Write for Sink<'_> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.update(buf);
                let want = 8usize.saturating_sub(self.2.len()).min(buf.len());
                self.2.extend_from_slice(&buf[..want]);
                if let Some(f) = self.1.as_mut() {
                    f.write_all(buf)?;
                }
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sink(Sha256::new(), keep, Vec::new());
        let size = self.copy(name, MAX_FILE, &mut sink)?;
        Ok(Extracted {
            sha256: hex::encode(sink.0.finalize()),
            size,
            head: sink.2,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_bundle_are_refused() {
        for name in [
            "../x.json",
            "attachments/../../x.pdf",
            "/etc/passwd",
            "\\windows\\x",
            "C:/x.pdf",
            "a\\b.pdf",
            "./manifest.json",
            "",
        ] {
            assert!(bad_name(name).is_some(), "{name:?} was accepted");
        }
        for name in ["manifest.json", "attachments/ab.pdf", "annotations.jsonld"] {
            assert_eq!(bad_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn a_highly_compressed_entry_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("manifest.json", opts).unwrap();
        zip.write_all(&vec![b' '; 4 << 20]).unwrap();
        zip.finish().unwrap();
        let err = SafeZip::open(&path).err().expect("refused");
        assert!(err.contains("zip-bombe"), "{err}");
        // A small entry is read whole, and only up to its size.
        let small = dir.path().join("s.zip");
        let mut zip = zip::ZipWriter::new(File::create(&small).unwrap());
        zip.start_file("manifest.json", opts).unwrap();
        zip.write_all(b"{\"schema\": 1}").unwrap();
        zip.finish().unwrap();
        let mut z = SafeZip::open(&small).unwrap();
        assert_eq!(
            z.read_small("manifest.json", 100).unwrap(),
            b"{\"schema\": 1}"
        );
        assert!(z
            .read_small("manifest.json", 5)
            .unwrap_err()
            .contains("for stor"));
        assert!(z
            .read_small("annotations.jsonld", 100)
            .unwrap_err()
            .contains("mangler"));
    }
}
