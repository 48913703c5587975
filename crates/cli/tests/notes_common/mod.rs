//! Helpers for the notes and sharing tests: a dump of everything a data
//! directory stores (every row of every table, every file), ways to find
//! items, attachments and page texts in the store, and zip rewriting.

#![allow(dead_code)]

use super::common::{pdf, Page};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::Path;

/// Every row of every table (sorted) and every stored file with its size.
pub fn dump(data: &Path) -> String {
    let conn = Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..n {
                    cells.push(match r.get_ref(i)? {
                        ValueRef::Null => "NULL".to_string(),
                        ValueRef::Integer(x) => x.to_string(),
                        ValueRef::Real(x) => x.to_string(),
                        ValueRef::Text(x) => String::from_utf8_lossy(x).into_owned(),
                        ValueRef::Blob(x) => format!("blob:{}", x.len()),
                    });
                }
                Ok(cells.join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.push_str(&format!("== {t} ({})\n", rows.len()));
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    let mut files: Vec<String> = walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| format!("{} {}", e.path().display(), e.metadata().unwrap().len()))
        .collect();
    files.sort();
    out.push_str("== files\n");
    out.push_str(&files.join("\n"));
    out
}

/// Opens the store of a data directory for the test's own queries.
pub fn db(data: &Path) -> Connection {
    Connection::open(data.join("moedemappe.sqlite")).unwrap()
}

/// The text of a page of an attachment.
pub fn page_text(data: &Path, attachment: i64, page: u32) -> String {
    db(data)
        .query_row(
            "SELECT text FROM pages WHERE attachment_id = ?1 AND page = ?2",
            (attachment, page),
            |r| r.get(0),
        )
        .unwrap()
}

/// A quote of a few words from the middle of a page's first long line.
pub fn quote_from(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.split_whitespace().count() >= 7)
        .unwrap_or_else(|| panic!("no long line in {text:?}"));
    line.split_whitespace()
        .skip(1)
        .take(5)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entries of a zip file: (name, bytes), in order.
pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes)
        })
        .collect()
}

/// Writes a zip with these entries (deflated).
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Writes one meeting of "Teknisk Udvalg" with one item of case
/// EMN-2024-000001 and one attachment "Bilag 1 Trafikplan" with these pages.
pub fn meeting(root: &Path, date: &str, pages: &[&[&str]]) {
    let m = root.join("Teknisk Udvalg").join(date);
    let item = m.join("01 Trafikplan for Viby");
    std::fs::create_dir_all(&item).unwrap();
    std::fs::write(
        m.join("meeting.json"),
        r#"{ "schema": 1, "items": [ { "number": 1, "case_number": "EMN-2024-000001" } ] }"#,
    )
    .unwrap();
    let pages: Vec<Page> = pages.iter().map(|p| Page::text(p)).collect();
    std::fs::write(item.join("Bilag 1 Trafikplan.pdf"), pdf(&pages, None)).unwrap();
}
