//! The second test set: real, human-written council text. The text is not
//! part of the project: it is read from the seed folder (`../shared/seed/`
//! beside the project, or where `MOEDEMAPPE_SEED` points) and cut into pages
//! of [`LINES_PER_PAGE`] lines, the pages of one long bilag. The queries and
//! their rules (`assets/relevance/seed-queries.tsv`) are written by hand.

use std::path::{Path, PathBuf};

use super::corpus::{unit_key, Corpus};
use crate::index::{Citation, DocKind, IndexDoc};
use crate::model::Access;

/// The test set on the seed text.
pub const SEED_QUERIES_TSV: &str = include_str!("../../../../assets/relevance/seed-queries.tsv");

/// Lines of the text file per page: the report's 17,000 lines become about
/// 260 pages, the length of the PDF it was extracted from.
pub const LINES_PER_PAGE: usize = 66;

/// The environment variable naming a seed file or folder.
pub const SEED_VAR: &str = "MOEDEMAPPE_SEED";

/// The seed text file: `MOEDEMAPPE_SEED` (a file, or a folder whose first
/// `.txt` file is taken), else the first `.txt` file of `../shared/seed/`
/// beside the current folder or beside the project's source.
pub fn find() -> Option<PathBuf> {
    let mut places: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os(SEED_VAR) {
        places.push(PathBuf::from(p));
    }
    places.push(PathBuf::from("../shared/seed"));
    places.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed"));
    places.into_iter().find_map(|p| text_file(&p))
}

/// `path` if it is a file, else the first `.txt` file in it by name.
pub fn text_file(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files.into_iter().next()
}

/// The text as the pages of one bilag in a document collection: one index
/// document and one unit per page.
pub fn corpus(text: &str) -> Corpus {
    let lines: Vec<&str> = text.lines().collect();
    let docs: Vec<IndexDoc> = lines
        .chunks(LINES_PER_PAGE)
        .enumerate()
        .map(|(i, page)| {
            let page_no = i as u32 + 1;
            IndexDoc {
                key: format!("doc:1:{page_no}"),
                owner: "doc:1".into(),
                kind: DocKind::Page,
                cite: Citation {
                    attachment_id: Some(1),
                    attachment_title: Some("Bilagsmateriale".into()),
                    page: Some(page_no),
                    collection: Some("Betænkning".into()),
                    access: Access::Open,
                    ..Citation::default()
                },
                text: page.join("\n"),
            }
        })
        .collect();
    let unit_of = docs.iter().map(|d| (d.key.clone(), unit_key(d))).collect();
    Corpus { docs, unit_of }
}
