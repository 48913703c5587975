//! Small real text PDFs (A4, Helvetica with WinAnsi encoding, uncompressed) for
//! the documents the corpus has no file for: case presentations
//! ("Sagsfremstilling (PDF)") and the supplementary agenda's attachment.
//! The same text always gives the same bytes.

const LINE_WIDTH: usize = 90;
const LINES_PER_PAGE: usize = 50;

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

/// Renders a title line and wrapped body text to PDF bytes (with the demo
/// corpus' PDF writer).
pub fn render(title: &str, text: &str) -> Vec<u8> {
    let lines = wrap(text);
    let pages: Vec<Vec<String>> = lines
        .chunks(LINES_PER_PAGE)
        .map(<[String]>::to_vec)
        .collect();
    let pages = if pages.is_empty() {
        vec![Vec::new()]
    } else {
        pages
    };
    moedemappe_core::demo::pdf::render(title, &pages, |p, n| format!("Side {p} af {n}"))
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
