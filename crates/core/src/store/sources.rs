//! Sources in the store: adding, listing and removing them, and what their
//! last sync did (when it last succeeded, what failed and why).

use super::{Reader, Writer};
use crate::model::{SourceId, SourceKind};
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

/// A configured source and how its syncs went.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Store id.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub id: SourceId,
    /// Portal or folder.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "\"portal\" | \"folder\""))]
    pub kind: SourceKind,
    /// The name the member gave it (or the host / folder name).
    pub name: String,
    /// Base URL of a portal, absolute path of a folder.
    pub location: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// When a sync last started.
    pub last_attempt_at: Option<String>,
    /// When a sync last ran to the end.
    pub last_success_at: Option<String>,
    /// Why the last sync stopped, when it did not run to the end.
    pub last_error: Option<String>,
    /// What the last sync could not do (one meeting, one PDF), with reasons.
    pub failures: Vec<SyncFailure>,
    /// What a portal source fetches (none for a folder).
    pub scope: Option<SourceScope>,
}

/// What of a portal a source fetches: meetings of some bodies from a day on.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SourceScope {
    /// Bodies by name, former name or abbreviation; empty: every body.
    pub bodies: Vec<String>,
    /// Only the bodies the member follows.
    pub followed: bool,
    /// The first meeting day; none: the current election period and the year before.
    pub since: Option<NaiveDate>,
    /// Which PDF files are kept on disk; of the others only the text is.
    pub files: FilesPolicy,
    /// What the last sync found, where one has run.
    #[serde(default, skip_deserializing)]
    pub counts: Option<ScopeCounts>,
}

/// Which PDF files of a portal source are kept on disk once their text is
/// read. The others keep their text, pages and hash, so search, statistics and
/// the assistant see them, and are fetched again when opened.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilesPolicy {
    /// The files of the bodies the member follows (and any the member opened
    /// or noted in).
    #[default]
    Followed,
    /// Every file.
    All,
    /// Only those the member opened or noted in.
    None,
}

impl FilesPolicy {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            FilesPolicy::Followed => "followed",
            FilesPolicy::All => "all",
            FilesPolicy::None => "none",
        }
    }

    /// From the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "followed" => Some(FilesPolicy::Followed),
            "all" => Some(FilesPolicy::All),
            "none" => Some(FilesPolicy::None),
            _ => None,
        }
    }
}

/// What the last sync of a portal source found of its scope.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScopeCounts {
    /// The first meeting day in scope (the default resolved).
    pub first_day: NaiveDate,
    /// Meeting entries the portal lists.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub listed: u64,
    /// Of which in scope.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub in_scope: u64,
    /// Of which stored completely; the rest is still to fetch.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub stored: u64,
}

/// One thing a sync could not do.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncFailure {
    /// What: "møde <id>", "bilag <guid>", a file path.
    pub what: String,
    /// Why, in plain words.
    pub reason: String,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Writer<'_> {
    /// Adds a source; a second source with the same name or location is refused.
    pub fn add_source(&self, kind: SourceKind, name: &str, location: &str) -> Result<SourceId> {
        let clash: Option<String> = self
            .tx
            .query_row(
                "SELECT name FROM sources WHERE name = ?1 OR (kind = ?2 AND location = ?3)",
                params![name, kind.as_str(), location],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(existing) = clash {
            return Err(Error::Invalid(format!(
                "kilden findes allerede (som «{existing}»)"
            )));
        }
        self.tx.execute(
            "INSERT INTO sources (kind, name, location, added_at) VALUES (?1, ?2, ?3, ?4)",
            params![kind.as_str(), name, location, now()],
        )?;
        Ok(SourceId(self.tx.last_insert_rowid()))
    }

    /// Sets what a portal source fetches. Narrowing it deletes nothing.
    pub fn set_source_scope(&self, id: SourceId, scope: &SourceScope) -> Result<()> {
        let bodies = (!scope.bodies.is_empty())
            .then(|| serde_json::to_string(&scope.bodies))
            .transpose()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        self.tx.execute(
            "UPDATE sources SET scope_bodies = ?2, scope_followed = ?3, scope_since = ?4, files = ?5
              WHERE id = ?1",
            params![id.0, bodies, scope.followed, scope.since, scope.files.as_str()],
        )?;
        Ok(())
    }

    /// Records what a sync found of the source's scope.
    pub fn record_scope_counts(&self, id: SourceId, c: &ScopeCounts) -> Result<()> {
        self.tx.execute(
            "UPDATE sources SET scope_first_day = ?2, scope_listed = ?3, scope_in = ?4, scope_stored = ?5
              WHERE id = ?1",
            params![id.0, c.first_day, c.listed as i64, c.in_scope as i64, c.stored as i64],
        )?;
        Ok(())
    }

    /// Removes a source. What it brought in stays in the store.
    pub fn remove_source(&self, id: SourceId) -> Result<()> {
        self.tx.execute(
            "UPDATE meetings SET source_id = NULL WHERE source_id = ?1",
            [id.0],
        )?;
        self.tx.execute(
            "UPDATE collections SET source_id = NULL WHERE source_id = ?1",
            [id.0],
        )?;
        self.tx
            .execute("DELETE FROM portal_meetings WHERE source_id = ?1", [id.0])?;
        self.tx
            .execute("DELETE FROM sources WHERE id = ?1", [id.0])?;
        Ok(())
    }

    /// Notes that a sync of the source starts.
    pub fn sync_started(&self, id: SourceId) -> Result<()> {
        self.tx.execute(
            "UPDATE sources SET last_attempt_at = ?2 WHERE id = ?1",
            params![id.0, now()],
        )?;
        Ok(())
    }

    /// Notes how a sync ended: `Ok` with what failed on the way, or the reason it stopped.
    pub fn sync_finished(
        &self,
        id: SourceId,
        outcome: std::result::Result<&[SyncFailure], &str>,
    ) -> Result<()> {
        match outcome {
            Ok(failures) => {
                self.tx.execute(
                    "UPDATE sources SET last_success_at = ?2, last_error = NULL WHERE id = ?1",
                    params![id.0, now()],
                )?;
                self.tx
                    .execute("DELETE FROM sync_failures WHERE source_id = ?1", [id.0])?;
                let at = now();
                for f in failures {
                    self.tx.execute(
                        "INSERT OR REPLACE INTO sync_failures (source_id, what, reason, at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![id.0, f.what, f.reason, at],
                    )?;
                }
            }
            Err(reason) => {
                self.tx.execute(
                    "UPDATE sources SET last_error = ?2 WHERE id = ?1",
                    params![id.0, reason],
                )?;
            }
        }
        Ok(())
    }
}

fn source_of(r: &Row<'_>) -> rusqlite::Result<Source> {
    let kind: String = r.get(1)?;
    let kind = SourceKind::parse(&kind).unwrap_or(SourceKind::Folder);
    let bodies: Option<String> = r.get(8)?;
    let counts = match (
        r.get(11)?,
        r.get::<_, Option<i64>>(12)?,
        r.get::<_, Option<i64>>(13)?,
        r.get::<_, Option<i64>>(14)?,
    ) {
        (Some(first_day), Some(listed), Some(in_scope), Some(stored)) => Some(ScopeCounts {
            first_day,
            listed: listed as u64,
            in_scope: in_scope as u64,
            stored: stored as u64,
        }),
        _ => None,
    };
    let scope = (kind == SourceKind::Portal).then(|| -> rusqlite::Result<SourceScope> {
        Ok(SourceScope {
            bodies: bodies
                .and_then(|b| serde_json::from_str(&b).ok())
                .unwrap_or_default(),
            followed: r.get(9)?,
            since: r.get(10)?,
            files: FilesPolicy::parse(&r.get::<_, String>(15)?).unwrap_or_default(),
            counts,
        })
    });
    Ok(Source {
        scope: scope.transpose()?,
        id: SourceId(r.get(0)?),
        kind,
        name: r.get(2)?,
        location: r.get(3)?,
        added_at: r.get(4)?,
        last_attempt_at: r.get(5)?,
        last_success_at: r.get(6)?,
        last_error: r.get(7)?,
        failures: Vec::new(),
    })
}

impl Reader<'_> {
    /// Every source, in the order they were added, with their last failures.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, name, location, added_at, last_attempt_at, last_success_at, last_error,
                    scope_bodies, scope_followed, scope_since,
                    scope_first_day, scope_listed, scope_in, scope_stored, files
               FROM sources ORDER BY id",
        )?;
        let mut sources: Vec<Source> = stmt
            .query_map([], source_of)?
            .collect::<rusqlite::Result<_>>()?;
        let mut failures = self
            .conn
            .prepare("SELECT what, reason FROM sync_failures WHERE source_id = ?1 ORDER BY what")?;
        for s in &mut sources {
            s.failures = failures
                .query_map([s.id.0], |r| {
                    Ok(SyncFailure {
                        what: r.get(0)?,
                        reason: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(sources)
    }

    /// The source with this name (or, failing that, this location).
    pub fn source(&self, name: &str) -> Result<Source> {
        let sources = self.sources()?;
        let by_name = sources.iter().position(|s| s.name == name);
        by_name
            .or_else(|| sources.iter().position(|s| s.location == name))
            .map(|i| sources[i].clone())
            .ok_or_else(|| Error::NotFound(format!("ingen kilde hedder «{name}»")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn sources_are_added_once_and_remember_their_last_sync() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        let id = store
            .write(|w| {
                w.add_source(
                    SourceKind::Portal,
                    "Aarhus",
                    "https://dagsordener.aarhus.dk",
                )
            })
            .unwrap();
        let again = store.write(|w| {
            w.add_source(
                SourceKind::Portal,
                "Andet navn",
                "https://dagsordener.aarhus.dk",
            )
        });
        assert!(again.unwrap_err().to_string().contains("findes allerede"));
        let failures = [SyncFailure {
            what: "bilag 1".into(),
            reason: "404".into(),
        }];
        store
            .write(|w| {
                w.sync_started(id)?;
                w.sync_finished(id, Ok(&failures))
            })
            .unwrap();
        store
            .write(|w| w.sync_finished(id, Err("ingen forbindelse")))
            .unwrap();
        let s = store.read().source("Aarhus").unwrap();
        assert!(s.last_success_at.is_some());
        assert_eq!(s.last_error.as_deref(), Some("ingen forbindelse"));
        assert_eq!(s.failures, failures);
        store.write(|w| w.remove_source(id)).unwrap();
        assert!(store.read().sources().unwrap().is_empty());
    }
}
