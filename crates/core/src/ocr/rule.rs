//! When a page qualifies for OCR: its extracted text is empty, or is obviously
//! not text (mostly replacement, control or private-use characters, as a
//! font without a usable encoding gives), or holds almost nothing (a scanned
//! page with only a stamped page number in its text layer).

/// Fewer letters and digits than this is "almost nothing": a page number, a
/// stamp ("Side 3", "Bilag 2") on an otherwise scanned page.
const MIN_ALNUM: usize = 12;

/// A page whose visible characters are this share (in percent) or more
/// replacement, control or private-use characters is not text.
const MAX_BAD_PERCENT: usize = 30;

/// True when the page's extracted `text` is not usable and OCR should read
/// the page instead.
pub fn needs_ocr(text: &str) -> bool {
    let mut visible = 0usize;
    let mut bad = 0usize;
    let mut alnum = 0usize;
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        visible += 1;
        if is_bad(c) {
            bad += 1;
        } else if c.is_alphanumeric() {
            alnum += 1;
        }
    }
    visible == 0 || alnum < MIN_ALNUM || bad * 100 >= visible * MAX_BAD_PERCENT
}

/// Letters and digits that are real text (not garbage): how much a page says.
pub fn text_weight(text: &str) -> usize {
    text.chars()
        .filter(|&c| !is_bad(c) && c.is_alphanumeric())
        .count()
}

/// The replacement character, control characters and private-use code points.
fn is_bad(c: char) -> bool {
    c == '\u{FFFD}'
        || c.is_control()
        || ('\u{E000}'..='\u{F8FF}').contains(&c)
        || ('\u{F0000}'..='\u{10FFFF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::{needs_ocr, text_weight};

    #[test]
    fn empty_and_blank_pages_qualify() {
        assert!(needs_ocr(""));
        assert!(needs_ocr("  \n\t \n"));
    }

    #[test]
    fn a_stamp_alone_qualifies() {
        assert!(needs_ocr("Side 3"));
        assert!(needs_ocr("Bilag 2\n3"));
    }

    #[test]
    fn garbage_qualifies() {
        assert!(needs_ocr(&"\u{FFFD}".repeat(200)));
        let mostly_bad = format!("{}{}", "\u{FFFD}\u{1}".repeat(40), "Byrådet mødes");
        assert!(needs_ocr(&mostly_bad));
        assert!(needs_ocr(&"\u{E001}\u{E002} ".repeat(50)));
    }

    #[test]
    fn real_text_does_not_qualify() {
        assert!(!needs_ocr(
            "Byrådet godkendte lokalplanen for området ved søen."
        ));
        // A few odd characters in a real page are fine.
        assert!(!needs_ocr(
            "Økonomiudvalget indstiller \u{FFFD} at bevillingen gives – 2,5 mio. kr."
        ));
        assert!(!needs_ocr("Høringssvar fra borgerne i Århus"));
    }

    #[test]
    fn weight_counts_letters_and_digits_only() {
        assert_eq!(text_weight("Æ ø å 12 \u{FFFD}."), 5);
        assert_eq!(text_weight(""), 0);
    }
}
