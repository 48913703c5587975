//! The member's front page over HTTP: the meetings ahead of the followed
//! bodies with their reading load, which bodies to follow, and the reading
//! pace. Everyone with a token may read the agenda (the open scope without
//! closed items' pages); only the closed scope — the member's own UI — may
//! change what is followed and the pace.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use moedemappe_core::api::wire::{
    AgendaParams, CalendarParams, ErrorBody, FeedParams, MeetingsParams, RecentParams,
};
use moedemappe_core::api::{AgendaEntry, BodyChoice, Pace, Scope};
use moedemappe_core::model::BodyId;

use super::doc::{Refused, Unreadable};
use super::{member_only, with_mappe, App};

/// Meetings the front page lists unless told otherwise.
const DEFAULT_NEXT: usize = 6;
/// The most meetings one call lists.
const MAX_NEXT: usize = 100;

fn today() -> NaiveDate {
    moedemappe_core::api::today()
}

/// The next meetings of the followed bodies from `from` (default today).
#[utoipa::path(get, path = "/api/agenda", tag = "Forside",
    summary = "De næste møder i de udvalg, medlemmet følger, med sider at læse, nye sider, læste sider og læsetid", description = "Uden adgang til lukket materiale tælles lukkede punkters sider ikke.",
    params(AgendaParams),
    responses((status = 200, description = "Møderne, de tidligste først", body = [AgendaEntry]), Unreadable, Refused))]
pub(super) async fn agenda(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<AgendaParams>,
) -> Response {
    let from = p.from.unwrap_or_else(today);
    let next = p.next.unwrap_or(DEFAULT_NEXT).min(MAX_NEXT);
    with_mappe(&app, move |m| m.session(scope).agenda(from, next)).await
}

/// The last meetings of the followed bodies before `before` (default today).
#[utoipa::path(get, path = "/api/agenda/recent", tag = "Forside",
    summary = "De seneste møder før en dag i de udvalg, medlemmet følger, med samme læsebyrde som /api/agenda", description = "",
    params(RecentParams),
    responses((status = 200, description = "Møderne, de nyeste først", body = [AgendaEntry]), Unreadable, Refused))]
pub(super) async fn recent(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<RecentParams>,
) -> Response {
    let before = p.before.unwrap_or_else(today);
    let last = p.last.unwrap_or(DEFAULT_NEXT).min(MAX_NEXT);
    with_mappe(&app, move |m| m.session(scope).recent_agenda(before, last)).await
}

/// Every meeting, newest first, with its reading load: of one body or all,
/// between two days.
#[utoipa::path(get, path = "/api/archive", tag = "Møder",
    summary = "Alle møder, nyeste først, for ét udvalg eller alle, mellem to dage, hver med sider, nye og læste", description = "",
    params(MeetingsParams),
    responses((status = 200, description = "Møderne, de nyeste først", body = [AgendaEntry]),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn archive(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<MeetingsParams>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).archive(p.body.as_deref(), p.from, p.to)
    })
    .await
}

/// An iCalendar answer.
fn ics(body: moedemappe_core::Result<String>) -> Response {
    match body {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Err(e) => super::core_error(&e),
    }
}

/// The meetings as an iCalendar file, as the caller's scope sees them.
#[utoipa::path(get, path = "/api/calendar.ics", tag = "Forside",
    summary = "Møderne som kalenderfil (.ics), som kalderens adgang ser dem", description = "",
    params(CalendarParams),
    responses((status = 200, description = "iCalendar (RFC 5545): ét VEVENT pr. møde, UID fast pr. møde, aflyste møder STATUS:CANCELLED", content_type = "text/calendar", body = String),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn calendar(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<CalendarParams>,
) -> Response {
    let mappe = app.mappe();
    let done =
        tokio::task::spawn_blocking(move || mappe.session(scope).calendar(&p.bodies())).await;
    match done {
        Ok(body) => ics(body),
        Err(_) => super::error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// The feed a calendar program subscribes to, `/kalender.ics?noegle=…`: any
/// access token of this data directory in the address (calendar programs
/// send no headers), and always the open scope, whatever the token's, so
/// a closed meeting never reaches a calendar.
#[utoipa::path(get, path = "/kalender.ics", tag = "Adgang", security(()),
    summary = "Kalenderen at abonnere på fra et kalenderprogram på samme maskine: nøglen står i adressen, og den viser altid kun åbent materiale", description = "",
    params(FeedParams),
    responses((status = 200, description = "iCalendar (RFC 5545): ét VEVENT pr. møde, UID fast pr. møde, aflyste møder STATUS:CANCELLED", content_type = "text/calendar", body = String),
        (status = 401, description = "Nøglen mangler eller er ukendt", body = ErrorBody),
        (status = 403, description = "Fremmed Origin eller Host", body = ErrorBody),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody),
        (status = 500, description = "Intern fejl", body = ErrorBody), Unreadable))]
pub(super) async fn calendar_feed(State(app): State<App>, Query(p): Query<FeedParams>) -> Response {
    let Some(key) = p.noegle.clone().filter(|k| !k.trim().is_empty()) else {
        return super::error(
            StatusCode::UNAUTHORIZED,
            "Kalenderen kræver en nøgle: /kalender.ics?noegle=… (lav en med moedemappe token create).",
        );
    };
    let mappe = app.mappe();
    let done = tokio::task::spawn_blocking(move || {
        if mappe.check_token(key.trim())?.is_none() {
            return Ok(None);
        }
        mappe.session(Scope::Open).calendar(&p.bodies()).map(Some)
    })
    .await;
    match done {
        Ok(Ok(Some(text))) => ics(Ok(text)),
        Ok(Ok(None)) => super::error(StatusCode::UNAUTHORIZED, "Ukendt nøgle til kalenderen."),
        Ok(Err(e)) => super::core_error(&e),
        Err(_) => super::error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// Every body that has met, with whether it is followed.
#[utoipa::path(get, path = "/api/bodies", tag = "Forside",
    summary = "Alle udvalg, der har holdt møder, og om medlemmet følger dem", description = "",
    responses((status = 200, description = "Udvalgene efter navn", body = [BodyChoice]), Refused))]
pub(super) async fn bodies(State(app): State<App>) -> Response {
    with_mappe(&app, |m| m.session(Scope::Open).bodies_to_follow()).await
}

/// Whether a body is followed.
#[utoipa::path(get, path = "/api/follow/{body}", tag = "Forside",
    summary = "Om medlemmet følger et udvalg", description = "",
    params(("body" = i64, Path, description = "Udvalgets id (fra /api/bodies)")),
    responses((status = 200, description = "Udvalget", body = BodyChoice),
        (status = 404, description = "Ukendt udvalg", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn following(State(app): State<App>, Path(body): Path<i64>) -> Response {
    with_mappe(&app, move |m| {
        m.session(Scope::Open)
            .bodies_to_follow()?
            .into_iter()
            .find(|b| b.id == BodyId(body))
            .ok_or_else(|| moedemappe_core::Error::NotFound(format!("udvalg {body} findes ikke")))
    })
    .await
}

/// Follows a body; answers every body anew.
#[utoipa::path(put, path = "/api/follow/{body}", tag = "Forside",
    summary = "Følg et udvalg (kun medlemmet)", description = "",
    params(("body" = i64, Path, description = "Udvalgets id (fra /api/bodies)")),
    responses((status = 200, description = "Alle udvalg igen", body = [BodyChoice]),
        (status = 404, description = "Ukendt udvalg", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn follow(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(body): Path<i64>,
) -> Response {
    set_following(app, scope, body, true).await
}

/// Stops following a body; answers every body anew.
#[utoipa::path(delete, path = "/api/follow/{body}", tag = "Forside",
    summary = "Følg ikke længere et udvalg (kun medlemmet)", description = "",
    params(("body" = i64, Path, description = "Udvalgets id (fra /api/bodies)")),
    responses((status = 200, description = "Alle udvalg igen", body = [BodyChoice]),
        (status = 404, description = "Ukendt udvalg", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn unfollow(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(body): Path<i64>,
) -> Response {
    set_following(app, scope, body, false).await
}

async fn set_following(app: App, scope: Scope, body: i64, on: bool) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?.set_following(BodyId(body), on)
    })
    .await
}

/// The member's reading pace.
#[utoipa::path(get, path = "/api/pace", tag = "Forside",
    summary = "Medlemmets læsetempo i sider i timen", description = "",
    responses((status = 200, description = "Læsetempoet", body = Pace), Refused))]
pub(super) async fn pace(State(app): State<App>) -> Response {
    with_mappe(&app, |m| {
        Ok(Pace {
            pages_per_hour: m.session(Scope::Open).reading_pace()?,
        })
    })
    .await
}

/// Sets the member's reading pace.
#[utoipa::path(put, path = "/api/pace", tag = "Forside",
    summary = "Sæt læsetempoet (kun medlemmet)", description = "",
    request_body = Pace,
    responses((status = 200, description = "Det nye læsetempo", body = Pace),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn set_pace(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(pace): Json<Pace>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?.set_reading_pace(pace.pages_per_hour)?;
        Ok(pace)
    })
    .await
}

/// Why a caller without the closed scope is refused here.
const MEMBER_ONLY: &str =
    "kun medlemmet selv kan ændre indstillingerne: åbn Mødemappe via linket, som serve skriver";
