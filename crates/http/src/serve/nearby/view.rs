//! The request bodies and answers of `/api/nearby/*`: what the member asks
//! to offer or take, and what the server says about a running offer, the
//! offers seen nearby and a take under way. Their TypeScript types are
//! written into `ui/src/api/nearby/` (see `ts_export` below).

use moedemappe_core::api::{ImportBundleReport, MaterialReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What to offer; `kind` says which: `bundle` (the member's shared notes on
/// a case or a meeting, as a sharing bundle) or `material` (meetings' open
/// material: open items, open bilag and their page texts).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub enum NearbyOfferWhat {
    /// A sharing bundle of a case or a meeting: exactly one of them.
    Bundle {
        /// Sagsnummer.
        #[serde(default)]
        #[cfg_attr(test, ts(optional))]
        case: Option<String>,
        /// Mødets id eller `<udvalg>/<ÅÅÅÅ-MM-DD>`.
        #[serde(default)]
        #[cfg_attr(test, ts(optional))]
        meeting: Option<NearbyMeetingRef>,
    },
    /// The open material of these meetings (never anything closed).
    Material {
        /// The meetings, by id or `<udvalg>/<ÅÅÅÅ-MM-DD>`.
        meetings: Vec<NearbyMeetingRef>,
    },
}

/// A meeting by its id or as `<udvalg>/<ÅÅÅÅ-MM-DD>`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub enum NearbyMeetingRef {
    /// The meeting's id.
    Id(i64),
    /// The id as text, or `<udvalg>/<ÅÅÅÅ-MM-DD>`.
    Name(String),
}

impl NearbyMeetingRef {
    /// As the share screen's query string names it.
    pub fn as_text(&self) -> String {
        match self {
            NearbyMeetingRef::Id(id) => id.to_string(),
            NearbyMeetingRef::Name(name) => name.clone(),
        }
    }
}

/// `POST /api/nearby/offer`: what to offer, and where.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyOfferRequest {
    /// What to offer.
    #[serde(flatten)]
    pub what: NearbyOfferWhat,
    /// Lyt på denne adresse, fx `127.0.0.1:0` (standard: alle netkort,
    /// port 47474, ellers en ledig).
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub listen: Option<String>,
    /// Annoncér tilbuddet på netværket (standard: ja); uden annoncering
    /// skriver kollegaen adressen.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub announce: Option<bool>,
}

/// What an offer holds, as its announcement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub enum NearbyOfferKind {
    /// Delte noter til en sag eller et møde (en delingspakke).
    Bundle,
    /// Åbent mødemateriale.
    Material,
}

impl From<moedemappe_core::api::OfferKind> for NearbyOfferKind {
    fn from(k: moedemappe_core::api::OfferKind) -> Self {
        use moedemappe_core::api::OfferKind as K;
        match k {
            K::Bundle => NearbyOfferKind::Bundle,
            K::Material => NearbyOfferKind::Material,
        }
    }
}

/// The running offer of this computer, with its code (the member's only).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyOfferView {
    /// The offer's id (16 hex digits), as nearby colleagues see it.
    pub id: String,
    /// What it holds.
    pub kind: NearbyOfferKind,
    /// Its title (the case or meeting).
    pub title: String,
    /// The member's name, as colleagues see it.
    pub from: String,
    /// The 6-digit code to show, e.g. `042917`.
    pub code: String,
    /// The code as shown: `042 917`.
    pub code_display: String,
    /// The address a colleague types when the offer is not seen on the
    /// network, e.g. `192.168.1.20:47474`.
    pub address: String,
    /// Whether the offer is announced on the network (mDNS).
    pub announced: bool,
    /// When it expires (RFC 3339).
    pub expires_at: String,
    /// Seconds until it expires (0 once expired).
    #[cfg_attr(test, ts(type = "number"))]
    pub seconds_left: u64,
    /// Colleagues who typed the right code.
    pub confirmed: u32,
    /// Wrong codes so far.
    pub wrong: u32,
    /// Wrong codes left before the offer locks.
    pub tries_left: u32,
    /// Locked after too many wrong codes: it takes no one any more.
    pub locked: bool,
    /// Expired: it takes no one any more.
    pub expired: bool,
    /// Withdrawn because the vault was locked: it takes no one any more.
    pub withdrawn: bool,
}

/// An offer seen on the local network.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbySeenOffer {
    /// Its id (16 hex digits).
    pub id: String,
    /// Who offers.
    pub from: String,
    /// Its title.
    pub title: String,
    /// What it holds.
    pub kind: NearbyOfferKind,
    /// Where to reach it, IPv4 first.
    pub addresses: Vec<String>,
    /// This computer's own offer.
    pub own: bool,
}

/// `POST /api/nearby/take`: an offer seen nearby (`id`) or a typed address,
/// and the code from the colleague's screen.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyTakeRequest {
    /// Tilbuddets id fra `/api/nearby/offers` (de første tegn er nok).
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub id: Option<String>,
    /// Kollegaens adresse, fx `192.168.1.20` eller `192.168.1.20:47474`.
    #[serde(default)]
    #[cfg_attr(test, ts(optional))]
    pub address: Option<String>,
    /// Koden fra kollegaens skærm (6 cifre; mellemrum er ligegyldige).
    pub code: String,
}

/// Where a take is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub enum NearbyTakePhase {
    /// No take since the server started.
    Idle,
    /// Looking for the offer on the network.
    Finding,
    /// Connecting and checking the code.
    Connecting,
    /// Receiving.
    Receiving,
    /// Received; reading it in.
    Importing,
    /// Done: see `result`.
    Done,
    /// Failed: see `error` (nothing half is kept in the notes).
    Failed,
    /// Cancelled by the member; a new take fetches only what is missing.
    Cancelled,
}

/// What was received and read in.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub enum NearbyReceived {
    /// A sharing bundle: the notes added, updated and already here.
    Bundle(ImportBundleReport),
    /// Open meeting material: meetings, items and bilag stored.
    Material(MaterialReport),
}

/// A finished take.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyTaken {
    /// The offer's title.
    pub title: String,
    /// Who offered it.
    pub from: String,
    /// Bytes received by this take (fewer after a resumed take).
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
    /// What was read in.
    pub received: NearbyReceived,
}

/// Why a take failed or stopped (as an error answer says it).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyTakeError {
    /// For programs: `forbidden` (a wrong code, a locked or expired offer),
    /// `network` (not reached, dropped, cancelled), `not_found`, `invalid`, ….
    pub code: String,
    /// For people, in Danish, e.g. «forkert kode; intet er modtaget (4
    /// forsøg tilbage)».
    pub message: String,
}

/// The take under way, or the last one.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "nearby/"))]
pub struct NearbyTakeState {
    /// Where it is.
    pub phase: NearbyTakePhase,
    /// Whether it is still going (finding, connecting, receiving, importing).
    pub running: bool,
    /// Bytes received so far (counting what an earlier take left).
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
    /// Bytes in all (0 until known).
    #[cfg_attr(test, ts(type = "number"))]
    pub total: u64,
    /// Why it failed or stopped.
    pub error: Option<NearbyTakeError>,
    /// What it brought, once done.
    pub result: Option<NearbyTaken>,
}

impl NearbyTakeState {
    /// Nothing taken yet.
    pub fn idle() -> NearbyTakeState {
        NearbyTakeState {
            phase: NearbyTakePhase::Idle,
            running: false,
            bytes: 0,
            total: 0,
            error: None,
            result: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_request_is_a_tagged_choice_with_a_meeting_by_id_or_by_name() {
        let by_id: NearbyOfferRequest =
            serde_json::from_str(r#"{"kind":"bundle","meeting":123}"#).unwrap();
        let NearbyOfferWhat::Bundle { case, meeting } = &by_id.what else {
            panic!("a bundle");
        };
        assert_eq!(
            (case.as_deref(), meeting.as_ref().map(|m| m.as_text())),
            (None, Some("123".into()))
        );
        assert_eq!((by_id.listen, by_id.announce), (None, None));
        let by_case: NearbyOfferRequest = serde_json::from_str(
            r#"{"kind":"bundle","case":"EMN-2024-000001","listen":"127.0.0.1:0","announce":false}"#,
        )
        .unwrap();
        let NearbyOfferWhat::Bundle { case, meeting } = &by_case.what else {
            panic!("a bundle");
        };
        assert_eq!(case.as_deref(), Some("EMN-2024-000001"));
        assert!(meeting.is_none());
        assert_eq!(by_case.listen.as_deref(), Some("127.0.0.1:0"));
        assert_eq!(by_case.announce, Some(false));
        let name: NearbyOfferRequest =
            serde_json::from_str(r#"{"kind":"bundle","meeting":"TU/2024-03-01"}"#).unwrap();
        let NearbyOfferWhat::Bundle { meeting, .. } = &name.what else {
            panic!("a bundle");
        };
        assert_eq!(
            meeting.as_ref().map(|m| m.as_text()).as_deref(),
            Some("TU/2024-03-01")
        );
        let material: NearbyOfferRequest =
            serde_json::from_str(r#"{"kind":"material","meetings":[1,"TU/2024-03-01"]}"#).unwrap();
        let NearbyOfferWhat::Material { meetings } = &material.what else {
            panic!("material");
        };
        let named: Vec<String> = meetings.iter().map(|m| m.as_text()).collect();
        assert_eq!(named, ["1", "TU/2024-03-01"]);
        // Another kind is not known: refused, not taken for a bundle.
        assert!(
            serde_json::from_str::<NearbyOfferRequest>(r#"{"kind":"notes","case":"X"}"#).is_err()
        );
        assert!(
            serde_json::from_str::<NearbyOfferRequest>(r#"{"case":"EMN-2024-000001"}"#).is_err()
        );
    }
}

#[cfg(test)]
mod ts_export {
    //! The TypeScript types of these answers for the UI
    //! (`ui/src/api/nearby/*.ts`), generated with ts-rs. The test fails when
    //! the committed files are stale; `MOEDEMAPPE_WRITE_TS=1 cargo test -p
    //! moedemappe-http --lib nearby_ts` writes them anew.

    use super::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use ts_rs::TS;

    fn ts_files(dir: &Path) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") {
                files.insert(name, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        files
    }

    #[test]
    fn nearby_ts() {
        let fresh = tempfile::tempdir().unwrap();
        NearbyOfferRequest::export_all_to(fresh.path()).unwrap();
        NearbyOfferView::export_all_to(fresh.path()).unwrap();
        NearbySeenOffer::export_all_to(fresh.path()).unwrap();
        NearbyTakeRequest::export_all_to(fresh.path()).unwrap();
        NearbyTakeState::export_all_to(fresh.path()).unwrap();
        // Only this crate's own types: core's (ImportBundleReport) are
        // written by core's export_ts beside them, in ui/src/api/.
        let generated = ts_files(&fresh.path().join("nearby"));
        assert!(generated.contains_key("NearbyTakeState.ts"));
        let committed_dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/nearby");
        if std::env::var_os("MOEDEMAPPE_WRITE_TS").is_some() {
            std::fs::create_dir_all(&committed_dir).unwrap();
            for (name, text) in &generated {
                std::fs::write(committed_dir.join(name), text).unwrap();
            }
        }
        let committed = ts_files(&committed_dir);
        assert!(
            committed == generated,
            "ui/src/api/nearby/ is stale: run MOEDEMAPPE_WRITE_TS=1 cargo test -p moedemappe-http --lib nearby_ts"
        );
    }
}
