//! End-to-end: sharing bundles between two data directories (round trip,
//! re-import, newer export), closed material never leaving, and bad bundles
//! refused with one clear error and nothing changed.

mod common;
mod notes_common;

use common::{json_lines, moedemappe, ok};
use notes_common::{db, dump, meeting, page_text, write_zip, zip_entries};
use std::collections::BTreeSet;
use std::path::Path;

/// Copies a data directory (without the demo corpus).
fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with("demo") {
            continue;
        }
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `n` different quotes of four words from a page.
fn quotes(text: &str, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in words.windows(4).step_by(4) {
            let q = w.join(" ");
            if q.chars().count() >= 15 && !out.contains(&q) {
                out.push(q);
            }
        }
    }
    assert!(out.len() >= n, "too few quotes in {text:?}");
    out.truncate(n);
    out
}

fn add(data: &Path, args: &[&str]) -> String {
    let mut all = vec!["note", "add", "--json"];
    all.extend_from_slice(args);
    json_lines(&ok(data, &all)).remove(0)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn notes(data: &Path, case: &str) -> Vec<serde_json::Value> {
    json_lines(&ok(data, &["note", "list", "--case", case, "--json"]))
}

#[test]
fn a_mentor_shares_a_case_and_the_mentee_sees_exactly_the_shared_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mentor = dir.path().join("mentor");
    let mentee = dir.path().join("mentee");
    ok(&mentor, &["demo", "--scale", "0.02"]);
    copy_dir(&mentor, &mentee);
    // An open case with a read attachment, nothing of it closed.
    let (case, attachment): (String, i64) = db(&mentor)
        .query_row(
            "SELECT i.case_number, ia.attachment_id FROM items i
               JOIN item_attachments ia ON ia.item_id = i.id
               JOIN pages p ON p.attachment_id = ia.attachment_id AND p.page = 1 AND length(p.text) > 400
              WHERE i.kind <> 'fixed' AND i.case_number IS NOT NULL
                AND i.case_number NOT IN (SELECT case_number FROM items WHERE closed = 1 AND case_number IS NOT NULL)
              ORDER BY i.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an open case with text");
    ok(&mentor, &["me", "--name", "Mette Mentor"]);
    let qs = quotes(&page_text(&mentor, attachment, 1), 4);
    let att = attachment.to_string();
    let hl = |q: &str, shared: bool| {
        let mut args = vec!["--attachment", att.as_str(), "--page", "1", "--quote", q];
        if shared {
            args.push("--shared");
        }
        add(&mentor, &args)
    };
    let mut shared: Vec<String> = vec![
        hl(&qs[0], true),
        hl(&qs[1], true),
        hl(&qs[2], true),
        add(
            &mentor,
            &[
                "--case",
                &case,
                "--body",
                "Spørg til **økonomien**",
                "--markdown",
                "--shared",
            ],
        ),
        add(
            &mentor,
            &[
                "--case",
                &case,
                "--body",
                "Tjek høringssvarene",
                "--tag",
                "høring",
                "--shared",
            ],
        ),
    ];
    let private = [
        hl(&qs[3], false),
        add(&mentor, &["--case", &case, "--body", "Min private tanke"]),
        add(
            &mentor,
            &["--case", &case, "--body", "Ring til partifællen"],
        ),
    ];
    assert_eq!(notes(&mentor, &case).len(), 8);

    let bundle = dir.path().join("sag.zip");
    let out = ok(
        &mentor,
        &[
            "share",
            "export",
            "--case",
            &case,
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(out.contains("5 delte noter"), "{out}");
    assert!(out.contains("3 private noter er ikke med"), "{out}");
    let entries = zip_entries(&bundle);
    let all_text: String = entries
        .iter()
        .filter(|(n, _)| n.ends_with(".json") || n.ends_with(".jsonld"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    for id in &private {
        assert!(!all_text.contains(id.as_str()), "a private note left: {id}");
    }
    assert!(!all_text.contains("Min private tanke"));

    let files_before = walkdir::WalkDir::new(mentee.join("files"))
        .into_iter()
        .count();
    let out = ok(&mentee, &["share", "import", bundle.to_str().unwrap()]);
    assert!(
        out.contains("Mette Mentor: 5 nye, 0 opdateret, 0 uændrede; 0 nye bilag"),
        "{out}"
    );
    assert_eq!(
        walkdir::WalkDir::new(mentee.join("files"))
            .into_iter()
            .count(),
        files_before,
        "attachments deduplicated by content"
    );
    let seen = notes(&mentee, &case);
    let ids: BTreeSet<String> = seen
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    shared.sort();
    assert_eq!(ids, shared.iter().cloned().collect::<BTreeSet<_>>());
    for v in &seen {
        assert_eq!(v["author"]["name"], "Mette Mentor", "{v}");
        assert_eq!(v["mine"], false);
        assert_eq!(v["origin"], "imported");
    }
    let md = seen
        .iter()
        .find(|v| v["body"] == "Spørg til **økonomien**")
        .unwrap();
    assert_eq!(md["format"], "text/markdown");
    let tagged = seen
        .iter()
        .find(|v| v["body"] == "Tjek høringssvarene")
        .unwrap();
    assert_eq!(tagged["tags"][0], "høring");
    let text = ok(&mentee, &["note", "list", "--case", &case]);
    assert!(text.contains("Mette Mentor"), "{text}");

    // The mentee's own note beside them; re-importing changes nothing.
    let own = add(&mentee, &["--case", &case, "--body", "Mine egne tanker"]);
    let own_before = notes(&mentee, &case)
        .into_iter()
        .find(|v| v["id"] == own.as_str())
        .unwrap();
    let before = dump(&mentee);
    let out = ok(&mentee, &["share", "import", bundle.to_str().unwrap()]);
    assert!(out.contains("0 nye, 0 opdateret, 5 uændrede"), "{out}");
    assert_eq!(dump(&mentee), before, "re-import changed the store");

    // A newer export updates the changed note, and nothing else.
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok(
        &mentor,
        &["note", "edit", &shared[0], "--body", "Rettet efter mødet"],
    );
    let newer = dir.path().join("sag-2.zip");
    // The case in its short spelling: "2023-1088" for EMN-2023-001088.
    let (year, serial) = case
        .rsplit_once('-')
        .map(|(a, s)| (&a[a.len() - 4..], s))
        .unwrap();
    let short = format!("{year}-{}", serial.trim_start_matches('0'));
    ok(
        &mentor,
        &[
            "share",
            "export",
            "--case",
            &short,
            "-o",
            newer.to_str().unwrap(),
        ],
    );
    let out = ok(&mentee, &["share", "import", newer.to_str().unwrap()]);
    assert!(out.contains("0 nye, 1 opdateret, 4 uændrede"), "{out}");
    let after = notes(&mentee, &case);
    assert_eq!(after.len(), 6);
    let edited = after
        .iter()
        .find(|v| v["id"] == shared[0].as_str())
        .unwrap();
    assert_eq!(edited["body"], "Rettet efter mødet");
    let own_after = after.iter().find(|v| v["id"] == own.as_str()).unwrap();
    assert_eq!(*own_after, own_before, "the mentee's own note changed");
    // The older bundle again does not undo the newer version.
    let out = ok(&mentee, &["share", "import", bundle.to_str().unwrap()]);
    assert!(out.contains("0 nye, 0 opdateret, 5 uændrede"), "{out}");
    let edited = notes(&mentee, &case)
        .into_iter()
        .find(|v| v["id"] == shared[0].as_str())
        .unwrap();
    assert_eq!(edited["body"], "Rettet efter mødet");
    // A new display name reaches every note of the mentor with the next bundle.
    ok(&mentor, &["me", "--name", "Mette M. Mentor"]);
    ok(
        &mentor,
        &[
            "share",
            "export",
            "--case",
            &case,
            "-o",
            newer.to_str().unwrap(),
        ],
    );
    ok(&mentee, &["share", "import", newer.to_str().unwrap()]);
    for v in notes(&mentee, &case) {
        let expected = if v["id"] == own.as_str() {
            "Mig"
        } else {
            "Mette M. Mentor"
        };
        assert_eq!(v["author"]["name"], expected, "{v}");
    }
    // The mentee cannot change the mentor's notes.
    let out = moedemappe(&mentee, &["note", "edit", &shared[1], "--body", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Mette M. Mentor"));
}

#[test]
fn a_bundle_of_a_meeting_with_closed_items_holds_nothing_closed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    ok(&data, &["me", "--name", "Mette Mentor"]);
    let conn = db(&data);
    // A meeting with a closed item that has an attachment with text, and an open one.
    let (meeting, closed_item, closed_attachment): (i64, i64, i64) = conn
        .query_row(
            "SELECT i.meeting_id, i.id, ia.attachment_id FROM items i
               JOIN item_attachments ia ON ia.item_id = i.id
               JOIN pages p ON p.attachment_id = ia.attachment_id AND p.page = 1 AND length(p.text) > 200
              WHERE i.closed = 1 AND EXISTS (
                    SELECT 1 FROM items o JOIN item_attachments oa ON oa.item_id = o.id
                     JOIN pages op ON op.attachment_id = oa.attachment_id AND op.page = 1 AND length(op.text) > 200
                     WHERE o.meeting_id = i.meeting_id AND o.closed = 0 AND o.kind <> 'fixed'
                       AND oa.attachment_id NOT IN (SELECT attachment_id FROM item_attachments x
                                                      JOIN items xi ON xi.id = x.item_id WHERE xi.closed = 1))
              ORDER BY i.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a meeting with closed and open items");
    let (open_item, open_attachment): (i64, i64) = conn
        .query_row(
            "SELECT o.id, oa.attachment_id FROM items o JOIN item_attachments oa ON oa.item_id = o.id
               JOIN pages op ON op.attachment_id = oa.attachment_id AND op.page = 1 AND length(op.text) > 200
              WHERE o.meeting_id = ?1 AND o.closed = 0 AND o.kind <> 'fixed'
                AND oa.attachment_id NOT IN (SELECT attachment_id FROM item_attachments x
                                               JOIN items xi ON xi.id = x.item_id WHERE xi.closed = 1)
              ORDER BY o.id LIMIT 1",
            [meeting],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Everything that identifies closed material at this meeting.
    let mut closed_words: Vec<String> = Vec::new();
    let mut closed_numbers: Vec<u32> = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT number, title, case_number FROM items WHERE meeting_id = ?1 AND closed = 1",
        )
        .unwrap();
    for row in stmt
        .query_map([meeting], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .unwrap()
    {
        let (n, title, case) = row.unwrap();
        closed_numbers.push(n);
        closed_words.push(title);
        closed_words.extend(case);
    }
    let closed_shas: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT a.sha256 FROM items i JOIN item_attachments ia ON ia.item_id = i.id
               JOIN attachments a ON a.id = ia.attachment_id WHERE i.closed = 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(stmt);
    drop(conn);
    let closed_quote = notes_common::quote_from(&page_text(&data, closed_attachment, 1));
    let closed_note = add(
        &data,
        &[
            "--item",
            &closed_item.to_string(),
            "--body",
            "Fortroligt: personsag",
            "--shared",
        ],
    );
    let closed_hl = add(
        &data,
        &[
            "--attachment",
            &closed_attachment.to_string(),
            "--item",
            &closed_item.to_string(),
            "--page",
            "1",
            "--quote",
            &closed_quote,
            "--shared",
        ],
    );
    let open_quote = notes_common::quote_from(&page_text(&data, open_attachment, 1));
    let open_hl = add(
        &data,
        &[
            "--attachment",
            &open_attachment.to_string(),
            "--item",
            &open_item.to_string(),
            "--page",
            "1",
            "--quote",
            &open_quote,
            "--body",
            "Godt punkt",
            "--shared",
        ],
    );

    // Refusing names what is closed and writes nothing.
    let refused = dir.path().join("afvist.zip");
    let out = moedemappe(
        &data,
        &[
            "share",
            "export",
            "--meeting",
            &meeting.to_string(),
            "-o",
            refused.to_str().unwrap(),
            "--closed",
            "refuse",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lukket materiale"), "{err}");
    assert!(
        err.contains(&format!("punkt {}", closed_numbers[0])),
        "{err}"
    );
    assert!(!refused.exists());

    // The default leaves it out and says so.
    let bundle = dir.path().join("moede.zip");
    let out = ok(
        &data,
        &[
            "share",
            "export",
            "--meeting",
            &meeting.to_string(),
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(out.contains("Lukket materiale er udeladt"), "{out}");
    assert!(
        out.contains(&format!("punkt {}", closed_numbers[0])),
        "{out}"
    );
    let entries = zip_entries(&bundle);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for sha in &closed_shas {
        assert!(
            !names.iter().any(|n| n.contains(sha.as_str())),
            "closed attachment {sha} in {names:?}"
        );
    }
    let json: String = entries
        .iter()
        .filter(|(n, _)| !n.ends_with(".pdf"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    for sha in &closed_shas {
        assert!(
            !json.contains(sha.as_str()),
            "closed attachment {sha} named"
        );
    }
    for w in &closed_words {
        assert!(
            !json.contains(w.as_str()),
            "closed item «{w}» named in the bundle"
        );
    }
    assert!(!json.contains(&closed_note) && !json.contains(&closed_hl));
    assert!(!json.contains("personsag"));
    // (Demo pages share a letterhead, so the quote itself may also be an open one.)
    assert!(
        closed_quote == open_quote || !json.contains(&closed_quote),
        "{closed_quote}"
    );
    assert!(json.contains(&open_hl), "the open note is there");
    let manifest: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(manifest["schema"], 1);
    for item in manifest["items"].as_array().unwrap() {
        assert!(
            !closed_numbers.contains(&(item["number"].as_u64().unwrap() as u32)),
            "{item}"
        );
    }
    // The export said what it left out; the bundle does not.
    assert_no_omitted(&manifest);
    // Every PDF in the bundle is an open attachment's content.
    for (name, bytes) in &entries {
        if name.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF"), "{name}");
        }
    }
}

/// Zip entries: (name, bytes).
type Entries = Vec<(String, Vec<u8>)>;

/// Fails if any key anywhere in `v` speaks of what was left out.
fn assert_no_omitted(v: &serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                assert!(!k.contains("omitted"), "«{k}» in the manifest");
                assert_no_omitted(x);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(assert_no_omitted),
        _ => {}
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `entries` with the manifest changed by `f`.
fn with_manifest(entries: &Entries, f: &dyn Fn(&mut serde_json::Value)) -> Entries {
    entries
        .iter()
        .map(|(n, b)| {
            if n == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(b).unwrap();
                f(&mut m);
                (n.clone(), serde_json::to_vec_pretty(&m).unwrap())
            } else {
                (n.clone(), b.clone())
            }
        })
        .collect()
}

/// Writes a zip whose entries are stored, not compressed.
fn write_zip_stored(path: &Path, entries: &Entries) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// A data directory with one meeting and a member's note, and a valid bundle
/// from another member with two shared notes.
fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = dir.join("moeder");
    meeting(
        &root,
        "2024-03-04",
        &[&["Forvaltningen anbefaler, at trafikplanen for Viby godkendes."]],
    );
    let mentor = dir.join("mentor");
    ok(&mentor, &["import", root.to_str().unwrap()]);
    ok(&mentor, &["me", "--name", "Mette Mentor"]);
    let attachment: i64 = db(&mentor)
        .query_row("SELECT attachment_id FROM item_attachments", [], |r| {
            r.get(0)
        })
        .unwrap();
    add(
        &mentor,
        &[
            "--attachment",
            &attachment.to_string(),
            "--page",
            "1",
            "--quote",
            "trafikplanen for Viby",
            "--shared",
        ],
    );
    add(
        &mentor,
        &[
            "--case",
            "EMN-2024-000001",
            "--body",
            "Spørg om tidsplanen",
            "--shared",
        ],
    );
    let bundle = dir.join("god.zip");
    ok(
        &mentor,
        &[
            "share",
            "export",
            "--case",
            "EMN-2024-000001",
            "-o",
            bundle.to_str().unwrap(),
        ],
    );
    let mentee = dir.join("mentee");
    ok(&mentee, &["import", root.to_str().unwrap()]);
    add(
        &mentee,
        &["--case", "EMN-2024-000001", "--body", "Min egen note"],
    );
    (mentee, bundle)
}

#[test]
fn bad_bundles_get_one_clear_error_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mentee, good) = setup(dir.path());
    let entries = zip_entries(&good);
    let with = |extra: Vec<(String, Vec<u8>)>| {
        let mut e = entries.clone();
        e.extend(extra);
        e
    };
    let replace = |name: &str, f: &dyn Fn(&str) -> String| {
        entries
            .iter()
            .map(|(n, b)| {
                if n == name {
                    (
                        n.clone(),
                        f(&String::from_utf8(b.clone()).unwrap()).into_bytes(),
                    )
                } else {
                    (n.clone(), b.clone())
                }
            })
            .collect::<Vec<_>>()
    };
    let sha = entries
        .iter()
        .find_map(|(n, _)| {
            n.strip_prefix("attachments/")
                .and_then(|n| n.strip_suffix(".pdf"))
        })
        .unwrap()
        .to_string();
    let cases: Vec<(&str, Entries, &str)> = vec![
        (
            "bomb",
            with(vec![(
                format!("attachments/{}.pdf", "0".repeat(64)),
                vec![0u8; 40 << 20],
            )]),
            "zip-bombe",
        ),
        (
            "dotdot",
            with(vec![("../uden-for.json".into(), b"{}".to_vec())]),
            "«..» i stien",
        ),
        (
            "absolute",
            with(vec![("/tmp/absolut.json".into(), b"{}".to_vec())]),
            "absolut sti",
        ),
        (
            "future",
            replace("manifest.json", &|m| {
                m.replace("\"schema\": 1", "\"schema\": 7")
            }),
            "nyere udgave",
        ),
        (
            "wrong-schema",
            replace("manifest.json", &|m| {
                m.replace("\"schema\": 1", "\"schema\": 0")
            }),
            "ukendt skemaversion",
        ),
        (
            "not-ours",
            replace("manifest.json", &|m| {
                m.replace("moedemappe-bundle", "noget-andet")
            }),
            "ikke en Mødemappe-pakke",
        ),
        (
            "unknown-attachment",
            replace("annotations.jsonld", &|a| a.replace(&sha, &"f".repeat(64))),
            "peger på et bilag, som ikke er i pakken",
        ),
        (
            "changed-content",
            entries
                .iter()
                .map(|(n, b)| {
                    let mut b = b.clone();
                    if n.ends_with(".pdf") {
                        b.extend_from_slice(b"%% ekstra");
                    }
                    (n.clone(), b)
                })
                .collect(),
            "har ikke den størrelse",
        ),
    ];
    let pdf_entry = entries
        .iter()
        .find(|(n, _)| n.ends_with(".pdf"))
        .unwrap()
        .clone();
    // The attachment swapped for a non-PDF, everything else made to match.
    let not_pdf = b"<html>ikke en pdf</html>".repeat(100);
    let other = sha256(&not_pdf);
    let mut not_a_pdf: Entries = with_manifest(&entries, &|m| {
        let a = &mut m["attachments"][0];
        a["sha256"] = other.clone().into();
        a["size"] = not_pdf.len().into();
        a["path"] = format!("attachments/{other}.pdf").into();
    })
    .into_iter()
    .filter(|(n, _)| !n.ends_with(".pdf"))
    .map(|(n, b)| {
        let b = String::from_utf8(b).unwrap().replace(&sha, &other);
        (n, b.into_bytes())
    })
    .collect();
    not_a_pdf.push((format!("attachments/{other}.pdf"), not_pdf.clone()));
    // A second, real PDF no note points at.
    let extra_pdf = common::pdf(&[common::Page::text(&["Et bilag uden noter"])], None);
    let extra = sha256(&extra_pdf);
    let mut unreferenced = with_manifest(&entries, &|m| {
        let mut a = m["attachments"][0].clone();
        a["sha256"] = extra.clone().into();
        a["size"] = extra_pdf.len().into();
        a["path"] = format!("attachments/{extra}.pdf").into();
        m["attachments"].as_array_mut().unwrap().push(a);
    });
    unreferenced.push((format!("attachments/{extra}.pdf"), extra_pdf.clone()));
    // More items than any meeting or case has, in a small manifest.
    let many_items = with_manifest(&entries, &|m| {
        let item = m["items"][0].clone();
        m["items"] = vec![item; 3_000].into();
    });
    // 200,000 attachments: the manifest alone is tens of MB.
    let huge = with_manifest(&entries, &|m| {
        let a = m["attachments"][0].clone();
        m["attachments"] = vec![a; 200_000].into();
    });
    let mut cases = cases;
    cases.extend([
        ("not-a-pdf", not_a_pdf, "er ikke en PDF-fil"),
        ("unreferenced", unreferenced, "bruges ikke af nogen note"),
        (
            "many-items",
            many_items,
            "for mange punkter (3000; højst 1000)",
        ),
    ]);
    let before = dump(&mentee);
    let check = |name: &str, path: &Path, expect: &str| {
        let out = moedemappe(&mentee, &["share", "import", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains("pakken kan ikke indlæses"), "{name}: {err}");
        assert!(err.contains(expect), "{name}: expected «{expect}» in {err}");
        assert_eq!(dump(&mentee), before, "{name} changed the store");
    };
    for (name, e, expect) in &cases {
        let path = dir.path().join(format!("{name}.zip"));
        write_zip(&path, e);
        check(name, &path, expect);
    }
    // A link entry.
    let link = dir.path().join("link.zip");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&link).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for (n, b) in &entries {
            zip.start_file(n.as_str(), opts).unwrap();
            zip.write_all(b).unwrap();
        }
        zip.add_symlink("attachments/link.pdf", "/etc/passwd", opts)
            .unwrap();
        zip.finish().unwrap();
    }
    check("link", &link, "link");
    // A truncated file.
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("afkortet.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    check("truncated", &cut, "afkortet");
    // A huge manifest, stored: refused by its size before it is read.
    let path = dir.path().join("huge.zip");
    write_zip_stored(&path, &huge);
    check("huge-manifest", &path, "«manifest.json» er for stor");
    // Two manifests: the zip crate keeps one entry per name, so the second is
    // written under another name and renamed in the raw bytes.
    let evil = with_manifest(&entries, &|m| {
        m["author"]["name"] = "Falsk Forfatter".into()
    });
    let mut two = entries.clone();
    two.push((
        "manifest.jsoX".into(),
        evil.iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1
            .clone(),
    ));
    let path = dir.path().join("to-manifester.zip");
    write_zip_stored(&path, &two);
    let mut raw = std::fs::read(&path).unwrap();
    let needle = b"manifest.jsoX";
    let mut renamed = 0;
    for i in 0..=raw.len() - needle.len() {
        if &raw[i..i + needle.len()] == needle {
            raw[i + needle.len() - 1] = b'n';
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "local and central header");
    std::fs::write(&path, &raw).unwrap();
    check(
        "two-manifests",
        &path,
        "«manifest.json» står to gange i pakken",
    );
    assert!(pdf_entry.1.starts_with(b"%PDF-"));

    // The good bundle still imports.
    let out = ok(&mentee, &["share", "import", good.to_str().unwrap()]);
    assert!(out.contains("2 nye"), "{out}");
    assert_ne!(dump(&mentee), before);

    // Into an empty data directory: the attachment is stored and its text read.
    let fresh = dir.path().join("tom");
    let out = ok(&fresh, &["share", "import", good.to_str().unwrap()]);
    assert!(
        out.contains("2 nye, 0 opdateret, 0 uændrede; 1 nye bilag"),
        "{out}"
    );
    let status: serde_json::Value =
        serde_json::from_str(&ok(&fresh, &["status", "--json"])).unwrap();
    assert_eq!(status["attachments"], 1);
    assert_eq!(status["pending_text"], 0);
    let listed = json_lines(&ok(
        &fresh,
        &["note", "list", "--case", "EMN-2024-000001", "--json"],
    ));
    assert_eq!(listed.len(), 2);
    let highlight = listed.iter().find(|v| !v["anchor"].is_null()).unwrap();
    let text = page_text(&fresh, highlight["attachment"].as_i64().unwrap(), 1);
    assert!(text.contains("trafikplanen for Viby"), "{text}");

    // A bundle from before, which said what was left out, still imports.
    let old = dir.path().join("gammel.zip");
    write_zip(
        &old,
        &with_manifest(&entries, &|m| {
            m["omitted_closed"] =
                serde_json::json!({"items": 2, "attachments": 1, "annotations": 0});
        }),
    );
    let older = dir.path().join("gammel-data");
    let out = ok(&older, &["share", "import", old.to_str().unwrap()]);
    assert!(out.contains("2 nye"), "{out}");
    // The bundle written today says nothing about what was left out.
    let manifest: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_no_omitted(&manifest);
}

#[test]
fn a_case_with_only_closed_treatments_is_refused_like_an_unknown_case() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("moeder");
    let m = root.join("Teknisk Udvalg").join("2024-05-06");
    let item = m.join("01 Personalesag");
    std::fs::create_dir_all(&item).unwrap();
    std::fs::write(
        m.join("meeting.json"),
        r#"{ "schema": 1, "items": [ { "number": 1, "access": "closed", "case_number": "EMN-2024-000099" } ] }"#,
    )
    .unwrap();
    std::fs::write(
        item.join("Bilag 1 Indstilling.pdf"),
        common::pdf(
            &[common::Page::text(&["Fortrolig indstilling om en ansat"])],
            None,
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    ok(&data, &["import", root.to_str().unwrap()]);
    ok(&data, &["me", "--name", "Mette Mentor"]);
    add(
        &data,
        &[
            "--case",
            "EMN-2024-000099",
            "--body",
            "Husk tavshedspligten",
            "--shared",
        ],
    );
    let refusal = |case: &str, extra: &[&str]| {
        let out_file = dir.path().join(format!("{case}.zip"));
        let mut args = vec![
            "share",
            "export",
            "--case",
            case,
            "-o",
            out_file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = moedemappe(&data, &args);
        assert_eq!(out.status.code(), Some(1), "{case} {extra:?}");
        assert!(!out_file.exists(), "{case}: a bundle was written");
        String::from_utf8_lossy(&out.stderr).replace(case, "<sag>")
    };
    for extra in [&[][..], &["--closed", "refuse"][..]] {
        let closed = refusal("EMN-2024-000099", extra);
        let unknown = refusal("EMN-2024-999999", extra);
        assert_eq!(closed, unknown, "{extra:?}");
        assert!(closed.contains("ingen sag"), "{closed}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
