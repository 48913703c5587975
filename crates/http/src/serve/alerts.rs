//! `/api/alerts` and `/api/saved-searches`: the member's saved searches
//! (søgeagenter), what is new to them, and the notices of agendas and
//! minutes released for followed bodies. Every scope reads them, each seeing
//! only what it may (the open scope: what a store without closed material
//! would have found); only the member saves, removes and marks seen.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use moedemappe_core::api::wire::ErrorBody;
use moedemappe_core::api::{Alerts, SavedQuery, SavedSearch, Scope};
use moedemappe_core::Error;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::doc::{Refused, Unreadable};
use super::{core_error, error, member_only, with_mappe, App};

/// The routes of this module (behind the guard).
pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(alerts))
        .routes(routes!(seen))
        .routes(routes!(saved_searches, save_search))
        .routes(routes!(remove_search))
}

/// Why a caller who is not the member is refused here.
const MEMBER_ONLY: &str =
    "kun medlemmet selv kan gemme, fjerne og markere søgeagenter: åbn Mødemappe via linket, som serve skriver";

/// The query string of `/api/alerts`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
struct AlertsParams {
    /// Alt, der er fundet siden da, set eller ej: en dag `ÅÅÅÅ-MM-DD` (fra
    /// midnat, UTC) eller et RFC 3339-tidspunkt. Uden: kun det, der ikke er
    /// markeret som set.
    since: Option<String>,
}

/// `POST /api/alerts/seen`: which search's news to mark seen.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "alerts/"))]
pub struct AlertsSeen {
    /// Søgeagentens navn; `null` (eller udeladt): alt, også beskederne om
    /// udgivne dagsordener og referater.
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /api/saved-searches`: a search to save.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(export_to = "alerts/"))]
pub struct NewSavedSearch {
    /// Navnet (højst 100 tegn, ikke et, der er brugt); `null` eller tomt:
    /// søgeordene.
    #[serde(default)]
    pub name: Option<String>,
    /// Ordene og filtrene, som i Søg.
    pub query: SavedQuery,
}

/// A day (from its midnight, UTC) or an RFC 3339 time.
fn parse_since(s: &str) -> Result<DateTime<Utc>, Error> {
    let s = s.trim();
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::Invalid(format!(
                "since: «{s}» er hverken en dag (ÅÅÅÅ-MM-DD) eller et RFC 3339-tidspunkt"
            ))
        })
}

/// Runs `f` on the data directory off the async runtime; `done` is the
/// answer when it succeeds (an empty 204 or a 201 with its value).
async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&moedemappe_core::api::Mappe) -> moedemappe_core::Result<T> + Send + 'static,
    done: impl FnOnce(T) -> Response,
) -> Response {
    let mappe = app.mappe();
    match tokio::task::spawn_blocking(move || f(&mappe)).await {
        Ok(Ok(v)) => done(v),
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

#[utoipa::path(get, path = "/api/alerts", tag = "Søgeagenter",
    summary = "Det nye til medlemmet: for hver søgeagent de steder, den har fundet noget nyt, og beskeder om udgivne dagsordener og referater i de udvalg, medlemmet følger",
    description = "Uden `since` kun det, der ikke er markeret som set; med `since` alt, der er fundet siden da. Uden adgang til lukket materiale er det, som om lageret aldrig havde haft lukket materiale: ingen lukkede punkter, bilag eller møder, ingen optællinger af dem. Er boksen låst, får medlemmet 403 (søgeagenterne ligger i boksen), og en nøgle får intet nyt.",
    params(AlertsParams),
    responses((status = 200, description = "Søgeagenterne med det nye, og beskederne", body = Alerts),
        Unreadable, Refused))]
async fn alerts(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<AlertsParams>,
) -> Response {
    with_mappe(&app, move |m| {
        let since = p
            .since
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(parse_since)
            .transpose()?;
        m.session(scope).alerts(since)
    })
    .await
}

#[utoipa::path(post, path = "/api/alerts/seen", tag = "Søgeagenter",
    summary = "Markér det nye som set: én søgeagents fund, eller (name null) alt, også beskederne (kun medlemmet)",
    description = "",
    request_body = AlertsSeen,
    responses((status = 204, description = "Markeret som set"),
        (status = 404, description = "Ingen søgeagent med det navn", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
async fn seen(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(which): Json<AlertsSeen>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    blocking(
        &app,
        move |m| m.member(scope)?.alerts_seen(which.name.as_deref()),
        |()| StatusCode::NO_CONTENT.into_response(),
    )
    .await
}

#[utoipa::path(get, path = "/api/saved-searches", tag = "Søgeagenter",
    summary = "Medlemmets søgeagenter (gemte søgninger) efter navn", description = "Er boksen låst, får medlemmet 403 (søgeagenterne ligger i boksen), og en nøgle får en tom liste.",
    responses((status = 200, description = "Søgeagenterne", body = [SavedSearch]), Refused))]
async fn saved_searches(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    with_mappe(&app, move |m| m.session(scope).saved_searches()).await
}

#[utoipa::path(post, path = "/api/saved-searches", tag = "Søgeagenter",
    summary = "Gem en søgning som søgeagent (kun medlemmet); kun det, der kommer til bagefter, er nyt for den",
    description = "",
    request_body = NewSavedSearch,
    responses((status = 201, description = "Den gemte søgeagent", body = SavedSearch),
        (status = 400, description = "Søgningen har hverken ord, sagsnummer eller udvalg, navnet er for langt, navnet er allerede brugt, eller indholdet kan ikke læses", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Refused))]
async fn save_search(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(new): Json<NewSavedSearch>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    blocking(
        &app,
        move |m| {
            // A blank name is no name: the search's words name it.
            let name = new.name.as_deref().filter(|n| !n.trim().is_empty());
            m.member(scope)?.save_search(name, &new.query)
        },
        |saved| (StatusCode::CREATED, Json(saved)).into_response(),
    )
    .await
}

#[utoipa::path(delete, path = "/api/saved-searches/{name}", tag = "Søgeagenter",
    summary = "Fjern en søgeagent og det, den har fundet (kun medlemmet)", description = "",
    params(("name" = String, Path, description = "Søgeagentens navn")),
    responses((status = 204, description = "Fjernet"),
        (status = 404, description = "Ingen søgeagent med det navn", body = ErrorBody), Refused))]
async fn remove_search(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    blocking(
        &app,
        move |m| m.member(scope)?.remove_search(&name),
        |()| StatusCode::NO_CONTENT.into_response(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_a_day_or_an_rfc_3339_time() {
        assert_eq!(
            parse_since("2026-02-12").unwrap().to_rfc3339(),
            "2026-02-12T00:00:00+00:00"
        );
        assert_eq!(
            parse_since(" 2026-02-12T10:30:00+01:00 ")
                .unwrap()
                .to_rfc3339(),
            "2026-02-12T09:30:00+00:00"
        );
        let bad = parse_since("i går").unwrap_err();
        assert!(matches!(bad, Error::Invalid(_)));
        assert!(bad.to_string().contains("ÅÅÅÅ-MM-DD"), "{bad}");
    }

    #[test]
    fn a_missing_name_marks_everything_seen() {
        let all: AlertsSeen = serde_json::from_str("{}").unwrap();
        assert_eq!(all.name, None);
        let one: AlertsSeen = serde_json::from_str(r#"{"name":"Bassin"}"#).unwrap();
        assert_eq!(one.name.as_deref(), Some("Bassin"));
        assert!(serde_json::from_str::<NewSavedSearch>(r#"{"name":"x"}"#).is_err());
        let new: NewSavedSearch =
            serde_json::from_str(r#"{"query":{"text":"badezone","body":"TU"}}"#).unwrap();
        assert_eq!(new.query.text, "badezone");
        assert_eq!(new.query.body.as_deref(), Some("TU"));
    }
}

#[cfg(test)]
mod ts_export {
    //! The TypeScript types of these request bodies for the UI
    //! (`ui/src/api/alerts/*.ts`), generated with ts-rs. The test fails when
    //! the committed files are stale; `MOEDEMAPPE_WRITE_TS=1 cargo test -p
    //! moedemappe-http --lib alerts_ts` writes them anew.

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
    fn alerts_ts() {
        let fresh = tempfile::tempdir().unwrap();
        AlertsSeen::export_all_to(fresh.path()).unwrap();
        NewSavedSearch::export_all_to(fresh.path()).unwrap();
        // Only this crate's own types: core's (SavedQuery) are written by
        // core's export_ts, in ui/src/api/.
        let generated = ts_files(&fresh.path().join("alerts"));
        assert!(generated.contains_key("NewSavedSearch.ts"));
        let committed_dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/alerts");
        if std::env::var_os("MOEDEMAPPE_WRITE_TS").is_some() {
            std::fs::create_dir_all(&committed_dir).unwrap();
            for (name, text) in &generated {
                std::fs::write(committed_dir.join(name), text).unwrap();
            }
        }
        let committed = ts_files(&committed_dir);
        assert!(
            committed == generated,
            "ui/src/api/alerts/ is stale: run MOEDEMAPPE_WRITE_TS=1 cargo test -p moedemappe-http --lib alerts_ts"
        );
    }
}
