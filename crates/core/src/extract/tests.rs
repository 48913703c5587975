//! Tests of in-process extraction on PDFs built here with lopdf 0.47.

use super::*;
use lopdf::{
    dictionary, Document, EncryptionState, EncryptionVersion, Object, Permissions, Stream,
};
use std::path::PathBuf;

/// How to build a test PDF.
#[derive(Default)]
struct Spec {
    /// 1-based page that gets no MediaBox (none is inherited either).
    no_media_box_on: Option<usize>,
    /// Encrypt with these (owner, user) passwords.
    encrypt: Option<(&'static str, &'static str)>,
}

/// Escapes a WinAnsi byte string for a PDF literal string.
fn literal(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'(');
    for &b in bytes {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// Builds a PDF with one page per entry of `pages`, each line a WinAnsi byte string
/// shown in Helvetica 12 pt, 14 pt apart.
fn build_pdf(pages: &[Vec<Vec<u8>>], spec: &Spec) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ]),
    );
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for (i, lines) in pages.iter().enumerate() {
        let mut content = b"BT /F1 12 Tf 14 TL 72 760 Td\n".to_vec();
        for line in lines {
            content.extend_from_slice(&literal(line));
            content.extend_from_slice(b" Tj T*\n");
        }
        content.extend_from_slice(b"ET\n");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
        };
        if spec.no_media_box_on != Some(i + 1) {
            page.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        }
        kids.push(doc.add_object(page).into());
    }
    let count = i64::try_from(kids.len()).unwrap();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    if let Some((owner, user)) = spec.encrypt {
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

/// Page `n` of the standard test document: Danish text with æøå, a justified line
/// with runs of spaces and a line-end hyphen.
fn danish_page(n: usize) -> Vec<Vec<u8>> {
    vec![
        format!("Side {n}: Byr\u{e5}dets m\u{f8}de").into_bytes(),
        b"Udvalget for b\xf8rne-".to_vec(),
        b"og ungeomr\xe5det     har    godkendt    sagen".to_vec(),
        b"K\xe6re borger, sm\xf8rrebr\xf8d p\xe5 \xc6r\xf8".to_vec(),
    ]
    .into_iter()
    .map(|line| latin1_to_winansi(&line))
    .collect()
}

/// The helper above writes some lines as UTF-8 for readability; WinAnsi wants one
/// byte per character (identical to Latin-1 for æøåÆØÅ).
fn latin1_to_winansi(line: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(line) {
        Ok(s) if !s.is_ascii() => s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect(),
        _ => line.to_vec(),
    }
}

/// Writes `bytes` to a file named `name` in a fresh temp dir.
fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn good_pdf(pages: usize) -> Vec<u8> {
    let pages: Vec<_> = (1..=pages).map(danish_page).collect();
    build_pdf(&pages, &Spec::default())
}

#[test]
fn a_good_file_is_read_fully_with_danish_letters_and_clean_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "god.pdf", &good_pdf(3));
    let e = extract_file(&path);
    assert_eq!(e.status, TextStatus::Full, "{e:?}");
    assert_eq!(e.problem, None);
    assert_eq!(e.page_count, Some(3));
    assert_eq!(e.pages.len(), 3);
    assert!(e.failed_pages.is_empty());
    for (i, page) in e.pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Side {}: Byrådets møde", i + 1)),
            "{page:?}"
        );
    }
    let page = &e.pages[1];
    assert!(page.contains("Kære borger, smørrebrød på Ærø"), "{page:?}");
    assert!(
        page.contains("børne-\nog ungeområdet"),
        "hyphen kept: {page:?}"
    );
    assert!(page.contains("ungeområdet har godkendt sagen"), "{page:?}");
    assert!(!page.contains("  "), "runs of spaces collapsed: {page:?}");
    assert!(
        page.lines().all(|l| l == l.trim()),
        "lines trimmed: {page:?}"
    );
    assert!(!page.starts_with('\n') && !page.ends_with('\n'));
}

#[test]
fn an_empty_file_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let e = extract_file(&write(&dir, "tom.pdf", b""));
    assert_eq!(e.status, TextStatus::Unreadable);
    assert_eq!(e.problem.as_deref(), Some("filen er tom"));
    assert_eq!(e.page_count, None);
    assert!(e.pages.is_empty() && e.failed_pages.is_empty());
}

#[test]
fn random_bytes_are_not_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    // A fixed xorshift sequence: deterministic "random" bytes.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect();
    let e = extract_file(&write(&dir, "støj.pdf", &bytes));
    assert_eq!(e.status, TextStatus::Unreadable);
    assert_eq!(e.problem.as_deref(), Some("ikke en PDF-fil"));
    assert_eq!(e.page_count, None);
}

#[test]
fn a_missing_file_is_unreadable_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let e = extract_file(&dir.path().join("findes-ikke.pdf"));
    assert_eq!(e.status, TextStatus::Unreadable);
    assert!(e.problem.unwrap().starts_with("filen kunne ikke åbnes"));
}

#[test]
fn a_truncated_file_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = good_pdf(4);
    let e = extract_file(&write(&dir, "halv.pdf", &bytes[..bytes.len() / 2]));
    assert_eq!(e.status, TextStatus::Unreadable, "{e:?}");
    assert_eq!(
        e.problem.as_deref(),
        Some("filen er afkortet eller beskadiget")
    );
    // Whatever the fallback could count, the invariants hold.
    let n = e.page_count.unwrap_or(0);
    assert_eq!(e.pages.len(), n as usize);
    assert_eq!(e.failed_pages, (1..=n).collect::<Vec<_>>());
}

#[test]
fn a_page_without_media_box_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=4).map(danish_page).collect();
    let bytes = build_pdf(
        &pages,
        &Spec {
            no_media_box_on: Some(3),
            ..Spec::default()
        },
    );
    let e = extract_file(&write(&dir, "uden-mediabox.pdf", &bytes));
    assert_eq!(e.status, TextStatus::Partial, "{e:?}");
    assert_eq!(e.page_count, Some(4));
    assert_eq!(e.failed_pages, vec![3]);
    assert_eq!(e.pages[2], "");
    for i in [0, 1, 3] {
        assert!(
            e.pages[i].contains(&format!("Side {}:", i + 1)),
            "{:?}",
            e.pages[i]
        );
    }
    let problem = e.problem.unwrap();
    assert!(
        problem.starts_with("PDF-læseren gik i stå på side 3 (intern fejl: "),
        "{problem}"
    );
    assert!(problem.contains("MediaBox"), "{problem}");
}

#[test]
fn a_file_whose_only_page_fails_is_unreadable_with_its_page_count() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = build_pdf(
        &[danish_page(1)],
        &Spec {
            no_media_box_on: Some(1),
            ..Spec::default()
        },
    );
    let e = extract_file(&write(&dir, "en-side.pdf", &bytes));
    assert_eq!(e.status, TextStatus::Unreadable, "{e:?}");
    assert_eq!(e.page_count, Some(1));
    assert_eq!(e.failed_pages, vec![1]);
}

#[test]
fn pages_without_text_mean_no_text() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = build_pdf(&[vec![], vec![]], &Spec::default());
    let e = extract_file(&write(&dir, "scannet.pdf", &bytes));
    assert_eq!(e.status, TextStatus::NoText, "{e:?}");
    assert_eq!(e.page_count, Some(2));
    assert_eq!(e.pages, vec![String::new(), String::new()]);
    assert!(e.failed_pages.is_empty());
    assert_eq!(
        e.problem.as_deref(),
        Some("ingen tekst (måske en scannet PDF uden tekstlag)")
    );
}

#[test]
fn an_owner_password_only_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=2).map(danish_page).collect();
    let bytes = build_pdf(
        &pages,
        &Spec {
            encrypt: Some(("ejer", "")),
            ..Spec::default()
        },
    );
    assert!(
        bytes.windows(8).any(|w| w == b"/Encrypt"),
        "the file is encrypted"
    );
    let e = extract_file(&write(&dir, "ejerkode.pdf", &bytes));
    assert_eq!(e.status, TextStatus::Full, "{e:?}");
    assert!(
        e.pages[1].contains("Side 2: Byrådets møde"),
        "{:?}",
        e.pages[1]
    );
}

#[test]
fn a_user_password_file_needs_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=2).map(danish_page).collect();
    let bytes = build_pdf(
        &pages,
        &Spec {
            encrypt: Some(("ejer", "hemmelig")),
            ..Spec::default()
        },
    );
    let e = extract_file(&write(&dir, "adgangskode.pdf", &bytes));
    assert_eq!(e.status, TextStatus::Unreadable, "{e:?}");
    assert_eq!(
        e.problem.as_deref(),
        Some("filen er beskyttet med adgangskode")
    );
    assert!(e.pages.iter().all(String::is_empty));
    let n = e.page_count.unwrap_or(0);
    assert_eq!(e.failed_pages, (1..=n).collect::<Vec<_>>());
}

#[test]
fn extraction_round_trips_through_json() {
    let e = extract_bytes(&good_pdf(1));
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains(r#""status":"full""#), "{json}");
    assert_eq!(serde_json::from_str::<Extraction>(&json).unwrap(), e);
}

#[test]
fn normalizing_collapses_spaces_but_keeps_lines_and_hyphens() {
    assert_eq!(
        normalize_page("\n  Byrådet \t  har   besluttet  \n\nbørne-\r\nog unge  \n\n"),
        "Byrådet har besluttet\n\nbørne-\nog unge"
    );
}

#[test]
fn page_lists_read_as_danish() {
    assert_eq!(page_list(&[3]), "side 3");
    assert_eq!(page_list(&[3, 5]), "side 3 og 5");
    assert_eq!(page_list(&[3, 5, 7]), "side 3, 5 og 7");
    let many: Vec<u32> = (1..=12).collect();
    assert_eq!(
        page_list(&many),
        "side 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 og 2 andre sider"
    );
}

/// Timing on a 100-page file: `cargo test -p moedemappe-core timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_of_a_hundred_pages() {
    let bytes = good_pdf(100);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let e = extract_bytes(&bytes);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(e.status, TextStatus::Full);
        best = best.min(ms);
    }
    println!("100 pages: best {best:.1} ms, {:.3} ms/page", best / 100.0);
}

#[test]
fn a_wrong_startxref_is_repaired_by_newer_lopdf() {
    // lopdf 0.42 (inside pdf-extract) fails with Xref(Start); lopdf 0.47 rebuilds the table.
    let dir = tempfile::tempdir().unwrap();
    let bytes = good_pdf(4);
    let at = bytes.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut broken = bytes[..at].to_vec();
    broken.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    assert!(pdf_extract::Document::load_mem(&broken).is_err());
    let e = extract_file(&write(&dir, "forkert-xref.pdf", &broken));
    assert_eq!(e.status, TextStatus::Full, "{e:?}");
    assert_eq!(e.page_count, Some(4));
    assert!(
        e.pages[3].contains("Side 4: Byrådets møde"),
        "{:?}",
        e.pages[3]
    );
}
