//! `/api/nearby/*`: «Del på netværket» on the Del screen. The member offers
//! a case's or a meeting's shared notes on the local network (one offer at a
//! time; the code is shown only to the member), browses what colleagues
//! offer, and takes an offer with the code from the colleague's screen in
//! the background, with progress and a cancel. Only the member's session
//! gets here: a token, whatever its scope, never sees a code nor starts or
//! takes an offer.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use moedemappe_core::api::wire::{ErrorBody, ShareParams};
use moedemappe_core::api::{
    nearby_offers, parse_address, Code, IngestSettings, Interfaces, Mappe, OfferOptions, Received,
    Scope, TakeReport,
};
use moedemappe_core::Error;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::doc::{Refused, Unreadable};
use super::{core_error, error, member_only, App};

mod jobs;
mod view;

pub(crate) use jobs::Nearby;
use jobs::{Running, TakeProgress};
use view::{
    NearbyOfferRequest, NearbyOfferView, NearbyOfferWhat, NearbyReceived, NearbySeenOffer,
    NearbyTakeError, NearbyTakePhase, NearbyTakeRequest, NearbyTakeState, NearbyTaken,
};

/// The routes of this module (behind the guard).
pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(offer_state, start_offer, stop_offer))
        .routes(routes!(browse))
        .routes(routes!(take_state, start_take, cancel_take))
}

/// Why a caller who is not the member is refused here.
const MEMBER_ONLY: &str =
    "kun medlemmet selv må dele og hente på netværket: åbn Mødemappe via linket, som serve skriver";

/// How long `/api/nearby/offers` listens, at most and by default.
const MAX_BROWSE_SECONDS: u64 = 10;
const DEFAULT_BROWSE_SECONDS: u64 = 3;

/// The query string of `/api/nearby/offers`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
struct BrowseParams {
    /// Sekunder at lytte efter tilbud (1–10, standard 3).
    #[param(minimum = 1, maximum = 10)]
    seconds: Option<u64>,
}

/// The one place that reads a take's report: what the HTTP answer says.
fn taken_view(r: TakeReport) -> NearbyTaken {
    NearbyTaken {
        title: r.offer.title,
        from: r.offer.from,
        bytes: r.bytes,
        received: match r.received {
            Received::Bundle(report) => NearbyReceived::Bundle(report),
            Received::Material(report) => NearbyReceived::Material(report),
        },
    }
}

fn conflict(message: &str) -> Response {
    error(StatusCode::CONFLICT, message)
}

/// Runs blocking work off the async runtime; a panic is an internal error.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> moedemappe_core::Result<T> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(core_error(&e)),
        Err(_) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl")),
    }
}

#[utoipa::path(get, path = "/api/nearby/offer", tag = "Deling",
    summary = "Det, du deler på netværket lige nu: kode, adresse, forsøg tilbage og udløb (kun medlemmet)", description = "",
    responses((status = 200, description = "Tilbuddet, eller `null`, når du ikke deler noget på netværket", body = Option<NearbyOfferView>),
        Refused))]
async fn offer_state(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    // Nothing offered is no error: the Del screen asks every time it opens.
    Json(app.nearby.offer().as_ref().map(|running| running.view())).into_response()
}

fn not_offering() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "du deler ikke noget på netværket lige nu",
    )
}

#[utoipa::path(post, path = "/api/nearby/offer", tag = "Deling",
    summary = "Del en sags eller et mødes delte noter, eller møders åbne materiale, på netværket med en 6-cifret kode (kun medlemmet)",
    description = "Ét tilbud ad gangen. Lukket materiale kommer aldrig med: noterne som i en pakke, materialet som det åbne omfang ser det (åbne punkter nummereret uden huller, åbne bilag og deres tekst). Tilbuddet udløber efter 30 minutter og låses efter 5 forkerte koder. Kan det ikke annonceres på netværket, deles det alligevel, og kollegaen skriver adressen (`announced` er da falsk).",
    request_body = NearbyOfferRequest,
    responses((status = 201, description = "Tilbuddet kører", body = NearbyOfferView),
        (status = 404, description = "Ukendt sag eller møde", body = ErrorBody),
        (status = 409, description = "Du deler allerede noget; stop det først", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody),
        (status = 503, description = "Netværket kan ikke bruges (fx er porten optaget)", body = ErrorBody),
        Unreadable, Refused))]
async fn start_offer(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(req): Json<NearbyOfferRequest>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    if let Some(running) = app.nearby.offer().as_ref().filter(|r| r.live()) {
        return conflict(&already_offering(running));
    }
    let mappe = app.mappe();
    let nearby = app.nearby.clone();
    let started = blocking(move || {
        let running = offer(&mappe, scope, &req)?;
        let mut slot = nearby.offer();
        // Another request started one meanwhile: that one stays.
        if let Some(other) = slot.as_ref().filter(|r| r.live()) {
            return Ok(Err(already_offering(other)));
        }
        let view = running.view();
        // A previous, expired or locked offer stops here.
        *slot = Some(running);
        Ok(Ok(view))
    })
    .await;
    match started {
        Ok(Ok(view)) => (StatusCode::CREATED, Json(view)).into_response(),
        Ok(Err(message)) => conflict(&message),
        Err(resp) => resp,
    }
}

fn already_offering(r: &Running) -> String {
    format!(
        "du deler allerede «{}» på netværket; stop det først",
        r.offering.info().title
    )
}

/// Starts the offer `req` asks for (announced where asked; where announcing
/// fails, not announced, so the typed address still works).
/// What an offer request asks for, resolved.
enum Which {
    Bundle(moedemappe_core::api::BundleScope),
    Material(Vec<moedemappe_core::model::MeetingId>),
}

fn offer(
    mappe: &Mappe,
    scope: Scope,
    req: &NearbyOfferRequest,
) -> moedemappe_core::Result<Running> {
    let bind = match req.listen.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<SocketAddr>().map_err(|_| {
            Error::Invalid(format!(
                "adressen «{text}» at lytte på kan ikke bruges; skriv fx 0.0.0.0:47474"
            ))
        })?),
    };
    let session = mappe.session(Scope::Member);
    let which = match &req.what {
        NearbyOfferWhat::Bundle { case, meeting } => Which::Bundle(
            ShareParams {
                case: case.clone(),
                meeting: meeting.as_ref().map(|m| m.as_text()),
            }
            .scope(&session)?,
        ),
        NearbyOfferWhat::Material { meetings } => Which::Material(
            meetings
                .iter()
                .map(|m| session.resolve_meeting(&m.as_text()))
                .collect::<moedemappe_core::Result<_>>()?,
        ),
    };
    let member = mappe.member(scope)?;
    let announce = req.announce.unwrap_or(true);
    let start = |announce: bool| {
        let options = OfferOptions {
            bind,
            announce: announce.then_some(Interfaces::All),
        };
        match &which {
            Which::Bundle(scope) => member.offer_bundle(scope, &options),
            Which::Material(meetings) => member.offer_material(meetings, &options),
        }
    };
    let offering = match start(announce) {
        Err(Error::Network(_)) if announce => start(false)?,
        other => other?,
    };
    Ok(Running::new(offering))
}

#[utoipa::path(delete, path = "/api/nearby/offer", tag = "Deling",
    summary = "Stop det, du deler på netværket (kun medlemmet)", description = "",
    responses((status = 200, description = "Tilbuddet, som det stod, da det blev stoppet", body = NearbyOfferView),
        (status = 404, description = "Du deler ikke noget på netværket", body = ErrorBody), Refused))]
async fn stop_offer(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let Some(running) = app.nearby.offer().take() else {
        return not_offering();
    };
    let view = running.view();
    // Stopping waits for the listener and the announcement to end.
    let _ = tokio::task::spawn_blocking(move || running.offering.stop()).await;
    Json(view).into_response()
}

#[utoipa::path(get, path = "/api/nearby/offers", tag = "Deling",
    summary = "Hvad kolleger på samme netværk deler lige nu (kun medlemmet); lytter nogle sekunder", description = "",
    params(BrowseParams),
    responses((status = 200, description = "Tilbuddene, som de annonceres (dit eget er markeret `own`)", body = [NearbySeenOffer]),
        (status = 503, description = "Netværket kan ikke bruges til at finde andre; skriv adressen i stedet", body = ErrorBody),
        Unreadable, Refused))]
async fn browse(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<BrowseParams>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let seconds = p.seconds.unwrap_or(DEFAULT_BROWSE_SECONDS);
    if !(1..=MAX_BROWSE_SECONDS).contains(&seconds) {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("seconds skal være mellem 1 og {MAX_BROWSE_SECONDS}"),
        );
    }
    let found = blocking(move || nearby_offers(Duration::from_secs(seconds), &Interfaces::All));
    let found = match found.await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let own = app
        .nearby
        .offer()
        .as_ref()
        .map(|r| r.offering.info().id.clone());
    let seen: Vec<NearbySeenOffer> = found
        .into_iter()
        .map(|o| NearbySeenOffer {
            own: own.as_deref() == Some(o.info.id.as_str()),
            id: o.info.id,
            from: o.info.from,
            title: o.info.title,
            kind: o.info.kind.into(),
            addresses: o.addrs.iter().map(ToString::to_string).collect(),
        })
        .collect();
    Json(seen).into_response()
}

#[utoipa::path(get, path = "/api/nearby/take", tag = "Deling",
    summary = "Hentningen fra en kollega: fase, bytes modtaget og i alt, fejlen på dansk, resultatet (kun medlemmet)", description = "",
    responses((status = 200, description = "Tilstanden (`idle`, før der er hentet noget)", body = NearbyTakeState), Refused))]
async fn take_state(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    Json(app.nearby.take_state()).into_response()
}

#[utoipa::path(post, path = "/api/nearby/take", tag = "Deling",
    summary = "Hent og indlæs det, en kollega deler, med koden fra kollegaens skærm, i baggrunden (kun medlemmet)",
    description = "Angiv tilbuddets `id` (fra /api/nearby/offers; det findes igen på netværket) eller kollegaens `address`. Følg hentningen med GET /api/nearby/take. En forkert kode giver fasen `failed` med antallet af forsøg tilbage; intet er da modtaget.",
    request_body = NearbyTakeRequest,
    responses((status = 202, description = "Hentningen er startet", body = NearbyTakeState),
        (status = 409, description = "En hentning kører allerede", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody),
        Unreadable, Refused))]
async fn start_take(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(req): Json<NearbyTakeRequest>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let code = match Code::parse(&req.code) {
        Ok(code) => code,
        Err(e) => return core_error(&Error::from(e)),
    };
    let id = req.id.filter(|s| !s.trim().is_empty());
    let address = req.address.filter(|s| !s.trim().is_empty());
    let whence = match (id, address) {
        (None, Some(a)) => {
            // A host name is looked up: off the async runtime.
            match blocking(move || Ok(parse_address(&a)?)).await {
                Ok(addr) => Whence::Address(addr),
                Err(resp) => return resp,
            }
        }
        (Some(id), None) => Whence::Offer(id.trim().to_string()),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "angiv enten tilbuddets id eller kollegaens adresse",
            )
        }
    };
    let Some((cancel, progress)) = app.nearby.begin_take() else {
        return conflict("der hentes allerede fra en kollega; vent, eller afbryd den hentning");
    };
    let mappe = app.mappe();
    let settings = app.sync_settings.clone();
    std::thread::spawn(move || {
        let done = take(&mappe, whence, &code, &settings, &progress, &cancel);
        let cancelled = cancel.load(Ordering::Relaxed);
        progress.finish(|s| match done {
            Ok(report) => {
                s.phase = NearbyTakePhase::Done;
                s.result = Some(taken_view(report));
            }
            Err(e) => {
                s.phase = if cancelled {
                    NearbyTakePhase::Cancelled
                } else {
                    NearbyTakePhase::Failed
                };
                s.error = Some(NearbyTakeError {
                    code: e.code().into(),
                    message: e.to_string(),
                });
            }
        });
    });
    (StatusCode::ACCEPTED, Json(app.nearby.take_state())).into_response()
}

/// Where to take from.
enum Whence {
    /// An offer seen nearby, by (the start of) its id.
    Offer(String),
    /// A typed address.
    Address(SocketAddr),
}

/// Finds the offer (when named by id), then takes it from the first of its
/// addresses that answers.
fn take(
    mappe: &Arc<Mappe>,
    whence: Whence,
    code: &Code,
    settings: &IngestSettings,
    progress: &TakeProgress,
    cancel: &AtomicBool,
) -> moedemappe_core::Result<TakeReport> {
    let (addrs, offer) = match whence {
        Whence::Address(addr) => (vec![addr], None),
        Whence::Offer(prefix) => {
            let found = nearby_offers(
                Duration::from_secs(DEFAULT_BROWSE_SECONDS),
                &Interfaces::All,
            )?;
            let mut hits = found.into_iter().filter(|o| o.info.id.starts_with(&prefix));
            let (Some(o), None) = (hits.next(), hits.next()) else {
                return Err(Error::NotFound(format!(
                    "tilbuddet «{prefix}» ses ikke længere på netværket; opdatér listen, eller skriv kollegaens adresse"
                )));
            };
            (o.addrs, Some(o.info.id))
        }
    };
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Network(
            "hentningen blev afbrudt, før den begyndte".into(),
        ));
    }
    progress.phase(NearbyTakePhase::Connecting);
    let member = mappe.member(Scope::Member)?;
    let mut last = None;
    for addr in addrs {
        match member.take_offer(addr, offer.as_deref(), code, settings, progress, cancel) {
            // Not reachable there: the next address.
            Err(e @ Error::Network(_)) if !cancel.load(Ordering::Relaxed) => last = Some(e),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| Error::NotFound("tilbuddet har ingen adresse at hente fra".into())))
}

#[utoipa::path(delete, path = "/api/nearby/take", tag = "Deling",
    summary = "Afbryd hentningen fra en kollega (kun medlemmet); en ny hentning henter kun det, der mangler", description = "",
    responses((status = 200, description = "Tilstanden (hentningen stopper kort efter)", body = NearbyTakeState), Refused))]
async fn cancel_take(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    app.nearby.cancel_take();
    Json(app.nearby.take_state()).into_response()
}
