//! Walks paths given to `import` and tells meeting folders from plain document
//! collections. Reads `body.json` and `meeting.json`; a file it cannot use is
//! reported as a problem with its path, and the rest of the scan goes on.

use super::schema::{BodyFile, ItemEntry, MeetingFile, SCHEMA_VERSION};
use crate::{Error, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Everything found under the imported paths.
#[derive(Debug, Default)]
pub struct Scan {
    /// Bodies with meeting folders.
    pub bodies: Vec<BodyDir>,
    /// Plain document collections.
    pub collections: Vec<CollectionDir>,
    /// Paths that could not be used, with a plain reason.
    pub problems: Vec<(PathBuf, String)>,
    /// Paths that were fine this time (clears problems recorded earlier).
    pub clean: Vec<PathBuf>,
}

/// `<root>/<body>/`.
#[derive(Debug)]
pub struct BodyDir {
    /// The body's name (from `body.json` or the folder name).
    pub name: String,
    /// Contents of `body.json`, if present and readable.
    pub file: Option<BodyFile>,
    /// Meeting folders, by date.
    pub meetings: Vec<MeetingDir>,
}

/// `<root>/<body>/<YYYY-MM-DD>/`.
#[derive(Debug)]
pub struct MeetingDir {
    /// The meeting day.
    pub date: NaiveDate,
    /// The folder.
    pub path: PathBuf,
    /// Contents of `meeting.json` (defaults when absent).
    pub file: MeetingFile,
    /// Items by number.
    pub items: Vec<ItemDir>,
}

/// `<NN> <title>/` with its PDFs, merged with its `meeting.json` entry.
#[derive(Debug)]
pub struct ItemDir {
    /// Title (the entry's full title, else the folder's).
    pub title: String,
    /// Metadata from `meeting.json` (defaults when absent).
    pub entry: ItemEntry,
    /// PDFs in name order.
    pub attachments: Vec<PdfFile>,
}

/// One PDF file on disk.
#[derive(Debug, Clone)]
pub struct PdfFile {
    /// Title: the file name without `.pdf`.
    pub title: String,
    /// Absolute path.
    pub path: PathBuf,
    /// Closed on its own (`meeting.json`'s `attachments` of the item); the
    /// item's access applies as well.
    pub closed: bool,
}

/// A folder of PDFs with no meeting structure.
#[derive(Debug)]
pub struct CollectionDir {
    /// The collection's name (the folder name).
    pub name: String,
    /// Documents with their path relative to the folder ("/"-separated).
    pub documents: Vec<(String, PdfFile)>,
}

/// Scans each path: a meeting-format root, a single body folder, a plain folder
/// of PDFs (a collection named after it), or a single PDF (a document of the
/// collection named after its folder).
pub fn scan(paths: &[PathBuf]) -> Result<Scan> {
    let mut out = Scan::default();
    for path in paths {
        let path = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        if path.is_file() {
            if !is_pdf(&path) {
                return Err(Error::Invalid(format!(
                    "{} er ikke en PDF-fil eller en mappe",
                    path.display()
                )));
            }
            let name = path
                .parent()
                .map(folder_name)
                .unwrap_or_else(|| "Dokumenter".into());
            let pdf = pdf_file(&path);
            push_documents(&mut out, name, vec![(pdf.title.clone() + ".pdf", pdf)]);
        } else if has_date_dirs(&path) {
            out.bodies
                .push(scan_body(&path, &mut out.problems, &mut out.clean));
        } else if subdirs(&path).iter().any(|d| has_date_dirs(d)) {
            for dir in subdirs(&path) {
                if has_date_dirs(&dir) {
                    out.bodies
                        .push(scan_body(&dir, &mut out.problems, &mut out.clean));
                } else {
                    let docs = collect_pdfs(&dir);
                    if !docs.is_empty() {
                        push_documents(&mut out, folder_name(&dir), docs);
                    }
                }
            }
        } else {
            push_documents(&mut out, folder_name(&path), collect_pdfs(&path));
        }
    }
    Ok(out)
}

fn push_documents(out: &mut Scan, name: String, docs: Vec<(String, PdfFile)>) {
    match out.collections.iter_mut().find(|c| c.name == name) {
        Some(c) => c.documents.extend(docs),
        None => out.collections.push(CollectionDir {
            name,
            documents: docs,
        }),
    }
}

fn scan_body(
    dir: &Path,
    problems: &mut Vec<(PathBuf, String)>,
    clean: &mut Vec<PathBuf>,
) -> BodyDir {
    let body_json = dir.join("body.json");
    let file = if body_json.is_file() {
        match read_json::<BodyFile>(&body_json).and_then(|f| check_schema(f.schema).map(|_| f)) {
            Ok(f) => {
                clean.push(body_json);
                Some(f)
            }
            Err(reason) => {
                problems.push((body_json, reason));
                None
            }
        }
    } else {
        None
    };
    let name = file
        .as_ref()
        .and_then(|f| f.name.clone())
        .unwrap_or_else(|| folder_name(dir));
    let mut meetings = Vec::new();
    for sub in subdirs(dir) {
        let Some(date) = parse_date_dir(&sub) else {
            continue;
        };
        match scan_meeting(&sub, date) {
            Ok(m) => {
                clean.push(sub.join("meeting.json"));
                meetings.push(m);
            }
            Err(reason) => problems.push((sub.join("meeting.json"), reason)),
        }
    }
    meetings.sort_by_key(|m| m.date);
    BodyDir {
        name,
        file,
        meetings,
    }
}

/// Reads one meeting folder. An unusable `meeting.json` skips the meeting: its
/// items could be closed, and importing them as open would be worse than waiting.
fn scan_meeting(dir: &Path, date: NaiveDate) -> std::result::Result<MeetingDir, String> {
    let json = dir.join("meeting.json");
    let file = if json.is_file() {
        let f: MeetingFile = read_json(&json)?;
        check_schema(f.schema)?;
        f
    } else {
        MeetingFile {
            schema: SCHEMA_VERSION,
            ..MeetingFile::default()
        }
    };
    let mut items: BTreeMap<u32, (Option<String>, Vec<PdfFile>)> = BTreeMap::new();
    for sub in subdirs(dir) {
        if let Some((number, title)) = parse_item_dir(&sub) {
            let mut pdfs: Vec<PdfFile> = list_files(&sub)
                .into_iter()
                .filter(|p| is_pdf(p))
                .map(|p| pdf_file(&p))
                .collect();
            pdfs.sort_by(|a, b| a.path.cmp(&b.path));
            items.insert(number, (Some(title), pdfs));
        }
    }
    let mut entries: BTreeMap<u32, ItemEntry> = BTreeMap::new();
    for entry in &file.items {
        if entries.insert(entry.number, entry.clone()).is_some() {
            return Err(format!(
                "punkt {} står to gange i meeting.json",
                entry.number
            ));
        }
        items.entry(entry.number).or_insert((None, Vec::new()));
    }
    let mut out = Vec::new();
    for (number, (folder_title, mut attachments)) in items {
        let entry = entries.remove(&number).unwrap_or(ItemEntry {
            number,
            ..ItemEntry::default()
        });
        for own in &entry.attachments {
            let pdf = attachments
                .iter_mut()
                .find(|a| a.path.file_name().is_some_and(|n| *n == *own.file))
                .ok_or_else(|| {
                    format!(
                        "punkt {number} i meeting.json nævner bilaget «{}», som ikke ligger i punktets mappe",
                        own.file
                    )
                })?;
            pdf.closed = own.access.is_closed();
        }
        let title = entry.title.clone().or(folder_title).ok_or_else(|| {
            format!("punkt {number} i meeting.json har ingen titel og ingen mappe")
        })?;
        out.push(ItemDir {
            title,
            entry,
            attachments,
        });
    }
    Ok(MeetingDir {
        date,
        path: dir.to_path_buf(),
        file,
        items: out,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> std::result::Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("kunne ikke læse filen: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("ugyldig JSON: {e}"))
}

fn check_schema(version: u32) -> std::result::Result<(), String> {
    if version == SCHEMA_VERSION {
        Ok(())
    } else {
        Err(format!(
            "ukendt skemaversion {version} (denne udgave af Mødemappe læser version {SCHEMA_VERSION})"
        ))
    }
}

fn has_date_dirs(dir: &Path) -> bool {
    subdirs(dir).iter().any(|d| parse_date_dir(d).is_some())
}

fn parse_date_dir(dir: &Path) -> Option<NaiveDate> {
    let name = dir.file_name()?.to_str()?;
    if name.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(name, "%Y-%m-%d").ok()
}

/// "07 Lokalplan for Gellerup" → (7, "Lokalplan for Gellerup").
fn parse_item_dir(dir: &Path) -> Option<(u32, String)> {
    let name = dir.file_name()?.to_str()?;
    let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
    let number = digits.parse().ok()?;
    let title = name[digits.len()..].trim().to_string();
    Some((
        number,
        if title.is_empty() {
            format!("Punkt {number}")
        } else {
            title
        },
    ))
}

fn collect_pdfs(root: &Path) -> Vec<(String, PdfFile)> {
    let mut docs: Vec<(String, PdfFile)> = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && is_pdf(e.path()))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, pdf_file(e.path()))
        })
        .collect();
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    docs
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.path())
        .collect()
}

fn is_pdf(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

fn pdf_file(path: &Path) -> PdfFile {
    PdfFile {
        title: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_path_buf(),
        closed: false,
    }
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Dokumenter".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"%PDF-").unwrap();
    }

    #[test]
    fn tells_meetings_from_collections() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("Teknisk Udvalg/2023-03-01/01 Godkendelse af dagsorden/x.txt"));
        touch(&root.join("Teknisk Udvalg/2023-03-01/03 Lokalplan 1234/Bilag 2.pdf"));
        touch(&root.join("Teknisk Udvalg/2023-03-01/03 Lokalplan 1234/Bilag 1.pdf"));
        touch(&root.join("Byrådshåndbogen/kapitel 1.pdf"));
        touch(&root.join("Byrådshåndbogen/bilag/skema.pdf"));
        fs::write(
            root.join("Teknisk Udvalg/2023-03-01/meeting.json"),
            r#"{"schema":1,"start":"15:00","items":[{"number":3,"access":"closed","case_number":"EMN-2023-000001"},{"number":1,"kind":"fixed"}]}"#,
        )
        .unwrap();
        let scan = scan(&[root.to_path_buf()]).unwrap();
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        assert_eq!(scan.bodies.len(), 1);
        let meeting = &scan.bodies[0].meetings[0];
        assert_eq!(meeting.items.len(), 2);
        let item = &meeting.items[1];
        assert_eq!(item.title, "Lokalplan 1234");
        assert!(item.entry.access.is_closed());
        let titles: Vec<_> = item.attachments.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["Bilag 1", "Bilag 2"]);
        assert_eq!(scan.collections.len(), 1);
        assert_eq!(scan.collections[0].name, "Byrådshåndbogen");
        let rels: Vec<_> = scan.collections[0]
            .documents
            .iter()
            .map(|d| d.0.as_str())
            .collect();
        assert_eq!(rels, ["bilag/skema.pdf", "kapitel 1.pdf"]);
    }

    #[test]
    fn broken_meeting_json_skips_that_meeting_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("KU/2023-01-10/02 Kunststøtte/a.pdf"));
        touch(&root.join("KU/2023-01-24/02 Musikskole/a.pdf"));
        fs::write(
            root.join("KU/2023-01-10/meeting.json"),
            "{\"schema\": 1, \"items\": [",
        )
        .unwrap();
        fs::write(root.join("KU/2023-01-24/meeting.json"), "{\"schema\": 7}").unwrap();
        let scan = scan(&[root.join("KU")]).unwrap();
        assert_eq!(scan.bodies[0].meetings.len(), 0);
        assert_eq!(scan.problems.len(), 2);
        assert!(scan.problems[0].1.contains("ugyldig JSON"));
        assert!(scan.problems[1].1.contains("skemaversion 7"));
    }
}
