//! The data directory's search index: an index of another version (or the
//! single-index layout before the open index) is rebuilt from the store when
//! the directory is opened, and `reindex` refills both of its parts.

use std::fs;
use std::path::Path;

use super::{IngestSettings, Mappe, SearchRequest};
use crate::extract::WorkerCommand;
use crate::progress::Silent;

/// A stand-in worker (the real one is the `moedemappe` binary): every "PDF"
/// is one page whose text is the file's bytes. (Other api tests use it too.)
pub(super) fn settings() -> IngestSettings {
    let script = r#"while read -r line; do
  p=$(printf '%s' "$line" | sed 's/.*"path":"\([^"]*\)".*/\1/')
  t=$(cat "$p")
  printf '{"page_count":1,"pages":["%s"],"failed_pages":[],"status":"full","problem":null}\n' "$t"
done"#;
    let mut s = IngestSettings::new(WorkerCommand {
        program: "sh".into(),
        args: vec!["-c".into(), script.into()],
    });
    s.workers = 1;
    s
}

/// A meeting with an open item and a closed one, in the folder format.
pub(super) fn meeting_folder(root: &Path) {
    let meeting = root.join("Teknisk Udvalg").join("2023-03-01");
    for (item, text) in [
        ("01 Lokalplan ved havnen", "lokalplan for havnen og kajen"),
        ("02 Grundkøb", "fortroligt grundkøb ved havnen"),
    ] {
        fs::create_dir_all(meeting.join(item)).unwrap();
        fs::write(meeting.join(item).join("Bilag.pdf"), text).unwrap();
    }
    fs::write(
        meeting.join("meeting.json"),
        r#"{"schema":1,"items":[{"number":2,"access":"closed"}]}"#,
    )
    .unwrap();
}

fn totals(m: &Mappe, text: &str) -> (usize, usize) {
    let req = SearchRequest::new(text, 20);
    let all = m.session(super::Scope::Member).search(&req).unwrap().total;
    (
        all,
        m.session(super::Scope::Open).search(&req).unwrap().total,
    )
}

#[test]
fn an_index_in_the_old_layout_is_rebuilt_at_open_and_reindex_fills_both_parts() {
    let dir = tempfile::tempdir().unwrap();
    let (data, folder) = (dir.path().join("data"), dir.path().join("Møder"));
    meeting_folder(&folder);
    let m = Mappe::open(&data).unwrap();
    m.import(&[folder], &settings(), &Silent).unwrap();
    let havnen = totals(&m, "havnen");
    assert!(havnen.0 > havnen.1 && havnen.1 > 0, "{havnen:?}");
    assert_eq!(totals(&m, "grundkøb").1, 0);
    let (all, open) = (
        m.index.doc_count_in(true).unwrap(),
        m.index.doc_count_in(false).unwrap(),
    );
    assert!(all > open && open > 0);
    drop(m);

    // Make it look like the single-index layout of version 3: tantivy's files
    // straight in index/, the version file beside them, no open part.
    let index = data.join("index");
    for e in fs::read_dir(index.join("all")).unwrap() {
        let e = e.unwrap();
        fs::rename(e.path(), index.join(e.file_name())).unwrap();
    }
    fs::remove_dir(index.join("all")).unwrap();
    fs::remove_dir_all(index.join("open")).unwrap();
    fs::write(
        index.join("moedemappe-schema-version"),
        "moedemappe-index-3\n",
    )
    .unwrap();

    let m = Mappe::open(&data).unwrap();
    assert_eq!(totals(&m, "havnen"), havnen);
    assert_eq!(totals(&m, "grundkøb").1, 0);
    assert!(index.join("all").is_dir() && index.join("open").is_dir());
    assert!(!index.join("meta.json").exists(), "the old files are gone");
    assert_eq!(m.index.doc_count_in(true).unwrap(), all);
    assert_eq!(m.index.doc_count_in(false).unwrap(), open);

    assert_eq!(m.reindex(&Silent).unwrap(), all);
    assert_eq!(totals(&m, "havnen"), havnen);
    assert_eq!(m.index.doc_count_in(true).unwrap(), all);
    assert_eq!(m.index.doc_count_in(false).unwrap(), open);
}
