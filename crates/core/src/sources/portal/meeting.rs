//! Storing one portal meeting, in four steps over one [`MeetingSync`]: plan
//! (which documents each open item has), download (those not stored yet,
//! side by side), write (the meeting, its items and the new documents in one
//! transaction) and report (the bilag that could not be fetched).

use super::client::PortalClient;
use super::json::{self, Agenda, AgendaItem};
use super::{local_time, text, Entry, PortalOptions, PortalReport};
use crate::blobs::{BlobStore, Stored};
use crate::model::{Access, AttachmentId};
use crate::progress::Tick;
use crate::store::{
    AttachmentRef, ItemExtras, ItemRecord, PortalMeeting, Source, Store, SyncFailure,
};
use crate::Result;
use std::collections::{HashMap, HashSet};

/// What storing a meeting needs: where it goes, where it comes from, and
/// the sync's running state (documents stored so far, report, progress).
pub(super) struct MeetingSync<'a> {
    pub store: &'a Store,
    pub blobs: &'a BlobStore,
    pub runtime: &'a tokio::runtime::Runtime,
    pub client: &'a PortalClient,
    pub source: &'a Source,
    pub opts: &'a PortalOptions,
    /// Portal document GUIDs already stored, and their attachments.
    pub known: &'a mut HashMap<String, AttachmentId>,
    pub report: &'a mut PortalReport,
    pub tick: &'a mut Tick,
}

/// A document of an item to have stored: where it is on the portal and its title.
struct Doc {
    guid: String,
    path: String,
    title: String,
}

/// A meeting's items, each with the documents it should have.
struct Plan<'a> {
    items: &'a [AgendaItem],
    docs_of: Vec<Vec<Doc>>,
}

/// What a download round got: stored files (GUID, portal path, content) and
/// why the others failed, by GUID.
#[derive(Default)]
struct Downloads {
    stored: Vec<(String, String, Stored)>,
    failed: HashMap<String, String>,
}

impl MeetingSync<'_> {
    /// Stores `entry`, whose agenda is `agenda` (hashing to `agenda_hash`).
    pub(super) fn store(mut self, entry: &Entry, agenda: &Agenda, agenda_hash: &str) -> Result<()> {
        let plan = plan(entry, agenda);
        let got = self.download(&plan);
        self.write(entry, &plan, &got, agenda_hash)?;
        self.report_failures(entry, &plan, &got);
        Ok(())
    }

    /// Downloads the planned documents not stored yet, a few at a time.
    fn download(&mut self, plan: &Plan<'_>) -> Downloads {
        let missing: Vec<&Doc> = {
            let mut seen = HashSet::new();
            plan.docs_of
                .iter()
                .flatten()
                .filter(|d| !self.known.contains_key(&d.guid) && seen.insert(d.guid.clone()))
                .collect()
        };
        let mut got = Downloads::default();
        for chunk in missing.chunks(self.opts.concurrency.max(1)) {
            let results = self.runtime.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for (n, doc) in chunk.iter().enumerate() {
                    let client = self.client.clone();
                    let path = doc.path.clone();
                    let tmp = self.blobs.temp_file();
                    set.spawn(async move {
                        let result = match tmp {
                            Ok(tmp) => client
                                .download(&path, tmp.path())
                                .await
                                .map(|size| (tmp, size))
                                .map_err(|e| e.to_string()),
                            Err(e) => Err(e.to_string()),
                        };
                        (n, result)
                    });
                }
                let mut out = set.join_all().await;
                out.sort_by_key(|(n, _)| *n);
                out
            });
            for (doc, (_, result)) in chunk.iter().zip(results) {
                match result.and_then(|(tmp, size)| {
                    self.blobs
                        .put_temp(tmp)
                        .map(|s| (s, size))
                        .map_err(|e| e.to_string())
                }) {
                    Ok((stored, size)) => {
                        self.report.downloaded += 1;
                        self.report.bytes += size;
                        self.tick.bytes += size;
                        got.stored
                            .push((doc.guid.clone(), doc.path.clone(), stored));
                    }
                    Err(reason) => {
                        got.failed.insert(doc.guid.clone(), reason);
                    }
                }
            }
        }
        got
    }

    /// Writes the meeting, its items and the new documents in one
    /// transaction; complete only when no document failed.
    fn write(
        &mut self,
        entry: &Entry,
        plan: &Plan<'_>,
        got: &Downloads,
        agenda_hash: &str,
    ) -> Result<()> {
        let start = entry.entry.begin_utc.as_deref().and_then(local_time);
        let end = entry.entry.end_utc.as_deref().and_then(local_time);
        let complete = got.failed.is_empty();
        let source = self.source;
        let known = &mut *self.known;
        self.store.write(|w| {
            for (guid, path, stored) in &got.stored {
                let id = w.attachment(&stored.sha256, stored.size)?;
                w.record_portal_document(source.id, guid, id, path)?;
                known.insert(guid.clone(), id);
            }
            let body = w.upsert_body(&entry.committee, None)?;
            let (meeting, newer) = w.upsert_portal_meeting(
                &PortalMeeting {
                    source: source.id,
                    body,
                    date: entry.date,
                    start,
                    end,
                    place: entry.entry.place.as_deref(),
                    publication: entry.publication,
                    closed: entry.closed,
                },
                &entry.committee,
            )?;
            for (item, docs) in plan.items.iter().zip(&plan.docs_of) {
                let Some(number) = item
                    .number()
                    .or_else(|| item.sorting.and_then(|s| u32::try_from(s).ok()))
                else {
                    continue;
                };
                let title = item
                    .title()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("Punkt {number}"));
                let text = text::item_text(item, &title);
                let existing = w.item_id(meeting, number)?;
                let id = match existing {
                    // An older publication never overwrites what a newer one stored.
                    Some(id) if !newer => id,
                    _ => w.upsert_item(
                        meeting,
                        &ItemRecord {
                            number,
                            title,
                            kind: text.kind,
                            access: if item.is_open == Some(false) || entry.closed {
                                Access::Closed
                            } else {
                                Access::Open
                            },
                            flags: text.flags,
                            case_number: item.case_number().map(str::to_string),
                            case_text: text.case_text.clone(),
                            decision: text.decision.clone(),
                            subjects: text.subjects.clone(),
                            attachments: docs
                                .iter()
                                .filter_map(|d| {
                                    known.get(&d.guid).map(|&attachment| AttachmentRef {
                                        title: d.title.clone(),
                                        attachment,
                                        // The public portal lists open bilag only.
                                        closed: false,
                                    })
                                })
                                .collect(),
                        },
                    )?,
                };
                let link = item.id.as_deref().map(|item_id| {
                    format!(
                        "{}/vis?id={}&punktid={item_id}",
                        source.location.trim_end_matches('/'),
                        entry.id
                    )
                });
                let history: Vec<_> = text
                    .history
                    .iter()
                    .map(|t| (t.body.clone(), t.date, t.item_number, t.line.clone()))
                    .collect();
                w.record_item_extras(
                    id,
                    source.id,
                    &ItemExtras {
                        portal_id: item.id.as_deref(),
                        decision: text.decision.as_deref(),
                        link: link.as_deref(),
                        history: &history,
                    },
                )?;
            }
            w.record_portal_entry(
                source.id,
                &entry.id,
                meeting,
                &entry.hash,
                agenda_hash,
                complete,
            )
        })
    }

    /// Names every bilag that could not be fetched, with where it belongs.
    fn report_failures(&mut self, entry: &Entry, plan: &Plan<'_>, got: &Downloads) {
        for (item, docs) in plan.items.iter().zip(&plan.docs_of) {
            for doc in docs.iter().filter(|d| got.failed.contains_key(&d.guid)) {
                self.report.failures.push(SyncFailure {
                    what: format!(
                        "bilag «{}» ({} {}, punkt {})",
                        doc.title,
                        entry.committee,
                        entry.date,
                        item.number().map_or("?".into(), |n| n.to_string())
                    ),
                    reason: got.failed[&doc.guid].clone(),
                });
            }
        }
    }
}

/// Which documents each open item of `agenda` has: its bilag in their order,
/// then its text fields' documents. A closed item or a closed publication
/// has none (nothing of it is downloaded).
fn plan<'a>(entry: &Entry, agenda: &'a Agenda) -> Plan<'a> {
    let items = agenda.items.as_deref().unwrap_or_default();
    let mut docs_of: Vec<Vec<Doc>> = Vec::with_capacity(items.len());
    for item in items {
        let mut docs = Vec::new();
        if item.is_open != Some(false) && !entry.closed {
            let mut bilag: Vec<_> = item.attachments.iter().flatten().collect();
            bilag.sort_by_key(|b| b.order.unwrap_or(i64::MAX));
            for b in bilag {
                if let (Some(guid), true) =
                    (json::real_guid(b.id.as_deref()), b.has_pdf != Some(false))
                {
                    docs.push(Doc {
                        guid: guid.to_string(),
                        path: format!("/vis/pdf/bilag/{guid}/?redirectDirectlyToPdf=true"),
                        title: b.name.clone().unwrap_or_else(|| "Bilag".into()),
                    });
                }
            }
            for field in item.fields.iter().flatten() {
                if let Some(guid) = json::real_guid(field.document_id.as_deref()) {
                    docs.push(Doc {
                        guid: guid.to_string(),
                        path: format!("/Pdf/HentEksternPdf?documentId={guid}"),
                        title: field
                            .name
                            .clone()
                            .unwrap_or_else(|| "Sagsfremstilling".into()),
                    });
                }
            }
        }
        docs_of.push(docs);
    }
    Plan { items, docs_of }
}
