//! Live portals' quirks: bilag behind a viewer page, null release dates,
//! bodies in several groups, and a portal added by its municipality's name.

use super::*;

/// Whether every stored file of a data directory is a PDF by its first bytes.
fn only_pdfs_stored(data: &Path) -> Vec<String> {
    walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let head: Vec<u8> = std::fs::read(e.path())
                .unwrap()
                .into_iter()
                .take(1024)
                .collect();
            !head.windows(5).any(|w| w == b"%PDF-")
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn bilag_behind_the_viewer_page_are_fetched_and_nothing_but_pdfs_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    // Every third bilag and case PDF is answered by the viewer page, each
    // signed URL expires on its first use, and two viewer pages point nowhere.
    let p = portal(dir.path(), |d| {
        let viewer_page = Faults::viewer_every(d, 3);
        Faults {
            viewer_nowhere: viewer_page.iter().take(2).cloned().collect(),
            viewer_page,
            signed_expires_first_use: true,
            ..Faults::none()
        }
    });
    assert!(p.faults().viewer_page.len() > 10);
    let data = dir.path().join("data");
    add_source(&data, &p);
    let out = sync(&data);
    assert_eq!(only_pdfs_stored(&data), Vec::<String>::new(), "{out}");
    let failures = status(&data)["sources"][0]["failures"].clone();
    let failures = failures.as_array().unwrap();
    assert_eq!(
        failures.len(),
        2,
        "only the two that point nowhere: {failures:#?}"
    );
    assert!(
        failures
            .iter()
            .all(|f| f["reason"].as_str().unwrap().contains("404")),
        "{failures:#?}"
    );

    // A later sync against a healthy portal completes them.
    *p.faults() = Faults::none();
    let out = sync(&data);
    let healed = status(&data);
    assert_eq!(
        healed["sources"][0]["failures"].as_array().unwrap().len(),
        0,
        "{out}"
    );
    assert_eq!(only_pdfs_stored(&data), Vec::<String>::new());

    // Every bilag is there: the same as a sync of a portal without quirks.
    let clean = dir.path().join("clean");
    add_source(&clean, &p);
    sync(&clean);
    let clean = status(&clean);
    for key in ["attachments", "pages", "items"] {
        assert_eq!(healed[key], clean[key], "{key}");
    }
}

#[test]
fn a_list_with_null_release_dates_and_bodies_in_several_groups_syncs_like_a_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults {
        released_null: true,
        listed_in_several_groups: true,
        ..Faults::none()
    });
    let quirky = dir.path().join("quirky");
    add_source(&quirky, &p);
    let out = sync(&quirky);
    *p.faults() = Faults::none();
    let plain = dir.path().join("plain");
    add_source(&plain, &p);
    sync(&plain);
    let (q, c) = (status(&quirky), status(&plain));
    assert_eq!(
        q["sources"][0]["failures"].as_array().unwrap().len(),
        0,
        "{out}"
    );
    for key in ["bodies", "meetings", "items", "attachments", "pages"] {
        assert_eq!(q[key], c[key], "{key}: {out}");
    }
    let stats = |data: &Path| ok(data, &["stats", "--by", "month", "--format", "json"]);
    assert_eq!(stats(&quirky), stats(&plain));
}

#[test]
fn a_portal_is_added_by_its_municipalitys_name_offline_and_a_typo_gets_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = ok(&data, &["source", "add", "portal", "aarhus"]);
    assert!(out.contains("Aarhus Kommune"), "{out}");
    let sources = ok(&data, &["source", "list", "--json"]);
    assert!(
        sources.contains("\"https://dagsordener.aarhus.dk\""),
        "{sources}"
    );
    let out = moedemappe(&data, &["source", "add", "portal", "aarhsu"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mente du Aarhus"), "{stderr}");
}
