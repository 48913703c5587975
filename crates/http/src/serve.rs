//! `moedemappe serve`: the local HTTP API on 127.0.0.1. Every call needs the
//! member's session cookie (got once through the one-time login link `serve`
//! prints) or a bearer token from the data directory, whose scope decides
//! whether closed material is visible; only the member's session writes.
//! Requests from a foreign `Origin` (a web page in the member's browser) or
//! for a foreign `Host` (DNS rebinding) are refused.
//!
//! Every other path serves the built web UI (`ui/dist`) without a session but
//! with the same Host and Origin checks; no file it serves holds a secret.
//! Every error is JSON `{"code", "message"}` with a Danish message.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json, Router};
use moedemappe_core::api::wire::{
    ErrorBody, FileUnavailable, LoginParams, MeetingsParams, PageText, RetrieveParams,
    SearchParams, SimilarParams, StatsParams,
};
use moedemappe_core::api::Scope;
use moedemappe_core::api::{
    AttachmentUse, CaseHistory, ItemView, Mappe, MeetingSummary, MeetingView, Passage,
    SearchResults, Stats,
};
use moedemappe_core::model::{AttachmentId, ItemId, MeetingId};
use moedemappe_core::Error;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

mod alerts;
mod attach;
mod current;
mod doc;
use doc::{Refused, Unreadable};
mod nearby;
mod notes;
mod ocr;
mod panels;
mod session;
mod ui;
use panels as p;
pub use session::login_link;
use session::Sessions;

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7411;

mod agenda;

/// The Content-Security-Policy of the UI: nothing from other hosts (fonts,
/// scripts and the PDF worker are bundled), no plugins, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; \
    style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

#[derive(Clone)]
struct App {
    /// The data directory, opened again when the vault changes.
    data: Arc<current::Current>,
    port: u16,
    /// Where the web UI's files come from.
    ui: ui::UiFiles,
    /// The member's login codes and sessions.
    sessions: Sessions,
    /// Called in-process by the desktop shell: every request is the member.
    in_process: bool,
    /// How text is read (sync, bundle imports).
    sync_settings: moedemappe_core::api::IngestSettings,
    /// The offer on the local network and the take from a colleague.
    nearby: nearby::Nearby,
}

impl App {
    /// The data directory (opened again first if the vault changed).
    fn mappe(&self) -> Arc<Mappe> {
        self.data.get().mappe
    }

    /// Its background sync.
    fn sync(&self) -> moedemappe_core::api::SyncJobs {
        self.data.get().sync
    }
}

/// Runs the server until the process is stopped; `on_link` gets the
/// one-time login link once the server listens (e.g. to open a browser).
pub fn run(mappe: Mappe, port: u16, on_link: impl FnOnce(&str) + Send) -> Result<()> {
    let mappe = Arc::new(mappe);
    // Make the local token now, so scripts can read it.
    let token_file = mappe.data_dir().join("api-token");
    // With a locked vault the secret waits inside it.
    match mappe.local_token() {
        Err(moedemappe_core::Error::Locked) => {}
        other => drop(other?),
    }
    retire_ui_token(&mappe)?;
    let (sync, sync_settings) = moedemappe_core::api::background_sync(mappe.clone())?;
    // The vault is locked when the computer goes to sleep, while we run.
    let _sleep = moedemappe_core::api::lock_on_sleep(mappe.data_dir(), |line| {
        let _ = writeln!(std::io::stderr(), "{line}");
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("kunne ikke starte serveren")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .with_context(|| format!("port {port} er optaget; vælg en anden med --port"))?;
        let port = listener.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}/");
        let sessions = Sessions::new(port, Some(mappe.data_dir()));
        let link = format!("{base}login?kode={}", sessions.new_code()?);
        session::write_address(mappe.data_dir(), &base)?;
        let app = App {
            data: Arc::new(current::Current::new(mappe, sync)),
            port,
            ui: ui::UiFiles::chosen(),
            sessions,
            in_process: false,
            sync_settings,
            nearby: nearby::Nearby::default(),
        };
        // Whoever started us may stop reading stdout; that must not stop us.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "Mødemappe kører på {base} (Ctrl-C stopper)");
        let _ = writeln!(out, "Åbn Mødemappe: {link}");
        let _ = writeln!(
            out,
            "Linket virker én gang og i 10 minutter; et nyt får du med «moedemappe login-link»."
        );
        if token_file.is_file() {
            let _ = writeln!(
                out,
                "Nøglen til scripts (kun åbent materiale) står i {}",
                token_file.display()
            );
        } else {
            let _ = writeln!(
                out,
                "Nøglen til scripts (kun åbent materiale) ligger i boksen: `moedemappe token local`"
            );
        }
        let _ = out.flush();
        on_link(&link);
        axum::serve(listener, router(app)).await?;
        Ok(())
    })
}

/// The routes behind the guard (a session or a token), with their OpenAPI
/// operations.
fn api_routes() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(openapi))
        .routes(routes!(search))
        .routes(routes!(retrieve))
        .routes(routes!(case))
        .routes(routes!(similar))
        .routes(routes!(page_text))
        .routes(routes!(attachment_file))
        .routes(routes!(attachment_uses))
        .routes(routes!(meetings))
        .routes(routes!(meeting))
        .routes(routes!(item))
        .routes(attach::add_routes())
        .routes(routes!(attach::remove))
        .routes(routes!(stats))
        .routes(routes!(p::stats_csv))
        .routes(routes!(p::stats_xlsx))
        .routes(routes!(agenda::agenda))
        .routes(routes!(agenda::recent))
        .routes(routes!(agenda::archive))
        .routes(routes!(agenda::calendar))
        .routes(routes!(agenda::bodies))
        .routes(routes!(agenda::following, agenda::follow, agenda::unfollow))
        .routes(routes!(agenda::pace, agenda::set_pace))
        .merge(notes::routes())
        .merge(alerts::routes())
        .routes(routes!(p::sources, p::add_source))
        .routes(routes!(p::source, p::set_source_scope, p::remove_source))
        .routes(routes!(p::list_portal_bodies))
        .routes(routes!(p::start_demo))
        .routes(routes!(p::sync_state, p::start_sync))
        .routes(routes!(ocr::ocr_state))
        .routes(routes!(ocr::pause))
        .routes(routes!(ocr::resume))
        .routes(routes!(ocr::words))
        .routes(routes!(p::status))
        .routes(routes!(p::vault))
        .routes(routes!(p::unlock_vault))
        .routes(routes!(p::lock_vault))
        .routes(routes!(p::share_candidates))
        .routes(routes!(p::share_preview))
        .routes(routes!(p::share_bundle))
        .routes(p::import_routes())
        .merge(nearby::routes())
        .routes(routes!(p::author, p::set_author))
}

/// The routes outside the guard: the login link and the calendar feed.
fn public_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(agenda::calendar_feed))
}

/// The OpenAPI document of the API, made from the routes the router has.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = api_routes().into_openapi();
    doc.merge(public_routes().into_openapi());
    // The handlers' doc comments are for developers: an operation says what
    // its `summary` and `description` attributes say, and no empty text.
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if op.description.as_deref() == Some("") {
                op.description = None;
            }
        }
    }
    doc
}

fn router(app: App) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let (public, _) = public_routes().split_for_parts();
    api.route_layer(middleware::from_fn_with_state(app.clone(), guard))
        .merge(public)
        .fallback(ui::static_file)
        .layer(middleware::from_fn_with_state(app.clone(), local_only))
        .layer(middleware::map_response(json_errors))
        .layer(middleware::map_response_with_state(
            app.clone(),
            vault_header,
        ))
        .with_state(app)
}

/// The header that says, on every answer, that the vault is locked (so every
/// answer is the open scope's).
pub const VAULT_HEADER: &str = "x-moedemappe-boks";

async fn vault_header(State(app): State<App>, mut resp: Response) -> Response {
    if app.mappe().is_locked() {
        resp.headers_mut()
            .insert(VAULT_HEADER, HeaderValue::from_static("laast"));
    }
    resp
}

/// The code of an error answer with `status`.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        s if s.is_server_error() => "internal",
        _ => "invalid",
    }
}

/// The error body every refusal and failure has: `{"code", "message"}`.
fn error(status: StatusCode, message: &str) -> Response {
    let body = ErrorBody {
        code: code_of(status).into(),
        message: message.into(),
    };
    (status, Json(body)).into_response()
}

fn core_error(e: &Error) -> Response {
    let status = match e {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid(_) => StatusCode::BAD_REQUEST,
        // A locked vault refuses what only the member may read or change,
        // as any other refusal (the code says which).
        Error::Forbidden(_) | Error::Locked | Error::WrongPasscode | Error::NotRemembered => {
            StatusCode::FORBIDDEN
        }
        Error::Network(_) | Error::Keychain(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = ErrorBody {
        code: e.code().into(),
        message: e.to_string(),
    };
    (status, Json(body)).into_response()
}

/// Gives the errors axum answers itself (a path or query string that does
/// not parse, a body that is not the JSON asked for, a wrong method) the
/// API's JSON form with a Danish message, instead of the framework's text.
async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    // axum's own answers are plain text or empty; ours are JSON or a page.
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return resp;
    }
    let message = match status {
        StatusCode::BAD_REQUEST => {
            "Forespørgslen kan ikke læses: et id, et tal, en dato eller JSON-indholdet har en forkert form."
        }
        StatusCode::NOT_FOUND => "Adressen findes ikke.",
        StatusCode::METHOD_NOT_ALLOWED => "Adressen tager ikke imod den metode.",
        StatusCode::PAYLOAD_TOO_LARGE => "Indholdet er for stort.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Indholdet skal være JSON (Content-Type: application/json)."
        }
        StatusCode::UNPROCESSABLE_ENTITY => "Indholdet mangler felter eller har forkerte værdier.",
        s if s.is_server_error() => "Der skete en intern fejl.",
        _ => "Forespørgslen kan ikke besvares.",
    };
    // A body of the wrong type or shape is a bad request like any other, so
    // every operation with a body answers the 400 its OpenAPI entry declares.
    let status = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => {
            StatusCode::BAD_REQUEST
        }
        other => other,
    };
    let mut answer = error(status, message);
    if let Some(allow) = resp.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// Refuses foreign hosts and origins, for every path.
async fn local_only(State(app): State<App>, req: Request, next: Next) -> Response {
    let local = [
        format!("127.0.0.1:{}", app.port),
        format!("localhost:{}", app.port),
    ];
    let headers = req.headers();
    let host_ok = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| local.iter().any(|l| l == h));
    if !host_ok {
        return error(StatusCode::FORBIDDEN, "forkert værtsnavn");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ok = origin
            .to_str()
            .ok()
            .is_some_and(|o| local.iter().any(|l| o == format!("http://{l}")));
        if !ok {
            return error(
                StatusCode::FORBIDDEN,
                "forespørgsler fra andre sider afvises",
            );
        }
    }
    next.run(req).await
}

/// What a caller without a session or token is told.
const NO_SESSION: &str = "Du er ikke logget ind. Åbn Mødemappe gennem det link, \
    «moedemappe serve» skrev i terminalen (eller start den med «moedemappe serve --open»).";

/// Hands the caller's scope to the handler (after [`local_only`]): a bearer
/// token its token's scope (never the member's, even beside a session
/// cookie), else the member's session cookie (or the desktop shell)
/// [`Scope::Member`], nothing a 401.
async fn guard(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let secret = bearer(req.headers());
    let member = app.in_process || (secret.is_none() && app.sessions.is_member(req.headers()));
    if !member && secret.is_none() {
        return error(StatusCode::UNAUTHORIZED, NO_SESSION);
    }
    if member && !app.in_process && cross_site(req.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            "forespørgsler fra andre sider afvises",
        );
    }
    let mappe = app.mappe();
    // The token file is read on each request (a revoked token stops at
    // once); no lock is shared with other requests.
    let scope = tokio::task::spawn_blocking(move || match secret {
        _ if member => Ok(Some(Scope::Member)),
        Some(secret) => mappe.check_token(&secret),
        None => Ok(None),
    })
    .await;
    match scope {
        Ok(Ok(Some(scope))) => {
            req.extensions_mut().insert(scope);
            next.run(req).await
        }
        Ok(Ok(None)) => error(StatusCode::UNAUTHORIZED, "ukendt adgangsnøgle"),
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// Whether the browser says the request comes from another site (another
/// port on 127.0.0.1 is the same site, so SameSite alone does not cover it).
fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|v| !matches!(v.as_bytes(), b"same-origin" | b"none"))
}

/// Revokes the closed-scope token older versions made for the UI (labelled
/// "brugerflade") and removes `<data>/ui-token`, so a copy of it that leaked
/// through the page stops working.
pub fn retire_ui_token(mappe: &Mappe) -> Result<()> {
    Ok(mappe.retire_ui_token()?)
}

/// `GET /login?kode=…`: exchanges a one-time login code for the member's
/// session cookie and sends the browser on to the UI, so the code does not
/// stay in the address bar or its history.
#[utoipa::path(get, path = "/login", tag = "Adgang", security(()),
    summary = "Bytter en engangskode fra login-linket til medlemmets session-cookie og sender videre til brugerfladen",
    description = "",
    params(LoginParams),
    responses(
        (status = 303, description = "Logget ind: `Set-Cookie` med sessionen (HttpOnly, SameSite=Strict), videre til `/`"),
        (status = 401, description = "Koden er brugt, forkert eller for gammel: en side, der siger, hvordan man får en ny", content_type = "text/html", body = String),
        (status = 403, description = "Fremmed Origin eller Host", body = ErrorBody),
    ))]
async fn login(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<LoginParams>,
) -> Response {
    let session = app.sessions.redeem(q.kode.trim());
    let mut resp = match session {
        Some(session) => {
            let mut resp = Redirect::to("/").into_response();
            if let Ok(cookie) = HeaderValue::from_str(&app.sessions.set_cookie(&session)) {
                resp.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            resp
        }
        // Already logged in (the link opened twice): just go on.
        None if app.sessions.is_member(&headers) => Redirect::to("/").into_response(),
        None => {
            let resp = (StatusCode::UNAUTHORIZED, LOGIN_FAILED).into_response();
            strict(resp, "text/html; charset=utf-8")
        }
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// The page of a login link that was used, mistyped or too old.
const LOGIN_FAILED: &str = "<!doctype html><html lang=\"da\"><meta charset=\"utf-8\">\
<title>Mødemappe</title><body style=\"font-family:system-ui,sans-serif;max-width:40em;margin:3em auto\">\
<h1>Linket virker ikke længere</h1>\
<p>Et login-link kan bruges én gang og i 10 minutter. Få et nyt med</p>\
<pre>moedemappe login-link</pre>\
<p>eller start Mødemappe igen med <code>moedemappe serve --open</code>.</p>\
</body></html>";

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (kind, secret) = value.split_once(' ')?;
    (kind.eq_ignore_ascii_case("bearer") && !secret.trim().is_empty())
        .then(|| secret.trim().to_string())
}

/// Refuses, with `message` (403), a caller who is not the member: changes
/// and the member's own settings and notes are for the member's session (or
/// the desktop window), never for a token, whatever its scope.
fn member_only(scope: Scope, message: &str) -> Option<Response> {
    (!scope.is_member()).then(|| error(StatusCode::FORBIDDEN, message))
}

/// Runs `f` on the data directory on a blocking thread (reads run side by
/// side; a change waits only for another change's transaction).
async fn with_mappe<T: serde::Serialize + Send + 'static>(
    app: &App,
    f: impl FnOnce(&Mappe) -> moedemappe_core::Result<T> + Send + 'static,
) -> Response {
    let mappe = app.mappe();
    match tokio::task::spawn_blocking(move || f(&mappe)).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// This document, made once.
#[utoipa::path(get, path = "/api/openapi.json", tag = "Adgang",
    summary = "Dette dokument", description = "",
    responses((status = 200, description = "OpenAPI-dokumentet", content_type = "application/json", body = Object), Refused))]
async fn openapi() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let text = DOCUMENT.get_or_init(|| {
        openapi_document()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".into())
    });
    ([(header::CONTENT_TYPE, "application/json")], text.as_str()).into_response()
}

#[utoipa::path(get, path = "/api/search", tag = "Søgning",
    summary = "Søg i dagsordener, bilag og dokumentsamlinger", description = "",
    params(SearchParams),
    responses((status = 200, description = "Resultater med citationer, grupper og facetter", body = SearchResults), Unreadable, Refused))]
async fn search(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(params): Query<SearchParams>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).search(&params.request()?)).await
}

#[utoipa::path(get, path = "/api/retrieve", tag = "Søgning",
    summary = "Tekststykker (150–300 ord) der besvarer et spørgsmål, med kildehenvisning og de ord der matchede", description = "",
    params(RetrieveParams),
    responses((status = 200, description = "Tekststykker, bedste først", body = [Passage]), Unreadable, Refused))]
async fn retrieve(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(params): Query<RetrieveParams>,
) -> Response {
    with_mappe(&app, move |m| {
        let (request, k) = params.request()?;
        m.session(scope).retrieve(&request, k)
    })
    .await
}

#[utoipa::path(get, path = "/api/meetings", tag = "Møder",
    summary = "Møder, nyeste først (lukkede punkter tælles kun med adgang til lukket materiale)", description = "",
    params(MeetingsParams),
    responses((status = 200, description = "Møderne", body = [MeetingSummary]),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
async fn meetings(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<MeetingsParams>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).meetings(p.body.as_deref(), p.from, p.to)
    })
    .await
}

#[utoipa::path(get, path = "/api/meetings/{id}", tag = "Møder",
    summary = "Et møde med dagsordenens punkter og bilag", description = "",
    params(("id" = i64, Path, description = "Mødets id")),
    responses((status = 200, description = "Mødet", body = MeetingView),
        (status = 404, description = "Ukendt, eller lukket uden adgang", body = ErrorBody), Unreadable, Refused))]
async fn meeting(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).meeting(MeetingId(id))).await
}

#[utoipa::path(get, path = "/api/items/{id}", tag = "Møder",
    summary = "Et dagsordenspunkt med sagsfremstilling, bilag og portallink", description = "",
    params(("id" = i64, Path, description = "Punktets id")),
    responses((status = 200, description = "Punktet", body = ItemView),
        (status = 404, description = "Ukendt, eller lukket uden adgang", body = ErrorBody), Unreadable, Refused))]
async fn item(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).item(ItemId(id))).await
}

/// The workload table; aggregate counts as the council's method defines them
/// (closed items count as items for scopes that see them, and nowhere for the
/// open scope; their attachments' pages never count).
#[utoipa::path(get, path = "/api/stats", tag = "Statistik",
    summary = "Udvalgenes arbejdsbyrde pr. år eller måned (møder, timer, punkter, henviste sager, sider)", description = "",
    params(StatsParams),
    responses((status = 200, description = "Tabellens rækker og forklaringen", body = Stats),
        (status = 404, description = "Intet udvalg med det navn", body = ErrorBody), Unreadable, Refused))]
async fn stats(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(p): Query<StatsParams>,
) -> Response {
    with_mappe(&app, move |m| {
        let s = m.session(scope);
        s.stats(&p.stats_query(&s)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/cases/{number}/similar", tag = "Søgning",
    summary = "Materiale der ligner sagen, fra andre sager", description = "",
    params(("number" = String, Path, description = "Sagsnummer, fx EMN-2023-001234"), SimilarParams),
    responses((status = 200, description = "Resultater som ved søgning", body = SearchResults),
        (status = 404, description = "Ukendt sag", body = ErrorBody), Unreadable, Refused))]
async fn similar(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(number): Path<String>,
    Query(params): Query<SimilarParams>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).more_like_case(&number, &params.request()?)
    })
    .await
}

#[utoipa::path(get, path = "/api/cases/{number}", tag = "Møder",
    summary = "En sags forløb: alle behandlinger, ældste først", description = "",
    params(("number" = String, Path, description = "Sagsnummer, fx EMN-2023-001234")),
    responses((status = 200, description = "Sagsforløbet", body = CaseHistory),
        (status = 404, description = "Ukendt sag", body = ErrorBody), Refused))]
async fn case(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(number): Path<String>,
) -> Response {
    with_mappe(&app, move |m| m.session(scope).case_history(&number)).await
}

#[utoipa::path(get, path = "/api/attachments/{id}/pages/{page}", tag = "Søgning",
    summary = "Den gemte tekst på én side af et bilag", description = "",
    params(("id" = i64, Path, description = "Bilagets id"), ("page" = u32, Path, minimum = 1, description = "Siden (1 er den første)")),
    responses((status = 200, description = "Sidens tekst", body = PageText),
        (status = 404, description = "Ukendt bilag eller side", body = ErrorBody), Unreadable, Refused))]
async fn page_text(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path((id, page)): Path<(i64, u32)>,
) -> Response {
    with_mappe(&app, move |m| {
        let text = m.session(scope).page_text(AttachmentId(id), page)?;
        Ok(PageText {
            attachment_id: id,
            page,
            text,
        })
    })
    .await
}

/// Where a bilag belongs: the items that use it, newest first.
#[utoipa::path(get, path = "/api/attachments/{id}/uses", tag = "Møder",
    summary = "Hvor bilaget hører til: de punkter, der bruger det (udvalg, dato, punkt, sag), nyeste først", description = "",
    params(("id" = i64, Path, description = "Bilagets id")),
    responses((status = 200, description = "Punkterne", body = [AttachmentUse]),
        (status = 404, description = "Ukendt bilag", body = ErrorBody), Unreadable, Refused))]
async fn attachment_uses(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).attachment_uses(AttachmentId(id))
    })
    .await
}

#[utoipa::path(get, path = "/api/attachments/{id}/file", tag = "Møder",
    summary = "Bilagets PDF-fil", description = "Den gemte PDF. Et lukket bilag findes ikke uden adgang til lukket materiale.",
    params(("id" = i64, Path, description = "Bilagets id")),
    responses((status = 200, description = "PDF-filen", content_type = "application/pdf", body = doc::Binary),
        (status = 404, description = "Ukendt bilag, eller filen mangler", body = ErrorBody),
        (status = 503, description = "Bilaget er gemt som tekst alene, og portalen kan ikke nås: fejlen og den gemte tekst side for side", body = FileUnavailable),
        Unreadable, Refused))]
async fn attachment_file(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    let mappe = app.mappe();
    let found =
        tokio::task::spawn_blocking(move || mappe.session(scope).attachment_file(AttachmentId(id)))
            .await;
    let bytes = match found {
        Ok(Ok(bytes)) => bytes,
        // Kept as text only and the portal cannot be reached: say so, with
        // the stored text of every page.
        Ok(Err(e @ Error::Network(_))) => {
            let mappe = app.mappe();
            let pages = tokio::task::spawn_blocking(move || {
                let session = mappe.session(scope);
                (1..)
                    .take(5000)
                    .map_while(|page| session.page_text(AttachmentId(id), page).ok())
                    .collect::<Vec<String>>()
            })
            .await
            .unwrap_or_default();
            let body = FileUnavailable {
                code: e.code().into(),
                message: e.to_string(),
                pages,
            };
            return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
        }
        Ok(Err(e)) => return core_error(&e),
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response()
}

/// Headers every UI response carries.
fn strict(mut resp: Response, content_type: &'static str) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// The router of `serve` for the desktop shell, which hands it requests
/// in-process (with `tower::ServiceExt::oneshot`) instead of over TCP.
///
/// Every `/api` route answers as it does for `serve`, and every request is
/// the member ([`Scope::Member`]): the shell's custom URI scheme is reachable
/// only from its own webview, so no session or token is asked for. The
/// shell's pages come from `origin` (e.g. `mappe://localhost`): requests from
/// there are let through the Host and Origin check as local ones; any other
/// origin is still refused. The UI's files are not served here (the shell has
/// them embedded). The closed-scope token older versions made for the UI is
/// revoked (see [`retire_ui_token`]).
///
/// `sync` runs the syncs `/api/sync` starts (the shell's own schedule and
/// folder watching use the same handle, so there is one sync at a time), and
/// `sync_settings` reads the text of imported bundles.
pub fn embedded(
    mappe: Arc<Mappe>,
    sync: moedemappe_core::api::SyncJobs,
    sync_settings: moedemappe_core::api::IngestSettings,
    origin: &str,
) -> Router {
    const LOCAL: &str = "127.0.0.1:0";
    let _ = retire_ui_token(&mappe);
    let app = App {
        data: Arc::new(current::Current::new(mappe, sync)),
        // Port 0 is never the port of a TCP server, so this Host/Origin pair
        // cannot be used to get past `serve`'s own check.
        port: 0,
        ui: ui::UiFiles::NotServed,
        sessions: Sessions::new(0, None),
        in_process: true,
        sync_settings,
        nearby: nearby::Nearby::default(),
    };
    let origin = HeaderValue::from_str(origin).ok();
    router(app).layer(middleware::map_request(move |mut req: Request| {
        let origin = origin.clone();
        async move {
            let h = req.headers_mut();
            h.insert(header::HOST, HeaderValue::from_static(LOCAL));
            if origin.is_some() && h.get(header::ORIGIN) == origin.as_ref() {
                h.insert(
                    header::ORIGIN,
                    HeaderValue::from_static("http://127.0.0.1:0"),
                );
            }
            req
        }
    }))
}

#[cfg(test)]
mod routes_test;
