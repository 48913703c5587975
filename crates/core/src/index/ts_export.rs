//! The TypeScript types of the search API that the UI imports
//! (`ui/src/api/*.ts`), generated from the Rust types with ts-rs. The test
//! fails when the committed files are stale; run it with
//! `MOEDEMAPPE_WRITE_TS=1 cargo test -p moedemappe-core --lib export_ts` to
//! write them anew.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::TS;

use super::{Citation, SearchResults};

/// Every `.ts` file of `dir` by name, with its text.
fn ts_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !name.ends_with(".test.ts") && name != "client.ts" {
            files.insert(name, std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    files
}

#[test]
fn export_ts() {
    let fresh = tempfile::tempdir().unwrap();
    SearchResults::export_all_to(fresh.path()).unwrap();
    // Flattened into `Hit`, so not a dependency of it; the UI names it.
    Citation::export_all_to(fresh.path()).unwrap();
    // Forside, Møde and Sag.
    crate::api::AgendaEntry::export_all_to(fresh.path()).unwrap();
    crate::api::BodyChoice::export_all_to(fresh.path()).unwrap();
    crate::api::Pace::export_all_to(fresh.path()).unwrap();
    crate::api::MeetingView::export_all_to(fresh.path()).unwrap();
    crate::api::CaseHistory::export_all_to(fresh.path()).unwrap();
    crate::api::AttachmentUse::export_all_to(fresh.path()).unwrap();
    // Notes and reading progress.
    crate::api::NoteView::export_all_to(fresh.path()).unwrap();
    crate::api::NewNote::export_all_to(fresh.path()).unwrap();
    crate::api::NoteEdit::export_all_to(fresh.path()).unwrap();
    crate::api::ReadingProgress::export_all_to(fresh.path()).unwrap();
    // Søgeagenter: what is new (with the saved searches and their queries).
    crate::api::Alerts::export_all_to(fresh.path()).unwrap();
    // Statistik, Kilder and Del.
    crate::stats::Stats::export_all_to(fresh.path()).unwrap();
    crate::api::SyncState::export_all_to(fresh.path()).unwrap();
    crate::api::OcrState::export_all_to(fresh.path()).unwrap();
    crate::api::OcrPageWords::export_all_to(fresh.path()).unwrap();
    crate::api::SourcesStatus::export_all_to(fresh.path()).unwrap();
    crate::store::Source::export_all_to(fresh.path()).unwrap();
    crate::store::MeetingSummary::export_all_to(fresh.path()).unwrap();
    crate::api::BundlePreview::export_all_to(fresh.path()).unwrap();
    crate::api::ShareCandidate::export_all_to(fresh.path()).unwrap();
    crate::api::ImportBundleReport::export_all_to(fresh.path()).unwrap();
    crate::api::MaterialReport::export_all_to(fresh.path()).unwrap();
    let generated = ts_files(fresh.path());
    assert!(generated.contains_key("SearchResults.ts"));
    assert!(generated.contains_key("Citation.ts"));
    let committed_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api");
    if std::env::var_os("MOEDEMAPPE_WRITE_TS").is_some() {
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
    }
    let committed = ts_files(&committed_dir);
    assert!(
        committed == generated,
        "ui/src/api/ is stale: run MOEDEMAPPE_WRITE_TS=1 cargo test -p moedemappe-core --lib export_ts"
    );
}
