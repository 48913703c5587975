//! The member's front page over HTTP: the meetings ahead of the followed
//! bodies with their reading load, which bodies to follow, and the reading
//! pace. Everyone with a token may read the agenda (the open scope without
//! closed items' pages); only the closed scope — the member's own UI — may
//! change what is followed and the pace.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Extension, Json};
use chrono::NaiveDate;
use moedemappe_core::api::Pace;
use moedemappe_core::api::Scope;
use moedemappe_core::model::BodyId;
use serde::Deserialize;

use super::{member_only, with_mappe, App};

/// Meetings the front page lists unless told otherwise.
const DEFAULT_NEXT: usize = 6;
/// The most meetings one call lists.
const MAX_NEXT: usize = 100;

/// The query string of `/api/agenda` and `/api/agenda/recent`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AgendaParams {
    from: Option<NaiveDate>,
    before: Option<NaiveDate>,
    next: Option<usize>,
    last: Option<usize>,
}

fn today() -> NaiveDate {
    moedemappe_core::api::today()
}

/// The next meetings of the followed bodies from `from` (default today).
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
pub(super) async fn recent(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<AgendaParams>,
) -> Response {
    let before = p.before.unwrap_or_else(today);
    let last = p.last.unwrap_or(DEFAULT_NEXT).min(MAX_NEXT);
    with_mappe(&app, move |m| m.session(scope).recent_agenda(before, last)).await
}

/// The query string of `/api/archive`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ArchiveParams {
    body: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// Every meeting, newest first, with its reading load: of one body or all,
/// between two days.
pub(super) async fn archive(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<ArchiveParams>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).archive(p.body.as_deref(), p.from, p.to)
    })
    .await
}

/// The query string of the calendar: bodies, separated by commas (all when
/// absent), and for the subscription feed its key.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CalendarParams {
    body: Option<String>,
    noegle: Option<String>,
}

impl CalendarParams {
    fn bodies(&self) -> Vec<String> {
        self.body
            .iter()
            .flat_map(|b| b.split(','))
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string)
            .collect()
    }
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
pub(super) async fn calendar(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<CalendarParams>,
) -> Response {
    let mappe = app.mappe.clone();
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
pub(super) async fn calendar_feed(
    State(app): State<App>,
    Query(p): Query<CalendarParams>,
) -> Response {
    let Some(key) = p.noegle.clone().filter(|k| !k.trim().is_empty()) else {
        return super::error(
            StatusCode::UNAUTHORIZED,
            "Kalenderen kræver en nøgle: /kalender.ics?noegle=… (lav en med moedemappe token create).",
        );
    };
    let mappe = app.mappe.clone();
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
pub(super) async fn bodies(State(app): State<App>) -> Response {
    with_mappe(&app, |m| m.session(Scope::Open).bodies_to_follow()).await
}

/// GET, PUT and DELETE of `/api/follow/{body}`.
pub(super) fn follow_route() -> MethodRouter<App> {
    get(following).put(follow).delete(unfollow)
}

/// Whether a body is followed.
async fn following(State(app): State<App>, Path(body): Path<i64>) -> Response {
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
async fn follow(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(body): Path<i64>,
) -> Response {
    set_following(app, scope, body, true).await
}

/// Stops following a body; answers every body anew.
async fn unfollow(
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
pub(super) async fn pace(State(app): State<App>) -> Response {
    with_mappe(&app, |m| {
        Ok(Pace {
            pages_per_hour: m.session(Scope::Open).reading_pace()?,
        })
    })
    .await
}

/// Sets the member's reading pace.
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
