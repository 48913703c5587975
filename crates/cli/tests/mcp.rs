//! End-to-end test of `moedemappe mcp`: the official MCP client SDK (PyPI
//! `mcp`, driven by `tests/mcp/client.py`) starts the real binary over stdio
//! against the demo corpus, lists the tools, searches, reads every cited page,
//! follows a case and provokes tool errors, once with a closed-scope token and
//! once with the local open token. Closed material must be visible to the
//! first and absent for the second. The `alerts` tool is driven with
//! `tests/mcp/calls.py` after an import brings something new to a saved search.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{moedemappe, ok, pdf, Page};
use serde_json::{json, Value};

/// The version of the Python SDK the test is written against (also in `.ci/run`).
const MCP_VERSION: &str = "2.3.0";

/// The word searched for; the demo corpus has it in open and closed items.
const WORD: &str = "arbejdsbelastning";

fn client_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mcp/client.py")
}

/// Fails (never skips) when the SDK is missing or another version.
fn require_python_sdk() {
    let out = Command::new("python3")
        .args([
            "-c",
            "import mcp, importlib.metadata as m; print(m.version('mcp'))",
        ])
        .output();
    let installed = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Ok(o) => panic!(
            "the Python MCP SDK is missing; install it with `python3 -m pip install mcp=={MCP_VERSION}`\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "python3 cannot run ({e}); install Python 3 and then `python3 -m pip install mcp=={MCP_VERSION}`"
        ),
    };
    assert_eq!(
        installed, MCP_VERSION,
        "the test is written against mcp {MCP_VERSION}; run `python3 -m pip install mcp=={MCP_VERSION}`"
    );
}

/// Runs the client script and returns its JSON summary.
fn client(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut cmd = Command::new("python3");
    cmd.arg(client_script())
        .arg(env!("CARGO_BIN_EXE_moedemappe"))
        .arg(data)
        .args(["--query", WORD])
        .args(args)
        .env_remove("MOEDEMAPPE_TOKEN")
        .env_remove("MOEDEMAPPE_DATA");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "client.py {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON summary ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

/// What every run must show, whatever its scope.
fn check_common(s: &Value) {
    assert_eq!(s["mcp_version"], MCP_VERSION);
    assert_eq!(s["server_name"], "moedemappe");
    let tools = s["tools"].as_object().unwrap();
    let mut names: Vec<&str> = tools.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "alerts",
            "committee_stats",
            "get_case_history",
            "get_page_text",
            "retrieve_passages",
            "search_agendas"
        ]
    );
    for (name, tool) in tools {
        assert_eq!(tool["has_input_schema"], true, "{name}");
        assert!(
            tool["description"].as_str().unwrap().len() > 40,
            "{name} needs a description an LLM can use"
        );
    }
    let search = &tools["search_agendas"];
    for p in [
        "query",
        "body",
        "from",
        "to",
        "kind",
        "case_number",
        "limit",
    ] {
        assert!(strings(&search["properties"]).contains(&p), "{p}");
    }
    assert_eq!(strings(&search["required"]), ["query"]);
    assert_eq!(
        strings(&tools["get_page_text"]["required"]),
        ["attachment_id", "page"]
    );
    assert_eq!(
        strings(&tools["get_case_history"]["required"]),
        ["case_number"]
    );

    assert_eq!(
        strings(&tools["retrieve_passages"]["required"]),
        ["question"]
    );

    // A Danish question: passages with citations, each an exact excerpt of
    // the page its citation names.
    assert_eq!(s["retrieve_is_error"], false);
    let passages = s["passages"].as_array().unwrap();
    assert!(passages.len() >= 5, "too few passages: {passages:?}");
    let mut on_pages = 0;
    for p in passages {
        assert_eq!(p["has_citation"], true, "{p}");
        assert!(!p["matched_terms"].as_array().unwrap().is_empty(), "{p}");
        if p.get("on_page").is_some() {
            assert_eq!(p["page_is_error"], false, "{p}");
            assert_eq!(p["on_page"], true, "passage not on its cited page: {p}");
            on_pages += 1;
        }
    }
    assert!(on_pages >= 3, "{on_pages} passages cite a page");
    // The statistics tool answers with the table's rows.
    assert_eq!(s["stats_is_error"], false);
    assert!(s["stats_rows"].as_u64().unwrap() >= 10);
    assert!(s["stats_items"].as_u64().unwrap() > 0);

    // The search found something, and every cited page holds the word.
    assert_eq!(s["search_is_error"], false);
    assert!(s["results"].as_u64().unwrap() >= 3, "{}", s["results"]);
    let pages = s["pages"].as_array().unwrap();
    assert!(pages.len() >= 3, "too few cited pages: {pages:?}");
    for p in pages {
        assert_eq!(p["is_error"], false, "{p}");
        assert!(p["chars"].as_u64().unwrap() > 0, "{p}");
        assert!(
            p["has_word"] == true || p["title_has_word"] == true,
            "page without {WORD}: {p}"
        );
    }

    // A case from the results, oldest treatment first.
    assert!(s["case_number"].is_string());
    assert_eq!(s["case_is_error"], false);
    assert!(s["case_treatments"].as_u64().unwrap() >= 1);
    assert_eq!(s["case_oldest_first"], true);

    // Unknown case, unknown attachment, page 0, a bad date, a body nobody
    // has: tool errors with a plain Danish message, and the server goes on
    // answering.
    let errors = s["errors"].as_object().unwrap();
    assert_eq!(errors.len(), 5);
    for (call, e) in errors {
        assert_eq!(e["is_error"], true, "{call}");
        assert!(!e["message"].as_str().unwrap().is_empty(), "{call}");
    }
    let messages: String = errors
        .values()
        .map(|e| e["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ");
    for danish in [
        "ingen sag",
        "har ingen side",
        "tæller fra 1",
        "skal være en dato",
        "intet udvalg hedder",
    ] {
        assert!(messages.contains(danish), "{danish} in {messages}");
    }
    assert_eq!(s["alive_after_errors"], true);

    // Nothing on stderr: no logging, so no closed material either.
    assert_eq!(s["server_stderr"], "", "the server wrote to stderr");
}

#[test]
fn the_mcp_server_answers_the_official_client_and_keeps_closed_material_closed() {
    require_python_sdk();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let closed_token = ok(&data, &["token", "create", "--scope", "closed"])
        .trim()
        .to_string();
    let token_file = dir.path().join("closed-token");
    std::fs::write(&token_file, format!("{closed_token}\n")).unwrap();

    // An unknown token: exit 1, one Danish line on stderr, nothing on stdout.
    let bad = dir.path().join("bad-token");
    std::fs::write(&bad, "forkert").unwrap();
    let out = moedemappe(&data, &["mcp", "--token-file", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "stdout is for the protocol only");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ukendt adgangsnøgle"), "{stderr}");

    // With the closed scope: closed material is found and readable.
    let closed = client(&data, &["--token-file", token_file.to_str().unwrap()], &[]);
    check_common(&closed);
    let cs = &closed["closed_search"];
    assert_eq!(cs["is_error"], false);
    assert!(
        cs["results"].as_u64().unwrap() >= 1,
        "the demo has closed items: {cs}"
    );
    assert_eq!(strings(&cs["access"]), ["closed"]);
    assert_eq!(strings(&closed["all_access"]), ["closed", "open"]);
    let closed_pages = closed["closed_pages"].as_array().unwrap();
    assert!(!closed_pages.is_empty());
    for p in closed_pages {
        assert_eq!(p["readable"], true, "{p}");
    }
    assert!(!strings(&closed["closed_titles"]).is_empty());
    // The titles of closed items (that no open item shares): the open scope
    // must never show one. (A closed bilag sits on an open item, whose
    // title is open.)
    let closed_titles: Vec<String> = {
        let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT DISTINCT title FROM items WHERE closed = 1
                    AND title NOT IN (SELECT title FROM items WHERE closed = 0)",
            )
            .unwrap();
        let titles = stmt.query_map([], |r| r.get(0)).unwrap();
        titles.collect::<Result<_, _>>().unwrap()
    };
    assert!(!closed_titles.is_empty());
    assert!(
        closed["closed_passages"].as_u64().unwrap() >= 1,
        "closed passages retrievable with the closed scope"
    );
    assert!(closed["instructions"]
        .as_str()
        .unwrap()
        .contains("lukket materiale"));

    // With the local open token (no token given): closed material is absent —
    // no results, no counts, no titles, no pages, no closed treatments.
    let probe = &closed_pages[0];
    let probe_page = format!("{}:{}", probe["attachment_id"], probe["page"]);
    let mut args = vec!["--probe-page", probe_page.as_str()];
    if let Some(case) = probe["case_number"].as_str() {
        args.extend(["--probe-case", case]);
    }
    let open = client(&data, &args, &[]);
    check_common(&open);
    let os = &open["closed_search"];
    assert_eq!(os["is_error"], false);
    assert_eq!(os["total_matches"], 0, "closed matches counted: {os}");
    assert_eq!(os["results"], 0);
    assert!(open["closed_pages"].as_array().unwrap().is_empty());
    assert_eq!(strings(&open["result_access"]), ["open"]);
    assert_eq!(strings(&open["all_access"]), ["open"]);
    assert_eq!(
        open["closed_passages"], 0,
        "closed passages without the scope"
    );
    assert!(open["passages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["access"] == "open"));
    let all_text = open["all_text"].as_str().unwrap();
    assert!(all_text.contains(WORD), "the open search found the word");
    for title in &closed_titles {
        assert!(!all_text.contains(title), "closed title leaked: {title}");
    }
    assert_eq!(open["probe_page"]["is_error"], true, "closed page readable");
    assert!(!open["probe_page"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains(WORD));
    if probe["case_number"].is_string() {
        let pc = &open["probe_case"];
        assert!(
            pc["is_error"] == true || pc["closed_treatments"] == 0,
            "closed treatments shown: {pc}"
        );
    }
    assert!(open["instructions"]
        .as_str()
        .unwrap()
        .contains("kun åbent materiale"));

    // The token from $MOEDEMAPPE_TOKEN works as well as the file.
    let from_env = client(
        &data,
        &["--env-token"],
        &[("MOEDEMAPPE_TOKEN", closed_token.as_str())],
    );
    assert_eq!(from_env["closed_search"], closed["closed_search"]);
}

/// Calls tools with `tests/mcp/calls.py` (the official SDK) and returns one
/// answer per call; without a token file the server runs with the local
/// open token.
fn call_tools(data: &Path, token_file: Option<&Path>, calls: &Value) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mcp/calls.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script)
        .arg(env!("CARGO_BIN_EXE_moedemappe"))
        .arg(data)
        .args(token_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(calls.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "calls.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(strings(&answers.remove(0)["tools"]).contains(&"alerts"));
    answers
}

/// A meeting in the folder format about Bassinkajen: an open item with an
/// open and a closed bilag, a closed item, and an open item after it (number
/// 3 to the member, 2 to the open scope).
fn bassin_meeting(root: &Path) {
    let day = root.join("Teknisk Udvalg").join("2031-02-12");
    for (item, file, lines) in [
        (
            "01 Badezone ved Bassinkajen",
            "Notat.pdf",
            vec!["Notat om en ny badezone", "En badezone ved Bassinkajen."],
        ),
        (
            "01 Badezone ved Bassinkajen",
            "Prisoverslag.pdf",
            vec![
                "Fortroligt prisoverslag",
                "Trapper ved Bassinkajen: 4 mio. kr.",
            ],
        ),
        (
            "02 Køb af grund ved Bassinkajen",
            "Fortroligt notat.pdf",
            vec!["Fortroligt notat", "Prisen for grunden ved Bassinkajen."],
        ),
        (
            "03 Vejbelysning i Hasle",
            "Notat.pdf",
            vec!["Notat om vejbelysning", "Nye lygtepæle langs vejen."],
        ),
    ] {
        std::fs::create_dir_all(day.join(item)).unwrap();
        std::fs::write(day.join(item).join(file), pdf(&[Page::text(&lines)], None)).unwrap();
    }
    std::fs::write(
        day.join("meeting.json"),
        json!({"schema": 1, "items": [
            {"number": 1, "case_number": "EMN-2031-000101",
             "attachments": [{"file": "Prisoverslag.pdf", "access": "closed"}]},
            {"number": 2, "access": "closed", "case_number": "EMN-2031-000102"},
        ]})
        .to_string(),
    )
    .unwrap();
}

#[test]
fn the_alerts_tool_cites_what_is_new_and_keeps_closed_titles_closed() {
    require_python_sdk();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo", "--scale", "0.02"]);
    ok(&data, &["follow", "Teknisk Udvalg"]);
    ok(
        &data,
        &["alert", "add", "Bassinkajen", "--name", "Bassin 7"],
    );
    ok(&data, &["alert", "add", "lygtepæle"]);
    let closed_token = ok(&data, &["token", "create", "--scope", "closed"]);
    let token_file = dir.path().join("closed-token");
    std::fs::write(&token_file, closed_token.trim()).unwrap();

    // Nothing is new before the import.
    let before = call_tools(&data, Some(&token_file), &json!([["alerts", {}]]));
    assert_eq!(before[0]["error"], false, "{}", before[0]);
    assert_eq!(before[0]["structured"]["total"], 0, "{}", before[0]);

    let folder = dir.path().join("Møder");
    bassin_meeting(&folder);
    ok(&data, &["import", folder.to_str().unwrap()]);

    let calls = json!([
        ["alerts", {}],
        ["alerts", {"name": "Bassin 7"}],
        ["alerts", {"since": "2000-01-01"}],
        ["alerts", {"since": "i går"}],
        ["alerts", {"name": "Havnen"}],
    ]);
    let closed = call_tools(&data, Some(&token_file), &calls);
    let open = call_tools(&data, None, &calls);
    for answers in [&closed, &open] {
        for a in &answers[..3] {
            assert_eq!(a["error"], false, "{a}");
        }
        // Bad arguments: plain Danish tool errors.
        assert_eq!(answers[3]["error"], true);
        assert!(
            answers[3]["text"]
                .as_str()
                .unwrap()
                .starts_with("since skal være en dato"),
            "{}",
            answers[3]
        );
        assert_eq!(answers[4]["error"], true);
        assert_eq!(
            answers[4]["text"],
            "der er ingen søgeagent ved navn «Havnen» (søgeagenterne hedder «Bassin 7», «lygtepæle»)"
        );
    }

    // The closed scope: every new place, cited.
    let all = &closed[0]["structured"];
    let bassin = &all["searches"][0];
    assert_eq!(bassin["name"], "Bassin 7");
    assert_eq!(bassin["query"]["text"], "Bassinkajen");
    let matches = bassin["matches"].as_array().unwrap();
    let notat = matches
        .iter()
        .find(|m| m["attachment_title"] == "Notat")
        .unwrap_or_else(|| panic!("the open bilag is cited: {all:#}"));
    assert_eq!(notat["body"], "Teknisk Udvalg");
    assert_eq!(notat["meeting_date"], "2031-02-12");
    assert_eq!(notat["item_number"], 1);
    assert_eq!(notat["item_title"], "Badezone ved Bassinkajen");
    assert_eq!(notat["case_number"], "EMN-2031-000101");
    assert!(notat["attachment_id"].is_i64());
    assert_eq!(notat["pages"], json!([1]));
    assert_eq!(notat["seen"], false);
    let titles = |matches: &[Value]| -> Vec<String> {
        matches
            .iter()
            .map(|m| {
                format!(
                    "{} {} / {}",
                    m["item_number"],
                    m["item_title"].as_str().unwrap(),
                    m["attachment_title"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    let found = titles(matches);
    for cited in [
        "1 Badezone ved Bassinkajen / Notat",
        "1 Badezone ved Bassinkajen / Prisoverslag",
        "2 Køb af grund ved Bassinkajen / -",
    ] {
        assert!(found.contains(&cited.to_string()), "{cited} in {found:?}");
    }
    assert!(
        found.iter().all(|t| !t.contains("Vejbelysning")),
        "{found:?}"
    );
    let lights = &all["searches"][1];
    assert_eq!(lights["name"], "lygtepæle");
    assert!(titles(lights["matches"].as_array().unwrap())
        .iter()
        .all(|t| t.starts_with("3 Vejbelysning i Hasle")));
    // The release of the followed body's agenda, as the scope sees it.
    let release = all["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["meeting_date"] == "2031-02-12")
        .unwrap_or_else(|| panic!("a release notice: {all:#}"));
    assert_eq!(release["body"], "Teknisk Udvalg");
    let text = release["text"].as_str().unwrap();
    assert!(
        text.contains("Teknisk Udvalg 12. februar 2031 er udgivet: 3 punkter"),
        "{text}"
    );
    let listed = all["searches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["matches"].as_array().unwrap().len())
        .sum::<usize>()
        + all["releases"].as_array().unwrap().len();
    assert_eq!(all["total"], listed);
    // One search by name: its matches, no releases.
    let one = &closed[1]["structured"];
    assert_eq!(one["searches"].as_array().unwrap().len(), 1);
    assert_eq!(one["searches"][0], all["searches"][0]);
    assert_eq!(one["releases"], json!([]));
    assert_eq!(one["total"], matches.len());
    // Since a day: the same, seen or not.
    assert_eq!(closed[2]["structured"]["since"], "2000-01-01T00:00:00Z");
    assert_eq!(closed[2]["structured"]["searches"], all["searches"]);

    // The open scope: the open places, numbered as it numbers them, and
    // never a closed title, bilag or count.
    let open_all = &open[0]["structured"];
    let open_found = titles(open_all["searches"][0]["matches"].as_array().unwrap());
    assert_eq!(
        open_found,
        [
            "1 Badezone ved Bassinkajen / -",
            "1 Badezone ved Bassinkajen / Notat"
        ],
        "{open_all:#}"
    );
    assert!(
        titles(open_all["searches"][1]["matches"].as_array().unwrap())
            .iter()
            .all(|t| t.starts_with("2 Vejbelysning i Hasle"))
    );
    let open_release = open_all["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["meeting_date"] == "2031-02-12")
        .unwrap();
    assert!(open_release["text"]
        .as_str()
        .unwrap()
        .contains("er udgivet: 2 punkter"));
    for answer in &open {
        let text = answer.to_string();
        for closed_word in [
            "Køb af grund",
            "Prisoverslag",
            "Fortroligt",
            "EMN-2031-000102",
        ] {
            assert!(!text.contains(closed_word), "{closed_word} in {text}");
        }
    }
}
