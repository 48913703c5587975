//! Open meeting material offered to, and taken from, a colleague nearby.
//!
//! The offer is built from the open scope's meeting views only, so a closed
//! meeting, a closed item or a closed bilag cannot get into it, and items are
//! numbered as the open scope numbers them. The taker stores the bilag by
//! content (a file it holds already is neither fetched nor stored again),
//! writes each meeting under `nearby:<body>/<date>` (taking the same offer
//! again updates it), marks it with whom it came from, and leaves alone a
//! meeting of that body and day it already has from its own sources.

use super::{IngestSettings, Mappe, Scope};
use crate::ingest::{self, ImportReport};
use crate::model::{danish_date, Access, ItemFlags, MeetingId, Publication, TextStatus};
use crate::nearby::material::{
    Material, MaterialFile, MaterialItem, MaterialMeeting, MATERIAL_ITEM, MATERIAL_SCHEMA,
    MAX_MATERIAL_JSON,
};
use crate::nearby::transfer::{Inbox, Manifest, OfferItem, MAX_ITEMS, MAX_TOTAL};
use crate::nearby::NearbyError;
use crate::progress::Progress;
use crate::store::{AttachmentRef, ItemRecord, MeetingRecord};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeSet;

/// What taking open material did.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MaterialReport {
    /// Meetings written (new or updated from the same colleague's offer).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meetings: u64,
    /// Meetings left as they were: the member has that body's meeting of
    /// that day from a source of their own.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub already_held: u64,
    /// Agenda items written.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub items: u64,
    /// Bilag files new to the store.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub new_files: u64,
    /// Bilag files the store held already (not fetched).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub known_files: u64,
    /// Bilag whose text came with them (read on the colleague's computer).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub texts_received: u64,
    /// Bilag whose text was read here, because none came with them.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub texts_read_here: u64,
    /// Index documents written.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub indexed: u64,
}

fn offer_title(material: &Material) -> String {
    match &material.meetings[..] {
        [m] => format!("Materiale: {} {}", m.body, danish_date(m.date)),
        ms => {
            let first = ms.iter().map(|m| m.date).min().unwrap_or_default();
            let last = ms.iter().map(|m| m.date).max().unwrap_or_default();
            format!(
                "Materiale: {} møder, {} – {}",
                ms.len(),
                danish_date(first),
                danish_date(last)
            )
        }
    }
}

impl Mappe {
    /// The open material of `meetings` as an offer's title and items:
    /// `materiale.json` first, then each bilag file held here once.
    pub(crate) fn material_offer(
        &self,
        meetings: &[MeetingId],
    ) -> Result<(String, Vec<OfferItem>)> {
        if meetings.is_empty() {
            return Err(Error::Invalid("vælg mindst ét møde at dele".into()));
        }
        let mut material = Material {
            schema: MATERIAL_SCHEMA,
            meetings: Vec::new(),
        };
        let mut seen = BTreeSet::new();
        for &id in meetings {
            if !seen.insert(id) {
                continue;
            }
            // The open scope's view: a closed meeting is unknown here.
            let view = self.meeting(id, Scope::Open)?;
            let read = self.store.read();
            let mut items = Vec::new();
            for (i, it) in view.items.iter().enumerate() {
                let (case_text, subjects) = read.item_parts(it.item.id.0)?;
                let mut attachments = Vec::new();
                for a in it.item.attachments.iter().filter(|a| !a.closed) {
                    let (status, _) = read.text_outcome(a.id)?;
                    let text_status = status.as_deref().and_then(TextStatus::parse);
                    attachments.push(MaterialFile {
                        title: a.title.clone(),
                        sha256: a.sha256.clone(),
                        size: a.size,
                        file: self.blobs.path_of(&a.sha256).is_file(),
                        pages: match text_status {
                            Some(_) => read.page_texts(&a.sha256)?,
                            None => Vec::new(),
                        },
                        page_count: a.page_count,
                        text_status,
                    });
                }
                items.push(MaterialItem {
                    number: i as u32 + 1,
                    title: it.item.title.clone(),
                    kind: it.kind,
                    referred: it.flags.referred,
                    postponed: it.flags.postponed,
                    foretraede: it.flags.foretraede,
                    case_number: it.item.case_number.clone(),
                    case_text,
                    decision: it.decision.clone(),
                    subjects,
                    attachments,
                });
            }
            let m = &view.meeting;
            material.meetings.push(MaterialMeeting {
                body: m.body.clone(),
                date: m.date,
                start: m.start.clone(),
                end: m.end.clone(),
                place: m.place.clone(),
                publication: Publication::parse(&m.publication).unwrap_or(Publication::Agenda),
                items,
            });
        }
        material
            .meetings
            .sort_by(|a, b| (a.date, &a.body).cmp(&(b.date, &b.body)));
        let title = offer_title(&material);
        let mut offer = Vec::new();
        for f in material.files().filter(|f| f.file) {
            offer.push(OfferItem::file(
                &format!("{}.pdf", f.sha256),
                &self.blobs.path_of(&f.sha256),
            )?);
        }
        // A file that changed on disk since it was stored is not offered as
        // what the store says it is.
        let hashed: BTreeSet<(String, u64)> = offer
            .iter()
            .map(|i| (i.entry().sha256.clone(), i.entry().size))
            .collect();
        for f in material
            .meetings
            .iter_mut()
            .flat_map(|m| &mut m.items)
            .flat_map(|i| &mut i.attachments)
        {
            f.file = f.file && hashed.contains(&(f.sha256.clone(), f.size));
        }
        let total: u64 = offer.iter().map(|i| i.entry().size).sum();
        if offer.len() >= MAX_ITEMS || total > MAX_TOTAL {
            return Err(Error::Invalid(format!(
                "det er for meget at dele på én gang ({} bilag, {} MB); vælg færre møder",
                offer.len(),
                total >> 20
            )));
        }
        let json = serde_json::to_vec(&material)
            .map_err(|e| Error::Invalid(format!("materialet kunne ikke skrives ({e})")))?;
        offer.insert(0, OfferItem::bytes(MATERIAL_ITEM, json));
        Ok((title, offer))
    }

    /// Whether the store holds this content's file already (not fetched again).
    pub(crate) fn holds_file(&self, sha256: &str) -> bool {
        self.blobs.contains(sha256)
    }

    /// Stores the open material an offer brought into `inbox`.
    pub(crate) fn receive_material(
        &self,
        from: &str,
        manifest: &Manifest,
        inbox: &Inbox,
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<MaterialReport> {
        let protocol = |why: &str| -> Error { NearbyError::Protocol(why.into()).into() };
        let json_item = manifest
            .items
            .iter()
            .find(|i| i.name == MATERIAL_ITEM)
            .ok_or_else(|| protocol("materialet mangler sin beskrivelse"))?;
        if json_item.size > MAX_MATERIAL_JSON {
            return Err(protocol("materialets beskrivelse er for stor"));
        }
        let bytes = inbox.read(&json_item.sha256)?;
        let material: Material = serde_json::from_slice(&bytes)
            .map_err(|e| protocol(&format!("materialets beskrivelse kan ikke læses ({e})")))?;
        drop(bytes);
        material.check(manifest)?;

        let _job = self.job()?;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut report = MaterialReport::default();
        let mut wanted = BTreeSet::new();
        for m in &material.meetings {
            let key = format!("nearby:{}/{}", m.body, m.date);
            let held = self.store.read().meeting_keys_on(&m.body, m.date)?;
            if held.iter().any(|k| *k != key) {
                report.already_held += 1;
                continue;
            }
            for f in m.items.iter().flat_map(|i| &i.attachments) {
                if f.file && wanted.insert(f.sha256.clone()) {
                    if inbox.has(&f.sha256) {
                        if self.blobs.adopt(&inbox.path_of(&f.sha256), &f.sha256)? {
                            report.new_files += 1;
                        } else {
                            report.known_files += 1;
                        }
                    } else if self.blobs.contains(&f.sha256) {
                        report.known_files += 1;
                    } else {
                        return Err(protocol("et bilag kom ikke med"));
                    }
                }
            }
            let received = self.store.write(|w| {
                let body = w.upsert_body(&m.body, None)?;
                let meeting = w.upsert_meeting(&MeetingRecord {
                    body,
                    date: m.date,
                    source_key: &key,
                    start: m.start.as_deref(),
                    end: m.end.as_deref(),
                    place: m.place.as_deref(),
                    publication: m.publication,
                })?;
                let mut texts = 0u64;
                for item in &m.items {
                    let mut attachments = Vec::new();
                    for f in &item.attachments {
                        let attachment = w.attachment(&f.sha256, f.size)?;
                        if let (Some(status), false) = (f.text_status, w.text_read(attachment)?) {
                            w.store_text(attachment, f.page_count, &f.pages, status, None)?;
                            w.record_received_text(attachment, from, &now)?;
                            texts += 1;
                        }
                        attachments.push(AttachmentRef {
                            title: f.title.clone(),
                            attachment,
                            closed: false,
                        });
                    }
                    w.upsert_item(
                        meeting,
                        &ItemRecord {
                            number: item.number,
                            title: item.title.clone(),
                            kind: item.kind,
                            access: Access::Open,
                            flags: ItemFlags {
                                referred: item.referred,
                                postponed: item.postponed,
                                foretraede: item.foretraede,
                            },
                            case_number: item.case_number.clone(),
                            case_text: item.case_text.clone(),
                            decision: item.decision.clone(),
                            subjects: item.subjects.clone(),
                            attachments,
                        },
                    )?;
                }
                w.record_received_meeting(meeting, from, &now)?;
                Ok(texts)
            })?;
            report.texts_received += received;
            report.meetings += 1;
            report.items += m.items.len() as u64;
        }
        // What was fetched for a meeting the member already has is not kept.
        for item in &manifest.items {
            if !wanted.contains(&item.sha256) && inbox.has(&item.sha256) {
                let _ = std::fs::remove_file(inbox.path_of(&item.sha256));
            }
        }
        let mut read_here = ImportReport::default();
        ingest::read_pending_text(
            &self.store,
            &self.blobs,
            &settings.extract_options(),
            progress,
            &mut read_here,
        )?;
        report.texts_read_here = read_here.extracted;
        crate::annotations::follow::after_update(&self.store)?;
        report.indexed = ingest::update_index(&self.store, &self.index, progress)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::super::index_tests::settings;
    use super::super::{OfferOptions, Received};
    use super::*;
    use crate::api::SearchRequest;
    use crate::progress::Silent;
    use std::fs;
    use std::path::Path;
    use std::sync::atomic::AtomicBool;

    /// Items 1 open, 2 closed, 3 open with a closed bilag beside an open one.
    fn folder(root: &Path) {
        let meeting = root.join("Teknisk Udvalg").join("2023-03-01");
        for (item, file, text) in [
            (
                "01 Lokalplan ved havnen",
                "Bilag.pdf",
                "lokalplan for havnen og kajen",
            ),
            (
                "02 Grundkøb",
                "Bilag.pdf",
                "fortroligt grundkøb ved fjorden",
            ),
            ("03 Cykelsti", "Bilag 1 Tegning.pdf", "cykelstien langs åen"),
            (
                "03 Cykelsti",
                "Bilag 2 Tilbud.pdf",
                "hemmeligt tilbud fra entreprenøren",
            ),
        ] {
            fs::create_dir_all(meeting.join(item)).unwrap();
            fs::write(meeting.join(item).join(file), text).unwrap();
        }
        fs::write(
            meeting.join("meeting.json"),
            r#"{"schema":1,"items":[{"number":2,"access":"closed"},
                {"number":3,"attachments":[{"file":"Bilag 2 Tilbud.pdf","access":"closed"}]}]}"#,
        )
        .unwrap();
    }

    fn found(m: &Mappe, text: &str) -> usize {
        m.session(Scope::Member)
            .search(&SearchRequest::new(text, 20))
            .unwrap()
            .total
    }

    fn take(taker: &Mappe, offering: &super::super::NearbyOffering) -> super::super::TakeReport {
        taker
            .member(Scope::Member)
            .unwrap()
            .take_offer(
                offering.addr(),
                None,
                offering.code(),
                &settings(),
                &Silent,
                &AtomicBool::new(false),
            )
            .unwrap()
    }

    /// The mentor's data directory with [`folder`] imported, offering that
    /// meeting's material on 127.0.0.1.
    fn mentor_offering(dir: &Path, src: &Path) -> (Mappe, super::super::NearbyOffering) {
        let mentor = Mappe::open(&dir.join("mentor")).unwrap();
        mentor
            .import(&[src.to_path_buf()], &settings(), &Silent)
            .unwrap();
        mentor
            .member(Scope::Member)
            .unwrap()
            .set_author("Mentor Hansen")
            .unwrap();
        let meeting = mentor
            .session(Scope::Member)
            .resolve_meeting("Teknisk Udvalg/2023-03-01")
            .unwrap();
        let offering = mentor
            .member(Scope::Member)
            .unwrap()
            .offer_material(
                &[meeting],
                &OfferOptions {
                    bind: Some("127.0.0.1:0".parse().unwrap()),
                    announce: None,
                },
            )
            .unwrap();
        (mentor, offering)
    }

    #[test]
    fn open_material_arrives_renumbered_searchable_and_marked_and_nothing_closed_travels() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("Møder");
        folder(&src);
        let (_mentor, offering) = mentor_offering(dir.path(), &src);
        assert_eq!(
            offering.info().title,
            "Materiale: Teknisk Udvalg 1. marts 2023"
        );

        let mentee = Mappe::open(&dir.path().join("mentee")).unwrap();
        let r = take(&mentee, &offering);
        let Received::Material(m) = &r.received else {
            panic!("material was offered: {r:?}");
        };
        assert_eq!((m.meetings, m.items, m.new_files), (1, 2, 2), "{m:?}");
        assert_eq!(m.texts_received, 2);
        assert_eq!(m.texts_read_here, 0);

        let s = mentee.session(Scope::Member);
        let id = s.resolve_meeting("Teknisk Udvalg/2023-03-01").unwrap();
        let view = s.meeting(id).unwrap();
        let items: Vec<(u32, &str, usize)> = view
            .items
            .iter()
            .map(|i| {
                (
                    i.item.number,
                    i.item.title.as_str(),
                    i.item.attachments.len(),
                )
            })
            .collect();
        assert_eq!(
            items,
            vec![(1, "Lokalplan ved havnen", 1), (2, "Cykelsti", 1)]
        );
        assert_eq!(view.received.as_ref().unwrap().from, "Mentor Hansen");
        assert!(found(&mentee, "cykelstien") > 0);
        assert_eq!(found(&mentee, "fjorden"), 0);
        assert_eq!(found(&mentee, "entreprenøren"), 0);
        // Not a byte of the closed item or bilag is anywhere in the taker's directory.
        for e in walkdir::WalkDir::new(dir.path().join("mentee")) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let bytes = fs::read(e.path()).unwrap();
                for secret in ["Grundkøb", "fjorden", "entreprenøren", "Tilbud"] {
                    assert!(
                        !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                        "{secret} in {}",
                        e.path().display()
                    );
                }
            }
        }

        // Taking again duplicates nothing: the same meeting, no file fetched.
        let again = take(&mentee, &offering);
        let Received::Material(m2) = &again.received else {
            panic!("material was offered");
        };
        assert_eq!((m2.meetings, m2.new_files, m2.known_files), (1, 0, 2));
        assert!(again.bytes < r.bytes, "{} then {}", r.bytes, again.bytes);
        assert_eq!(
            mentee
                .session(Scope::Member)
                .meetings(None, None, None)
                .unwrap()
                .len(),
            1
        );

        // A member who has the meeting from an own source keeps it as it is.
        let own = Mappe::open(&dir.path().join("own")).unwrap();
        own.import(&[src], &settings(), &Silent).unwrap();
        let r3 = take(&own, &offering);
        let Received::Material(m3) = &r3.received else {
            panic!("material was offered");
        };
        assert_eq!((m3.meetings, m3.already_held), (0, 1));
        assert_eq!(
            own.session(Scope::Member)
                .meetings(None, None, None)
                .unwrap()
                .len(),
            1
        );
        offering.stop();
    }

    #[test]
    fn a_closed_meeting_is_not_offered_and_says_the_same_as_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("Møder");
        let meeting = src.join("Teknisk Udvalg").join("2023-04-01");
        fs::create_dir_all(meeting.join("01 Grundsalg")).unwrap();
        fs::write(
            meeting.join("01 Grundsalg").join("Bilag.pdf"),
            "fortroligt salg",
        )
        .unwrap();
        fs::write(
            meeting.join("meeting.json"),
            r#"{"schema":1,"items":[{"number":1,"access":"closed"}]}"#,
        )
        .unwrap();
        let m = Mappe::open(&dir.path().join("data")).unwrap();
        m.import(&[src], &settings(), &Silent).unwrap();
        let closed = m
            .session(Scope::Member)
            .resolve_meeting("Teknisk Udvalg/2023-04-01")
            .unwrap();
        let options = OfferOptions {
            bind: Some("127.0.0.1:0".parse().unwrap()),
            announce: None,
        };
        let member = m.member(Scope::Member).unwrap();
        let e1 = member.offer_material(&[closed], &options).unwrap_err();
        let e2 = member
            .offer_material(&[MeetingId(closed.0 + 1000)], &options)
            .unwrap_err();
        let words = |e: &Error| {
            e.to_string()
                .replace(&(closed.0 + 1000).to_string(), "N")
                .replace(&closed.to_string(), "N")
        };
        assert!(matches!(e1, Error::NotFound(_)), "{e1:?}");
        assert_eq!(words(&e1), words(&e2));
    }

    #[test]
    fn a_later_portal_sync_takes_the_received_meeting_over_instead_of_doubling_it() {
        use crate::store::PortalMeeting;
        use chrono::NaiveDate;
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("Møder");
        folder(&src);
        let (_mentor, offering) = mentor_offering(dir.path(), &src);
        let mentee = Mappe::open(&dir.path().join("mentee")).unwrap();
        take(&mentee, &offering);
        let source = mentee
            .member(Scope::Member)
            .unwrap()
            .add_portal_source("https://dagsordener.example.dk", None)
            .unwrap();
        let body = mentee
            .store
            .write(|w| w.upsert_body("Teknisk Udvalg", None))
            .unwrap();
        let (id, newer) = mentee
            .store
            .write(|w| {
                w.upsert_portal_meeting(
                    &PortalMeeting {
                        source: source.id,
                        body,
                        date: NaiveDate::from_ymd_opt(2023, 3, 1).unwrap(),
                        start: None,
                        end: None,
                        place: None,
                        publication: Publication::Agenda,
                        closed: false,
                    },
                    "Teknisk Udvalg",
                )
            })
            .unwrap();
        assert!(newer);
        let s = mentee.session(Scope::Member);
        let meetings = s.meetings(None, None, None).unwrap();
        assert_eq!(meetings.len(), 1);
        assert_eq!(meetings[0].id, id);
        // The portal writes its own items into it; the received ones gave way.
        let view = s.meeting(id).unwrap();
        assert!(view.items.is_empty(), "{:?}", view.items);
        assert!(view.received.is_none());
        // Their index documents go with them (the sync updates the index after).
        assert!(found(&mentee, "cykelstien") > 0);
        ingest::update_index(&mentee.store, &mentee.index, &Silent).unwrap();
        assert_eq!(found(&mentee, "cykelstien"), 0);
        offering.stop();
    }
}
