//! The custom URI scheme `mappe`, through which the window gets everything:
//! the UI's files from the assets embedded at build time (ui/dist), and every
//! `/api/…` path from the very router `moedemappe serve` uses, called
//! in-process. PDFs (`/api/attachments/{id}/file`) arrive as ordinary HTTP
//! responses to the page's `fetch`, not as IPC payloads. Every API request
//! that comes through here is the member acting (the scheme is reachable only
//! from the app's own webview); the pages carry no token.

use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use moedemappe_core::api::{IngestSettings, Mappe, SyncJobs};
use tauri::http::{header, HeaderValue, Request, Response, StatusCode};
use tauri::{AppHandle, Runtime, UriSchemeResponder, Url};
use tower::ServiceExt;

/// The scheme's name.
pub const SCHEME: &str = "mappe";

/// The origin of the window's pages: `mappe://localhost` on Linux and macOS;
/// on Windows (WebView2) Tauri maps the scheme to `http://mappe.localhost`.
#[cfg(not(any(windows, target_os = "android")))]
pub const ORIGIN: &str = "mappe://localhost";
/// The origin of the window's pages: `mappe://localhost` on Linux and macOS;
/// on Windows (WebView2) Tauri maps the scheme to `http://mappe.localhost`.
#[cfg(any(windows, target_os = "android"))]
pub const ORIGIN: &str = "http://mappe.localhost";

/// The address the window opens: the UI's front page.
pub fn start_url() -> Url {
    Url::parse(&format!("{ORIGIN}/")).expect("a valid fixed URL")
}

/// Answers the scheme's requests.
#[derive(Clone)]
pub struct Handler {
    api: Router,
}

impl Handler {
    /// A handler over the data directory; `/api/sync` runs on `jobs`.
    pub fn new(mappe: Arc<Mappe>, jobs: SyncJobs, settings: IngestSettings) -> Self {
        Handler {
            api: moedemappe_http::serve::embedded(mappe, jobs, settings, ORIGIN),
        }
    }

    /// Answers one request off the webview's thread.
    pub fn answer<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        request: Request<Vec<u8>>,
        responder: UriSchemeResponder,
    ) {
        let path = request.uri().path().to_string();
        if path == "/api" || path.starts_with("/api/") {
            let api = self.api.clone();
            tauri::async_runtime::spawn(async move {
                responder.respond(call_api(api, request).await);
            });
        } else {
            responder.respond(self.asset(app, &path));
        }
    }

    /// A UI file from the embedded assets, as built (`index.html` also for
    /// the UI's own paths).
    fn asset<R: Runtime>(&self, app: &AppHandle<R>, path: &str) -> Response<Vec<u8>> {
        let Some(asset) = app.asset_resolver().get(path.to_string()) else {
            return plain(StatusCode::NOT_FOUND, "ukendt adresse");
        };
        let is_html = asset.mime_type.starts_with("text/html");
        let bytes = asset.bytes;
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, asset.mime_type)
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::REFERRER_POLICY, "no-referrer");
        if is_html {
            response = response.header(header::CACHE_CONTROL, "no-store");
        }
        if let Some(csp) = asset.csp_header {
            response = response.header(header::CONTENT_SECURITY_POLICY, csp);
        }
        response
            .body(bytes)
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"))
    }
}

/// Hands one request to the API router and collects its answer.
async fn call_api(api: Router, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let response = match api.oneshot(request.map(Body::from)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => Response::from_parts(parts, bytes.to_vec()),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

/// A short plain-text answer.
fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(message.as_bytes().to_vec());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
