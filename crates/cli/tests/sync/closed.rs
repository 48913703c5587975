//! Closed material from the portal: a received closed bilag attached by
//! the member, and a closed publication (»Lukket referat«).

use super::*;

/// What `attach rm` must bring back: every attachment row, page, item link
/// and stored file.
fn store_snapshot(data: &Path) -> (Vec<String>, Vec<String>) {
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let db = [
        rows("SELECT sha256 || ' ' || coalesce(page_count, -1) FROM attachments ORDER BY id"),
        rows("SELECT attachment_id || ':' || page || ' ' || length(text) FROM pages ORDER BY 1"),
        rows("SELECT item_id || ' ' || ord || ' ' || attachment_id || ' ' || title FROM item_attachments ORDER BY 1"),
    ]
    .concat();
    let mut files: Vec<String> = walkdir::WalkDir::new(data.join("files"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    (db, files)
}

#[test]
fn a_received_closed_bilag_attached_to_an_item_stays_through_reindex_and_resync() {
    const WORD: &str = "kobberhanerne";
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let data = dir.path().join("data");
    add_source(&data, &p);
    sync(&data);
    let (item, body, date): (i64, String, String) =
        rusqlite::Connection::open(data.join("moedemappe.sqlite"))
            .unwrap()
            .query_row(
                "SELECT i.id, b.name, m.date FROM items i JOIN meetings m ON m.id = i.meeting_id
           JOIN bodies b ON b.id = m.body_id
          WHERE i.closed = 0 AND i.kind = 'regular'
            AND EXISTS (SELECT 1 FROM item_attachments WHERE item_id = i.id)
          ORDER BY i.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
    let before = store_snapshot(&data);
    let received = dir.path().join("Tilbud fra entreprenør.pdf");
    std::fs::write(
        &received,
        common::pdf(
            &[
                common::Page::text(&["Tilbud pa arbejdet."]),
                common::Page::text(&["Prisen omfatter kobberhanerne ved broen."]),
            ],
            None,
        ),
    )
    .unwrap();
    let item_s = item.to_string();
    let attach = |extra: &[&str]| {
        let mut args = vec!["attach", received.to_str().unwrap(), "--item", &item_s];
        args.extend_from_slice(extra);
        ok(&data, &args)
    };
    let out = attach(&["--closed"]);
    assert!(
        out.contains("vedhæftet") && out.contains("lukket bilag"),
        "{out}"
    );
    let found = |data: &Path| -> Vec<serde_json::Value> {
        common::json_lines(&ok(data, &["search", WORD, "--flat", "--json"]))
    };
    let hits = found(&data);
    assert_eq!(hits.len(), 1, "found by the member at once: {hits:?}");
    assert_eq!(hits[0]["page"], 2);
    assert_eq!(hits[0]["attachment_title"], "Tilbud fra entreprenør");
    assert_eq!(hits[0]["access"], "closed");
    let attachment = hits[0]["attachment_id"].as_i64().unwrap();

    // Never in the open scope: not found, not on the item.
    {
        let server = common::serve::serve(&data);
        let token = std::fs::read_to_string(data.join("api-token")).unwrap();
        let client = reqwest::blocking::Client::new();
        let get = |path: &str| -> serde_json::Value {
            client
                .get(format!("{}{path}", server.base))
                .bearer_auth(token.trim())
                .send()
                .unwrap()
                .json()
                .unwrap()
        };
        assert_eq!(get(&format!("/api/search?q={WORD}"))["total"], 0);
        let on_item = get(&format!("/api/items/{item}"));
        assert!(
            on_item["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["id"] != attachment),
            "{on_item}"
        );
    }

    // The same file again stores nothing twice.
    let again = store_snapshot(&data);
    let out = attach(&["--closed"]);
    assert!(out.contains("allerede"), "{out}");
    assert_eq!(store_snapshot(&data), again);

    // Through a rebuilt index and a new publication of its meeting.
    ok(&data, &["reindex"]);
    assert_eq!(found(&data).len(), 1, "after reindex");
    {
        let mut d = p.data();
        for b in d.bodies.iter_mut().filter(|b| b.name == body) {
            for m in b.meetings.iter_mut().filter(|m| m.date.to_string() == date) {
                m.released += chrono::Duration::hours(1);
            }
        }
    }
    let out = sync(&data);
    assert!(
        !out.contains(" 0 hentet"),
        "the meeting was stored again: {out}"
    );
    assert_eq!(found(&data).len(), 1, "after a resync: {out}");
    let listed: i64 = rusqlite::Connection::open(data.join("moedemappe.sqlite"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM item_attachments WHERE item_id = ?1 AND attachment_id = ?2",
            [item, attachment],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(listed, 1, "kept once by the resync");

    // Removing it leaves the store as it was before.
    let out = ok(
        &data,
        &[
            "attach",
            "rm",
            "--item",
            &item_s,
            "--attachment",
            &attachment.to_string(),
        ],
    );
    assert!(out.contains("fjernet"), "{out}");
    assert_eq!(store_snapshot(&data), before);
    assert!(found(&data).is_empty());
    // What the source lists cannot be removed that way.
    let source_bilag = before
        .0
        .iter()
        .find(|r| r.starts_with(&format!("{item} ")))
        .unwrap();
    let source_id = source_bilag.split(' ').nth(2).unwrap();
    let out = moedemappe(
        &data,
        &["attach", "rm", "--item", &item_s, "--attachment", source_id],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("selv har tilføjet"));

    // Not a PDF: refused, nothing stored.
    let text = dir.path().join("notat.pdf");
    std::fs::write(&text, "bare tekst").unwrap();
    let out = moedemappe(
        &data,
        &["attach", text.to_str().unwrap(), "--item", &item_s],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ikke en PDF"));
    assert_eq!(store_snapshot(&data), before);
}

#[test]
fn a_lukket_referat_is_a_closed_meeting_the_open_scope_sees_no_trace_of() {
    const TEXT_WORD: &str = "grundkøbet";
    const NEW_BODY: &str = "Salgsudvalget";
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    // Two data directories synced from the same portal; then the portal
    // publishes closed minutes, and only `with` syncs again. Everything else
    // keeps its ids, so the open scope's answers must be identical.
    let with = dir.path().join("with");
    let without = dir.path().join("without");
    for data in [&with, &without] {
        add_source(data, &p);
        sync(data);
    }
    // Each makes two syncs (what is new since the previous sync is shown).
    sync(&without);
    let (body, same_day, last_day) = {
        let d = p.data();
        let (b, m) = d.meetings().next().unwrap();
        let last = d.meetings().map(|(_, m)| m.date).max().unwrap();
        (b.name.clone(), m.date, last)
    };
    let text = format!("Forhandling om {TEXT_WORD} ved havnen og prisen for arealet.");
    {
        let mut d = p.data();
        // Beside an open meeting of the same day, with an item the portal
        // marks open, and on a day of its own.
        d.add_closed_minutes(
            &body,
            same_day,
            &[
                ("Køb af areal", &text, true),
                ("Personalesag", &text, false),
            ],
        );
        d.add_closed_minutes(
            &body,
            last_day + chrono::Duration::days(3),
            &[("Salg af grund", &text, false)],
        );
        // A body the portal knows only from closed minutes.
        d.add_closed_minutes(
            NEW_BODY,
            last_day + chrono::Duration::days(5),
            &[("Salg af bygning", &text, true)],
        );
    }
    p.reset_counters();
    let out = sync(&with);
    assert_eq!(
        p.counters().pdf_file,
        0,
        "no closed bilag is fetched: {out}"
    );
    for data in [&with, &without] {
        ok(data, &["follow", &body]);
    }

    let (a, b) = (common::serve::serve(&with), common::serve::serve(&without));
    let (ta, tb) = (
        common::serve::open_token(&with),
        common::serve::open_token(&without),
    );

    // The member sees three closed meetings, marked closed, with closed items.
    let m = common::serve::member(&a);
    let all: serde_json::Value = m
        .get(format!("{}/api/meetings", a.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let closed: Vec<&serde_json::Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["closed"] == true)
        .collect();
    assert_eq!(closed.len(), 3, "{all:#}");
    assert!(closed.iter().any(|m| m["body"] == NEW_BODY));
    assert!(closed
        .iter()
        .all(|m| m["item_count"] == m["closed_items"] && m["publication"] == "minutes"));
    let beside = closed
        .iter()
        .find(|m| m["date"] == same_day.to_string().as_str())
        .expect("the closed minutes beside the open meeting");
    let view: serde_json::Value = m
        .get(format!("{}/api/meetings/{}", a.base, beside["id"]))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(view["items"].as_array().unwrap().len(), 2, "{view:#}");
    assert!(
        view["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["closed"] == true),
        "an item the portal marks open in closed minutes is stored closed: {view:#}"
    );
    let open_day = all
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["date"] == same_day.to_string().as_str() && m["closed"] == false)
        .expect("the open meeting of that day is still there");
    assert_eq!(open_day["closed_items"], 0, "{open_day}");
    let hits: serde_json::Value = m
        .get(format!("{}/api/search?q={TEXT_WORD}&group=false", a.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        hits["total"].as_u64().unwrap() >= 1,
        "the member finds it: {hits}"
    );

    // The open scope: the same answers as where the closed minutes were
    // never published. (An id of a closed meeting is unknown in both.)
    let encoded_body = body.replace(' ', "%20");
    let paths = [
        "/api/meetings".to_string(),
        format!("/api/meetings?body={encoded_body}"),
        format!("/api/meetings?body={NEW_BODY}"),
        format!("/api/meetings/{}", beside["id"]),
        format!("/api/notes?meeting={}", beside["id"]),
        format!("/api/search?q={TEXT_WORD}"),
        format!("/api/retrieve?q={TEXT_WORD}%20havnen"),
        format!("/api/search?q=havnen&body={NEW_BODY}"),
        "/api/stats".to_string(),
        "/api/stats?by=month".to_string(),
        format!("/api/stats?body={NEW_BODY}"),
        "/api/bodies".to_string(),
        "/api/agenda?from=2000-01-01&next=500".to_string(),
        "/api/agenda/recent?before=2100-01-01&last=500".to_string(),
    ];
    for path in &paths {
        let (sa, ja) = common::serve::get_json(&a, path, &ta);
        let (sb, jb) = common::serve::get_json(&b, path, &tb);
        assert_eq!((sa, &ja), (sb, &jb), "{path}");
    }
    let (_, sa) = common::serve::get_json(&a, "/api/status", &ta);
    let (_, sb) = common::serve::get_json(&b, "/api/status", &tb);
    for key in ["bodies", "meetings", "items", "attachments", "pages"] {
        assert_eq!(sa[key], sb[key], "status {key}: {sa:#}");
    }
    // And the meeting ids of the closed minutes answer as unknown ids do.
    let (code, body404) =
        common::serve::get_json(&a, &format!("/api/meetings/{}", beside["id"]), &ta);
    assert_eq!(code, 404, "{body404}");
}
