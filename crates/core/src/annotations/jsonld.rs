//! The W3C Web Annotation JSON-LD form of annotations, as written into
//! sharing bundles: an `AnnotationCollection` whose first `AnnotationPage`
//! holds the annotations.
//!
//! An annotation on a page targets `urn:sha256:<hex>` (the attachment's
//! content) with a `FragmentSelector` (`page=N`, RFC 3778), a
//! `TextQuoteSelector` and a `TextPositionSelector`; a note on an item or case
//! targets `urn:moedemappe:case:<number>` or `urn:moedemappe:item`. The note is
//! a `TextualBody` (purpose `commenting`), each tag a `TextualBody` with
//! purpose `tagging`. What the model has no term for is in the `mm:`
//! namespace: case number, item, colour, anchor state, attachment title.

use super::{
    format_time, is_urn_uuid, parse_time, AnchorState, Annotation, Author, NoteFormat, Origin,
    TextAnchor, Visibility,
};
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The W3C annotation context.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Our namespace for terms the W3C model lacks.
pub const MM_NAMESPACE: &str = "https://moedemappe.dk/ns/annotation#";

/// Where an item is, in words that mean the same in every data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLocator {
    /// Body name.
    pub body: String,
    /// Meeting day.
    pub date: NaiveDate,
    /// Item number.
    pub number: u32,
}

fn context() -> Value {
    json!([ANNO_CONTEXT, { "mm": MM_NAMESPACE }])
}

/// One annotation as W3C JSON-LD (without its own `@context` when `nested`).
pub fn to_jsonld(a: &Annotation, item: Option<&ItemLocator>, nested: bool) -> Value {
    let mut bodies = Vec::new();
    if !a.body.is_empty() {
        bodies.push(json!({
            "type": "TextualBody",
            "purpose": "commenting",
            "value": a.body,
            "format": a.format.as_str(),
            "language": "da",
        }));
    }
    for tag in &a.tags {
        bodies.push(json!({ "type": "TextualBody", "purpose": "tagging", "value": tag }));
    }
    let target = match &a.anchor {
        Some(x) => json!({
            "source": format!("urn:sha256:{}", x.sha256),
            "selector": [
                {
                    "type": "FragmentSelector",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                    "value": format!("page={}", x.page),
                },
                { "type": "TextQuoteSelector", "exact": x.exact, "prefix": x.prefix, "suffix": x.suffix },
                { "type": "TextPositionSelector", "start": x.start, "end": x.end },
            ],
        }),
        None => match &a.case_number {
            Some(case) => json!({ "source": format!("urn:moedemappe:case:{case}") }),
            None => json!({ "source": "urn:moedemappe:item" }),
        },
    };
    let mut o = Map::new();
    if !nested {
        o.insert("@context".into(), context());
    }
    o.insert("id".into(), json!(a.id));
    o.insert("type".into(), json!("Annotation"));
    o.insert("motivation".into(), json!(a.motivation()));
    o.insert("created".into(), json!(format_time(a.created)));
    o.insert("modified".into(), json!(format_time(a.modified)));
    o.insert(
        "creator".into(),
        json!({ "id": a.author.id, "type": "Person", "name": a.author.name }),
    );
    if !bodies.is_empty() {
        o.insert("body".into(), Value::Array(bodies));
    }
    o.insert("target".into(), target);
    if let Some(case) = &a.case_number {
        o.insert("mm:caseNumber".into(), json!(case));
    }
    if let Some(item) = item {
        o.insert("mm:item".into(), json!(item));
    }
    if let Some(title) = a.anchor.as_ref().and_then(|x| x.attachment_title.as_ref()) {
        o.insert("mm:attachmentTitle".into(), json!(title));
    }
    if let Some(colour) = &a.colour {
        o.insert("mm:colour".into(), json!(colour));
    }
    o.insert("mm:anchorState".into(), json!(a.anchor_state.as_str()));
    o.insert("mm:visibility".into(), json!(a.visibility.as_str()));
    Value::Object(o)
}

/// An `AnnotationCollection` holding `items` in one page.
pub fn collection(label: &str, items: Vec<Value>) -> Value {
    json!({
        "@context": context(),
        "type": "AnnotationCollection",
        "label": label,
        "total": items.len(),
        "first": { "type": "AnnotationPage", "startIndex": 0, "items": items },
    })
}

fn invalid(what: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("ugyldig note i pakken: {what}"))
}

/// The annotations of a collection written by [`collection`].
pub fn collection_items(mut v: Value) -> Result<Vec<Value>> {
    if v.get("type").and_then(Value::as_str) != Some("AnnotationCollection") {
        return Err(invalid("notefilen er ikke en AnnotationCollection"));
    }
    match v.pointer_mut("/first/items").map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(invalid("notefilen har ingen noter")),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    }
}

/// Whether a string is a lowercase hex SHA-256.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Reads one annotation (as imported: origin `imported`, item unknown here);
/// every required field is checked.
pub fn from_jsonld(v: &Value) -> Result<(Annotation, Option<ItemLocator>)> {
    let id = str_of(v, "id")
        .filter(|s| is_urn_uuid(s))
        .ok_or_else(|| invalid("en note mangler et id af formen urn:uuid:…"))?;
    if str_of(v, "type") != Some("Annotation") {
        return Err(invalid(format!("{id} er ikke af typen Annotation")));
    }
    let time = |key: &str| {
        str_of(v, key)
            .and_then(parse_time)
            .ok_or_else(|| invalid(format!("{id} har ingen gyldig «{key}»-tid")))
    };
    let created = time("created")?;
    let modified = time("modified")?;
    let creator = v
        .get("creator")
        .ok_or_else(|| invalid(format!("{id} har ingen forfatter")))?;
    let author = Author {
        id: str_of(creator, "id").unwrap_or_default().to_string(),
        name: str_of(creator, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| invalid(format!("{id}: forfatteren har intet navn")))?
            .to_string(),
    };
    let mut body = String::new();
    let mut format = NoteFormat::Plain;
    let mut tags = Vec::new();
    for b in one_or_many(v.get("body")) {
        let value = str_of(b, "value")
            .ok_or_else(|| invalid(format!("{id}: en tekst mangler sin værdi")))?;
        match str_of(b, "purpose") {
            Some("tagging") => tags.push(value.to_string()),
            _ => {
                body = value.to_string();
                format = match str_of(b, "format") {
                    None => NoteFormat::Plain,
                    Some(f) => NoteFormat::parse(f)
                        .ok_or_else(|| invalid(format!("{id}: ukendt tekstformat «{f}»")))?,
                };
            }
        }
    }
    let target = v
        .get("target")
        .ok_or_else(|| invalid(format!("{id} har intet mål")))?;
    let source = str_of(target, "source")
        .or_else(|| target.as_str())
        .ok_or_else(|| invalid(format!("{id}: målet har ingen kilde")))?;
    let case_number = str_of(v, "mm:caseNumber").map(str::to_string);
    let anchor = match source.strip_prefix("urn:sha256:") {
        Some(sha) => {
            if !is_sha256(sha) {
                return Err(invalid(format!("{id}: ugyldig SHA-256 «{sha}»")));
            }
            let selectors = one_or_many(target.get("selector"));
            let find = |t: &str| selectors.iter().find(|s| str_of(s, "type") == Some(t));
            let page = find("FragmentSelector")
                .and_then(|s| str_of(s, "value"))
                .and_then(|s| s.strip_prefix("page="))
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|&p| p >= 1)
                .ok_or_else(|| invalid(format!("{id}: siden mangler")))?;
            let quote = find("TextQuoteSelector")
                .ok_or_else(|| invalid(format!("{id}: citatet mangler")))?;
            let exact = str_of(quote, "exact")
                .filter(|e| !e.is_empty())
                .ok_or_else(|| invalid(format!("{id}: citatet er tomt")))?;
            let pos = find("TextPositionSelector");
            let num = |k: &str| {
                pos.and_then(|p| p.get(k))
                    .and_then(Value::as_u64)
                    .map(|n| n as u32)
            };
            Some(TextAnchor {
                sha256: sha.to_string(),
                attachment_title: str_of(v, "mm:attachmentTitle").map(str::to_string),
                page,
                exact: exact.to_string(),
                prefix: str_of(quote, "prefix").unwrap_or_default().to_string(),
                suffix: str_of(quote, "suffix").unwrap_or_default().to_string(),
                start: num("start").unwrap_or(0),
                end: num("end").unwrap_or(0),
            })
        }
        None => None,
    };
    let item: Option<ItemLocator> = match v.get("mm:item") {
        None | Some(Value::Null) => None,
        Some(x) => Some(
            serde_json::from_value(x.clone())
                .map_err(|e| invalid(format!("{id}: ugyldigt punkt ({e})")))?,
        ),
    };
    if anchor.is_none() && case_number.is_none() && item.is_none() {
        return Err(invalid(format!(
            "{id} hører hverken til en side, et punkt eller en sag"
        )));
    }
    let anchor_state = match str_of(v, "mm:anchorState") {
        None => AnchorState::Anchored,
        Some(s) => AnchorState::parse(s)
            .ok_or_else(|| invalid(format!("{id}: ukendt ankertilstand «{s}»")))?,
    };
    Ok((
        Annotation {
            id: id.to_string(),
            case_number,
            item: None,
            anchor,
            anchor_state,
            body,
            format,
            colour: str_of(v, "mm:colour").map(str::to_string),
            tags,
            author,
            origin: Origin::Imported,
            visibility: Visibility::Shared,
            created,
            modified,
        },
        item,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn sample() -> Annotation {
        Annotation {
            id: "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            case_number: Some("EMN-2023-001234".into()),
            item: None,
            anchor: Some(TextAnchor {
                sha256: "ab".repeat(32),
                attachment_title: Some("Bilag 1: Trafikplan".into()),
                page: 3,
                exact: "øges med 3 mio. kr.".into(),
                prefix: "Budgettet ".into(),
                suffix: " i 2024".into(),
                start: 10,
                end: 29,
            }),
            anchor_state: AnchorState::Anchored,
            body: "Spørg **forvaltningen** om finansieringen.".into(),
            format: NoteFormat::Markdown,
            colour: Some("#ffd54f".into()),
            tags: vec!["økonomi".into(), "spørgsmål".into()],
            author: Author {
                id: "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7".into(),
                name: "Mette Mentor".into(),
            },
            origin: Origin::Imported,
            visibility: Visibility::Shared,
            created: Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
            modified: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn an_annotation_survives_the_round_trip() {
        let a = sample();
        let loc = ItemLocator {
            body: "Teknisk Udvalg".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
            number: 5,
        };
        let v = to_jsonld(&a, Some(&loc), false);
        assert_eq!(v["type"], "Annotation");
        assert_eq!(v["motivation"], "commenting");
        assert_eq!(v["@context"][0], ANNO_CONTEXT);
        assert_eq!(
            v["target"]["source"],
            format!("urn:sha256:{}", "ab".repeat(32))
        );
        assert_eq!(v["target"]["selector"][1]["type"], "TextQuoteSelector");
        assert_eq!(v["target"]["selector"][0]["value"], "page=3");
        assert_eq!(v["body"][1]["purpose"], "tagging");
        let text = serde_json::to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        let (b, l) = from_jsonld(&back).unwrap();
        assert_eq!(b, a);
        assert_eq!(l, Some(loc));
    }

    #[test]
    fn a_case_note_and_a_highlight_round_trip() {
        let mut note = sample();
        note.anchor = None;
        note.tags.clear();
        let v = to_jsonld(&note, None, true);
        assert!(v.get("@context").is_none());
        assert_eq!(v["target"]["source"], "urn:moedemappe:case:EMN-2023-001234");
        assert_eq!(from_jsonld(&v).unwrap().0, note);

        let mut hl = sample();
        hl.body.clear();
        hl.format = NoteFormat::Plain;
        let v = to_jsonld(&hl, None, true);
        assert_eq!(v["motivation"], "highlighting");
        assert_eq!(from_jsonld(&v).unwrap().0, hl);
    }

    #[test]
    fn broken_annotations_are_refused() {
        let good = to_jsonld(&sample(), None, true);
        let mut v = good.clone();
        v["id"] = json!("note-1");
        assert!(from_jsonld(&v).is_err());
        let mut v = good.clone();
        v["target"]["source"] = json!("urn:sha256:xyz");
        assert!(from_jsonld(&v).is_err());
        let mut v = good.clone();
        v["modified"] = json!("i går");
        assert!(from_jsonld(&v).is_err());
        let mut v = good;
        v["target"]["selector"] = json!([]);
        let err = from_jsonld(&v).unwrap_err().to_string();
        assert!(err.contains("siden mangler"), "{err}");
    }
}
