//! Which meeting entries of a portal a source fetches: those of the bodies it
//! names (by name, former name or abbreviation) or that the member follows,
//! from a first day on. By default every body, from the year before the
//! current election period, so a member's first sync is days of material,
//! not ten years of it.

use crate::index::abbreviation_names;
use crate::store::{Reader, SourceScope};
use crate::Result;
use chrono::{Datelike, NaiveDate};

/// A source's scope, resolved against the store and the portal's list.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The first meeting day fetched.
    pub first_day: NaiveDate,
    /// The bodies fetched; `None`: every body.
    bodies: Option<Bodies>,
}

/// The bodies of a scope, each as the names it matches.
#[derive(Debug, Clone, Default)]
struct Bodies {
    /// Each name the member wrote, with what it matches.
    wanted: Vec<Wanted>,
    /// Lower-case names (and former names) of the followed bodies.
    followed: Vec<String>,
}

/// One body name as the member wrote it ("TU", "Teknisk", "Teknisk Udvalg").
#[derive(Debug, Clone)]
struct Wanted {
    written: String,
    /// Lower-case full names it stands for: an abbreviation's expansions and
    /// the names and former names of the stored bodies it finds.
    names: Vec<String>,
    /// Lower-case: a name beginning with this matches too. Empty when the
    /// name matches a body of the portal exactly, as `--body` elsewhere:
    /// "TU" is Teknisk Udvalg, not every body that begins "Tu".
    prefix: String,
}

impl Wanted {
    fn matches(&self, body: &str) -> bool {
        self.names.iter().any(|n| n == body)
            || (!self.prefix.is_empty() && body.starts_with(&self.prefix))
    }
}

impl Resolved {
    /// Resolves `scope` for a portal whose list has these group keys
    /// ("Udvalg 2022-2025", …) and these body names, on `today`.
    pub fn new(
        read: &Reader<'_>,
        scope: &SourceScope,
        groups: &[String],
        portal_bodies: &[String],
        today: NaiveDate,
    ) -> Result<Resolved> {
        let first_day = scope
            .since
            .unwrap_or_else(|| default_first_day(groups, today));
        if scope.bodies.is_empty() && !scope.followed {
            return Ok(Resolved {
                first_day,
                bodies: None,
            });
        }
        let lower = |names: Vec<String>| names.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>();
        let mut bodies = Bodies::default();
        for written in &scope.bodies {
            let mut names = lower(abbreviation_names(written));
            for id in read.find_bodies(written, false).unwrap_or_default() {
                names.extend(lower(read.body_all_names(id)?));
            }
            let written_lower = written.trim().to_lowercase();
            names.push(written_lower.clone());
            let exact = portal_bodies
                .iter()
                .any(|b| names.contains(&b.trim().to_lowercase()));
            bodies.wanted.push(Wanted {
                written: written.clone(),
                names,
                prefix: if exact { String::new() } else { written_lower },
            });
        }
        if scope.followed {
            for (id, _) in read.followed()? {
                bodies.followed.extend(lower(read.body_all_names(id)?));
            }
        }
        Ok(Resolved {
            first_day,
            bodies: Some(bodies),
        })
    }

    /// Whether an entry of `body` on `date` is in scope.
    pub fn includes(&self, body: &str, date: NaiveDate) -> bool {
        date >= self.first_day && self.includes_body(body)
    }

    /// Whether the body is in scope (whatever the day).
    pub fn includes_body(&self, body: &str) -> bool {
        let Some(bodies) = &self.bodies else {
            return true;
        };
        let body = body.trim().to_lowercase();
        bodies.followed.contains(&body) || bodies.wanted.iter().any(|w| w.matches(&body))
    }

    /// The body names the member wrote that match none of the portal's bodies.
    pub fn unmatched(&self, portal_bodies: &[String]) -> Vec<String> {
        let Some(bodies) = &self.bodies else {
            return Vec::new();
        };
        let portal: Vec<String> = portal_bodies
            .iter()
            .map(|b| b.trim().to_lowercase())
            .collect();
        bodies
            .wanted
            .iter()
            .filter(|w| !portal.iter().any(|b| w.matches(b)))
            .map(|w| w.written.clone())
            .collect()
    }
}

/// The year before the current election period: the newest period among the
/// list's groups ("Udvalg 2022-2025" → 2021-01-01), or, where no group names
/// one, the four-year period `today` falls in (2022-2025, 2026-2029, …).
pub fn default_first_day(groups: &[String], today: NaiveDate) -> NaiveDate {
    let start = groups
        .iter()
        .filter_map(|g| period_start(g))
        .filter(|&y| y <= today.year() + 1)
        .max()
        .unwrap_or_else(|| 2022 + (today.year() - 2022).div_euclid(4) * 4);
    NaiveDate::from_ymd_opt(start - 1, 1, 1).unwrap_or(today)
}

/// The first year of a "… 2022-2025" group key.
fn period_start(group: &str) -> Option<i32> {
    let years: Vec<i32> = group
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .collect();
    match years.as_slice() {
        [from, to] if to > from && to - from <= 4 => Some(*from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_name_matching_a_body_exactly_is_not_also_a_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("s.sqlite")).unwrap();
        let portal: Vec<String> = ["Teknisk Udvalg", "Turistudvalget", "Kulturudvalget"]
            .map(String::from)
            .to_vec();
        let resolve = |bodies: &[&str]| {
            let scope = SourceScope {
                bodies: bodies.iter().map(|b| b.to_string()).collect(),
                ..SourceScope::default()
            };
            Resolved::new(&store.read(), &scope, &[], &portal, day("2026-01-01")).unwrap()
        };
        // "TU" is Teknisk Udvalg by its abbreviation, not every body beginning "Tu".
        let tu = resolve(&["TU"]);
        assert!(tu.includes_body("Teknisk Udvalg"));
        assert!(!tu.includes_body("Turistudvalget"));
        // A written beginning that names no body exactly still matches by prefix.
        let kultur = resolve(&["kultur"]);
        assert!(kultur.includes_body("Kulturudvalget"));
        assert!(!kultur.includes_body("Teknisk Udvalg"));
        assert!(resolve(&["Turistudvalget"]).unmatched(&portal).is_empty());
        assert_eq!(
            resolve(&["Skoleudvalget"]).unmatched(&portal),
            ["Skoleudvalget"]
        );
    }

    #[test]
    fn the_default_is_the_year_before_the_newest_election_period() {
        let groups = vec![
            "Historiske udvalg".to_string(),
            "Udvalg 2018-2021".to_string(),
            "Udvalg 2022-2025".to_string(),
        ];
        assert_eq!(
            default_first_day(&groups, day("2024-05-01")),
            day("2021-01-01")
        );
        assert_eq!(default_first_day(&[], day("2026-12-06")), day("2025-01-01"));
        assert_eq!(default_first_day(&[], day("2025-12-31")), day("2021-01-01"));
        assert_eq!(period_start("Udvalg 2026-2029"), Some(2026));
        assert_eq!(period_start("Udvalg"), None);
    }
}
