//! The HTTP side of the Statistik, Kilder and Del screens: the statistics as
//! CSV, sources and background sync, failed files, and sharing bundles.
//!
//! Reading is open to both scopes, with closed material left out (failed
//! files' names, which may be closed material, are only counted for the open
//! scope). Changing anything (sources, starting a sync, bundles) takes the
//! closed scope: the UI's own token. The open token is the one scripts and
//! assistants use; they must not make the program read new folders or fetch
//! from the network.

use super::doc::{Binary, Refused, Unreadable};
use super::{core_error, error, member_only, with_mappe, App};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use moedemappe_core::api::wire::{
    AuthorName, ErrorBody, NewSource, ShareParams, StatsParams, SyncStarted, VaultPasscode,
};
use moedemappe_core::api::{
    BodyChoice, BundlePreview, FromKeychain, ImportBundleReport, Mappe, NoteAuthor, Scope,
    ShareCandidate, Source, SourceScope, SourcesStatus, Stats, SyncState, VaultView,
    MAX_BUNDLE_BYTES,
};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

/// Why a caller without the closed scope is refused here.
const MEMBER_ONLY: &str = "kun medlemmet selv må ændre kilder, hente og dele: åbn Mødemappe via linket, som serve skriver";

/// The workload table as CSV, the same rows as `/api/stats`.
#[utoipa::path(get, path = "/api/stats/csv", tag = "Statistik",
    summary = "Udvalgenes arbejdsbyrde som CSV (samme rækker som /api/stats)", description = "",
    params(StatsParams),
    responses((status = 200, description = "CSV med én linje pr. udvalg og periode", content_type = "text/csv", body = String),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn stats_csv(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<StatsParams>,
) -> Response {
    let file = |s: &Stats| s.to_csv().map(String::into_bytes);
    stats_file(app, scope, p, file, "text/csv; charset=utf-8", "csv").await
}

/// The workload as an Excel workbook (`.xlsx`), the same rows as `/api/stats`.
#[utoipa::path(get, path = "/api/stats/xlsx", tag = "Statistik",
    summary = "Udvalgenes arbejdsbyrde som Excel-projektmappe (.xlsx): danske overskrifter, tal som tal, ét ark pr. visning", description = "",
    params(StatsParams),
    responses((status = 200, description = "Projektmappe med arkene »Pr. periode« og »Pr. udvalg«", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn stats_xlsx(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<StatsParams>,
) -> Response {
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    stats_file(app, scope, p, Stats::to_xlsx, kind, "xlsx").await
}

/// The statistics of `p` as a download: `file` writes them, `kind` is the
/// content type, `ext` the file name's ending.
async fn stats_file(
    app: App,
    scope: Scope,
    p: StatsParams,
    file: fn(&Stats) -> moedemappe_core::Result<Vec<u8>>,
    kind: &'static str,
    ext: &'static str,
) -> Response {
    let mappe = app.mappe();
    let done = tokio::task::spawn_blocking(move || {
        let s = mappe.session(scope);
        file(&s.stats(&p.stats_query(&s)?)?)
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

#[utoipa::path(get, path = "/api/sources", tag = "Kilder",
    summary = "Kilderne (portaler og mapper) og hvordan deres seneste hentning gik", description = "",
    responses((status = 200, description = "Kilderne", body = [Source]), Refused))]
pub(super) async fn sources(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).sources()).await
}

/// The bodies a portal lists in the source's scope, asked of the portal now
/// and stored, so the member can follow some before the first sync.
#[utoipa::path(post, path = "/api/sources/{name}/bodies", tag = "Kilder",
    summary = "Spørg portalen om dens udvalg med møder i kildens omfang (kun udvalgslisten, ingen dagsordener), og gem dem, så medlemmet kan vælge, hvem der følges, før første hentning (kun medlemmet)", description = "",
    params(("name" = String, Path, description = "Kildens navn")),
    responses((status = 200, description = "Alle udvalg at vælge imellem (som /api/bodies)", body = [BodyChoice]),
        (status = 404, description = "Ingen kilde hedder sådan", body = ErrorBody),
        (status = 503, description = "Portalen kunne ikke nås eller læses", body = ErrorBody), Unreadable, Refused))]
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
#[utoipa::path(post, path = "/api/demo", tag = "Kilder",
    summary = "Prøv med demodata: skriv demodata, tilføj dem som mappekilden «Demodata», og start hentningen i baggrunden (kun medlemmet)", description = "",
    responses((status = 202, description = "Startet, eller sat i kø, med tilstanden", body = SyncStarted),
        (status = 400, description = "Kilden findes allerede, eller demodata kan ikke skrives her", body = ErrorBody), Refused))]
pub(super) async fn start_demo(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let sync = app.sync();
    let resp = with_mappe(&app, move |m| m.member(scope)?.add_demo_source(0.05)).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let started = sync.start();
    let state = sync.state();
    (StatusCode::ACCEPTED, Json(SyncStarted { started, state })).into_response()
}

/// Sets what a portal source fetches (bodies, followed, first day).
#[utoipa::path(put, path = "/api/sources/{name}", tag = "Kilder",
    summary = "Ret, hvad en portal henter: udvalg og første mødedag; intet slettes, når omfanget bliver mindre (kun medlemmet)", description = "",
    params(("name" = String, Path, description = "Kildens navn")),
    request_body = SourceScope,
    responses((status = 200, description = "Kilden med det nye omfang", body = Source),
        (status = 404, description = "Ingen kilde hedder sådan", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn set_source_scope(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(name): Path<String>,
    Json(wanted): Json<SourceScope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?.set_source_scope(&name, &wanted)
    })
    .await
}

#[utoipa::path(get, path = "/api/sources/{name}", tag = "Kilder",
    summary = "Én kilde", description = "",
    params(("name" = String, Path, description = "Kildens navn")),
    responses((status = 200, description = "Kilden", body = Source),
        (status = 404, description = "Ingen kilde hedder sådan", body = ErrorBody), Refused))]
pub(super) async fn source(
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

#[utoipa::path(post, path = "/api/sources", tag = "Kilder",
    summary = "Tilføj en kilde: en portals adresse eller kommunens navn, eller en mappes sti (kun medlemmet)", description = "",
    request_body = NewSource,
    responses((status = 201, description = "Den nye kilde", body = Source),
        (status = 404, description = "Ingen kommune eller mappe med det navn", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody),
        (status = 503, description = "Portalen kunne ikke nås eller læses", body = ErrorBody), Unreadable, Refused))]
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

#[utoipa::path(delete, path = "/api/sources/{name}", tag = "Kilder",
    summary = "Fjern en kilde; det hentede materiale bevares (kun medlemmet)", description = "",
    params(("name" = String, Path, description = "Kildens navn")),
    responses((status = 200, description = "Den fjernede kilde", body = Source),
        (status = 404, description = "Ingen kilde hedder sådan", body = ErrorBody), Refused))]
pub(super) async fn remove_source(
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
#[utoipa::path(get, path = "/api/sync", tag = "Kilder",
    summary = "Hentningens tilstand (kun medlemmet): kører den, trin, filer færdige/i alt, sider, fejl, seneste resultat", description = "",
    responses((status = 200, description = "Tilstanden", body = SyncState), Refused))]
pub(super) async fn sync_state(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    Json(app.sync().state()).into_response()
}

#[utoipa::path(post, path = "/api/sync", tag = "Kilder",
    summary = "Start en hentning af alle kilder i baggrunden (kun medlemmet); kører der allerede en, følger en ny efter", description = "",
    responses((status = 202, description = "Startet, eller sat i kø, med tilstanden", body = SyncStarted), Refused))]
pub(super) async fn start_sync(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let started = app.sync().start();
    let state = app.sync().state();
    (StatusCode::ACCEPTED, Json(SyncStarted { started, state })).into_response()
}

#[utoipa::path(get, path = "/api/status", tag = "Kilder",
    summary = "Hvad der er gemt, og filer der ikke kunne læses (navnene kun med adgang til lukket materiale)", description = "",
    responses((status = 200, description = "Status", body = SourcesStatus), Refused))]
pub(super) async fn status(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    with_mappe(&app, move |m| m.session(scope).sources_status()).await
}

#[utoipa::path(get, path = "/api/vault", tag = "Kilder",
    summary = "Boksen med lukket materiale: findes den, og er den låst?",
    description = "Er boksen låst, svarer hele API'et som for åbent materiale (lukket materiale, noter og ændringer venter på adgangskoden), og hvert svar har headeren `X-Moedemappe-Boks: laast`.",
    responses((status = 200, description = "Boksens tilstand", body = VaultView), Refused))]
pub(super) async fn vault(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    let mut view = app.mappe().vault();
    if !scope.is_member() {
        // Whether this computer remembers the key is the member's own affair.
        view.remembered = None;
    }
    Json(view).into_response()
}

#[utoipa::path(post, path = "/api/vault/unlock", tag = "Kilder",
    summary = "Lås boksen op med adgangskoden (kun medlemmet)",
    description = "Boksen er derefter låst op for medlemmets programmer, til den låses, medlemmet logger ud, eller computeren slukkes. En forkert adgangskode ændrer intet (kode `wrong_passcode`); efter tre forkerte i træk venter hvert forsøg længere. Med `remember` husker denne computer nøglen i sin nøglering; en tom adgangskode låser op med den nøgle (kode `not_remembered`, hvis computeren ikke husker en, der passer; en, der ikke passer, glemmes).",
    request_body = VaultPasscode,
    responses((status = 200, description = "Boksen er låst op", body = VaultView),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody),
        (status = 503, description = "Nøgleringen kan ikke bruges (kode `keychain`); med `remember` er boksen alligevel låst op med adgangskoden", body = ErrorBody),
        Unreadable, Refused))]
pub(super) async fn unlock_vault(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(body): Json<VaultPasscode>,
) -> Response {
    if let Some(refused) = member_only(scope, VAULT_MEMBER_ONLY) {
        return refused;
    }
    let mappe = app.mappe();
    let dir = mappe.data_dir().to_path_buf();
    let body_remember = body.remember && !body.passcode.is_empty();
    let unlocked = tokio::task::spawn_blocking(move || {
        if body.passcode.is_empty() {
            match Mappe::unlock_remembered(&dir)? {
                FromKeychain::Unlocked => Ok(()),
                FromKeychain::NotRemembered | FromKeychain::Removed => {
                    Err(moedemappe_core::Error::NotRemembered)
                }
            }
        } else if body.remember {
            Mappe::unlock_and_remember(&dir, &body.passcode)
        } else {
            Mappe::unlock(&dir, &body.passcode)
        }
    })
    .await;
    match unlocked {
        Ok(Ok(())) => {
            app.data.reopen(&mappe);
            Json(app.mappe().vault()).into_response()
        }
        Ok(Err(e)) => {
            if body_remember && matches!(e, moedemappe_core::Error::Keychain(_)) {
                // Unlocked, but the keychain could not remember the key.
                app.data.reopen(&mappe);
            }
            core_error(&e)
        }
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

#[utoipa::path(post, path = "/api/vault/lock", tag = "Kilder",
    summary = "Lås boksen (kun medlemmet)",
    description = "Lukkede filer forsegles, den åbne kopi skrives, og nøglen glemmes: derefter svarer alt som for åbent materiale.",
    responses((status = 200, description = "Boksen er låst", body = VaultView), Unreadable, Refused))]
pub(super) async fn lock_vault(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, VAULT_MEMBER_ONLY) {
        return refused;
    }
    let mappe = app.mappe();
    let dir = mappe.data_dir().to_path_buf();
    match tokio::task::spawn_blocking(move || Mappe::lock(&dir)).await {
        Ok(Ok(_)) => {
            app.data.reopen(&mappe);
            Json(app.mappe().vault()).into_response()
        }
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

const VAULT_MEMBER_ONLY: &str = "kun medlemmet selv kan låse boksen op og i";

#[utoipa::path(get, path = "/api/share/candidates", tag = "Deling",
    summary = "Sager og møder med egne delte noter (kun medlemmet)", description = "",
    responses((status = 200, description = "Sagerne", body = [ShareCandidate]), Refused))]
pub(super) async fn share_candidates(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.session(scope).share_candidates()).await
}

#[utoipa::path(get, path = "/api/share/preview", tag = "Deling",
    summary = "Hvad en delingspakke vil indeholde (kun medlemmet; lukket materiale kommer aldrig med)", description = "",
    params(ShareParams),
    responses((status = 200, description = "Forhåndsvisningen", body = BundlePreview),
        (status = 404, description = "Ukendt sag eller møde", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn share_preview(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<ShareParams>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let which = p.scope(&m.session(Scope::Member))?;
        m.session(scope).bundle_preview(&which)
    })
    .await
}

#[utoipa::path(get, path = "/api/share/bundle", tag = "Deling",
    summary = "Delingspakken som zip-fil (kun medlemmet; lukket materiale udelades)", description = "",
    params(ShareParams),
    responses((status = 200, description = "Zip-filen", content_type = "application/zip", body = Binary),
        (status = 404, description = "Ukendt sag eller møde", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn share_bundle(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<ShareParams>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    let mappe = app.mappe();
    let done = tokio::task::spawn_blocking(move || {
        let m = &*mappe;
        let which = p.scope(&m.session(Scope::Member))?;
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
pub(super) fn import_routes() -> UtoipaMethodRouter<App> {
    let (schemas, paths, method) = routes!(share_import);
    (
        schemas,
        paths,
        method.layer(DefaultBodyLimit::max(MAX_BUNDLE_BYTES)),
    )
}

#[utoipa::path(post, path = "/api/share/import", tag = "Deling",
    summary = "Indlæs en delingspakke; kroppen er zip-filen (kun medlemmet)", description = "",
    request_body(content = Binary, content_type = "application/zip"),
    responses((status = 200, description = "Hvad der blev tilføjet, opdateret og sprunget over", body = ImportBundleReport),
        (status = 413, description = "Filen er for stor", body = ErrorBody), Unreadable, Refused))]
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

#[utoipa::path(get, path = "/api/share/author", tag = "Deling",
    summary = "Navnet, som modtagere af delte noter ser (kun medlemmet)", description = "",
    responses((status = 200, description = "Forfatteren", body = NoteAuthor), Refused))]
pub(super) async fn author(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| m.member(scope)?.author()).await
}

#[utoipa::path(put, path = "/api/share/author", tag = "Deling",
    summary = "Sæt navnet, som modtagere af delte noter ser (kun medlemmet)", description = "",
    request_body = AuthorName,
    responses((status = 200, description = "Forfatteren", body = NoteAuthor),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
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
