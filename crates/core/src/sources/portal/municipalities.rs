//! The Danish municipalities that publish through FirstAgenda Publication,
//! by name (`assets/municipalities.json`), so a member can write
//! `source add portal aarhus` instead of the portal's address.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One municipality and its portal.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Municipality {
    /// "Aarhus Kommune".
    pub name: String,
    /// "Aarhus".
    pub short: String,
    /// The portal's base URL, "https://dagsordener.aarhus.dk".
    pub url: String,
}

const LIST: &str = include_str!("../../../../../assets/municipalities.json");

/// Every municipality on the shipped list, by name.
pub fn all() -> &'static [Municipality] {
    static PARSED: OnceLock<Vec<Municipality>> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(LIST).unwrap_or_default())
}

/// "Aarhus Kommune", "aarhus" and " AARHUS " all give "aarhus".
fn key(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    lower
        .strip_suffix(" kommune")
        .unwrap_or(&lower)
        .trim()
        .to_string()
}

/// The municipality `text` names (its name with or without "Kommune"),
/// or else the closest names on the list, best first (at most three).
pub fn find(text: &str) -> Result<&'static Municipality, Vec<&'static Municipality>> {
    let wanted = key(text);
    if let Some(m) = all()
        .iter()
        .find(|m| key(&m.short) == wanted || key(&m.name) == wanted)
    {
        return Ok(m);
    }
    let mut scored: Vec<(f64, &Municipality)> = all()
        .iter()
        .map(|m| (strsim::jaro_winkler(&wanted, &key(&m.short)), m))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    Err(scored.into_iter().take(3).map(|(_, m)| m).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_municipality_once_with_an_https_portal() {
        let list = all();
        assert!(list.len() >= 60, "{}", list.len());
        let mut shorts: Vec<_> = list.iter().map(|m| key(&m.short)).collect();
        shorts.sort();
        shorts.dedup();
        assert_eq!(shorts.len(), list.len(), "a name twice");
        for m in list {
            assert!(
                m.url.starts_with("https://") && !m.url.ends_with('/'),
                "{m:?}"
            );
            // "Nordfyn" and "Nordfyns Kommune": the name begins with the short name's stem.
            let stem: String = m.short.chars().take(m.short.chars().count() - 1).collect();
            assert!(m.name.starts_with(&stem), "{m:?}");
        }
    }

    #[test]
    fn names_are_found_with_or_without_kommune_and_typos_get_suggestions() {
        assert_eq!(find("aarhus").unwrap().url, "https://dagsordener.aarhus.dk");
        assert_eq!(find("Aarhus Kommune").unwrap().short, "Aarhus");
        assert_eq!(find("  HØJE-TAASTRUP ").unwrap().short, "Høje-Taastrup");
        assert_eq!(find("Bornholms Regionskommune").unwrap().short, "Bornholm");
        let close = find("aarhsu").unwrap_err();
        assert_eq!(close.first().map(|m| m.short.as_str()), Some("Aarhus"));
        assert!(find("Atlantis").unwrap_err().is_empty());
    }
}
