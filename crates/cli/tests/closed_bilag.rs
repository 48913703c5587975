//! A closed bilag on an open item, as members receive them: the folder
//! format marks it in `meeting.json`; the open scope sees the item and its
//! open bilag exactly as if the closed one had never been stored, and the
//! closed scope finds the closed one at its page.

mod common;

use std::path::Path;

use common::serve::{get_json as get, member, open_token, serve};
use common::{ok, pdf, Page};
use serde_json::Value;

const OPEN_WORD: &str = "solsikkemarken";
const CLOSED_WORD: &str = "kobberhanerne";
const CASE: &str = "EMN-2024-000123";

/// A folder source with one meeting whose open item carries an open bilag
/// and, unless `without_closed`, a closed one.
fn write_folder(root: &Path, without_closed: bool) {
    let item = root.join("Teknisk Udvalg/2024-03-05/01 Ny cykelsti langs Ringvejen");
    std::fs::create_dir_all(&item).unwrap();
    let open = pdf(
        &[
            Page::text(&[
                "Tegninger af cykelstien.",
                "Stien slutter ved solsikkemarken.",
            ]),
            Page::text(&["Anden side om belysning og cykelparkering."]),
        ],
        None,
    );
    std::fs::write(item.join("Bilag 1 Tegninger.pdf"), open).unwrap();
    let mut own = "";
    if !without_closed {
        let closed = pdf(
            &[
                Page::text(&["Tilbud fra entreprenoeren."]),
                Page::text(&["Prisen omfatter kobberhanerne ved broen."]),
            ],
            None,
        );
        std::fs::write(item.join("Bilag 2 Tilbud.pdf"), closed).unwrap();
        own = r#", "attachments": [{ "file": "Bilag 2 Tilbud.pdf", "access": "closed" }]"#;
    }
    std::fs::write(
        item.parent().unwrap().join("meeting.json"),
        format!(
            r#"{{ "schema": 1, "start": "15:00", "end": "16:00", "items": [
                {{ "number": 1, "case_number": "{CASE}",
                   "case_text": "Forvaltningen foreslår en ny cykelsti"{own} }}
            ] }}"#
        ),
    )
    .unwrap();
}

/// A data directory synced from the folder.
fn synced(base: &Path, name: &str, without_closed: bool) -> std::path::PathBuf {
    let folder = base.join(format!("{name}-mappe"));
    write_folder(&folder, without_closed);
    let data = base.join(name);
    ok(
        &data,
        &[
            "source",
            "add",
            "folder",
            folder.to_str().unwrap(),
            "--name",
            "Indbakke",
        ],
    );
    ok(&data, &["sync"]);
    data
}

#[test]
fn the_open_scope_sees_an_open_item_as_if_its_closed_bilag_were_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let with = synced(dir.path(), "med", false);
    let without = synced(dir.path(), "uden", true);
    let closed_token = ok(&with, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    let (a, b) = (serve(&with), serve(&without));
    let (ta, tb) = (open_token(&with), open_token(&without));

    // The same item, meeting and open bilag ids in both (the closed bilag is
    // written after the open one).
    let (_, meetings) = get(&a, "/api/meetings", &ta);
    let meeting = meetings[0]["id"].as_i64().unwrap();
    let (_, view) = get(&a, &format!("/api/meetings/{meeting}"), &ta);
    let item = view["items"][0]["id"].as_i64().unwrap();
    let bilag: Vec<&Value> = view["items"][0]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(bilag.len(), 1, "only the open bilag: {view}");
    assert_eq!(bilag[0]["title"], "Bilag 1 Tegninger");
    let open_id = bilag[0]["id"].as_i64().unwrap();
    let closed_id = open_id + 1;

    // The closed scope sees the closed bilag, marked closed, and its word at its page.
    let (_, full) = get(&a, &format!("/api/meetings/{meeting}"), &closed_token);
    let all = full["items"][0]["attachments"].as_array().unwrap();
    assert_eq!(all.len(), 2, "{full}");
    assert_eq!(all[1]["id"], closed_id);
    assert_eq!(
        (all[0]["closed"].clone(), all[1]["closed"].clone()),
        (false.into(), true.into())
    );
    let (_, hits) = get(
        &a,
        &format!("/api/search?q={CLOSED_WORD}&group=false"),
        &closed_token,
    );
    assert_eq!(hits["total"], 1, "{hits}");
    assert_eq!(hits["hits"][0]["attachment_id"], closed_id);
    assert_eq!(hits["hits"][0]["page"], 2);
    assert_eq!(hits["hits"][0]["access"], "closed");
    let (status, _) = get(
        &a,
        &format!("/api/attachments/{closed_id}/pages/2"),
        &closed_token,
    );
    assert_eq!(status, 200);
    // The member's statistics leave the closed bilag out (2 pages, not 4).
    let (_, stats) = get(
        &a,
        "/api/stats?from=2024-01-01&to=2024-12-31",
        &closed_token,
    );
    assert_eq!(stats["rows"][0]["pages"], 2, "{stats}");
    // … and its drill-down says why.
    let explained = ok(&with, &["stats", "--from", "2024-01-01", "--explain"]);
    let line = explained
        .lines()
        .find(|l| l.contains("Bilag 2 Tilbud"))
        .unwrap_or_else(|| panic!("{explained}"));
    assert!(
        line.contains("lukket bilag på et åbent punkt: tælles ikke"),
        "{line}"
    );

    // The open scope: every answer as from the store without the closed bilag.
    let paths = [
        format!("/api/search?q={OPEN_WORD}"),
        format!("/api/search?q={CLOSED_WORD}"),
        format!("/api/search?q={CLOSED_WORD}&group=false"),
        "/api/search?q=tilbud&group=false".to_string(),
        format!("/api/retrieve?q=hvad+koster+{CLOSED_WORD}&k=5"),
        format!("/api/retrieve?q=cykelstien+ved+{OPEN_WORD}&k=5"),
        format!("/api/meetings/{meeting}"),
        format!("/api/items/{item}"),
        format!("/api/cases/{CASE}"),
        format!("/api/attachments/{closed_id}/pages/1"),
        format!("/api/attachments/{closed_id}/file"),
        format!("/api/attachments/{open_id}/pages/1"),
        format!("/api/notes?attachment={closed_id}"),
        "/api/stats?from=2024-01-01&to=2024-12-31".to_string(),
        "/api/status".to_string(),
    ];
    for path in &paths {
        let (sa, va) = get(&a, path, &ta);
        let (sb, vb) = get(&b, path, &tb);
        let strip = |mut v: Value| {
            if let Some(o) = v.as_object_mut() {
                o.remove("data_dir");
            }
            v
        };
        assert_eq!((sa, strip(va)), (sb, strip(vb)), "{path}");
    }
    let (_, found) = get(&a, &format!("/api/search?q={OPEN_WORD}&group=false"), &ta);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["page"], 1);

    // A bundle of the case holds the open bilag, never the closed one, even
    // with the member's notes on both.
    ok(&with, &["me", "--name", "Test Medlem"]);
    let me = member(&a);
    for (attachment, page, quote) in [
        (open_id, 1, "Stien slutter"),
        (closed_id, 2, "Prisen omfatter"),
    ] {
        let resp = me
            .post(format!("{}/api/notes", a.base))
            .json(&serde_json::json!({
                "attachment": attachment, "page": page, "quote": quote,
                "body": "Spørg forvaltningen", "visibility": "shared"
            }))
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.text().unwrap());
    }
    let bundle = dir.path().join("sag.zip");
    ok(
        &with,
        &[
            "share",
            "export",
            "--case",
            CASE,
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bundle).unwrap()).unwrap();
    let mut pdfs = 0;
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
        if f.name().ends_with(".pdf") {
            pdfs += 1;
        } else {
            text += &String::from_utf8_lossy(&bytes);
        }
    }
    assert_eq!(pdfs, 1, "only the open bilag's file");
    assert!(
        !text.contains("Bilag 2 Tilbud") && !text.contains("Prisen omfatter"),
        "{text}"
    );
}
