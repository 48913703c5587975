//! The member's browser session: one-time login codes (printed by `serve`,
//! or written by `moedemappe login-link` into a file only the member can
//! read) are exchanged once for a random session cookie, kept in memory only.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use axum::http::{header, HeaderMap};

/// How long a login code is valid, unless `MOEDEMAPPE_LOGIN_SECONDS` says
/// otherwise (for tests).
const CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// The file `moedemappe login-link` writes a fresh code into.
const CODE_FILE: &str = "login-code";
/// The file `serve` writes its address into, for `moedemappe login-link`.
const ADDRESS_FILE: &str = "serve-address";

/// A new random secret: 32 bytes from the operating system, hex.
pub fn random_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("ingen tilfældige tal: {e}"))?;
    Ok(hex::encode(bytes))
}

/// Whether `a` and `b` are equal, in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The login codes and sessions of one server.
#[derive(Clone)]
pub struct Sessions {
    inner: Arc<Mutex<Inner>>,
    /// The data directory whose `login-code` file is also accepted.
    data_dir: Option<PathBuf>,
    lifetime: Duration,
    /// The cookie's name, with the port: cookies ignore ports, so two servers
    /// on one machine must not overwrite each other's.
    pub cookie_name: String,
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, Instant>,
    sessions: HashSet<String>,
}

impl Sessions {
    /// Sessions of the server on `port`, also taking codes from `data_dir`.
    pub fn new(port: u16, data_dir: Option<&Path>) -> Self {
        let lifetime = std::env::var("MOEDEMAPPE_LOGIN_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(CODE_LIFETIME);
        Sessions {
            inner: Arc::default(),
            data_dir: data_dir.map(Path::to_path_buf),
            lifetime,
            cookie_name: format!("moedemappe_session_{port}"),
        }
    }

    /// A new one-time login code, valid for the lifetime from now.
    pub fn new_code(&self) -> Result<String> {
        let code = random_secret()?;
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .codes
            .insert(code.clone(), Instant::now() + self.lifetime);
        Ok(code)
    }

    /// Exchanges a login code for a new session (its cookie value), once.
    pub fn redeem(&self, code: &str) -> Option<String> {
        self.redeem_at(code, Instant::now())
    }

    fn redeem_at(&self, code: &str, now: Instant) -> Option<String> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.codes.retain(|_, until| *until > now);
        let known = inner.codes.keys().find(|c| same(c, code)).cloned();
        let valid = match known {
            Some(c) => inner.codes.remove(&c).is_some(),
            None => self.redeem_file(code),
        };
        if !valid {
            return None;
        }
        let session = random_secret().ok()?;
        inner.sessions.insert(session.clone());
        Some(session)
    }

    /// Whether `code` is the one in the data directory's `login-code` file,
    /// written less than the lifetime ago; the file is removed either way
    /// once a code was offered, so it is used at most once.
    fn redeem_file(&self, code: &str) -> bool {
        let Some(path) = self.data_dir.as_ref().map(|d| d.join(CODE_FILE)) else {
            return false;
        };
        let Ok(stored) = std::fs::read_to_string(&path) else {
            return false;
        };
        let fresh = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age < self.lifetime);
        let _ = std::fs::remove_file(&path);
        fresh && !code.is_empty() && same(stored.trim(), code)
    }

    /// Whether the request carries a valid session cookie.
    pub fn is_member(&self, headers: &HeaderMap) -> bool {
        let Some(value) = self.cookie(headers) else {
            return false;
        };
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.sessions.iter().any(|s| same(s, &value))
    }

    /// The value of this server's session cookie in the request, if any.
    fn cookie(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.cookie_name)
            .map(|(_, value)| value.to_string())
    }

    /// The `Set-Cookie` value for a session.
    pub fn set_cookie(&self, session: &str) -> String {
        format!(
            "{}={session}; HttpOnly; SameSite=Strict; Path=/",
            self.cookie_name
        )
    }
}

/// Writes `<data>/serve-address` (where a running `serve` listens).
pub fn write_address(data_dir: &Path, base: &str) -> Result<()> {
    let path = data_dir.join(ADDRESS_FILE);
    std::fs::write(&path, format!("{base}\n"))
        .with_context(|| format!("kunne ikke skrive {}", path.display()))
}

/// A fresh one-time login link for the `serve` running on `data_dir`: a new
/// code in `<data>/login-code` (readable by the member only), and the link.
pub fn login_link(data_dir: &Path) -> Result<String> {
    let address = std::fs::read_to_string(data_dir.join(ADDRESS_FILE))
        .context("moedemappe serve kører ikke på denne datamappe (start den først)")?;
    let code = random_secret()?;
    write_private(&data_dir.join(CODE_FILE), &code)?;
    Ok(format!(
        "{}/login?kode={code}",
        address.trim().trim_end_matches('/')
    ))
}

/// Writes `contents` to `path` through a temporary file readable by the
/// owner only.
fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(&tmp)
        .with_context(|| format!("kunne ikke skrive {}", tmp.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("kunne ikke skrive {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn a_code_gives_one_session_once_and_not_after_it_expired() {
        let s = Sessions::new(7411, None);
        let code = s.new_code().unwrap();
        assert_eq!(code.len(), 64);
        assert!(s.redeem("forkert").is_none());
        let session = s.redeem(&code).unwrap();
        assert!(s.redeem(&code).is_none(), "a code works once");
        let cookie = format!("andet=1; moedemappe_session_7411={session}");
        assert!(s.is_member(&with_cookie(&cookie)));
        assert!(!s.is_member(&with_cookie(&format!("moedemappe_session_7412={session}"))));
        assert!(!s.is_member(&with_cookie("moedemappe_session_7411=gæt")));
        assert!(!s.is_member(&HeaderMap::new()));

        let late = s.new_code().unwrap();
        let after = Instant::now() + CODE_LIFETIME + Duration::from_secs(1);
        assert!(s.redeem_at(&late, after).is_none(), "expired");
        assert!(s.redeem(&late).is_none(), "and gone");
    }

    #[test]
    fn a_code_from_the_file_works_once_and_only_while_fresh() {
        let dir = tempfile::tempdir().unwrap();
        write_address(dir.path(), "http://127.0.0.1:7411/").unwrap();
        let link = login_link(dir.path()).unwrap();
        let code = link.split("kode=").nth(1).unwrap().to_string();
        assert!(link.starts_with("http://127.0.0.1:7411/login?kode="));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(CODE_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the code file is the member's only");
        }
        let s = Sessions::new(7411, Some(dir.path()));
        assert!(s.redeem(&code).is_some());
        assert!(s.redeem(&code).is_none());
        // A wrong guess uses the file up too.
        let link = login_link(dir.path()).unwrap();
        assert!(s.redeem("0000").is_none());
        assert!(s.redeem(link.split("kode=").nth(1).unwrap()).is_none());
    }
}
