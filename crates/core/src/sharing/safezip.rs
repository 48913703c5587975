//! Reading an untrusted zip file safely: every entry is checked when the file
//! is opened (count, names, links, declared sizes, compression ratio), and
//! every read stops at the declared size and the limit, whatever the headers
//! claim. Errors are plain Danish sentences.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// Most entries a bundle may have.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest JSON entry (manifest, annotations), uncompressed.
pub const MAX_JSON: u64 = 64 << 20;
/// Largest attachment, uncompressed.
pub const MAX_FILE: u64 = 1 << 30;
/// Largest total, uncompressed.
pub const MAX_TOTAL: u64 = 8 << 30;
/// Largest compression ratio of an entry bigger than [`RATIO_FROM`] bytes.
pub const MAX_RATIO: u64 = 100;
/// Entries up to this size are not held to [`MAX_RATIO`].
pub const RATIO_FROM: u64 = 1 << 20;

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
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| {
            format!("filen er ikke en hel zip-fil (afkortet eller beskadiget: {e})")
        })?;
        if archive.len() > MAX_ENTRIES {
            return Err(format!(
                "pakken har {} filer; højst {MAX_ENTRIES} er tilladt",
                archive.len()
            ));
        }
        let mut entries = Vec::with_capacity(archive.len());
        let mut total = 0u64;
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..archive.len() {
            let entry = archive
                .by_index_raw(i)
                .map_err(|e| format!("filen er beskadiget ({e})"))?;
            let name = entry.name().to_string();
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
            return Err(format!("«{name}» er for stor"));
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

    /// Reads a small (JSON) entry whole.
    pub fn read_small(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.copy(name, MAX_JSON, &mut out)?;
        Ok(out)
    }

    /// Hashes an entry (SHA-256) and, when `keep`, writes it to a temporary
    /// file; returns (hash, size, the file).
    pub fn extract_hashed(
        &mut self,
        name: &str,
        declared: u64,
        keep: bool,
    ) -> Result<(String, u64, Option<tempfile::NamedTempFile>), String> {
        if self.index(name)?.1 != declared {
            return Err(format!(
                "«{name}» har ikke den størrelse, manifest.json siger"
            ));
        }
        let mut tmp = if keep {
            Some(
                tempfile::NamedTempFile::new()
                    .map_err(|e| format!("ingen plads til midlertidige filer ({e})"))?,
            )
        } else {
            None
        };
        struct Sink<'a>(Sha256, Option<&'a mut File>);
        impl Write for Sink<'_> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.update(buf);
                if let Some(f) = self.1.as_mut() {
                    f.write_all(buf)?;
                }
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sink(Sha256::new(), tmp.as_mut().map(|t| t.as_file_mut()));
        let n = self.copy(name, MAX_FILE, &mut sink)?;
        let sha = hex::encode(sink.0.finalize());
        Ok((sha, n, tmp))
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
        assert_eq!(z.read_small("manifest.json").unwrap(), b"{\"schema\": 1}");
        assert!(z
            .read_small("annotations.jsonld")
            .unwrap_err()
            .contains("mangler"));
    }
}
