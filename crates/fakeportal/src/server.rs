//! The HTTP server: axum routes for the session handshake, the two JSON
//! endpoints and the PDF links, with the faults of [`Faults`] applied in one
//! middleware, on a background thread with its own tokio runtime.

use crate::data::PortalData;
use crate::faults::Faults;
use crate::render;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "FirstAgendaSession";

/// Requests served, by kind, and response body bytes sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// `GET /` and `GET /Home/AnonymousAuthentication` (session handshakes).
    pub front: u64,
    /// `GET /api/agenda/udvalgsliste` answered.
    pub list: u64,
    /// `GET /api/agenda/dagsorden/{id}` answered (malformed ones included).
    pub agenda: u64,
    /// `GET /vis/pdf/bilag/{guid}/` answered with a redirect.
    pub pdf_redirect: u64,
    /// Signed PDF files served.
    pub pdf_file: u64,
    /// `GET /Pdf/HentEksternPdf` PDFs served.
    pub case_pdf: u64,
    /// `/api/*` requests without a valid session (answered 302).
    pub unauthorized: u64,
    /// Response body bytes of the requests counted above.
    pub bytes: u64,
}

#[derive(Debug, Default)]
struct AtomicCounters {
    front: AtomicU64,
    list: AtomicU64,
    agenda: AtomicU64,
    pdf_redirect: AtomicU64,
    pdf_file: AtomicU64,
    case_pdf: AtomicU64,
    unauthorized: AtomicU64,
    bytes: AtomicU64,
}

impl AtomicCounters {
    fn all(&self) -> [&AtomicU64; 8] {
        [
            &self.front,
            &self.list,
            &self.agenda,
            &self.pdf_redirect,
            &self.pdf_file,
            &self.case_pdf,
            &self.unauthorized,
            &self.bytes,
        ]
    }

    fn snapshot(&self) -> Counters {
        let [front, list, agenda, pdf_redirect, pdf_file, case_pdf, unauthorized, bytes] =
            self.all().map(|a| a.load(Ordering::Relaxed));
        Counters {
            front,
            list,
            agenda,
            pdf_redirect,
            pdf_file,
            case_pdf,
            unauthorized,
            bytes,
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The portal's shared state: data and faults (both changeable while it
/// runs), counters and issued sessions.
#[derive(Debug, Clone)]
pub struct FakePortal {
    /// What is published.
    pub data: Arc<Mutex<PortalData>>,
    /// Faults in force.
    pub faults: Arc<Mutex<Faults>>,
    counters: Arc<AtomicCounters>,
    sessions: Arc<Mutex<HashSet<String>>>,
    secret: Arc<String>,
    issued: Arc<AtomicU64>,
    /// Files whose first signed URL has been used (and refused as expired).
    expired: Arc<Mutex<HashSet<String>>>,
}

impl FakePortal {
    /// State for a portal that is not yet serving.
    pub fn new(data: PortalData, faults: Faults) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let secret = hex::encode(Sha256::digest(
            format!("{nanos}|{}|fakeportal", std::process::id()).as_bytes(),
        ));
        FakePortal {
            data: Arc::new(Mutex::new(data)),
            faults: Arc::new(Mutex::new(faults)),
            counters: Arc::default(),
            sessions: Arc::default(),
            secret: Arc::new(secret),
            issued: Arc::default(),
            expired: Arc::default(),
        }
    }

    /// Starts serving on `127.0.0.1` at a free port.
    pub fn start(data: PortalData, faults: Faults) -> anyhow::Result<RunningPortal> {
        FakePortal::new(data, faults).serve(0)
    }

    /// Starts serving on `127.0.0.1:port` (0 = a free port) on a background
    /// thread with its own tokio runtime.
    pub fn serve(self, port: u16) -> anyhow::Result<RunningPortal> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fakeportal-worker")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = rt.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let app = self.router();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fakeportal".into())
            .spawn(move || {
                rt.block_on(async move {
                    tokio::select! {
                        r = axum::serve(listener, app) => {
                            if let Err(e) = r {
                                eprintln!("fakeportal: {e}");
                            }
                        }
                        _ = rx => {}
                    }
                });
                rt.shutdown_background();
            })?;
        Ok(RunningPortal {
            portal: self,
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The axum router over this state (for embedding in another server).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(front))
            .route("/Home/AnonymousAuthentication", get(anonymous))
            .route("/api/agenda/udvalgsliste", get(udvalgsliste))
            .route("/api/agenda/dagsorden/{id}", get(dagsorden))
            .route("/vis/pdf/bilag/{guid}", get(pdf_redirect))
            .route("/vis/pdf/bilag/{guid}/", get(pdf_redirect))
            .route("/static/signed/{file}", get(pdf_file))
            .route("/Pdf/HentEksternPdf", get(case_pdf))
            .route("/vis", get(vis))
            .route("/__fakeportal/counters", get(counters))
            .fallback(|| async { not_found() })
            .layer(middleware::from_fn_with_state(self.clone(), gate))
            .with_state(self.clone())
    }

    /// Counters so far.
    pub fn counters(&self) -> Counters {
        self.counters.snapshot()
    }

    /// Sets every counter to zero.
    pub fn reset_counters(&self) {
        for c in self.counters.all() {
            c.store(0, Ordering::Relaxed);
        }
    }

    /// Forgets every issued session: the next `/api/*` request of every
    /// client is redirected to the handshake again.
    pub fn expire_sessions(&self) {
        lock(&self.sessions).clear();
    }

    fn new_session(&self) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let token =
            hex::encode(&Sha256::digest(format!("{}|{n}|{nanos}", self.secret).as_bytes())[..20]);
        lock(&self.sessions).insert(token.clone());
        token
    }

    fn session_of(&self, headers: &HeaderMap) -> Option<String> {
        let sessions = lock(&self.sessions);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, v)| *k == SESSION_COOKIE && sessions.contains(v.trim()))
            .map(|(_, v)| v.trim().to_string())
    }

    fn signature(&self, guid: &str) -> String {
        hex::encode(
            &Sha256::digest(format!("{}|{}", self.secret, guid.to_lowercase()).as_bytes())[..16],
        )
    }

    fn sent(&self, n: usize) {
        self.counters.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// A portal serving on a background thread; dropping it stops the server.
#[derive(Debug)]
pub struct RunningPortal {
    portal: FakePortal,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningPortal {
    /// "http://127.0.0.1:PORT".
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state.
    pub fn portal(&self) -> &FakePortal {
        &self.portal
    }

    /// Counters so far.
    pub fn counters(&self) -> Counters {
        self.portal.counters()
    }

    /// Sets every counter to zero.
    pub fn reset_counters(&self) {
        self.portal.reset_counters()
    }

    /// Forgets every issued session.
    pub fn expire_sessions(&self) {
        self.portal.expire_sessions()
    }

    /// The published data, to read or change (do not hold it across a request).
    pub fn data(&self) -> MutexGuard<'_, PortalData> {
        lock(&self.portal.data)
    }

    /// The faults in force, to read or change.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.portal.faults)
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn redirect(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .expect("valid response")
}

fn with_cookie(mut resp: Response, token: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly")) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Slow and 503 faults for every path, then the session check for `/api/*`.
async fn gate(State(p): State<FakePortal>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let full = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let delay = {
        let f = lock(&p.faults);
        f.slow.get(&full).or_else(|| f.slow.get(&path)).copied()
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let fail = {
        let mut f = lock(&p.faults);
        f.fail_5xx_once.remove(&full) || f.fail_5xx_once.remove(&path)
    };
    if fail {
        // As a busy live portal does: come back in a second.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            "Service Unavailable",
        )
            .into_response();
    }
    if path.starts_with("/api/") && p.session_of(req.headers()).is_none() {
        bump(&p.counters.unauthorized);
        return redirect(&format!(
            "/Home/AnonymousAuthentication?callback={}",
            url_encode(&full)
        ));
    }
    next.run(req).await
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
    )
}

/// The counters as JSON, for benchmarks that run the binary (not counted).
async fn counters(State(p): State<FakePortal>) -> Response {
    axum::Json(p.counters()).into_response()
}

async fn front(State(p): State<FakePortal>, headers: HeaderMap) -> Response {
    bump(&p.counters.front);
    let page = html_page(
        "Dagsordener og referater",
        "<h1>Dagsordener og referater</h1><div id=\"app\"></div>",
    );
    p.sent(page.len());
    let resp = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    let token = p.session_of(&headers).unwrap_or_else(|| p.new_session());
    with_cookie(resp, &token)
}

#[derive(Deserialize)]
struct Callback {
    callback: Option<String>,
}

async fn anonymous(State(p): State<FakePortal>, Query(q): Query<Callback>) -> Response {
    bump(&p.counters.front);
    let target = q
        .callback
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "/".into());
    with_cookie(redirect(&target), &p.new_session())
}

fn json_response(p: &FakePortal, text: String) -> Response {
    p.sent(text.len());
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn udvalgsliste(State(p): State<FakePortal>) -> Response {
    let faults = lock(&p.faults).clone();
    let text = render::udvalgsliste(&lock(&p.data), &faults).to_string();
    bump(&p.counters.list);
    json_response(&p, text)
}

async fn dagsorden(State(p): State<FakePortal>, Path(id): Path<String>) -> Response {
    let text = {
        let data = lock(&p.data);
        match data.meeting(&id) {
            Some((b, m)) => render::dagsorden(b, m).to_string(),
            None => return not_found(),
        }
    };
    bump(&p.counters.agenda);
    let malformed = lock(&p.faults).malformed_meetings.contains(&id);
    if malformed {
        let mut cut = text.len() / 2;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        return json_response(&p, text[..cut].to_string());
    }
    json_response(&p, text)
}

async fn pdf_redirect(State(p): State<FakePortal>, Path(guid): Path<String>) -> Response {
    if lock(&p.faults).pdf_404.contains(&guid) {
        return not_found();
    }
    if lock(&p.data).bilag(&guid).is_none() {
        return not_found();
    }
    bump(&p.counters.pdf_redirect);
    if let Some(page) = viewer_page(&p, &guid) {
        return page;
    }
    redirect(&signed_url(&p, &guid))
}

/// Where a file's signed URL points.
fn signed_url(p: &FakePortal, guid: &str) -> String {
    format!(
        "/static/signed/{guid}.pdf?sig={}&X-Amz-Expires=300",
        p.signature(guid)
    )
}

/// The document-viewer page for a bilag or case PDF, where the faults say so.
fn viewer_page(p: &FakePortal, guid: &str) -> Option<Response> {
    let faults = lock(&p.faults);
    if !faults.viewer_page.contains(guid) {
        return None;
    }
    let src = if faults.viewer_nowhere.contains(guid) {
        format!("/static/signed/{guid}-mangler.pdf?sig=0&amp;X-Amz-Expires=300")
    } else {
        signed_url(p, guid).replace('&', "&amp;")
    };
    let body = format!(
        "<header><h1>Dokument</h1></header>\n<iframe id=\"pdfframe\" src=\"{src}\" width=\"100%\" height=\"900\"></iframe>"
    );
    Some(
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html_page("Dokument", &body),
        )
            .into_response(),
    )
}

#[derive(Deserialize)]
struct Sig {
    sig: Option<String>,
}

fn pdf_response(p: &FakePortal, bytes: Vec<u8>, name: &str) -> Response {
    p.sent(bytes.len());
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", url_encode(name)),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn pdf_file(
    State(p): State<FakePortal>,
    Path(file): Path<String>,
    Query(q): Query<Sig>,
) -> Response {
    let Some(guid) = file.strip_suffix(".pdf") else {
        return not_found();
    };
    let source = {
        let data = lock(&p.data);
        data.bilag(guid)
            .map(|b| b.pdf.clone())
            .or_else(|| data.document(guid).map(|d| d.pdf.clone()))
    };
    let Some(source) = source else {
        return not_found();
    };
    if q.sig.as_deref() != Some(p.signature(guid).as_str()) {
        return (StatusCode::FORBIDDEN, "Forbidden").into_response();
    }
    if lock(&p.faults).signed_expires_first_use && lock(&p.expired).insert(guid.to_string()) {
        return (StatusCode::FORBIDDEN, "Request has expired").into_response();
    }
    match tokio::task::spawn_blocking(move || source.read()).await {
        Ok(Ok(bytes)) => {
            bump(&p.counters.pdf_file);
            pdf_response(&p, bytes, guid)
        }
        _ => not_found(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentQuery {
    document_id: Option<String>,
}

async fn case_pdf(State(p): State<FakePortal>, Query(q): Query<DocumentQuery>) -> Response {
    let Some(id) = q.document_id else {
        return not_found();
    };
    if lock(&p.data).document(&id).is_none() {
        return not_found();
    }
    if let Some(page) = viewer_page(&p, &id) {
        return page;
    }
    let Some(source) = lock(&p.data).document(&id).map(|d| d.pdf.clone()) else {
        return not_found();
    };
    match tokio::task::spawn_blocking(move || source.read()).await {
        Ok(Ok(bytes)) => {
            bump(&p.counters.case_pdf);
            pdf_response(&p, bytes, &id)
        }
        _ => not_found(),
    }
}

#[derive(Deserialize)]
struct VisQuery {
    id: Option<String>,
    punktid: Option<String>,
}

/// The public item link `/vis?id={meetingId}&punktid={itemId}`: a plain page.
async fn vis(State(p): State<FakePortal>, Query(q): Query<VisQuery>) -> Response {
    let data = lock(&p.data);
    let Some((b, m)) = q.id.as_deref().and_then(|id| data.meeting(id)) else {
        return (StatusCode::NOT_FOUND, "Ikke fundet").into_response();
    };
    let item = q
        .punktid
        .as_deref()
        .and_then(|pid| m.items.iter().find(|i| i.id.eq_ignore_ascii_case(pid)));
    let heading = format!(
        "{} {} – {}",
        crate::html::escape(&b.name),
        m.date,
        crate::html::escape(&m.name)
    );
    let body = match item {
        Some(it) => format!(
            "<h1>{heading}</h1><h2>{}. {}</h2>",
            it.number,
            crate::html::escape(&it.title)
        ),
        None => format!("<h1>{heading}</h1>"),
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html_page(&heading, &body),
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn url_encoding_keeps_unreserved() {
        assert_eq!(
            super::url_encode("/api/agenda/dagsorden/a-b?x=1&y=æ"),
            "%2Fapi%2Fagenda%2Fdagsorden%2Fa-b%3Fx%3D1%26y%3D%C3%A6"
        );
    }
}
