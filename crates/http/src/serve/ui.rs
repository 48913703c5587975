//! The web UI's files: embedded in the binary at build time (`ui/dist`, which
//! the build script builds when it is missing or stale), or, for UI work, a
//! folder named by `MOEDEMAPPE_UI_DIR`.

use super::{error, strict, App};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

/// The built UI, as the build script left it in `ui/dist`.
#[derive(rust_embed::Embed)]
#[folder = "../../ui/dist"]
struct Dist;

/// Where `serve` takes the UI's files from.
#[derive(Clone, Debug)]
pub(super) enum UiFiles {
    /// The UI built into this binary.
    Embedded,
    /// A folder with a built UI (`MOEDEMAPPE_UI_DIR`).
    Folder(PathBuf),
    /// `MOEDEMAPPE_UI_DIR` names a folder without a built UI.
    Missing,
    /// Not served at all: the desktop shell has the UI in its own assets.
    NotServed,
}

impl UiFiles {
    /// `MOEDEMAPPE_UI_DIR` when set, else the embedded UI.
    pub(super) fn chosen() -> UiFiles {
        match std::env::var_os("MOEDEMAPPE_UI_DIR") {
            Some(dir) if Path::new(&dir).join("index.html").is_file() => {
                UiFiles::Folder(PathBuf::from(dir))
            }
            Some(_) => UiFiles::Missing,
            None => UiFiles::Embedded,
        }
    }

    /// The bytes of `relative` (a path checked to stay inside the UI).
    async fn read(&self, relative: &Path) -> Option<Cow<'static, [u8]>> {
        match self {
            UiFiles::Embedded => Dist::get(&relative.to_string_lossy()).map(|f| f.data),
            UiFiles::Folder(dir) => tokio::fs::read(dir.join(relative))
                .await
                .ok()
                .map(Cow::Owned),
            UiFiles::Missing | UiFiles::NotServed => None,
        }
    }
}

/// The page shown when `MOEDEMAPPE_UI_DIR` names a folder without a built UI.
const NOT_BUILT: &str = "<!doctype html><html lang=\"da\"><meta charset=\"utf-8\">\
<title>Mødemappe</title><body style=\"font-family:system-ui,sans-serif;max-width:40em;margin:3em auto\">\
<h1>Brugerfladen er ikke bygget</h1>\
<p>Mødemappes API kører, men mappen i <code>MOEDEMAPPE_UI_DIR</code> har ingen bygget brugerflade. \
Byg den i projektets mappe med</p>\
<pre>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</pre>\
<p>eller start <code>moedemappe serve</code> uden <code>MOEDEMAPPE_UI_DIR</code>, så bruges den indbyggede brugerflade.</p>\
</body></html>";

/// Serves the UI: its files, and `index.html` for `/` and for paths
/// without a file extension (the UI's own routes).
pub(super) async fn static_file(State(app): State<App>, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return error(StatusCode::NOT_FOUND, "ukendt adresse");
    }
    if matches!(app.ui, UiFiles::Missing | UiFiles::NotServed) {
        let resp = (StatusCode::OK, NOT_BUILT).into_response();
        return strict(resp, "text/html; charset=utf-8");
    }
    let relative = Path::new(path.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return error(StatusCode::NOT_FOUND, "ukendt adresse");
    }
    let index = Path::new("index.html");
    let file = if relative.as_os_str().is_empty() || relative == index {
        None
    } else {
        app.ui.read(relative).await
    };
    match file {
        Some(bytes) => strict(bytes.into_owned().into_response(), content_type(relative)),
        None if relative.extension().is_some() && relative != index => {
            error(StatusCode::NOT_FOUND, "ukendt adresse")
        }
        None => match app.ui.read(index).await {
            Some(html) => {
                let mut resp = html.into_owned().into_response();
                resp.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                strict(resp, "text/html; charset=utf-8")
            }
            None => error(StatusCode::NOT_FOUND, "brugerfladen mangler index.html"),
        },
    }
}

/// The content type of a UI file, by its extension.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}
