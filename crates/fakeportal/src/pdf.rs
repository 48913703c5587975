//! Small real text PDFs (A4, Helvetica with WinAnsi encoding, uncompressed) for
//! the documents the corpus has no file for: case presentations
//! ("Sagsfremstilling (PDF)") and the supplementary agenda's attachment.
//! The same text always gives the same bytes.

use lopdf::{dictionary, Document, Object, Stream};

const LINE_WIDTH: usize = 90;
const LINES_PER_PAGE: usize = 50;

fn winansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '„' => 0x84,
        '…' => 0x85,
        '“' => 0x93,
        '”' => 0x94,
        '–' => 0x96,
        '—' => 0x97,
        _ => b'?',
    }
}

fn literal(out: &mut Vec<u8>, s: &str) {
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

fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for part in text.split('\n') {
        let mut line = String::new();
        for word in part.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > LINE_WIDTH {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Renders a title line and wrapped body text to PDF bytes.
pub fn render(title: &str, text: &str) -> Vec<u8> {
    let mut lines = wrap(title);
    lines.push(String::new());
    lines.extend(wrap(text));
    let pages: Vec<&[String]> = lines.chunks(LINES_PER_PAGE).collect();
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
    for page in &pages {
        let mut c = b"BT /F1 10 Tf 14 TL 56 780 Td\n".to_vec();
        for (i, l) in page.iter().enumerate() {
            if i > 0 {
                c.extend_from_slice(b"T* ");
            }
            if !l.is_empty() {
                literal(&mut c, l);
                c.extend_from_slice(b" Tj");
            }
            c.push(b'\n');
        }
        c.extend_from_slice(b"ET\n");
        let content_id = doc.add_object(Stream::new(dictionary! {}, c));
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
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .expect("writing a PDF to memory cannot fail");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_a_loadable_pdf() {
        let text = "Sagsfremstilling med æøå. ".repeat(300);
        let bytes = super::render("Titel (udkast)", &text);
        assert!(bytes.starts_with(b"%PDF-"), "{:?}", &bytes[..16]);
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 2);
        assert_eq!(bytes, super::render("Titel (udkast)", &text));
    }
}
