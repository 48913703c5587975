//! The text-only archive: bodies the member does not follow keep only
//! text, and a file comes back when its bilag is opened.

use super::*;

/// (attachment id, sha256, body) of every portal attachment of a data directory.
fn portal_files(data: &Path) -> Vec<(i64, String, String)> {
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT a.id, a.sha256, b.name FROM portal_documents pd
               JOIN attachments a ON a.id = pd.attachment_id
               JOIN item_attachments ia ON ia.attachment_id = a.id
               JOIN items i ON i.id = ia.item_id JOIN meetings m ON m.id = i.meeting_id
               JOIN bodies b ON b.id = m.body_id
              WHERE a.text_status = 'full' ORDER BY a.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn on_disk(data: &Path, sha: &str) -> bool {
    data.join("files")
        .join(&sha[..2])
        .join(format!("{sha}.pdf"))
        .is_file()
}

#[test]
fn unfollowed_bodies_are_kept_as_text_and_their_files_come_back_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let text_only = dir.path().join("text");
    let everything = dir.path().join("all");
    add_source(&text_only, &p);
    add_source(&everything, &p);
    ok(
        &everything,
        &["source", "edit", "Testportal", "--files", "all"],
    );
    sync(&text_only);
    sync(&everything);

    // Following nobody yet, only text is kept of the portal's files; search,
    // status and statistics see as much as with every file on disk.
    let files = portal_files(&text_only);
    assert!(files.len() > 10);
    assert!(files.iter().all(|(_, sha, _)| !on_disk(&text_only, sha)));
    assert!(files.iter().all(|(_, sha, _)| on_disk(&everything, sha)));
    let (a, b) = (status(&text_only), status(&everything));
    for key in ["attachments", "pages", "pages_with_text", "index_documents"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    let distinct: BTreeSet<i64> = files.iter().map(|(id, ..)| *id).collect();
    assert!(
        a["disk"]["text_only"].as_u64().unwrap() >= distinct.len() as u64,
        "{}",
        a["disk"]
    );
    assert!(a["disk"]["files"].as_u64().unwrap() < b["disk"]["files"].as_u64().unwrap());
    let stats = |d: &Path| ok(d, &["stats", "--format", "json"]);
    assert_eq!(stats(&text_only), stats(&everything));
    let hits = |d: &Path| ok(d, &["search", "budget", "--flat", "--json"]);
    assert_eq!(hits(&text_only), hits(&everything));

    // Following a body brings its files back at the next sync.
    let followed = files[0].2.clone();
    ok(&text_only, &["follow", &followed]);
    sync(&text_only);
    let mut bodies_of: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (_, sha, body) in portal_files(&text_only) {
        bodies_of.entry(sha).or_default().push(body);
    }
    for (sha, bodies) in &bodies_of {
        // A file one of whose items is the followed body's is on disk.
        assert_eq!(
            on_disk(&text_only, sha),
            bodies.contains(&followed),
            "{bodies:?}"
        );
    }

    // Opening a text-only bilag fetches its file and keeps it.
    let unfollowed: Vec<(i64, String)> = portal_files(&text_only)
        .into_iter()
        .filter(|(_, sha, _)| !on_disk(&text_only, sha))
        .map(|(id, sha, _)| (id, sha))
        .collect();
    assert!(unfollowed.len() >= 2);
    let server = common::serve::serve(&text_only);
    let m = common::serve::member(&server);
    let file = |id: i64| {
        m.get(format!("{}/api/attachments/{id}/file", server.base))
            .send()
            .unwrap()
    };
    let r = file(unfollowed[0].0);
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().unwrap().starts_with(b"%PDF-"));
    assert!(on_disk(&text_only, &unfollowed[0].1));
    sync(&text_only);
    assert!(
        on_disk(&text_only, &unfollowed[0].1),
        "an opened file is kept"
    );

    // With the portal gone, a clear error and the stored text.
    drop(p);
    let r = file(unfollowed[1].0);
    assert_eq!(r.status().as_u16(), 503);
    let e: serde_json::Value = r.json().unwrap();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("kun gemt som tekst"),
        "{e}"
    );
    let pages = e["pages"].as_array().unwrap();
    assert!(
        !pages.is_empty() && pages.iter().any(|t| !t.as_str().unwrap().is_empty()),
        "{e}"
    );

    // A shared note on that bilag cannot travel without its file: the
    // export and its preview say so instead of leaving it out silently.
    let id = unfollowed[1].0;
    let (n, quote) = pages
        .iter()
        .enumerate()
        .find_map(|(n, t)| {
            let words: Vec<&str> = t.as_str().unwrap().split_whitespace().take(3).collect();
            (words.len() == 3).then(|| (n + 1, words.join(" ")))
        })
        .unwrap();
    ok(
        &text_only,
        &[
            "note",
            "add",
            "--attachment",
            &id.to_string(),
            "--page",
            &n.to_string(),
            "--quote",
            &quote,
            "--body",
            "Spørg til økonomien",
            "--shared",
        ],
    );
    let meeting: i64 = rusqlite::Connection::open(text_only.join("moedemappe.sqlite"))
        .unwrap()
        .query_row(
            "SELECT i.meeting_id FROM item_attachments ia JOIN items i ON i.id = ia.item_id
              WHERE ia.attachment_id = ?1 ORDER BY i.id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let bundle = dir.path().join("pakke.zip");
    ok(&text_only, &["me", "--name", "Anna Byrådsmedlem"]);
    let out = ok(
        &text_only,
        &[
            "share",
            "export",
            "--meeting",
            &meeting.to_string(),
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(out.contains("0 delte noter"), "{out}");
    assert!(out.contains("1 delte noter er ikke med"), "{out}");
    let preview: serde_json::Value = m
        .get(format!(
            "{}/api/share/preview?meeting={meeting}",
            server.base
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(preview["notes_without_file"], 1, "{preview:#}");
}
