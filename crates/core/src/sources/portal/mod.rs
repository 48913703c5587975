//! The connector for FirstAgenda Publication portals (dagsordener.aarhus.dk and
//! some 77 other municipalities): list bodies and meetings, fetch the agendas
//! that changed, download the PDFs not yet stored, and write everything to the
//! store one meeting per transaction — so a killed sync is finished by the
//! next one, with nothing duplicated.
//!
//! Incremental: a meeting entry whose list entry (name, release date,
//! finished flag, …) hashes as before and was stored completely is not
//! fetched again; a document GUID already stored is not downloaded again.
//! Agenda, supplementary agenda and minutes of one body and day are one
//! meeting, and items are matched by number, so minutes published with new
//! ids update the items the member already has. Entries the portal no longer
//! lists are marked withdrawn, never deleted.

pub mod client;
pub mod files;
pub mod json;
mod meeting;
pub mod municipalities;
pub mod scope;
pub mod text;

use crate::blobs::BlobStore;
use crate::extract::ExtractOptions;
use crate::index::SearchIndex;
use crate::ingest::{self, ImportReport};
use crate::model::Publication;
use crate::progress::{Progress, Tick};
use crate::store::{ScopeCounts, Source, Store, SyncFailure};
use crate::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use client::{ClientOptions, FetchError, PortalClient};
use json::MeetingEntry;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// How a portal sync behaves.
#[derive(Debug, Clone)]
pub struct PortalOptions {
    /// Timeouts and retries.
    pub client: ClientOptions,
    /// Requests in flight at once.
    pub concurrency: usize,
}

impl Default for PortalOptions {
    fn default() -> Self {
        PortalOptions {
            client: ClientOptions::default(),
            concurrency: 4,
        }
    }
}

/// What a portal sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PortalReport {
    /// Meeting entries the portal lists.
    pub listed: u64,
    /// Entries fetched because they were new or changed.
    pub fetched: u64,
    /// Entries stored.
    pub stored: u64,
    /// PDFs downloaded.
    pub downloaded: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Meetings newly marked withdrawn.
    pub withdrawn: u64,
    /// Listed entries in the source's scope (the rest is not fetched).
    pub in_scope: u64,
    /// The first meeting day in scope.
    pub first_day: Option<NaiveDate>,
    /// Pages of new attachments read.
    pub pages: u64,
    /// Index documents written.
    pub indexed: u64,
    /// What could not be fetched or read, and why.
    pub failures: Vec<SyncFailure>,
    /// Files let go after their text was read (the text-only archive).
    pub dropped: u64,
    /// Files fetched back because the source's `files` wants them again.
    pub refetched: u64,
}

/// Brings the store up to date with one portal source.
pub fn sync_portal(
    store: &Store,
    blobs: &BlobStore,
    index: &SearchIndex,
    source: &Source,
    opts: &PortalOptions,
    extract: &ExtractOptions,
    progress: &dyn Progress,
) -> Result<PortalReport> {
    store.write(|w| w.sync_started(source.id))?;
    let mut report = match fetch_and_store(store, blobs, source, opts, progress) {
        Ok(report) => report,
        Err(e) => {
            let reason = e.to_string();
            store.write(|w| w.sync_finished(source.id, Err(&reason)))?;
            return Err(e);
        }
    };
    let mut read = ImportReport::default();
    ingest::read_pending_text(store, blobs, extract, progress, &mut read)?;
    report.pages = read.pages;
    // The text is read: keep the files the source's `files` wants, fetch
    // back those it wants again, and let the others go.
    let policy = source.scope.as_ref().map(|s| s.files).unwrap_or_default();
    files::fetch_wanted(store, blobs, source, policy, opts, progress, &mut report)?;
    report.dropped = files::drop_unwanted(store, blobs, source, policy)?;
    crate::annotations::follow::after_update(store)?;
    report.indexed = ingest::update_index(store, index, progress)?;
    store.write(|w| w.sync_finished(source.id, Ok(&report.failures)))?;
    Ok(report)
}

/// One meeting entry of the committee list.
struct Entry {
    committee: String,
    id: String,
    hash: String,
    date: NaiveDate,
    publication: Publication,
    /// A closed publication ("Lukket referat"): every item is stored closed,
    /// whatever the portal says of it, and nothing of it is downloaded.
    closed: bool,
    entry: MeetingEntry,
}

fn fetch_and_store(
    store: &Store,
    blobs: &BlobStore,
    source: &Source,
    opts: &PortalOptions,
    progress: &dyn Progress,
) -> Result<PortalReport> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Invalid(format!("kunne ikke starte netværksdelen: {e}")))?;
    let client = PortalClient::new(&source.location, opts.client.clone())?;
    let unreachable = |e| network_error(source, e);
    runtime
        .block_on(client.open_session())
        .map_err(unreachable)?;
    let list = runtime
        .block_on(client.committee_list())
        .map_err(unreachable)?;

    let mut report = PortalReport::default();
    let groups: Vec<String> = list.groups.keys().cloned().collect();
    let entries = flatten(list, &mut report);
    report.listed = entries.len() as u64;
    let listed: HashSet<String> = entries.iter().map(|e| e.id.clone()).collect();

    // Only what is in the source's scope is fetched; the rest stays listed
    // (never withdrawn) and can be fetched by widening the scope later.
    let mut portal_bodies: Vec<String> = entries.iter().map(|e| e.committee.clone()).collect();
    portal_bodies.sort();
    portal_bodies.dedup();
    let resolved = scope::Resolved::new(
        &store.read(),
        &source.scope.clone().unwrap_or_default(),
        &groups,
        &portal_bodies,
        Utc::now().date_naive(),
    )?;
    for name in resolved.unmatched(&portal_bodies) {
        report.failures.push(SyncFailure {
            what: format!("udvalg «{name}»"),
            reason: "portalen har intet udvalg, der passer på navnet".into(),
        });
    }
    let entries: Vec<Entry> = entries
        .into_iter()
        .filter(|e| resolved.includes(&e.committee, e.date))
        .collect();
    report.in_scope = entries.len() as u64;
    report.first_day = Some(resolved.first_day);
    let in_scope: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();

    let states = store.read().portal_entries(source.id)?;
    let mut todo: Vec<Entry> = entries
        .into_iter()
        .filter(|e| {
            states
                .get(&e.id)
                .is_none_or(|s| s.entry_hash != e.hash || !s.complete)
        })
        .collect();
    // What the member reads first is fetched first: the followed bodies'
    // meetings from today on (soonest first), then their earlier ones (newest
    // first), then the other bodies' likewise. Within a day, agendas before
    // supplementary agendas before minutes.
    let followed: HashSet<String> = {
        let read = store.read();
        let mut names = HashSet::new();
        for (id, _) in read.followed()? {
            names.extend(read.body_all_names(id)?.iter().map(|n| n.to_lowercase()));
        }
        names
    };
    let today = Utc::now().date_naive();
    todo.sort_by_cached_key(|e| {
        let unfollowed = !followed.contains(&e.committee.to_lowercase());
        let past = e.date < today;
        let day = e.date.num_days_from_ce();
        let day = if past { -day } else { day };
        (unfollowed, past, day, rank(e.publication), e.id.clone())
    });
    report.fetched = todo.len() as u64;

    progress.begin("Henter møder", todo.len() as u64);
    let mut tick = Tick::default();
    // Document GUIDs already stored, read once and kept up to date as meetings are written.
    let mut known = store.read().portal_documents(source.id)?;
    let width = opts.concurrency.max(1);
    for chunk in todo.chunks(width) {
        let agendas: Vec<_> = runtime.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (n, e) in chunk.iter().enumerate() {
                let client = client.clone();
                let id = e.id.clone();
                set.spawn(async move { (n, client.agenda(&id).await) });
            }
            let mut out: Vec<_> = set.join_all().await;
            out.sort_by_key(|(n, _)| *n);
            out
        });
        for (entry, (_, fetched)) in chunk.iter().zip(agendas) {
            match fetched {
                Ok((agenda, hash)) => {
                    let sync = meeting::MeetingSync {
                        store,
                        blobs,
                        runtime: &runtime,
                        client: &client,
                        source,
                        opts,
                        known: &mut known,
                        report: &mut report,
                        tick: &mut tick,
                    };
                    sync.store(entry, &agenda, &hash)?;
                    report.stored += 1;
                }
                Err(e) => report.failures.push(SyncFailure {
                    what: format!(
                        "møde: {} {} ({})",
                        entry.committee,
                        entry.date,
                        entry.entry.name.as_deref().unwrap_or("?")
                    ),
                    reason: e.to_string(),
                }),
            }
            tick.done += 1;
            tick.failures = report.failures.len() as u64;
            progress.update(tick);
        }
    }
    progress.end();
    report.withdrawn = store.write(|w| w.mark_withdrawn(source.id, &listed))?;
    let states = store.read().portal_entries(source.id)?;
    let stored = in_scope
        .iter()
        .filter(|id| states.get(*id).is_some_and(|s| s.complete))
        .count() as u64;
    store.write(|w| {
        w.record_scope_counts(
            source.id,
            &ScopeCounts {
                first_day: resolved.first_day,
                listed: report.listed,
                in_scope: report.in_scope,
                stored,
            },
        )
    })?;
    Ok(report)
}

/// A failed request for the portal's front page or list, in plain words.
fn network_error(source: &Source, e: FetchError) -> Error {
    match e {
        FetchError::Unreachable(_) => Error::Network(format!(
            "ingen forbindelse til {}; alt, der allerede er hentet, kan stadig bruges",
            source.location
        )),
        other => Error::Network(format!(
            "portalen {} kunne ikke læses: {other}",
            source.location
        )),
    }
}

/// The bodies of a portal with open meetings in the source's scope, from
/// its committee list alone (no agenda is fetched). They are stored, without
/// meetings, so the member can choose whom to follow before the first sync.
pub fn list_bodies(store: &Store, source: &Source, opts: &PortalOptions) -> Result<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Invalid(format!("kunne ikke starte netværksdelen: {e}")))?;
    let client = PortalClient::new(&source.location, opts.client.clone())?;
    runtime
        .block_on(client.open_session())
        .map_err(|e| network_error(source, e))?;
    let list = runtime
        .block_on(client.committee_list())
        .map_err(|e| network_error(source, e))?;
    let groups: Vec<String> = list.groups.keys().cloned().collect();
    let entries = flatten(list, &mut PortalReport::default());
    let mut names: Vec<String> = entries.iter().map(|e| e.committee.clone()).collect();
    names.sort();
    names.dedup();
    let resolved = scope::Resolved::new(
        &store.read(),
        &source.scope.clone().unwrap_or_default(),
        &groups,
        &names,
        Utc::now().date_naive(),
    )?;
    names.retain(|name| {
        entries
            .iter()
            .any(|e| &e.committee == name && !e.closed && resolved.includes(name, e.date))
    });
    store.write(|w| {
        for name in &names {
            w.upsert_body(name, None)?;
        }
        Ok(())
    })?;
    Ok(names)
}

fn flatten(list: json::CommitteeList, report: &mut PortalReport) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    // A body may be listed under several election periods and again among
    // the historical bodies, with the same meetings: the newest period's
    // entry names it ("Udvalg 2022-2025" sorts after "Udvalg 2018-2021" and
    // "Historiske udvalg"), and each meeting is taken once.
    for committee in list.groups.into_values().rev().flatten() {
        let Some(name) = committee
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        for entry in committee.meetings.into_iter().flatten() {
            let (Some(id), Some(date)) = (
                entry.id.clone().filter(|i| !i.is_empty()),
                entry
                    .date
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
            ) else {
                report.failures.push(SyncFailure {
                    what: format!("møde uden id eller dato hos {name}"),
                    reason: "portalens mødeliste mangler id eller dato".into(),
                });
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            let hash = hex::encode(Sha256::digest(
                serde_json::to_vec(&entry).unwrap_or_default(),
            ));
            let publication = publication_of(&entry);
            entries.push(Entry {
                committee: name.to_string(),
                id,
                hash,
                date,
                publication,
                closed: is_closed_publication(&entry),
                entry,
            });
        }
    }
    entries
}

fn publication_of(entry: &MeetingEntry) -> Publication {
    let name = entry.name.as_deref().unwrap_or("").to_lowercase();
    if name.contains("referat") {
        Publication::Minutes
    } else if entry.supplementary == Some(true) || name.contains("tillæg") {
        Publication::SupplementaryAgenda
    } else {
        Publication::Agenda
    }
}

/// Whether a meeting entry is a closed publication: "Lukket referat",
/// "Lukket dagsorden" and the like. Its content is the members' only.
fn is_closed_publication(entry: &MeetingEntry) -> bool {
    entry
        .name
        .as_deref()
        .unwrap_or("")
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word == "lukket" || word == "lukkede")
}

fn rank(p: Publication) -> u8 {
    match p {
        Publication::Agenda => 0,
        Publication::SupplementaryAgenda => 1,
        Publication::Minutes => 2,
    }
}

/// "2023-03-06T14:00:00Z" → "15:00" in Danish local time (CET/CEST, from
/// the IANA time-zone database through chrono-tz).
fn local_time(utc: &str) -> Option<String> {
    let t: DateTime<Utc> = utc.parse().ok().or_else(|| {
        chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S")
            .ok()
            .map(|n| n.and_utc())
    })?;
    Some(
        t.with_timezone(&chrono_tz::Europe::Copenhagen)
            .format("%H:%M")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_follows_danish_summer_time() {
        assert_eq!(local_time("2023-03-06T14:00:00Z").as_deref(), Some("15:00"));
        assert_eq!(local_time("2023-06-06T13:00:00Z").as_deref(), Some("15:00"));
        assert_eq!(local_time("2023-10-29T00:30:00Z").as_deref(), Some("02:30"));
        assert_eq!(local_time("2023-10-29T01:30:00Z").as_deref(), Some("02:30"));
        assert_eq!(local_time("ikke en tid"), None);
    }
}
