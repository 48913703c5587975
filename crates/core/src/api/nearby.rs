//! Sharing nearby through the api: offering a bundle on the local network
//! (the same zip [`Mappe::export_bundle_bytes`] makes, so closed material
//! never goes in) and taking one, which is imported through
//! [`Mappe::import_bundle_bytes`] with every check of a file import.

use super::nearby_material::MaterialReport;
use super::{IngestSettings, Lock, Mappe};
use crate::model::MeetingId;
use crate::nearby::discovery::{self, Announcement, Interfaces, NearbyOffer};
use crate::nearby::material::MATERIAL_ITEM;
use crate::nearby::pairing::{Code, GuardCounts};
use crate::nearby::transfer::{
    Inbox, ManifestItem, Offer, OfferInfo, OfferItem, OfferKind, Offerer, StillOpen, Taking,
};
use crate::nearby::NearbyError;
use crate::progress::Progress;
use crate::sharing::{BundleScope, ImportBundleReport};
use crate::{Error, Result};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

pub use crate::nearby::discovery::{parse_address, DEFAULT_PORT};
pub use crate::nearby::pairing::{MAX_WRONG_CODES, OFFER_LIFETIME};

/// The name of the bundle item in an offer.
const BUNDLE_ITEM: &str = "pakke.zip";
/// Where taken items wait in the data directory until they are stored.
const INBOX: &str = ".nearby-inbox";

/// Where to offer and announce.
#[derive(Debug, Clone)]
pub struct OfferOptions {
    /// The address to listen on ([`DEFAULT_PORT`] on every interface when
    /// none; another port when that one is taken).
    pub bind: Option<SocketAddr>,
    /// Where to announce with mDNS (none: not announced, only the typed-in
    /// address works).
    pub announce: Option<Interfaces>,
}

impl Default for OfferOptions {
    fn default() -> Self {
        OfferOptions {
            bind: None,
            announce: Some(Interfaces::All),
        }
    }
}

/// A running offer: listening, maybe announced, until dropped or stopped.
#[derive(Debug)]
pub struct NearbyOffering {
    offerer: Offerer,
    announcement: Option<Announcement>,
}

impl NearbyOffering {
    /// The code to show.
    pub fn code(&self) -> &Code {
        self.offerer.code()
    }
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.offerer.addr()
    }
    /// What nearby members see.
    pub fn info(&self) -> &OfferInfo {
        self.offerer.info()
    }
    /// Pairings so far, and whether the offer is locked.
    pub fn counts(&self) -> GuardCounts {
        self.offerer.counts()
    }
    /// Whether the offer has expired.
    pub fn expired(&self) -> bool {
        self.offerer.expired()
    }
    /// Whether it stopped serving because the vault it came from was locked.
    pub fn withdrawn(&self) -> bool {
        self.offerer.stopped()
    }
    /// Whether it is announced on the network.
    pub fn announced(&self) -> bool {
        self.announcement.is_some()
    }
    /// Withdraws the announcement and stops listening.
    pub fn stop(mut self) {
        self.announcement = None;
        self.offerer.stop();
    }
}

/// What taking an offer did.
#[derive(Debug, Clone, Serialize)]
pub struct TakeReport {
    /// The offer as its manifest named it.
    pub offer: OfferInfo,
    /// What the offer held (name, hash, size of each item).
    pub manifest: Vec<ManifestItem>,
    /// Bytes received by this take (less than the offer after a resume).
    pub bytes: u64,
    /// What was stored.
    pub received: Received,
}

/// What a take stored, by the kind of offer.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Received {
    /// A bundle's notes, imported like a bundle file.
    Bundle(ImportBundleReport),
    /// Open meeting material.
    Material(MaterialReport),
}

fn bind_default(bind: Option<SocketAddr>) -> Vec<SocketAddr> {
    match bind {
        Some(b) => vec![b],
        None => {
            let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
            vec![SocketAddr::new(any, DEFAULT_PORT), SocketAddr::new(any, 0)]
        }
    }
}

impl Mappe {
    /// Offers the bundle of `scope` on the local network under the
    /// member's author name (closed material left out as in any export).
    pub(crate) fn offer_bundle(
        &self,
        scope: &BundleScope,
        options: &OfferOptions,
    ) -> Result<NearbyOffering> {
        let preview = self.bundle_preview(scope)?;
        let bytes = self.export_bundle_bytes(scope)?;
        let from = self.author()?.name;
        let offer = Offer::new(
            &from,
            &preview.label,
            OfferKind::Bundle,
            vec![OfferItem::bytes(BUNDLE_ITEM, bytes)],
        )?;
        self.start_offer(offer, options)
    }

    /// Offers the open material of `meetings` (their open items, numbered
    /// as the open scope numbers them, with their open bilag and page texts)
    /// on the local network. A closed meeting is as unknown as a missing one.
    pub(crate) fn offer_material(
        &self,
        meetings: &[MeetingId],
        options: &OfferOptions,
    ) -> Result<NearbyOffering> {
        let (title, items) = self.material_offer(meetings)?;
        let from = self.author()?.name;
        let offer = Offer::new(&from, &title, OfferKind::Material, items)?;
        self.start_offer(offer, options)
    }

    /// While this program's vault stays unlocked (with the key it has), or
    /// always without a vault: an offer made from a vault stops when it is
    /// locked, here or by another program, or on sleep.
    fn still_open(&self) -> StillOpen {
        match &self.lock {
            Lock::Unlocked(key) => {
                let (dir, key) = (self.dir.clone(), key.clone());
                Arc::new(move || {
                    crate::vault::remember::recall(&dir).is_some_and(|k| k.bytes() == key.bytes())
                })
            }
            Lock::NoVault | Lock::Locked => Arc::new(|| true),
        }
    }

    fn start_offer(&self, offer: Offer, options: &OfferOptions) -> Result<NearbyOffering> {
        let mut last = None;
        let mut started = None;
        for bind in bind_default(options.bind) {
            match Offerer::start(offer.clone(), bind, self.still_open()) {
                Ok(o) => {
                    started = Some(o);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let offerer = match (started, last) {
            (Some(o), _) => o,
            (None, Some(e)) => return Err(e.into()),
            (None, None) => unreachable!("at least one address is tried"),
        };
        let announcement = match &options.announce {
            Some(on) => Some(discovery::announce(
                offerer.info(),
                offerer.addr().port(),
                on,
            )?),
            None => None,
        };
        Ok(NearbyOffering {
            offerer,
            announcement,
        })
    }

    /// Takes the bundle offered at `addr` with `code`, fetching only what an
    /// earlier, broken take did not get, and imports it.
    pub(crate) fn take_offer(
        &self,
        addr: SocketAddr,
        offer: Option<&str>,
        code: &Code,
        settings: &IngestSettings,
        progress: &dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<TakeReport> {
        if self.is_locked() {
            return Err(Error::Locked);
        }
        let taking = Taking::open(addr, offer, code)?;
        // A bundle's notes wait in memory in a data directory with a vault
        // (which keeps notes off the disk in plain form); material is open.
        let scratch = match taking.manifest().offer.kind {
            OfferKind::Bundle if self.has_own_vault() => {
                Some(crate::vault::remember::scratch_dir()?)
            }
            _ => None,
        };
        let inbox = match &scratch {
            Some(memory) => Inbox::new(memory.path())?,
            None => Inbox::new(self.dir.join(INBOX))?,
        };
        let held = |i: &ManifestItem| i.name != MATERIAL_ITEM && self.holds_file(&i.sha256);
        let taken = taking.fetch(&inbox, &held, progress, cancel)?;
        let m = &taken.manifest;
        let received = match m.offer.kind {
            OfferKind::Bundle => {
                let [item] = &m.items[..] else {
                    return Err(NearbyError::Protocol("en pakke skal være én fil".into()).into());
                };
                let bytes = inbox.read(&item.sha256)?;
                let import = self.import_bundle_bytes(&bytes, settings);
                // Imported or refused, the received copy is not kept.
                let _ = std::fs::remove_file(inbox.path_of(&item.sha256));
                Received::Bundle(import?)
            }
            OfferKind::Material => {
                let stored = self.receive_material(&m.offer.from, m, &inbox, settings, progress);
                if let Some(json) = m.items.iter().find(|i| i.name == MATERIAL_ITEM) {
                    let _ = std::fs::remove_file(inbox.path_of(&json.sha256));
                }
                Received::Material(stored?)
            }
        };
        Ok(TakeReport {
            offer: m.offer.clone(),
            manifest: m.items.clone(),
            bytes: taken.bytes,
            received,
        })
    }
}

/// Offers seen on the network within `timeout`.
pub fn nearby_offers(timeout: Duration, on: &Interfaces) -> Result<Vec<NearbyOffer>> {
    Ok(discovery::browse(timeout, on, None)?)
}

/// Offers seen on the network until the first one shows (or `timeout`).
pub fn first_nearby_offer(timeout: Duration, on: &Interfaces) -> Result<Vec<NearbyOffer>> {
    Ok(discovery::browse(timeout, on, Some(""))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotations::Visibility;
    use crate::api::{NewNote, NoteScope, Scope};
    use crate::progress::Silent;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;

    use crate::api::index_tests::{meeting_folder, settings};

    fn hashes(dir: &Path) -> BTreeMap<String, String> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let bytes = fs::read(e.path()).unwrap();
                (
                    e.path().display().to_string(),
                    hex::encode(Sha256::digest(&bytes)),
                )
            })
            .collect()
    }

    fn note(item: crate::model::ItemId, body: &str, visibility: Visibility) -> NewNote {
        NewNote {
            item: Some(item),
            body: body.into(),
            visibility,
            ..NewNote::default()
        }
    }

    #[test]
    fn a_bundle_offered_on_loopback_is_taken_with_the_code_and_closed_notes_stay_home() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Møder");
        meeting_folder(&folder);
        let mentor = Mappe::open(&dir.path().join("mentor")).unwrap();
        let mentee = Mappe::open(&dir.path().join("mentee")).unwrap();
        for m in [&mentor, &mentee] {
            m.import(std::slice::from_ref(&folder), &settings(), &Silent)
                .unwrap();
        }
        let me = mentor.member(Scope::Member).unwrap();
        me.set_author("Mentor Hansen").unwrap();
        let meeting = mentor
            .session(Scope::Member)
            .resolve_meeting("Teknisk Udvalg/2023-03-01")
            .unwrap();
        let view = mentor.session(Scope::Member).meeting(meeting).unwrap();
        let open = view.items.iter().find(|i| !i.item.closed).unwrap().item.id;
        let closed = view.items.iter().find(|i| i.item.closed).unwrap().item.id;
        me.add_note(&note(open, "Læs kajens bredde først", Visibility::Shared))
            .unwrap();
        me.add_note(&note(open, "min private tanke", Visibility::Private))
            .unwrap();
        me.add_note(&note(
            closed,
            "fortrolig pris på grunden",
            Visibility::Shared,
        ))
        .unwrap();

        let offering = me
            .offer_bundle(
                &BundleScope::Meeting(meeting),
                &OfferOptions {
                    bind: Some("127.0.0.1:0".parse().unwrap()),
                    announce: None,
                },
            )
            .unwrap();
        assert_eq!(offering.info().from, "Mentor Hansen");
        assert!(!offering.announced());
        let right = offering.code().clone();
        let wrong = Code::parse(if right.as_str() == "000000" {
            "000001"
        } else {
            "000000"
        })
        .unwrap();

        // A wrong code: an error, and not one file of the mentee changes.
        let before = hashes(&dir.path().join("mentee"));
        let taker = mentee.member(Scope::Member).unwrap();
        let cancel = AtomicBool::new(false);
        let err = taker
            .take_offer(offering.addr(), None, &wrong, &settings(), &Silent, &cancel)
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
        assert_eq!(hashes(&dir.path().join("mentee")), before);
        assert_eq!(offering.counts().wrong, 1);

        // The right code: the shared open note arrives, nothing else.
        let r = taker
            .take_offer(offering.addr(), None, &right, &settings(), &Silent, &cancel)
            .unwrap();
        let Received::Bundle(import) = &r.received else {
            panic!("a bundle was offered: {r:?}");
        };
        assert_eq!(import.author, "Mentor Hansen");
        assert_eq!(import.added, 1);
        assert!(r.bytes > 0);
        let bodies: Vec<String> = mentee
            .session(Scope::Member)
            .notes(&NoteScope::All)
            .unwrap()
            .into_iter()
            .map(|v| v.note.body)
            .collect();
        assert_eq!(bodies, vec!["Læs kajens bredde først".to_string()]);
        // Taking again changes nothing (the import is idempotent).
        let again = taker
            .take_offer(offering.addr(), None, &right, &settings(), &Silent, &cancel)
            .unwrap();
        let Received::Bundle(import) = &again.received else {
            panic!("a bundle was offered: {again:?}");
        };
        assert_eq!((import.added, import.unchanged), (0, 1));
        offering.stop();
    }
}
