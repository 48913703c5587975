//! The HTTP side of the Statistik, Kilder and Del screens: the statistics as
//! CSV, sources and background sync, failed files, and sharing bundles.
//!
//! Reading is open to both scopes, with closed material left out (failed
//! files' names, which may be closed material, are only counted for the open
//! scope). Changing anything (sources, starting a sync, bundles) takes the
//! closed scope: the UI's own token. The open token is the one scripts and
//! assistants use; they must not make the program read new folders or fetch
//! from the network.

use super::{core_error, error, member_only, with_mappe, App, SpanParams};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json};
use moedemappe_core::api::Scope;
use moedemappe_core::api::{
    BundleScope, Interval, Mappe, Session, Stats, StatsQuery, MAX_BUNDLE_BYTES,
};
use serde::Deserialize;
use serde_json::json;

/// Why a caller without the closed scope is refused here.
const MEMBER_ONLY: &str = "kun medlemmet selv må ændre kilder, hente og dele: åbn Mødemappe via linket, som serve skriver";

/// The statistics query of `/api/stats`, `/api/stats/csv` and `/api/stats/xlsx`: `body` may
/// name several bodies, separated by commas.
pub(super) fn stats_query(m: &Session<'_>, p: &SpanParams) -> moedemappe_core::Result<StatsQuery> {
    let by = match p.by.as_deref() {
        None => Interval::Year,
        Some(b) => Interval::parse(b).ok_or_else(|| {
            moedemappe_core::Error::Invalid("by skal være year eller month".into())
        })?,
    };
    let names: Vec<String> = p
        .body
        .iter()
        .flat_map(|b| b.split(','))
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .collect();
    let body_ids = m.body_ids(&names)?;
    if !names.is_empty() && body_ids.is_empty() {
        return Err(moedemappe_core::Error::NotFound(format!(
            "intet udvalg hedder «{}»",
            names.join(", ")
        )));
    }
    Ok(StatsQuery {
        from: p.from,
        to: p.to,
        body_ids,
        by,
    })
}

/// The workload table as CSV, the same rows as `/api/stats`.
pub(super) async fn stats_csv(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<SpanParams>,
) -> Response {
    let file = |s: &Stats| s.to_csv().map(String::into_bytes);
    stats_file(app, scope, p, file, "text/csv; charset=utf-8", "csv").await
}

/// The workload as an Excel workbook (`.xlsx`), the same rows as `/api/stats`.
pub(super) async fn stats_xlsx(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<SpanParams>,
) -> Response {
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    stats_file(app, scope, p, Stats::to_xlsx, kind, "xlsx").await
}

/// The statistics of `p` as a download: `file` writes them, `kind` is the
/// content type, `ext` the file name's ending.
async fn stats_file(
    app: App,
    scope: Scope,
    p: SpanParams,
    file: fn(&Stats) -> moedemappe_core::Result<Vec<u8>>,
    kind: &'static str,
    ext: &'static str,
) -> Response {
    let mappe = app.mappe.clone();
    let done = tokio::task::spawn_blocking(move || {
        let s = mappe.session(scope);
        file(&s.stats(&stats_query(&s, &p)?)?)
    })
    .await;
    match done {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"moedemappe-statistik.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

pub(super) async fn sources(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).sources()).await
}

/// `GET` and `DELETE /api/sources/{name}`.
pub(super) fn source_route() -> MethodRouter<App> {
    get(source).put(set_source_scope).delete(remove_source)
}

/// The bodies a portal lists in the source's scope, asked of the portal now
/// and stored, so the member can follow some before the first sync.
pub(super) async fn list_portal_bodies(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.member(scope)?.list_portal_bodies(&name)).await
}

/// "Prøv med demodata": writes the demo corpus, adds it as the folder source
/// «Demodata» and starts the background sync that imports it.
pub(super) async fn start_demo(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let sync = app.sync.clone();
    let resp = with_mappe(&app, move |m| m.member(scope)?.add_demo_source(0.05)).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let started = sync.start();
    (
        StatusCode::ACCEPTED,
        Json(json!({ "started": started, "state": sync.state() })),
    )
        .into_response()
}

/// Sets what a portal source fetches (bodies, followed, first day).
async fn set_source_scope(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
    Json(wanted): Json<moedemappe_core::api::SourceScope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?.set_source_scope(&name, &wanted)
    })
    .await
}

async fn source(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope)
            .sources()?
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| moedemappe_core::Error::NotFound(format!("ingen kilde hedder «{name}»")))
    })
    .await
}

/// A source to add: a portal's address or a folder's path.
#[derive(Debug, Deserialize)]
pub(super) struct NewSource {
    /// "portal" or "folder".
    kind: String,
    /// The portal's URL or the folder's path.
    location: String,
    /// A name; else the municipality's or the host or folder name.
    name: Option<String>,
    /// What a portal fetches; else every body from the year before the
    /// current election period.
    scope: Option<moedemappe_core::api::SourceScope>,
}

pub(super) async fn add_source(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(new): Json<NewSource>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let name = new.name.filter(|n| !n.trim().is_empty());
    let resp = with_mappe(&app, move |m| match new.kind.as_str() {
        "portal" => {
            let member = m.member(scope)?;
            let source = member.add_portal_source(&new.location, name.as_deref())?;
            match &new.scope {
                Some(s) => member.set_source_scope(&source.name, s),
                None => Ok(source),
            }
        }
        "folder" => m
            .member(scope)?
            .add_folder_source(std::path::Path::new(new.location.trim()), name.as_deref()),
        _ => Err(moedemappe_core::Error::Invalid(
            "kind skal være portal eller folder".into(),
        )),
    })
    .await;
    if resp.status() == StatusCode::OK {
        let (mut parts, body) = resp.into_parts();
        parts.status = StatusCode::CREATED;
        return Response::from_parts(parts, body);
    }
    resp
}

async fn remove_source(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.member(scope)?.remove_source(&name)).await
}

/// The background sync's progress: the member's only (its counts include
/// closed material).
pub(super) async fn sync_state(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    Json(app.sync.state()).into_response()
}

pub(super) async fn start_sync(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let started = app.sync.start();
    (
        StatusCode::ACCEPTED,
        Json(json!({ "started": started, "state": app.sync.state() })),
    )
        .into_response()
}

pub(super) async fn status(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    with_mappe(&app, move |m| m.session(scope).sources_status()).await
}

/// What a bundle holds: `case` (a case number) or `meeting` (an id or
/// `<udvalg>/<ÅÅÅÅ-MM-DD>`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ShareParams {
    case: Option<String>,
    meeting: Option<String>,
}

impl ShareParams {
    fn scope(&self, m: &Mappe) -> moedemappe_core::Result<BundleScope> {
        match (&self.case, &self.meeting) {
            (Some(c), None) if !c.trim().is_empty() => Ok(BundleScope::Case(
                m.session(Scope::Member).resolve_case_number(c)?,
            )),
            (None, Some(meeting)) => Ok(BundleScope::Meeting(
                m.session(Scope::Member).resolve_meeting(meeting)?,
            )),
            _ => Err(moedemappe_core::Error::Invalid(
                "angiv enten en sag (case) eller et møde (meeting)".into(),
            )),
        }
    }
}

pub(super) async fn share_candidates(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.session(scope).share_candidates()).await
}

pub(super) async fn share_preview(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<ShareParams>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.session(scope).bundle_preview(&p.scope(m)?)).await
}

pub(super) async fn share_bundle(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<ShareParams>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let mappe = app.mappe.clone();
    let done = tokio::task::spawn_blocking(move || {
        let m = &*mappe;
        let which = p.scope(m)?;
        m.member(scope)?.export_bundle_bytes(&which)
    })
    .await;
    match done {
        Ok(Ok(bytes)) => {
            let day = moedemappe_core::api::today();
            let disposition = format!("attachment; filename=\"moedemappe-deling-{day}.zip\"");
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// `POST /api/share/import`, which takes bundles up to [`MAX_BUNDLE_BYTES`].
pub(super) fn import_route() -> MethodRouter<App> {
    post(share_import).layer(DefaultBodyLimit::max(MAX_BUNDLE_BYTES))
}

async fn share_import(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    body: Bytes,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, "der kom ingen fil med");
    }
    let settings = app.sync_settings.clone();
    with_mappe(&app, move |m| {
        m.member(scope)?.import_bundle_bytes(&body, &settings)
    })
    .await
}

/// The member's name as others see it on shared notes.
#[derive(Debug, Deserialize)]
pub(super) struct AuthorName {
    name: String,
}

pub(super) async fn author(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.member(scope)?.author()).await
}

pub(super) async fn set_author(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(a): Json<AuthorName>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.member(scope)?.set_author(&a.name)).await
}
