//! The glue crates (the CLI with its MCP server, the HTTP server, the desktop
//! shell) reach core only through its `api` (and the `model` nouns, the
//! `Error` and `Result`): every rule about closed material lives behind the
//! scoped session there, so a caller that went around it would be a bug.

use std::path::Path;

/// What the glue may name after `moedemappe_core::`.
const ALLOWED: &[&str] = &["api", "model", "Error", "Result"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `moedemappe_core::<name>` in `text`, with its line number.
fn core_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("moedemappe_core::") {
            rest = &rest[i + "moedemappe_core::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((n + 1, name));
        }
    }
    found
}

#[test]
fn the_glue_imports_only_the_api_and_model_nouns_from_core() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["crates/cli/src", "crates/http/src", "src-tauri/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "the glue's sources were not found");
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in core_paths(&text) {
            if !ALLOWED.contains(&name.as_str()) {
                wrong.push(format!(
                    "{}:{line}: moedemappe_core::{name}",
                    file.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "glue reaching past core's api:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_a_path_past_the_api() {
    let found = core_paths("use moedemappe_core::index::SearchQuery; moedemappe_core::api::Scope");
    assert_eq!(
        found,
        vec![(1, "index".to_string()), (1, "api".to_string())]
    );
}
