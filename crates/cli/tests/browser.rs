//! The web UI in a real browser: runs the scripts in `tests/browser/`
//! (playwright-core driving Debian's chromium, headless) against this
//! crate's `moedemappe` binary on the demo corpus. It needs the UI built
//! (`ui/dist`), `npm ci` in `tests/browser/` and `/usr/bin/chromium`;
//! `.ci/run` provides all three. When one is missing the test fails and says
//! which, so a machine without them never passes it silently.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace folder")
}

#[test]
fn search_facets_history_and_the_reader_work_in_chromium() {
    run_spec("search.spec.mjs", &["soeg.png", "laeser.png"]);
}

#[test]
fn statistics_sources_and_sharing_screens_work_in_chromium() {
    run_spec(
        "panels.spec.mjs",
        &["statistik.png", "kilder.png", "del.png"],
    );
}

#[test]
fn forside_moede_and_sag_work_in_chromium() {
    run_spec(
        "screens.spec.mjs",
        &[
            "forside.png",
            "moede.png",
            "moede-lukket-bilag.png",
            "sag.png",
            "del-fra-sag.png",
        ],
    );
}

#[test]
fn a_member_moves_from_hits_to_items_meetings_cases_notes_and_a_small_screen_in_chromium() {
    run_spec(
        "moving.spec.mjs",
        &[
            "soeg-til-punkt.png",
            "laeser-sti.png",
            "moeder.png",
            "noter.png",
            "laeser-1024.png",
        ],
    );
}

#[test]
fn a_saved_search_shows_what_a_sync_brought_on_the_front_page_until_seen_in_chromium() {
    run_spec("alerts.spec.mjs", &["nyt-til-dig.png"]);
}

#[test]
fn the_reader_highlights_notes_marks_read_and_searches_the_document_in_chromium() {
    run_spec("reader.spec.mjs", &["laeser-note.png"]);
}

#[test]
fn the_vaults_lock_screen_locks_and_unlocks_in_chromium() {
    run_spec("vault.spec.mjs", &["laast.png", "laast-op.png"]);
}

#[test]
fn a_meeting_shared_on_the_network_is_taken_with_the_code_on_another_server_in_chromium() {
    run_spec(
        "nearby.spec.mjs",
        &["del-netvaerk.png", "hent-fra-kollega.png"],
    );
}

#[test]
fn a_members_first_run_from_kommune_to_the_next_meeting_works_in_chromium() {
    // A fake portal with meetings still to come, as a live one has.
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    moedemappe_core::demo::generate(
        &corpus,
        &moedemappe_core::demo::DemoOptions {
            scale: 0.02,
            seed: 7,
            today: None,
        },
    )
    .unwrap();
    let mut data = fakeportal::PortalData::from_corpus(&corpus).unwrap();
    data.move_to(chrono::Local::now().date_naive(), 21);
    let today = chrono::Local::now().date_naive();
    let next_body = data
        .meetings()
        .filter(|(_, m)| m.date >= today)
        .min_by_key(|(_, m)| m.date)
        .map(|(b, _)| b.name.clone())
        .expect("a meeting to come");
    let portal = fakeportal::FakePortal::start(data, fakeportal::Faults::none()).unwrap();
    run_spec_with(
        "firstrun.spec.mjs",
        &[
            "forste-kommune.png",
            "forste-udvalg.png",
            "forste-hentning.png",
            "forste-moeder.png",
            "forste-laeser.png",
        ],
        &[
            ("FAKEPORTAL_URL", portal.base_url().as_str()),
            ("FAKEPORTAL_NEXT_BODY", next_body.as_str()),
        ],
    );
}

/// Runs `tests/browser/{spec}` and checks that it saved the screenshots
/// `pngs` into `test-artifacts/`.
fn run_spec(spec: &str, pngs: &[&str]) {
    run_spec_with(spec, pngs, &[]);
}

/// [`run_spec`] with `env` set for the script.
fn run_spec_with(spec: &str, pngs: &[&str], env: &[(&str, &str)]) {
    let root = workspace();
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let ui = root.join("ui/dist");
    let spec = root.join("tests/browser").join(spec);
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!(
            "chromium ({}): apt-get install -y chromium",
            chromium.display()
        ));
    }
    if !ui.join("index.html").is_file() {
        missing.push("the built UI (ui/dist): cd ui && npm ci && npm run build".to_string());
    }
    if !root
        .join("tests/browser/node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("playwright-core: cd tests/browser && npm ci".to_string());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node: apt-get install -y nodejs npm".to_string());
    }
    assert!(
        missing.is_empty(),
        "the browser test cannot run; missing (bash .ci/run installs them):\n  {}",
        missing.join("\n  ")
    );

    let started = std::time::Instant::now();
    let out = Command::new("node")
        .arg(&spec)
        .arg(env!("CARGO_BIN_EXE_moedemappe"))
        .arg(&ui)
        .arg(root.join("test-artifacts"))
        .current_dir(&root)
        .env_remove("MOEDEMAPPE_DATA")
        .envs(env.iter().copied())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser test failed ({:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
    for png in pngs {
        let bytes = std::fs::read(root.join("test-artifacts").join(png)).expect(png);
        assert!(bytes.starts_with(b"\x89PNG"), "{png} is a PNG");
    }
    eprintln!(
        "{stdout}browser test: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
