//! End-to-end: importing folders with good and broken PDFs through the real
//! binary, searching them, and rebuilding the index.

mod common;

use common::{json_lines, moedemappe, ok, pdf, Page};
use std::fs;

/// A folder that mixes good PDFs with every kind of broken file.
fn mixed_folder(root: &std::path::Path) {
    fs::create_dir_all(root).unwrap();
    let good = pdf(
        &[
            Page::text(&[
                "Notat om arbejdsbelastning i hjemmeplejen",
                "Aarhus Kommune, 2023",
            ]),
            Page::text(&["Side to: budget for ældreområdet"]),
            Page::text(&["Den samlede arbejdsbelastning er steget, især i Århus Midtby."]),
        ],
        None,
    );
    fs::write(root.join("notat.pdf"), &good).unwrap();
    fs::write(root.join("afkortet.pdf"), &good[..good.len() / 2]).unwrap();
    fs::write(
        root.join("tilfældige bytes.pdf"),
        (0..4000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    fs::write(root.join("tom.pdf"), b"").unwrap();
    fs::write(
        root.join("krypteret.pdf"),
        pdf(
            &[Page::text(&["Fortroligt om arbejdsbelastning"])],
            Some(("ejer", "hemmelig")),
        ),
    )
    .unwrap();
    let mut broken_page = Page::text(&["Denne side mangler sin MediaBox"]);
    broken_page.media_box = false;
    fs::write(
        root.join("får pdf-extract til at gå ned.pdf"),
        pdf(
            &[
                Page::text(&["Første side om skolestruktur"]),
                broken_page,
                Page::text(&["Tredje side om skolestrukturen"]),
            ],
            None,
        ),
    )
    .unwrap();
}

#[test]
fn a_folder_of_good_and_broken_pdfs_imports_and_lists_each_failure() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Blandede filer");
    mixed_folder(&folder);

    ok(&data, &["import", folder.to_str().unwrap()]);

    let status: serde_json::Value =
        serde_json::from_str(&ok(&data, &["status", "--json"])).unwrap();
    let failed = status["failed_files"].as_array().unwrap();
    let reason_of = |name: &str| -> String {
        failed
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} is not listed as failed: {failed:#?}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason_of("afkortet.pdf").contains("afkortet eller beskadiget"));
    assert!(reason_of("tilfældige bytes.pdf").contains("ikke en PDF"));
    assert!(reason_of("tom.pdf").contains("tom"));
    assert!(reason_of("krypteret.pdf").contains("adgangskode"));
    assert!(reason_of("får pdf-extract til at gå ned.pdf").contains("side 2"));
    assert_eq!(failed.len(), 5, "only the broken files fail: {failed:#?}");
    assert_eq!(status["documents"], 6);

    // The good file and the readable pages of the half-broken one are searchable.
    let hits = json_lines(&ok(&data, &["search", "arbejdsbelastning", "--json"]));
    let mut pages: Vec<(String, u64)> = hits
        .iter()
        .map(|h| {
            (
                h["attachment_title"].as_str().unwrap().to_string(),
                h["page"].as_u64().unwrap(),
            )
        })
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [("notat".to_string(), 1), ("notat".to_string(), 3)],
        "{hits:#?}"
    );
    let hits = json_lines(&ok(&data, &["search", "skolestruktur", "--json"]));
    let mut pages: Vec<u64> = hits.iter().map(|h| h["page"].as_u64().unwrap()).collect();
    pages.sort();
    assert_eq!(pages, [1, 3]);

    // Importing again changes nothing and reads nothing again.
    let again = ok(&data, &["import", folder.to_str().unwrap()]);
    assert!(again.contains("(0 nye)"), "{again}");
}

#[test]
fn deleting_the_index_and_reindexing_gives_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Notater");
    mixed_folder(&folder);
    ok(&data, &["import", folder.to_str().unwrap()]);
    let before = ok(&data, &["search", "arbejdsbelastning", "--json"]);
    fs::remove_dir_all(data.join("index")).unwrap();
    ok(&data, &["reindex"]);
    let after = ok(&data, &["search", "arbejdsbelastning", "--json"]);
    assert!(!before.trim().is_empty());
    assert_eq!(before, after);
}

#[test]
fn usage_errors_exit_2_and_other_errors_exit_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = moedemappe(&data, &["søg-noget"]);
    assert_eq!(out.status.code(), Some(2));
    let out = moedemappe(
        &data,
        &["import", dir.path().join("findes ikke").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("fejl: "), "{stderr}");
    let out = moedemappe(&data, &["search", "noget", "--body", "Intet Sådant Udvalg"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_import_killed_half_way_is_finished_by_the_next_one_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Seminar");
    fs::create_dir_all(&folder).unwrap();
    for n in 0..12 {
        let line = format!("Seminarpapir {n} om arbejdsbelastning");
        fs::write(
            folder.join(format!("papir {n:02}.pdf")),
            pdf(&[Page::text(&[&line])], None),
        )
        .unwrap();
    }
    // A slow file keeps the workers busy long enough to be killed mid-run.
    let mut slow = b"BT /F1 1 Tf 14 TL 72 760 Td\n".to_vec();
    for _ in 0..800_000 {
        slow.extend_from_slice(b"(ab) Tj\n");
    }
    slow.extend_from_slice(b"ET");
    fs::write(
        folder.join("langsom.pdf"),
        common::pdf_raw(&[(slow, true)], None),
    )
    .unwrap();

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&folder)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let _ = child.kill();
    child.wait().unwrap();

    ok(&data, &["import", folder.to_str().unwrap()]);
    let status: serde_json::Value =
        serde_json::from_str(&ok(&data, &["status", "--json"])).unwrap();
    assert_eq!(status["documents"], 13);
    assert_eq!(status["attachments"], 13);
    assert_eq!(status["pending_text"], 0);
    let hits = json_lines(&ok(
        &data,
        &["search", "seminarpapir", "--json", "--limit", "50"],
    ));
    assert_eq!(hits.len(), 12, "every paper once: {hits:#?}");
}

#[test]
fn an_index_from_another_version_is_rebuilt_from_the_store_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("Notater");
    mixed_folder(&folder);
    ok(&data, &["import", folder.to_str().unwrap()]);
    let before = ok(&data, &["search", "arbejdsbelastning", "--json"]);
    // Pretend an older program wrote the index.
    let version = fs::read_dir(data.join("index"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().contains("version"))
        .expect("the index records its version")
        .path();
    fs::write(&version, "moedemappe-index-0\n").unwrap();
    let after = ok(&data, &["search", "arbejdsbelastning", "--json"]);
    assert!(!before.trim().is_empty());
    assert_eq!(before, after);
}
