//! End-to-end test of `moedemappe mcp`: the official MCP client SDK (PyPI
//! `mcp`, driven by `tests/mcp/client.py`) starts the real binary over stdio
//! against the demo corpus, lists the tools, searches, reads every cited page,
//! follows a case and provokes tool errors, once with a closed-scope token and
//! once with the local open token. Closed material must be visible to the
//! first and absent for the second.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{moedemappe, ok};
use serde_json::Value;

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
