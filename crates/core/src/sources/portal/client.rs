//! HTTP to one portal: the anonymous session cookie, JSON and PDF requests,
//! timeouts, and retries with backoff on server errors and lost connections.
//! Concurrency is bounded by the caller.

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
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(120),
            attempts: 4,
            backoff: Duration::from_millis(500),
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

    /// Downloads a PDF (following redirects) into `target`; returns its size.
    pub async fn download(&self, path: &str, target: &Path) -> Result<u64, FetchError> {
        self.retry(|| async {
            let mut response = self.send(path).await?;
            let mut file = tokio::fs::File::create(target).await.map_err(|e| {
                FetchError::Other(format!("kunne ikke skrive {}: {e}", target.display()))
            })?;
            let mut size = 0u64;
            while let Some(chunk) = response.chunk().await.map_err(transfer_error)? {
                file.write_all(&chunk).await.map_err(|e| {
                    FetchError::Other(format!("kunne ikke skrive {}: {e}", target.display()))
                })?;
                size += chunk.len() as u64;
            }
            file.flush()
                .await
                .map_err(|e| FetchError::Other(e.to_string()))?;
            Ok(size)
        })
        .await
    }

    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        self.retry(|| async {
            let response = self.send(path).await?;
            response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(transfer_error)
        })
        .await
    }

    async fn send(&self, path: &str) -> Result<reqwest::Response, FetchError> {
        let response = self.http.get(self.url(path)).send().await.map_err(|e| {
            if e.is_connect() {
                FetchError::Unreachable(root_cause(&e))
            } else {
                transfer_error(e)
            }
        })?;
        let status = response.status();
        if !status.is_success() {
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
        FetchError::Malformed(_) => false,
    }
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
