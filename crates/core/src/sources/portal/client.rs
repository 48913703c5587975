//! HTTP to one portal: the anonymous session cookie, JSON and PDF requests,
//! timeouts, and retries with backoff on server errors and lost connections.
//! Concurrency is bounded by the caller.
//!
//! A PDF link of a live portal may answer with its document-viewer page
//! instead of the file: the page's `<iframe id="pdfframe">` points to a
//! short-lived signed URL, which is followed (and asked for anew once when it
//! has expired). Whatever is not a PDF by its first bytes is refused, so it
//! is never stored as a bilag.

use super::json::{Agenda, CommitteeList};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time allowed for one request (a whole PDF download included).
    pub timeout: Duration,
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// The largest JSON answer read (the committee list of a big portal is
    /// a few MB); a larger one is refused rather than held in memory.
    pub max_json: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(120),
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_json: 64 << 20,
        }
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server could not be reached at all (no network, DNS, refused).
    Unreachable(String),
    /// The server answered with an error status.
    Status(u16),
    /// The answer was not the JSON we expect.
    Malformed(String),
    /// A PDF link answered with something that is not a PDF.
    NotPdf(String),
    /// Anything else (timeouts after all retries, a broken transfer).
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Unreachable(e) => write!(f, "serveren kunne ikke nås ({e})"),
            FetchError::Status(404) => write!(f, "findes ikke på portalen (HTTP 404)"),
            FetchError::Status(code) => write!(f, "portalen svarede med fejl (HTTP {code})"),
            FetchError::Malformed(e) => write!(f, "portalen sendte ugyldige data ({e})"),
            FetchError::NotPdf(what) => write!(f, "portalen sendte ikke en PDF, men {what}"),
            FetchError::Other(e) => write!(f, "{e}"),
        }
    }
}

/// A client for one portal.
#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
    opts: ClientOptions,
}

impl PortalClient {
    /// A client for the portal at `base` (e.g. `https://dagsordener.aarhus.dk`).
    pub fn new(base: &str, opts: ClientOptions) -> crate::Result<Self> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(opts.timeout)
            .user_agent(concat!("Moedemappe/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| crate::Error::Invalid(format!("HTTP-klienten kunne ikke startes: {e}")))?;
        Ok(PortalClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            opts,
        })
    }

    /// The absolute URL of a portal path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Fetches the front page, which sets the anonymous session cookie.
    pub async fn open_session(&self) -> Result<(), FetchError> {
        self.get_bytes("/").await.map(|_| ())
    }

    /// The committee list with every meeting entry.
    pub async fn committee_list(&self) -> Result<CommitteeList, FetchError> {
        let bytes = self.get_bytes("/api/agenda/udvalgsliste").await?;
        serde_json::from_slice(&bytes).map_err(|e| FetchError::Malformed(e.to_string()))
    }

    /// One meeting's agenda, with the SHA-256 of its JSON.
    pub async fn agenda(&self, meeting_id: &str) -> Result<(Agenda, String), FetchError> {
        let bytes = self
            .get_bytes(&format!("/api/agenda/dagsorden/{meeting_id}"))
            .await?;
        let agenda =
            serde_json::from_slice(&bytes).map_err(|e| FetchError::Malformed(e.to_string()))?;
        Ok((agenda, hex::encode(Sha256::digest(&bytes))))
    }

    /// Downloads a PDF (following redirects and the viewer page's frame)
    /// into `target`; returns its size. Anything that is not a PDF is an
    /// error, and `target` then holds nothing to keep.
    pub async fn download(&self, path: &str, target: &Path) -> Result<u64, FetchError> {
        let link = self.url(path);
        let mut asked_again = false;
        loop {
            let page = match self.fetch_pdf(&link, target).await {
                Ok(Fetched::Pdf(size)) => return Ok(size),
                Ok(Fetched::Page(page)) => page,
                Ok(Fetched::Other(what)) => return Err(FetchError::NotPdf(what)),
                // The link redirected to a signed URL that had expired: once more.
                Err(FetchError::Status(403)) if !asked_again => {
                    asked_again = true;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let Some(frame) = viewer_frame(&page) else {
                return Err(FetchError::NotPdf("en HTML-side uden dokument".into()));
            };
            let url = reqwest::Url::parse(&link)
                .and_then(|base| base.join(&frame))
                .map_err(|_| FetchError::NotPdf("en side med et ugyldigt dokumentlink".into()))?;
            match self.fetch_pdf(url.as_str(), target).await {
                Ok(Fetched::Pdf(size)) => return Ok(size),
                Ok(Fetched::Page(_)) => {
                    return Err(FetchError::NotPdf("en HTML-side i visningen".into()))
                }
                Ok(Fetched::Other(what)) => return Err(FetchError::NotPdf(what)),
                // A signed URL that expired before it was used: one new one.
                Err(FetchError::Status(403)) if !asked_again => asked_again = true,
                Err(e) => return Err(e),
            }
        }
    }

    /// GETs `url`: a PDF (by its first bytes) is written to `target`, an
    /// HTML page is returned (up to [`MAX_PAGE`] bytes), anything else named.
    async fn fetch_pdf(&self, url: &str, target: &Path) -> Result<Fetched, FetchError> {
        self.retry(|| async {
            let mut response = self.send_url(url).await?;
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            // The first bytes decide; a PDF may have up to 1 KiB before its header.
            let mut head = Vec::new();
            let mut done = false;
            while head.len() < PDF_HEADER_WITHIN {
                match response.chunk().await.map_err(transfer_error)? {
                    Some(chunk) => head.extend_from_slice(&chunk),
                    None => {
                        done = true;
                        break;
                    }
                }
            }
            let window = &head[..head.len().min(PDF_HEADER_WITHIN)];
            if !window.windows(5).any(|w| w == b"%PDF-") {
                let looks_html = content_type.contains("html")
                    || window.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
                if !looks_html {
                    let what = if content_type.is_empty() {
                        "en ukendt filtype".to_string()
                    } else {
                        content_type
                            .split(';')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    };
                    return Ok(Fetched::Other(what));
                }
                while !done && head.len() < MAX_PAGE {
                    match response.chunk().await.map_err(transfer_error)? {
                        Some(chunk) => head.extend_from_slice(&chunk),
                        None => done = true,
                    }
                }
                return Ok(Fetched::Page(String::from_utf8_lossy(&head).into_owned()));
            }
            let write_err = |e: std::io::Error| {
                FetchError::Other(format!("kunne ikke skrive {}: {e}", target.display()))
            };
            let mut file = tokio::fs::File::create(target).await.map_err(write_err)?;
            file.write_all(&head).await.map_err(write_err)?;
            let mut size = head.len() as u64;
            while let Some(chunk) = response.chunk().await.map_err(transfer_error)? {
                file.write_all(&chunk).await.map_err(write_err)?;
                size += chunk.len() as u64;
            }
            file.flush().await.map_err(write_err)?;
            Ok(Fetched::Pdf(size))
        })
        .await
    }

    /// The whole answer to `path`, read chunk by chunk up to
    /// [`ClientOptions::max_json`] bytes, so memory stays bounded whatever a
    /// portal (or something posing as one) sends.
    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        let max = self.opts.max_json;
        let too_big = || {
            FetchError::Malformed(format!(
                "svaret er større end {} MB og læses ikke",
                max.div_ceil(1 << 20)
            ))
        };
        self.retry(|| async {
            let mut response = self.send(path).await?;
            if response.content_length().is_some_and(|n| n > max) {
                return Err(too_big());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(transfer_error)? {
                if (body.len() + chunk.len()) as u64 > max {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        })
        .await
    }

    async fn send(&self, path: &str) -> Result<reqwest::Response, FetchError> {
        self.send_url(&self.url(path)).await
    }

    async fn send_url(&self, url: &str) -> Result<reqwest::Response, FetchError> {
        let response = self.http.get(url).send().await.map_err(|e| {
            if e.is_connect() {
                FetchError::Unreachable(root_cause(&e))
            } else {
                transfer_error(e)
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            // A busy portal says when to come back: wait that long (at most a
            // minute) before the retry's own backoff.
            if matches!(status.as_u16(), 429 | 503) {
                if let Some(wait) = retry_after(response.headers()) {
                    tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                }
            }
            return Err(FetchError::Status(status.as_u16()));
        }
        Ok(response)
    }

    /// Runs `attempt` until it succeeds, fails for good, or attempts run out.
    async fn retry<T, F, Fut>(&self, mut attempt: F) -> Result<T, FetchError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, FetchError>>,
    {
        let mut wait = self.opts.backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            match attempt().await {
                Err(e) if tries < self.opts.attempts.max(1) && retryable(&e) => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                other => return other,
            }
        }
    }
}

fn retryable(e: &FetchError) -> bool {
    match e {
        FetchError::Status(code) => *code >= 500 || *code == 429,
        FetchError::Unreachable(_) | FetchError::Other(_) => true,
        FetchError::Malformed(_) | FetchError::NotPdf(_) => false,
    }
}

/// A `Retry-After` given in seconds (the HTTP-date form is not used by the
/// portals and is ignored).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// A PDF's header may come this far into the file.
const PDF_HEADER_WITHIN: usize = 1024;

/// The most of an HTML page read to look for the viewer's frame.
const MAX_PAGE: usize = 1 << 20;

/// What a PDF link answered.
enum Fetched {
    /// A PDF of this many bytes, written to the target.
    Pdf(u64),
    /// An HTML page (the portal's document viewer, or an error page).
    Page(String),
    /// Something else, by its content type.
    Other(String),
}

/// The `src` of the document viewer's `<iframe id="pdfframe">`, entities
/// decoded. (A small scan by hand: one attribute of one tag does not need
/// an HTML parser.)
fn viewer_frame(page: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<iframe") {
        let start = from + at;
        let end = start + lower[start..].find('>')?;
        let tag = &page[start..end];
        if attribute(tag, "id").is_some_and(|id| id.eq_ignore_ascii_case("pdfframe")) {
            return attribute(tag, "src").filter(|s| !s.trim().is_empty());
        }
        from = end;
    }
    None
}

/// An attribute's value in a start tag (`name="v"`, `name='v'` or `name=v`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        from = start + name.len();
        let before = lower[..start].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(
            value
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'"),
        );
    }
    None
}

fn transfer_error(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Other("portalen svarede ikke i tide".into())
    } else {
        FetchError::Other(format!("overførslen fejlede ({})", root_cause(&e)))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serves one fixed answer to every request on 127.0.0.1.
    fn answer_always(body: Vec<u8>, chunked: bool) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let head = if chunked {
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_string()
                } else {
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                };
                let _ = stream.write_all(head.as_bytes());
                if chunked {
                    for part in body.chunks(1000) {
                        let _ = write!(stream, "{:x}\r\n", part.len());
                        let _ = stream.write_all(part);
                        let _ = stream.write_all(b"\r\n");
                    }
                    let _ = stream.write_all(b"0\r\n\r\n");
                } else {
                    let _ = stream.write_all(&body);
                }
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn a_committee_list_larger_than_the_limit_is_refused_not_read() {
        let mut list =
            br#"{"Udvalg":{"Udvalg 2022-2025":[{"Navn":"Teknisk Udvalg","Moeder":["#.to_vec();
        for n in 0..200 {
            list.extend_from_slice(
                format!(r#"{{"Id":"m{n}","Dato":"2024-01-01T00:00:00"}},"#).as_bytes(),
            );
        }
        list.pop();
        list.extend_from_slice(b"]}]}}");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let opts = |max_json| ClientOptions {
            attempts: 1,
            max_json,
            ..Default::default()
        };
        for chunked in [false, true] {
            let base = answer_always(list.clone(), chunked);
            let small = PortalClient::new(&base, opts(4096)).unwrap();
            let err = runtime.block_on(small.committee_list()).unwrap_err();
            assert!(
                matches!(&err, FetchError::Malformed(m) if m.contains("større end")),
                "{err:?}"
            );
            let roomy = PortalClient::new(&base, opts(1 << 20)).unwrap();
            let read = runtime.block_on(roomy.committee_list()).unwrap();
            assert_eq!(
                read.groups["Udvalg 2022-2025"][0]
                    .meetings
                    .as_ref()
                    .unwrap()
                    .len(),
                200
            );
        }
    }

    #[test]
    fn the_viewer_frame_is_found_among_other_frames() {
        let page = r#"<html><body><iframe src="/annonce"></iframe>
            <IFRAME class="x" ID='pdfframe' SRC="https://s3.example/b.pdf?X-Amz-Expires=300&amp;X-Amz-Signature=ab"
            ></IFRAME></body></html>"#;
        assert_eq!(
            viewer_frame(page).as_deref(),
            Some("https://s3.example/b.pdf?X-Amz-Expires=300&X-Amz-Signature=ab")
        );
        assert_eq!(
            viewer_frame(r#"<iframe data-id="pdfframe" src="/a.pdf">"#),
            None
        );
        assert_eq!(
            viewer_frame(r#"<iframe id=pdfframe src=/a.pdf>"#).as_deref(),
            Some("/a.pdf")
        );
        assert_eq!(viewer_frame(r#"<iframe id="pdfframe" src="">"#), None);
        assert_eq!(viewer_frame("<p>Dokumentet findes ikke</p>"), None);
    }
}
