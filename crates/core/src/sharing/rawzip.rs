//! The entry names of a zip file as its central directory lists them, read
//! from the raw bytes. The `zip` crate keeps one entry per name, so a second
//! `manifest.json` would go unseen in its list; here every central directory
//! header counts. Only the end record and the headers' fixed fields and names
//! are read (no contents, no extra fields), the directory is read only up to
//! a bound, and zip64 files are refused: no bundle within the caps needs one.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_LOCATOR_LEN: u64 = 20;
const HEADER_SIG: u32 = 0x0201_4b50;
const HEADER_LEN: usize = 46;
/// Longest comment a zip file may end with.
const MAX_COMMENT: usize = 0xFFFF;
/// Most bytes of central directory read per allowed entry (header, name and
/// extra fields; our names are under 90 bytes).
pub const DIRECTORY_BYTES_PER_ENTRY: u64 = 1024;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

const BROKEN: &str = "filen er ikke en hel zip-fil (afkortet eller beskadiget";

/// The raw names of every central directory entry, in order, duplicates
/// included; refuses more than `max_entries` entries before reading them.
pub fn central_names(file: &mut File, max_entries: usize) -> Result<Vec<Vec<u8>>, String> {
    let io = |e: std::io::Error| format!("{BROKEN}: {e})");
    let len = file.metadata().map_err(io)?.len();
    let tail_len = len.min((EOCD_LEN + MAX_COMMENT) as u64);
    if tail_len < EOCD_LEN as u64 {
        return Err(format!("{BROKEN}: for kort)"));
    }
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    file.read_exact(&mut tail).map_err(io)?;
    // The last end record whose comment runs exactly to the end of the file.
    let at = (0..=tail.len() - EOCD_LEN)
        .rev()
        .find(|&i| {
            u32_at(&tail, i) == EOCD_SIG
                && i + EOCD_LEN + usize::from(u16_at(&tail, i + 20)) == tail.len()
        })
        .ok_or_else(|| format!("{BROKEN}: ingen slutpost)"))?;
    let eocd = &tail[at..at + EOCD_LEN];
    let eocd_pos = len - tail_len + at as u64;
    let (disk, cd_disk) = (u16_at(eocd, 4), u16_at(eocd, 6));
    let (on_disk, total) = (u16_at(eocd, 8), u16_at(eocd, 10));
    let (size, offset) = (u32_at(eocd, 12), u32_at(eocd, 16));
    let zip64_locator = eocd_pos >= ZIP64_LOCATOR_LEN && {
        let lp = (eocd_pos - ZIP64_LOCATOR_LEN) as usize;
        let start = (len - tail_len) as usize;
        if lp >= start {
            u32_at(&tail, lp - start) == ZIP64_LOCATOR_SIG
        } else {
            let mut sig = [0u8; 4];
            file.seek(SeekFrom::Start(lp as u64)).map_err(io)?;
            file.read_exact(&mut sig).map_err(io)?;
            u32::from_le_bytes(sig) == ZIP64_LOCATOR_SIG
        }
    };
    if zip64_locator || total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err("pakken er i zip64-formatet, som Mødemappe-pakker aldrig bruger".to_string());
    }
    if disk != 0 || cd_disk != 0 || on_disk != total {
        return Err("pakken er delt over flere filer; det kan ikke læses".to_string());
    }
    let total = usize::from(total);
    if total > max_entries {
        return Err(format!(
            "pakken har {total} filer; højst {max_entries} er tilladt"
        ));
    }
    let (size, offset) = (u64::from(size), u64::from(offset));
    if offset + size != eocd_pos {
        return Err(format!("{BROKEN}: indholdsfortegnelsen passer ikke)"));
    }
    if size > DIRECTORY_BYTES_PER_ENTRY * total as u64 {
        return Err("pakkens indholdsfortegnelse er for stor".to_string());
    }
    let mut dir = vec![0u8; size as usize];
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    file.read_exact(&mut dir).map_err(io)?;
    let mut names = Vec::with_capacity(total);
    let mut pos = 0usize;
    for _ in 0..total {
        if pos + HEADER_LEN > dir.len() || u32_at(&dir, pos) != HEADER_SIG {
            return Err(format!("{BROKEN}: indholdsfortegnelsen passer ikke)"));
        }
        let name_len = usize::from(u16_at(&dir, pos + 28));
        let rest =
            name_len + usize::from(u16_at(&dir, pos + 30)) + usize::from(u16_at(&dir, pos + 32));
        let name_at = pos + HEADER_LEN;
        if name_at + rest > dir.len() {
            return Err(format!("{BROKEN}: indholdsfortegnelsen passer ikke)"));
        }
        names.push(dir[name_at..name_at + name_len].to_vec());
        pos = name_at + rest;
    }
    if pos != dir.len() {
        return Err(format!("{BROKEN}: indholdsfortegnelsen passer ikke)"));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(names: &[&str], comment: &str) -> tempfile::NamedTempFile {
        let tmp = tempfile::NamedTempFile::new().unwrap();
        let mut zip = zip::ZipWriter::new(tmp.reopen().unwrap());
        zip.set_comment(comment);
        for n in names {
            zip.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(n.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        tmp
    }

    #[test]
    fn names_are_listed_in_order_and_a_patched_duplicate_is_seen() {
        let tmp = zip_of(&["manifest.json", "manifest.jsoX", "a.pdf"], "en kommentar");
        let mut f = tmp.reopen().unwrap();
        let names = central_names(&mut f, 10).unwrap();
        assert_eq!(names, [&b"manifest.json"[..], b"manifest.jsoX", b"a.pdf"]);
        let mut raw = std::fs::read(tmp.path()).unwrap();
        // Rename the second entry in its local and central headers alike.
        let needle = b"manifest.jsoX";
        for i in 0..=raw.len() - needle.len() {
            if &raw[i..i + needle.len()] == needle {
                raw[i + needle.len() - 1] = b'n';
            }
        }
        std::fs::write(tmp.path(), &raw).unwrap();
        let names = central_names(&mut tmp.reopen().unwrap(), 10).unwrap();
        assert_eq!(names[0], names[1]);
        // The zip crate keeps one of them.
        let archive = zip::ZipArchive::new(tmp.reopen().unwrap()).unwrap();
        assert_eq!(archive.len(), 2);
    }

    #[test]
    fn too_many_entries_and_truncated_files_are_refused() {
        let tmp = zip_of(&["a", "b", "c"], "");
        let err = central_names(&mut tmp.reopen().unwrap(), 2).unwrap_err();
        assert!(err.contains("højst 2"), "{err}");
        let raw = std::fs::read(tmp.path()).unwrap();
        std::fs::write(tmp.path(), &raw[..raw.len() - 5]).unwrap();
        let err = central_names(&mut tmp.reopen().unwrap(), 10).unwrap_err();
        assert!(err.contains("afkortet"), "{err}");
    }
}
