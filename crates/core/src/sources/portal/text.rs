//! Item HTML into clean text, and what the text tells about the item: its
//! kind, flags, decision, briefing subjects and the "Sagsforløb:" block of
//! earlier treatments. Scripts and styles are dropped by the HTML renderer,
//! never run or kept.

use super::json::AgendaItem;
use crate::model::DANISH_MONTHS as MONTHS;
use crate::model::{ItemFlags, ItemKind};
use chrono::NaiveDate;

/// Plain text of an HTML fragment: paragraphs and line breaks kept, scripts,
/// styles and markup gone, runs of spaces collapsed.
pub fn html_to_text(html: &str) -> String {
    let rendered = html2text::from_read_with_decorator(
        html.as_bytes(),
        10_000,
        html2text::render::TrivialDecorator::new(),
    )
    .unwrap_or_default();
    let mut out = String::new();
    let mut blank = true;
    for line in rendered.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(&line);
        out.push('\n');
        blank = false;
    }
    out.trim_end().to_string()
}

/// Titles of fixed items ("faste mødepunkter"), lower case.
const FIXED_TITLES: &[&str] = &[
    "godkendelse af dagsorden",
    "godkendelse af referat",
    "meddelelser",
    "sager på vej",
    "eventuelt",
];

/// What one portal item says about itself, as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemText {
    /// Kind, from the title.
    pub kind: ItemKind,
    /// Referred, postponed, foretræde, from the text.
    pub flags: ItemFlags,
    /// All text fields, "Name\ntext" blocks.
    pub case_text: Option<String>,
    /// The decision (Beslutning), where there is one.
    pub decision: Option<String>,
    /// Subjects of a written briefing.
    pub subjects: Vec<String>,
    /// Earlier treatments listed under "Sagsforløb:".
    pub history: Vec<Treatment>,
}

/// One line of a "Sagsforløb:" block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Treatment {
    /// The body, as written.
    pub body: String,
    /// The date, when it could be read.
    pub date: Option<NaiveDate>,
    /// The item number, when given.
    pub item_number: Option<u32>,
    /// The whole line.
    pub line: String,
}

/// Reads the text of a portal item.
pub fn item_text(item: &AgendaItem, title: &str) -> ItemText {
    let mut blocks = Vec::new();
    let mut decision = None;
    let mut subjects = Vec::new();
    for field in item.fields.iter().flatten() {
        let name = field.name.as_deref().unwrap_or("").trim();
        let text = match (&field.html, &field.text) {
            (Some(html), _) if !html.trim().is_empty() => html_to_text(html),
            (_, Some(text)) => text.trim().to_string(),
            _ => String::new(),
        };
        if text.is_empty() {
            continue;
        }
        if name.eq_ignore_ascii_case("beslutning") {
            decision = Some(text.clone());
        }
        if name.eq_ignore_ascii_case("sagsfremstilling") {
            subjects.extend(headings(field.html.as_deref().unwrap_or("")));
        }
        blocks.push(if name.is_empty() {
            text
        } else {
            format!("{name}\n{text}")
        });
    }
    if decision.is_none() {
        decision = item
            .decision
            .as_deref()
            .map(html_to_text)
            .filter(|t| !t.is_empty());
        if let Some(d) = &decision {
            blocks.push(format!("Beslutning\n{d}"));
        }
    }
    let case_text = (!blocks.is_empty()).then(|| blocks.join("\n\n"));
    let all = case_text.as_deref().unwrap_or("").to_lowercase();
    let lower_title = title.trim().to_lowercase();
    let kind = if FIXED_TITLES.iter().any(|t| lower_title.starts_with(t)) {
        ItemKind::Fixed
    } else if lower_title.starts_with("skriftlig") || lower_title.starts_with("orienteringer") {
        ItemKind::Briefing
    } else {
        ItemKind::Regular
    };
    let decision_lower = decision.as_deref().unwrap_or("").to_lowercase();
    ItemText {
        kind,
        flags: ItemFlags {
            referred: all.contains("henvist fra byrådet"),
            postponed: decision_lower.contains("blev udsat") || decision_lower.starts_with("udsat"),
            foretraede: all.contains("anmodet om foretræde"),
        },
        history: case_text.as_deref().map(parse_history).unwrap_or_default(),
        case_text,
        decision,
        subjects: if kind == ItemKind::Briefing {
            subjects
        } else {
            Vec::new()
        },
    }
}

/// The text of every `<h3>` heading in an HTML fragment (briefing subjects).
fn headings(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<h3").map(|p| p + at) {
        let Some(start) = lower[open..].find('>').map(|p| p + open + 1) else {
            break;
        };
        let Some(end) = lower[start..].find("</h3>").map(|p| p + start) else {
            break;
        };
        let text = html_to_text(&html[start..end]);
        if !text.is_empty() {
            out.push(text);
        }
        at = end + 5;
    }
    out
}

/// The treatments listed after "Sagsforløb:", up to the first blank line.
pub fn parse_history(text: &str) -> Vec<Treatment> {
    let Some(start) = text.find("Sagsforløb:") else {
        return Vec::new();
    };
    let rest = &text[start + "Sagsforløb:".len()..];
    rest.lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| parse_treatment(l.trim().trim_start_matches(['*', '-', '•']).trim()))
        .collect()
}

/// "Teknisk Udvalg 6. marts 2023, punkt 4" or "Byrådet 15.03.2023, punkt 12".
fn parse_treatment(line: &str) -> Option<Treatment> {
    if line.is_empty() {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut date = None;
    let mut date_at = words.len();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches(',');
        if let Ok(d) = NaiveDate::parse_from_str(w, "%d.%m.%Y") {
            date = Some(d);
            date_at = i;
            break;
        }
        if let (Some(day), Some(month), Some(year)) = (
            w.strip_suffix('.').and_then(|d| d.parse::<u32>().ok()),
            words.get(i + 1).and_then(|m| {
                let m = m.to_lowercase();
                MONTHS.iter().position(|x| *x == m).map(|p| p as u32 + 1)
            }),
            words
                .get(i + 2)
                .and_then(|y| y.trim_end_matches([',', '.', ':']).parse::<i32>().ok()),
        ) {
            date = NaiveDate::from_ymd_opt(year, month, day);
            date_at = i;
            break;
        }
    }
    let body = words[..date_at].join(" ").trim_end_matches(',').to_string();
    let lower = line.to_lowercase();
    let item_number = lower.find("punkt ").and_then(|p| {
        lower[p + 6..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .ok()
    });
    Some(Treatment {
        body: if body.is_empty() {
            line.to_string()
        } else {
            body
        },
        date,
        item_number,
        line: line.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::portal::json::Field;

    fn field(name: &str, html: &str) -> Field {
        Field {
            name: Some(name.into()),
            html: Some(html.into()),
            ..Field::default()
        }
    }

    #[test]
    fn html_becomes_clean_text_without_scripts() {
        let text = html_to_text(
            "<p>Forslag&nbsp;til <span><b>lokalplan</b></span> &amp; høring.</p>\
             <script>alert('x')</script><style>p{color:red}</style><p>Anden<br>linje</p>",
        );
        assert!(!text.contains("alert") && !text.contains("color"), "{text}");
        assert!(text.contains("Forslag til lokalplan & høring."), "{text}");
        assert!(text.contains("Anden\nlinje"), "{text}");
    }

    #[test]
    fn flags_kind_decision_and_history_come_from_the_text() {
        let item = AgendaItem {
            fields: Some(vec![
                field(
                    "Resume",
                    "<p>Sagen er henvist fra Byrådet.</p><p>Der er anmodet om foretræde.</p>",
                ),
                field(
                    "Sagsfremstilling",
                    "<p>Tekst.</p><p>Sagsforløb:</p><ul><li>Teknisk Udvalg 6. marts 2023, punkt 4</li>\
                     <li>Byrådet 15.03.2023, punkt 12</li></ul>",
                ),
                field("Beslutning", "<p>Punktet blev udsat.</p>"),
            ]),
            ..AgendaItem::default()
        };
        let t = item_text(&item, "Lokalplan 1234");
        assert_eq!(t.kind, ItemKind::Regular);
        assert!(t.flags.referred && t.flags.postponed && t.flags.foretraede);
        assert_eq!(t.decision.as_deref(), Some("Punktet blev udsat."));
        assert_eq!(t.history.len(), 2, "{:?}", t.history);
        assert_eq!(t.history[0].body, "Teknisk Udvalg");
        assert_eq!(t.history[0].date, NaiveDate::from_ymd_opt(2023, 3, 6));
        assert_eq!(t.history[0].item_number, Some(4));
        assert_eq!(t.history[1].body, "Byrådet");
        assert_eq!(t.history[1].date, NaiveDate::from_ymd_opt(2023, 3, 15));
        assert_eq!(
            item_text(&AgendaItem::default(), "Eventuelt").kind,
            ItemKind::Fixed
        );
    }

    #[test]
    fn briefing_subjects_are_the_headings() {
        let item = AgendaItem {
            fields: Some(vec![field(
                "Sagsfremstilling",
                "<h3>Status på letbanen</h3><p>a</p><h3>Cykelstier 2024</h3><p>b</p>",
            )]),
            ..AgendaItem::default()
        };
        let t = item_text(&item, "Skriftlige orienteringer");
        assert_eq!(t.kind, ItemKind::Briefing);
        assert_eq!(t.subjects, ["Status på letbanen", "Cykelstier 2024"]);
    }
}
