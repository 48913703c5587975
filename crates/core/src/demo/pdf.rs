//! Minimal text PDFs with lopdf: A4 pages, the standard Helvetica font with
//! WinAnsi encoding, a header line and a page number on every page. No
//! compression, no dates, no ids: the same text gives the same bytes.

use lopdf::{dictionary, Document, Object, Stream};

/// A4 in points.
const WIDTH: i64 = 595;
const HEIGHT: i64 = 842;
/// Body text: font size and leading in points, left margin, first baseline.
const FONT_SIZE: i64 = 10;
const LEADING: i64 = 14;
const LEFT: i64 = 56;
const TOP: i64 = 780;

/// Maps a character to its WinAnsi (Windows-1252) code; unknown characters become '?'.
pub(crate) fn winansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        _ => b'?',
    }
}

/// Appends `s` as a PDF literal string in WinAnsi.
fn push_literal(out: &mut Vec<u8>, s: &str) {
    out.push(b'(');
    for c in s.chars() {
        let b = winansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
}

fn page_content(header: &str, lines: &[String], footer: &str) -> Vec<u8> {
    let mut c = Vec::with_capacity(lines.len() * 96 + 256);
    c.extend_from_slice(format!("BT /F1 8 Tf {LEFT} 806 Td ").as_bytes());
    push_literal(&mut c, header);
    c.extend_from_slice(b" Tj ET\n");
    c.extend_from_slice(format!("BT /F1 {FONT_SIZE} Tf {LEADING} TL {LEFT} {TOP} Td\n").as_bytes());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            c.extend_from_slice(b"T* ");
        }
        if !l.is_empty() {
            push_literal(&mut c, l);
            c.extend_from_slice(b" Tj");
        }
        c.push(b'\n');
    }
    c.extend_from_slice(b"ET\n");
    c.extend_from_slice(format!("BT /F1 8 Tf {LEFT} 40 Td ").as_bytes());
    push_literal(&mut c, footer);
    c.extend_from_slice(b" Tj ET\n");
    c
}

/// Renders pages of text lines to PDF bytes. `footer(page, pages)` gives the
/// bottom line of each page (1-based page number).
pub fn render(
    header: &str,
    pages: &[Vec<String>],
    footer: impl Fn(usize, usize) -> String,
) -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
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
    let mut kids: Vec<Object> = Vec::with_capacity(pages.len());
    for (i, lines) in pages.iter().enumerate() {
        let content = page_content(header, lines, &footer(i + 1, pages.len()));
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), WIDTH.into(), HEIGHT.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::with_capacity(pages.len() * 4200 + 1024);
    doc.save_to(&mut out)
        .expect("writing to memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winansi_maps_danish_letters() {
        let s: Vec<u8> = "æøåÆØÅ§–„“é".chars().map(winansi).collect();
        assert_eq!(
            s,
            vec![0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5, 0xA7, 0x96, 0x84, 0x93, 0xE9]
        );
        assert_eq!(winansi('→'), b'?');
    }

    #[test]
    fn literal_escapes_parentheses() {
        let mut v = Vec::new();
        push_literal(&mut v, r"a(b)\c");
        assert_eq!(v, br"(a\(b\)\\c)".to_vec());
    }
}
