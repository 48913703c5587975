//! Saved searches (søgeagenter) and what is new to them, and notices of
//! agendas and minutes released for followed bodies: worked out after every
//! sync, import and watch event ([`Mappe::check_alerts`]), shown in the
//! caller's scope ([`Session::alerts`]).
//!
//! What is new comes from a journal the store's triggers write in the same
//! transaction as the change (migration 0015). Each search remembers how far
//! it has looked and records its matches by item or by page of a content, so
//! a killed run neither loses nor repeats one. Every search runs twice: on
//! the open documents' index, for the open scope, and on the index of
//! everything, for the member and the closed scope; the open scope's alerts
//! are thus those of a store that never held closed material.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{Mappe, SearchRequest, Session};
use crate::index::{Candidates, DocKind, MaterialKind, SearchQuery};
use crate::model::{danish_date, Access, AttachmentId, ItemId, MeetingId, Publication};
use crate::store::{AlertChange, NewHit};
use crate::{Error, Result};

/// A meeting further back than this many days when a sync brings it is
/// history (a first sync of a body's years), not a release to give notice of.
pub const RELEASE_WINDOW_DAYS: i64 = 31;

/// Longest name of a saved search, in characters.
pub const MAX_SEARCH_NAME: usize = 100;

/// The words and filters of a saved search: those of Søg.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedQuery {
    /// The words, as in Søg (every word must match; blank with a case or a
    /// body: everything of it).
    #[serde(default)]
    pub text: String,
    /// Only this body (name, former name or abbreviation).
    #[serde(default)]
    pub body: Option<String>,
    /// Only meetings of this year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Only meetings on or after this day.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Only meetings on or before this day.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Only open or only closed material.
    #[serde(default)]
    pub access: Option<Access>,
    /// Only these kinds; empty means all.
    #[serde(default)]
    pub kinds: Vec<MaterialKind>,
    /// Only material of this case.
    #[serde(default)]
    pub case_number: Option<String>,
}

impl SavedQuery {
    /// The search request it stands for, with or without closed material.
    fn request(&self, include_closed: bool) -> SearchRequest {
        SearchRequest {
            query: SearchQuery {
                text: self.text.clone(),
                year: self.year,
                from: self.from,
                to: self.to,
                access: self.access,
                include_closed,
                kinds: self.kinds.clone(),
                case_number: self.case_number.clone(),
                ..SearchQuery::default()
            },
            body: self.body.clone(),
        }
    }

    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
            && self
                .case_number
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
            && self.body.as_deref().is_none_or(|b| b.trim().is_empty())
    }
}

/// A saved search.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedSearch {
    /// The member's name for it (unique).
    pub name: String,
    /// Its words and filters.
    pub query: SavedQuery,
    /// When it was saved (RFC 3339, UTC); only what arrives after counts as new.
    pub created_at: String,
}

/// One place a saved search found something new: an item's own text, or
/// pages of one of its bilag.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertMatch {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting: MeetingId,
    /// The body that meets.
    pub body: String,
    /// The meeting's day.
    pub date: NaiveDate,
    /// The item.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub item: ItemId,
    /// Its number on the agenda (as this scope numbers it).
    pub item_number: u32,
    /// Its title.
    pub item_title: String,
    /// Its case number, where it has one.
    pub case_number: Option<String>,
    /// The bilag, when the match is in its pages (none: the item's own text).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub attachment: Option<AttachmentId>,
    /// The bilag's title on this item.
    pub attachment_title: Option<String>,
    /// The matching pages of the bilag, in order.
    pub pages: Vec<u32>,
    /// When it was found (RFC 3339, UTC).
    pub found_at: String,
    /// Marked seen.
    pub seen: bool,
}

/// What one saved search found that is new.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchNews {
    /// The saved search.
    pub search: SavedSearch,
    /// Where it found something, newest meeting first.
    pub matches: Vec<AlertMatch>,
}

/// A newly released agenda, supplementary agenda or minutes of a followed body.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseNotice {
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting: MeetingId,
    /// The body.
    pub body: String,
    /// The meeting's day.
    pub date: NaiveDate,
    /// What was released.
    #[cfg_attr(
        any(test, feature = "ts"),
        ts(type = "\"agenda\" | \"supplementary_agenda\" | \"minutes\"")
    )]
    pub publication: Publication,
    /// Its items (as this scope sees them).
    pub items: u32,
    /// Pages of its bilag.
    pub pages: u32,
    /// Of those, pages of bilag no earlier meeting had.
    pub new_pages: u32,
    /// The notice in words: «Dagsorden til Teknisk Udvalg 12. februar 2026
    /// er udgivet: 14 punkter, 312 sider, heraf 40 nye».
    pub text: String,
    /// When the sync brought it (RFC 3339, UTC).
    pub found_at: String,
    /// Marked seen.
    pub seen: bool,
}

/// What is new for the member: per saved search, and releases.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Alerts {
    /// Every saved search, with what it found (possibly nothing).
    pub searches: Vec<SearchNews>,
    /// Releases of followed bodies, newest first.
    pub releases: Vec<ReleaseNotice>,
    /// Matches and releases listed, in all.
    pub total: u32,
}

/// What one evaluation of the saved searches found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlertsFound {
    /// New matches (items and pages), for the member's scope.
    pub matches: usize,
    /// New release notices.
    pub releases: usize,
}

/// The last evaluation of this program ([`Mappe::last_alerts_check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertsCheck {
    /// What it found.
    pub found: AlertsFound,
    /// How long it took (the index brought up to date included).
    pub took: std::time::Duration,
}

impl Mappe {
    /// What the last evaluation of the saved searches in this program found,
    /// and how long it took (none before the first job ended).
    pub fn last_alerts_check(&self) -> Option<AlertsCheck> {
        *self.alerts_last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The part of the recorded matches a scope is shown.
fn part(scope_sees_closed: bool) -> &'static str {
    if scope_sees_closed {
        "all"
    } else {
        "open"
    }
}

impl Mappe {
    /// Saves a search under `name` (its words when none); only what arrives
    /// after counts as new for it.
    pub(crate) fn save_search(
        &self,
        name: Option<&str>,
        query: &SavedQuery,
    ) -> Result<SavedSearch> {
        if query.is_blank() {
            return Err(Error::Invalid(
                "en søgeagent skal have ord at søge efter, et sagsnummer eller et udvalg".into(),
            ));
        }
        let name = name.unwrap_or(&query.text).trim().to_string();
        let name = if name.is_empty() {
            query
                .case_number
                .clone()
                .or_else(|| query.body.clone())
                .unwrap_or_default()
        } else {
            name
        };
        if name.chars().count() > MAX_SEARCH_NAME {
            return Err(Error::Invalid(format!(
                "navnet er for langt (højst {MAX_SEARCH_NAME} tegn)"
            )));
        }
        let json = serde_json::to_string(query).map_err(|e| Error::Invalid(e.to_string()))?;
        let created_at = now();
        let saved = self
            .store
            .write(|w| w.save_search(&name, &json, &created_at))?;
        if !saved {
            return Err(Error::Invalid(format!(
                "der er allerede en søgeagent ved navn «{name}»"
            )));
        }
        Ok(SavedSearch {
            name,
            query: query.clone(),
            created_at,
        })
    }

    /// Removes a saved search and what it found.
    pub(crate) fn remove_search(&self, name: &str) -> Result<()> {
        if self.store.write(|w| w.remove_saved_search(name.trim()))? {
            Ok(())
        } else {
            Err(no_such_search(name))
        }
    }

    /// Marks what one saved search found as seen, or (`None`) everything:
    /// every search's matches and the release notices.
    pub(crate) fn alerts_seen(&self, name: Option<&str>) -> Result<()> {
        let search = match name {
            Some(name) => Some(self.search_id(name)?),
            None => None,
        };
        let at = now();
        self.store.write(|w| w.mark_alerts_seen(search, &at))?;
        Ok(())
    }

    fn search_id(&self, name: &str) -> Result<i64> {
        self.store
            .read()
            .saved_searches()?
            .into_iter()
            .find(|s| s.name == name.trim())
            .map(|s| s.id)
            .ok_or_else(|| no_such_search(name))
    }

    /// Works out what the store gained since the saved searches and the
    /// release notices last looked, and records it. Runs inside a job's turn
    /// (it writes the index first, so every change is searchable).
    pub(crate) fn check_alerts(&self) -> Result<AlertsFound> {
        let read = self.store.read();
        let upto = read.last_change()?;
        let searches = read.saved_searches()?;
        let releases_from = read.releases_checked()?;
        drop(read);
        let from = searches
            .iter()
            .map(|s| s.checked)
            .chain([releases_from])
            .min()
            .unwrap_or(upto);
        if from >= upto {
            return Ok(AlertsFound::default());
        }
        crate::ingest::update_index(&self.store, &self.index, &crate::progress::Silent)?;
        let changes = self.store.read().alert_changes(from, upto)?;
        let mut matcher = self.index.matcher();
        let mut plan: Vec<(i64, &'static str, Vec<NewHit>)> = Vec::new();
        for s in searches.iter().filter(|s| s.checked < upto) {
            // A row this version cannot read finds nothing (and is kept).
            let Ok(query) = serde_json::from_str::<SavedQuery>(&s.query) else {
                continue;
            };
            let among = candidates(&changes.rows, s.checked);
            let (all, open) = self.new_matches(&mut matcher, &query, &among)?;
            plan.push((s.id, part(true), all));
            plan.push((s.id, part(false), open));
        }
        let window = (crate::clock::today() - chrono::Duration::days(RELEASE_WINDOW_DAYS))
            .format("%Y-%m-%d")
            .to_string();
        let mut notices = Vec::new();
        {
            let read = self.store.read();
            for (seq, change) in &changes.rows {
                if let AlertChange::Meeting(meeting, publication) = change {
                    if *seq > releases_from && read.release_worthy(*meeting, &window)? {
                        notices.push((*meeting, publication.clone()));
                    }
                }
            }
        }
        let at = now();
        self.store.write(|w| {
            let mut found = AlertsFound::default();
            for (search, part, hits) in &plan {
                let added = w.record_hits(*search, part, hits, &at)?;
                if *part == "all" {
                    found.matches += added;
                }
            }
            for s in &searches {
                w.set_search_checked(s.id, upto)?;
            }
            for (meeting, publication) in &notices {
                if w.record_notice(*meeting, publication, &at)? {
                    found.releases += 1;
                }
            }
            w.set_releases_checked(upto)?;
            Ok(found)
        })
    }

    /// The matches of `query` among `among` in the index of everything and
    /// in the open documents' index, one per item document or page of a
    /// content (citing its newest use).
    fn new_matches(
        &self,
        matcher: &mut crate::index::Matcher<'_>,
        query: &SavedQuery,
        among: &Candidates,
    ) -> Result<(Vec<NewHit>, Vec<NewHit>)> {
        if among.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let resolved = |include_closed| -> Result<Option<SearchQuery>> {
            let request = query.request(include_closed);
            let resolved = self.resolve(&request)?;
            // A body this scope does not know: nothing of it matches.
            let unknown = request.body.is_some() && resolved.body_ids.is_empty();
            Ok((!unknown).then_some(resolved))
        };
        let (all, open) = (resolved(true)?, resolved(false)?);
        let found = matcher.matches_among(all.as_ref(), open.as_ref(), among)?;
        Ok((one_per_unit(found.all), one_per_unit(found.open)))
    }
}

/// One hit per item document or content page of `matches`, citing the
/// content page's newest use (a document collection's page has no item to
/// cite and is left out).
fn one_per_unit(matches: Vec<crate::index::Match>) -> Vec<NewHit> {
    let mut best: BTreeMap<String, (Option<NaiveDate>, NewHit)> = BTreeMap::new();
    for m in matches {
        let Some(item) = m.cite.item_id.map(ItemId) else {
            continue;
        };
        let hit = match (m.kind, m.cite.attachment_id, m.cite.page) {
            (DocKind::Item, _, _) => NewHit {
                unit: format!("item:{}", item.0),
                item,
                attachment: None,
                page: None,
            },
            (DocKind::Page, Some(att), Some(page)) => NewHit {
                unit: format!("page:{att}:{page}"),
                item,
                attachment: Some(AttachmentId(att)),
                page: Some(page),
            },
            _ => continue,
        };
        let date = m.cite.meeting_date;
        match best.get(&hit.unit) {
            Some((d, h)) if (*d, h.item.0) >= (date, item.0) => {}
            _ => {
                best.insert(hit.unit.clone(), (date, hit));
            }
        }
    }
    best.into_values().map(|(_, h)| h).collect()
}

/// The items and contents of the journal after `after`.
fn candidates(rows: &[(i64, AlertChange)], after: i64) -> Candidates {
    let mut items = HashSet::new();
    let mut attachments = HashSet::new();
    for (seq, change) in rows {
        if *seq <= after {
            continue;
        }
        match change {
            AlertChange::Item(i) => {
                items.insert(*i);
            }
            AlertChange::Text(a) => {
                attachments.insert(*a);
            }
            AlertChange::Meeting(..) => {}
        }
    }
    let mut c = Candidates {
        items: items.into_iter().collect(),
        attachments: attachments.into_iter().collect(),
    };
    c.items.sort_unstable_by_key(|i| i.0);
    c.attachments.sort_unstable_by_key(|a| a.0);
    c
}

fn no_such_search(name: &str) -> Error {
    Error::NotFound(format!("der er ingen søgeagent ved navn «{}»", name.trim()))
}

impl Session<'_> {
    /// With a locked vault the saved searches are inside it: the member is
    /// told so ([`Error::Locked`]); other scopes see none.
    fn saved_rows(&self) -> Result<Vec<crate::store::SavedRow>> {
        if self.mappe.is_locked() {
            return if self.scope.is_member() {
                Err(Error::Locked)
            } else {
                Ok(Vec::new())
            };
        }
        self.mappe.store.read().saved_searches()
    }

    /// The saved searches, by name.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        Ok(self
            .saved_rows()?
            .into_iter()
            .filter_map(|s| {
                Some(SavedSearch {
                    query: serde_json::from_str(&s.query).ok()?,
                    name: s.name,
                    created_at: s.created_at,
                })
            })
            .collect())
    }

    /// What is new: per saved search its matches not yet seen, and the
    /// release notices not yet seen; with `since`, everything found since
    /// then, seen or not. Only what this scope may see is counted or named.
    pub fn alerts(&self, since: Option<DateTime<Utc>>) -> Result<Alerts> {
        let since = since.map(stamp);
        let part = part(self.scope.sees_closed());
        let mut items: HashMap<ItemId, Option<super::ItemView>> = HashMap::new();
        let mut out = Alerts::default();
        // Every search's rows from one snapshot; the reader goes back to the
        // pool before the items are read (each takes a reader of its own).
        let saved = self.saved_rows()?;
        let listed = {
            let read = self.mappe.store.read();
            let mut listed = Vec::new();
            for s in saved {
                let Ok(query) = serde_json::from_str::<SavedQuery>(&s.query) else {
                    continue;
                };
                let rows = read.alert_hits(s.id, part, since.as_deref())?;
                listed.push((s, query, rows));
            }
            listed
        };
        for (s, query, rows) in listed {
            // One entry per item's own text, and per item and bilag.
            let mut entries: Vec<AlertMatch> = Vec::new();
            let mut at: HashMap<(ItemId, Option<AttachmentId>), usize> = HashMap::new();
            for row in rows {
                let view = match items.get(&row.item) {
                    Some(v) => v.clone(),
                    None => {
                        let v = match self.item(row.item) {
                            Ok(v) => Some(v),
                            Err(Error::NotFound(_)) => None,
                            Err(e) => return Err(e),
                        };
                        items.insert(row.item, v.clone());
                        v
                    }
                };
                let Some(view) = view else { continue };
                let attachment_title = match row.attachment {
                    Some(a) => match view.item.attachments.iter().find(|x| x.id == a) {
                        Some(x) => Some(x.title.clone()),
                        None => continue, // a bilag this scope does not see
                    },
                    None => None,
                };
                let key = (row.item, row.attachment);
                let slot = *at.entry(key).or_insert_with(|| {
                    entries.push(AlertMatch {
                        meeting: view.item.meeting,
                        body: view.item.body.clone(),
                        date: view.item.date,
                        item: view.item.id,
                        item_number: view.item.number,
                        item_title: view.item.title.clone(),
                        case_number: view.item.case_number.clone(),
                        attachment: row.attachment,
                        attachment_title,
                        pages: Vec::new(),
                        found_at: row.found_at.clone(),
                        seen: row.seen,
                    });
                    entries.len() - 1
                });
                let entry = &mut entries[slot];
                if let Some(page) = row.page {
                    entry.pages.push(page);
                }
                entry.seen &= row.seen;
                if row.found_at > entry.found_at {
                    entry.found_at = row.found_at;
                }
            }
            for e in &mut entries {
                e.pages.sort_unstable();
            }
            entries.sort_by(|a, b| {
                (
                    b.date,
                    &a.body,
                    a.item_number,
                    a.attachment_title.as_deref(),
                )
                    .cmp(&(
                        a.date,
                        &b.body,
                        b.item_number,
                        b.attachment_title.as_deref(),
                    ))
            });
            out.total += entries.len() as u32;
            out.searches.push(SearchNews {
                search: SavedSearch {
                    name: s.name,
                    query,
                    created_at: s.created_at,
                },
                matches: entries,
            });
        }
        let notices = if self.mappe.is_locked() {
            Vec::new()
        } else {
            self.mappe.store.read().release_notices(since.as_deref())?
        };
        for n in notices {
            if let Some(notice) = self.release_notice(n)? {
                out.releases.push(notice);
            }
        }
        out.total += out.releases.len() as u32;
        Ok(out)
    }

    /// A release notice as this scope sees the meeting; none when it may not.
    fn release_notice(&self, row: crate::store::NoticeRow) -> Result<Option<ReleaseNotice>> {
        let view = match self.meeting(row.meeting) {
            Ok(v) => v,
            Err(Error::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(publication) = Publication::parse(&row.publication) else {
            return Ok(None);
        };
        let mut seen_files = HashSet::new();
        let (mut pages, mut new_pages) = (0u32, 0u32);
        let date = view.meeting.date;
        for item in &view.items {
            for a in &item.item.attachments {
                if !seen_files.insert(a.id) {
                    continue;
                }
                let n = a.page_count.unwrap_or(0);
                pages += n;
                let earlier = self
                    .attachment_uses(a.id)?
                    .iter()
                    .any(|u| u.meeting != row.meeting && u.date < date);
                if !earlier {
                    new_pages += n;
                }
            }
        }
        let items = view.items.len() as u32;
        let body = view.meeting.body.clone();
        let what = match publication {
            Publication::Agenda => "Dagsorden",
            Publication::SupplementaryAgenda => "Tillægsdagsorden",
            Publication::Minutes => "Referat",
        };
        let text = format!(
            "{what} til {body} {} er udgivet: {items} {}, {pages} {}, heraf {new_pages} {}",
            danish_date(date),
            if items == 1 { "punkt" } else { "punkter" },
            if pages == 1 { "side" } else { "sider" },
            if new_pages == 1 { "ny" } else { "nye" },
        );
        Ok(Some(ReleaseNotice {
            meeting: row.meeting,
            body,
            date,
            publication,
            items,
            pages,
            new_pages,
            text,
            found_at: row.found_at,
            seen: row.seen,
        }))
    }
}
