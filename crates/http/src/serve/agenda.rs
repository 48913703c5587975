//! The member's front page over HTTP: the meetings ahead of the followed
//! bodies with their reading load, which bodies to follow, and the reading
//! pace. Everyone with a token may read the agenda (the open scope without
//! closed items' pages); only the closed scope — the member's own UI — may
//! change what is followed and the pace.

use axum::extract::{Path, Query, State};
use axum::response::Response;
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
