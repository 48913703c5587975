//! Helpers shared by the end-to-end tests: running the real `moedemappe`
//! binary against a temporary data directory, and writing real PDFs (good and
//! deliberately broken ones) with lopdf.

#![allow(dead_code)]

pub mod contract;
pub mod serve;

use lopdf::encryption::{EncryptionState, EncryptionVersion};
use lopdf::Permissions;
use lopdf::{dictionary, Document, Object, Stream};
use std::path::Path;
use std::process::{Command, Output};

/// Runs `moedemappe --data-dir <data> <args…>` and returns its output.
pub fn moedemappe(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("MOEDEMAPPE_DATA")
        .output()
        .expect("the binary runs")
}

/// Like [`moedemappe`], but fails the test unless the exit code is 0; returns stdout.
pub fn ok(data: &Path, args: &[&str]) -> String {
    succeeded(moedemappe(data, args), args)
}

/// Stdout of a run that must have exited with 0 (else the test fails,
/// showing both outputs).
fn succeeded(out: Output, args: &[&str]) -> String {
    assert!(
        out.status.success(),
        "moedemappe {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `moedemappe --data-dir <data> <args…>` with `env` added to its
/// environment and `stdin` written to its standard input.
pub fn moedemappe_with(data: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_moedemappe"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("MOEDEMAPPE_DATA")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("stdin written");
    drop(input);
    child.wait_with_output().expect("the binary ends")
}

/// Like [`moedemappe_with`], but fails the test unless the exit code is 0;
/// returns stdout.
pub fn ok_with(data: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> String {
    succeeded(moedemappe_with(data, args, env, stdin), args)
}

/// Parses JSON lines.
pub fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// One page of a test PDF.
pub struct Page {
    /// Lines of text, Latin-1 (WinAnsi) encodable.
    pub lines: Vec<String>,
    /// False leaves the page without any MediaBox (pdf-extract panics on it).
    pub media_box: bool,
}

impl Page {
    /// A page with these lines and a MediaBox.
    pub fn text(lines: &[&str]) -> Page {
        Page {
            lines: lines.iter().map(|s| s.to_string()).collect(),
            media_box: true,
        }
    }
}

/// A PDF with the given pages (Helvetica, WinAnsiEncoding), optionally
/// encrypted with an owner and a user password.
pub fn pdf(pages: &[Page], encrypt: Option<(&str, &str)>) -> Vec<u8> {
    let raw: Vec<(Vec<u8>, bool)> = pages
        .iter()
        .map(|page| {
            let mut content = b"BT /F1 11 Tf 14 TL 60 780 Td\n".to_vec();
            for line in &page.lines {
                content.push(b'(');
                for c in line.chars() {
                    let b = u8::try_from(u32::from(c)).expect("Latin-1 text");
                    if matches!(b, b'(' | b')' | b'\\') {
                        content.push(b'\\');
                    }
                    content.push(b);
                }
                content.extend_from_slice(b") Tj T*\n");
            }
            content.extend_from_slice(b"ET");
            (content, page.media_box)
        })
        .collect();
    pdf_raw(&raw, encrypt)
}

/// A PDF whose pages have the given content streams (Helvetica as /F1,
/// WinAnsi); `false` beside a stream leaves that page without any MediaBox.
pub fn pdf_raw(pages: &[(Vec<u8>, bool)], encrypt: Option<(&str, &str)>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    // Encryption needs a file ID.
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"moedemappe-test1".to_vec()),
            Object::string_literal(b"moedemappe-test1".to_vec()),
        ]),
    );
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for (content, media_box) in pages {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.clone()));
        let mut dict = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
        };
        if *media_box {
            dict.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        }
        kids.push(doc.add_object(dict).into());
    }
    let count = i64::try_from(kids.len()).unwrap();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    if let Some((owner, user)) = encrypt {
        let state = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: owner,
            user_password: user,
            key_length: 128,
            permissions: Permissions::all(),
        })
        .unwrap();
        doc.encrypt(&state).unwrap();
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}
