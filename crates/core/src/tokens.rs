//! Access tokens for callers of the local HTTP API and the MCP server: a
//! token's scope decides whether closed (lukket) material is visible to it.
//!
//! Tokens live in `<data>/tokens.json`, stored as SHA-256 hashes only; the
//! secret is shown once when it is made. `<data>/api-token` holds the secret of
//! the local open-scope token for scripts (made on first use, readable by the
//! user only). The member's own UI uses no token: it has a session.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The file with the hashed tokens.
const TOKENS_FILE: &str = "tokens.json";
/// The file with the local open-scope token's secret.
const LOCAL_TOKEN_FILE: &str = "api-token";

/// What a token may see. A token never acts as the member: that scope
/// ([`crate::api::Scope::Member`]) is the member's own session only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Open material only.
    Open,
    /// Open and closed material.
    Closed,
}

impl TokenScope {
    /// The api scope a caller with this token gets.
    pub fn scope(self) -> crate::api::Scope {
        match self {
            TokenScope::Open => crate::api::Scope::Open,
            TokenScope::Closed => crate::api::Scope::Closed,
        }
    }

    /// Parses "open"/"aaben" or "closed"/"lukket".
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "open" | "aaben" | "åben" => Some(TokenScope::Open),
            "closed" | "lukket" => Some(TokenScope::Closed),
            _ => None,
        }
    }
}

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Short id, used to revoke it.
    pub id: String,
    /// What it may see.
    pub scope: TokenScope,
    /// When it was made (RFC 3339).
    pub created: String,
    /// What the user wrote about it.
    #[serde(default)]
    pub label: Option<String>,
    /// SHA-256 of the secret, hex.
    sha256: String,
}

/// The token file of one data directory.
#[derive(Debug)]
pub struct Tokens {
    path: PathBuf,
    entries: Vec<TokenInfo>,
}

#[derive(Serialize, Deserialize)]
struct TokenFile {
    schema: u32,
    tokens: Vec<TokenInfo>,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// A new random secret: 32 bytes from the operating system, hex.
fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Invalid(format!("kunne ikke lave en tilfældig nøgle: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Writes `contents` to `path` through a temporary file, readable by the
/// owner only.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(contents).map_err(|e| Error::io(&tmp, e))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

impl Tokens {
    /// Reads the token file of `data_dir` (none yet: no tokens). A file that
    /// cannot be read is an error, never silently "no tokens".
    pub fn load(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(TOKENS_FILE);
        let entries = match std::fs::read(&path) {
            Ok(bytes) => {
                let file: TokenFile = serde_json::from_slice(&bytes).map_err(|e| {
                    Error::Invalid(format!("{} er beskadiget: {e}", path.display()))
                })?;
                if file.schema != 1 {
                    return Err(Error::Invalid(format!(
                        "{} er skrevet af en nyere version af Mødemappe",
                        path.display()
                    )));
                }
                file.tokens
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Ok(Tokens { path, entries })
    }

    fn save(&self) -> Result<()> {
        let file = TokenFile {
            schema: 1,
            tokens: self.entries.clone(),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Invalid(format!("kunne ikke gemme nøglerne: {e}")))?;
        write_private(&self.path, &json)
    }

    /// Makes a token and returns its info and its secret (shown only now).
    pub fn create(
        &mut self,
        scope: TokenScope,
        label: Option<&str>,
    ) -> Result<(TokenInfo, String)> {
        let secret = new_secret()?;
        let sha256 = hash(&secret);
        let info = TokenInfo {
            id: sha256[..8].to_string(),
            scope,
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            label: label.map(str::to_string),
            sha256,
        };
        self.entries.push(info.clone());
        self.save()?;
        Ok((info, secret))
    }

    /// The scope of `secret`, or `None` for an unknown token.
    pub fn check(&self, secret: &str) -> Option<TokenScope> {
        let h = hash(secret);
        self.entries.iter().find(|t| t.sha256 == h).map(|t| t.scope)
    }

    /// Every token, oldest first.
    pub fn list(&self) -> &[TokenInfo] {
        &self.entries
    }

    /// Removes the token with this id (or id prefix of at least 4 characters).
    pub fn revoke(&mut self, id: &str) -> Result<TokenInfo> {
        let id = id.trim();
        let matching: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, t)| id.len() >= 4 && t.id.starts_with(id))
            .map(|(i, _)| i)
            .collect();
        let [i] = matching.as_slice() else {
            return Err(Error::NotFound(format!("ingen nøgle har id «{id}»")));
        };
        let gone = self.entries.remove(*i);
        self.save()?;
        Ok(gone)
    }

    /// The local open-scope token's secret, made on first use.
    pub fn local_secret(&mut self, data_dir: &Path) -> Result<String> {
        self.file_secret(&data_dir.join(LOCAL_TOKEN_FILE), TokenScope::Open, "lokal")
    }

    /// The secret kept in `path` if it is a known token of `scope`; else a
    /// new token of `scope`, written there.
    fn file_secret(&mut self, path: &Path, scope: TokenScope, label: &str) -> Result<String> {
        match std::fs::read_to_string(path) {
            Ok(s) if self.check(&s) == Some(scope) => return Ok(s.trim().to_string()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(path, e)),
        }
        let (_, secret) = self.create(scope, Some(label))?;
        write_private(path, format!("{secret}\n").as_bytes())?;
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_hashed_and_checked_by_scope() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tokens::load(dir.path()).unwrap();
        let (open, open_secret) = t.create(TokenScope::Open, None).unwrap();
        let (closed, closed_secret) = t.create(TokenScope::Closed, Some("assistent")).unwrap();
        assert_ne!(open_secret, closed_secret);
        let file = std::fs::read_to_string(dir.path().join(TOKENS_FILE)).unwrap();
        assert!(!file.contains(&open_secret) && !file.contains(&closed_secret));

        let t = Tokens::load(dir.path()).unwrap();
        assert_eq!(t.check(&open_secret), Some(TokenScope::Open));
        assert_eq!(t.check(&closed_secret), Some(TokenScope::Closed));
        assert_eq!(t.check("forkert"), None);
        assert_eq!(t.check(""), None);
        assert_eq!(t.list().len(), 2);

        let mut t = t;
        assert_eq!(t.revoke(&closed.id).unwrap().scope, TokenScope::Closed);
        assert!(t.revoke(&closed.id).is_err());
        assert!(
            t.revoke("").is_err(),
            "an empty id must not match everything"
        );
        let t = Tokens::load(dir.path()).unwrap();
        assert_eq!(t.check(&closed_secret), None);
        assert_eq!(t.check(&open_secret), Some(TokenScope::Open));
        assert_eq!(t.list()[0].id, open.id);
    }

    #[test]
    fn the_local_token_is_made_once_and_a_broken_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tokens::load(dir.path()).unwrap();
        let a = t.local_secret(dir.path()).unwrap();
        let b = Tokens::load(dir.path())
            .unwrap()
            .local_secret(dir.path())
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(t.check(&a), Some(TokenScope::Open));
        std::fs::write(dir.path().join(TOKENS_FILE), b"{not json").unwrap();
        assert!(Tokens::load(dir.path()).is_err());
    }
}
