//! Turns the demo corpus's plain case text into the HTML fields the portal
//! exports ("Resume", "Indstilling", "Sagsfremstilling", "Beslutning"), with the
//! markup habits of real exports: `<br>`, `&nbsp;`, `&amp;` and nested `<span>`s.

/// The headings the demo case text uses, in the order the portal lists the fields.
pub const SECTIONS: [&str; 4] = ["Resume", "Indstilling", "Sagsfremstilling", "Beslutning"];

/// The plain text of a case split by its heading lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sections {
    /// Text under "Resume".
    pub resume: Option<String>,
    /// Text under "Indstilling".
    pub indstilling: Option<String>,
    /// Text under "Sagsfremstilling".
    pub sagsfremstilling: Option<String>,
    /// Text under "Beslutning".
    pub beslutning: Option<String>,
}

/// Splits case text at lines that are exactly one of [`SECTIONS`]. Text before
/// the first heading counts as Sagsfremstilling.
pub fn split_sections(text: &str) -> Sections {
    let mut out = Sections::default();
    let mut current = 2usize;
    let mut buf: [Vec<&str>; 4] = Default::default();
    for line in text.lines() {
        if let Some(i) = SECTIONS.iter().position(|s| *s == line.trim()) {
            current = i;
            continue;
        }
        buf[current].push(line);
    }
    let take = |lines: &Vec<&str>| {
        let s = lines.join("\n").trim().to_string();
        (!s.is_empty()).then_some(s)
    };
    out.resume = take(&buf[0]);
    out.indstilling = take(&buf[1]);
    out.sagsfremstilling = take(&buf[2]);
    out.beslutning = take(&buf[3]);
    out
}

/// Escapes text for HTML element content.
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            _ => s.push(c),
        }
    }
    s
}

/// Paragraphs (split at blank lines) as `<p>`s; a single line break becomes
/// `<br>`. `deco` decides per paragraph index whether it is wrapped in nested
/// `<span>`s the way word-processor exports do.
pub fn paragraphs(text: &str, deco: impl Fn(usize) -> bool) -> String {
    let mut out = String::new();
    for (i, para) in text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let inner = para
            .lines()
            .map(|l| escape(l.trim()))
            .collect::<Vec<_>>()
            .join("<br>");
        if deco(i) {
            out.push_str("<p><span style=\"font-family:Arial\"><span style=\"font-size:11pt\">");
            out.push_str(&inner);
            out.push_str("</span></span></p>");
        } else {
            out.push_str("<p>");
            out.push_str(&inner);
            out.push_str("</p>");
        }
    }
    out
}

/// The recommendation: its "at …" lines joined by `<br>`, with `&nbsp;` after
/// each leading "at" as exports write it.
pub fn indstilling(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = para
            .lines()
            .map(|l| {
                let l = l.trim();
                match l.strip_prefix("at ") {
                    Some(rest) => format!("at&nbsp;{}", escape(rest)),
                    None => escape(l),
                }
            })
            .collect();
        out.push_str("<p>");
        out.push_str(&lines.join("<br>"));
        out.push_str("</p>");
    }
    out
}

/// A written briefing: one `<h3>subject</h3><p>…</p>` per subject; the text's
/// sentences are shared out among the subjects in order.
pub fn briefing(subjects: &[String], text: &str) -> String {
    let sentences: Vec<String> = text
        .split_inclusive(". ")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let n = subjects.len().max(1);
    let per = sentences.len().div_ceil(n).max(1);
    let mut out = String::new();
    for (i, subject) in subjects.iter().enumerate() {
        let chunk: Vec<&str> = sentences
            .iter()
            .skip(i * per)
            .take(per)
            .map(String::as_str)
            .collect();
        let body = if chunk.is_empty() {
            format!("Forvaltningen orienterer om {}.", subject.to_lowercase())
        } else {
            chunk.join(" ")
        };
        out.push_str(&format!(
            "<h3>{}</h3><p>{}</p>",
            escape(subject),
            escape(&body)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_demo_case_text() {
        let s = split_sections(
            "Resume\nKort.\n\nIndstilling\nForvaltningen indstiller,\nat x godkendes.\n\nSagsfremstilling\nLang & god.\n\nBeslutning\nGodkendt.",
        );
        assert_eq!(s.resume.as_deref(), Some("Kort."));
        assert_eq!(
            s.indstilling.as_deref(),
            Some("Forvaltningen indstiller,\nat x godkendes.")
        );
        assert_eq!(
            indstilling(s.indstilling.as_deref().unwrap()),
            "<p>Forvaltningen indstiller,<br>at&nbsp;x godkendes.</p>"
        );
        assert_eq!(
            paragraphs(s.sagsfremstilling.as_deref().unwrap(), |_| false),
            "<p>Lang &amp; god.</p>"
        );
        assert_eq!(s.beslutning.as_deref(), Some("Godkendt."));
    }

    #[test]
    fn briefing_has_one_heading_per_subject() {
        let html = briefing(&["Trafik".into(), "Parker".into()], "En. To. Tre.");
        assert_eq!(
            html,
            "<h3>Trafik</h3><p>En. To.</p><h3>Parker</h3><p>Tre.</p>"
        );
    }
}
