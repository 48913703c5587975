//! The tantivy full-text index (derived from the store, rebuildable) and its
//! Danish analyzers (one for indexing, which also adds compound parts, one for
//! queries; see [`analyzer`]).
//!
//! One tantivy document per attachment page (so every hit cites a page) and one
//! per agenda item (title and case text). Documents are grouped by `owner` (e.g.
//! `"item:12"` or `"doc:7"`): updating an owner means [`IndexWriter::delete_owner`]
//! followed by adding all its documents again, then [`IndexWriter::commit`].
//!
//! Two tantivy indexes with the same schema: `all/` holds every document,
//! `open/` only the open ones (`cite.access` is [`Access::Open`]). A search
//! without closed material runs on `open/`, so closed material shapes nothing
//! it returns: not the ranking statistics (document frequencies, document
//! count, field lengths), not the spelling correction, not more-like-this.
//! [`IndexWriter`] writes, deletes and commits both.
//!
//! The index directory holds a schema-version file next to the two index
//! folders; an index written by another version (or another layout) is refused
//! with [`Error::StaleIndex`], which the data directory answers by rebuilding
//! it from the store.

mod analyzer;
pub(crate) mod assemble;
mod collect;
mod compound;
mod matching;
pub(crate) use matching::{Candidates, Match, Matcher};
mod memo;
#[cfg(test)]
mod open_tests;
mod query;
mod schema;
mod sealed_dir;
mod search;
mod snippet;
mod stem;
pub(crate) use query::abbreviation_names;
#[cfg(test)]
mod tests;
mod tokenizer;
#[cfg(test)]
mod ts_export;
#[cfg(test)]
mod understanding_tests;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;

use sealed_dir::SealedDirectory;
use tantivy::schema::Schema;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyError, Term};

pub use analyzer::{
    analyze, analyze_for_index, danish_analyzer, danish_index_analyzer, danish_query_analyzer,
    DANISH, DANISH_INDEX,
};
pub(crate) use memo::each_token;

use crate::model::{Access, ItemKind};
use crate::{Error, Result};
use schema::{Fields, SCHEMA_VERSION};

/// Name of the file in the index directory that holds the schema version.
const VERSION_FILE: &str = "moedemappe-schema-version";

/// Folder (inside the index directory) of the index of every document.
const ALL_DIR: &str = "all";

/// Folder (inside the index directory) of the index of open documents only.
const OPEN_DIR: &str = "open";

/// Threads each of the two tantivy writers indexes with.
const WRITER_THREADS: usize = 2;

/// Memory budget of each of the two tantivy writers, all its threads together
/// (tantivy wants at least 15 MB per thread).
const WRITER_HEAP_BYTES: usize = 64_000_000;

/// How often, and how long apart, merging away deleted open documents is tried
/// while a background merge holds their segment.
const PURGE_TRIES: usize = 20;
const PURGE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Most hits one search returns.
pub const MAX_LIMIT: usize = 1000;

/// What a document of the index stands for.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// An agenda item: its title and case text.
    Item,
    /// One page of an attachment or of a collection document.
    #[default]
    Page,
}

/// Where a document sits: the body, meeting, item, case, attachment and page
/// (or the collection) that a hit on it cites.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Citation {
    /// The body that met, for meeting material.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub body_id: Option<i64>,
    /// The body's name.
    pub body: Option<String>,
    /// The meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub meeting_id: Option<i64>,
    /// The meeting's date; the year filter uses it.
    pub meeting_date: Option<NaiveDate>,
    /// The agenda item.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub item_id: Option<i64>,
    /// The item's number on the agenda.
    pub item_number: Option<u32>,
    /// The item's title (searchable, boosted).
    pub item_title: Option<String>,
    /// The item's kind.
    pub item_kind: Option<ItemKind>,
    /// The case number as printed, e.g. "EMN-2023-001234" (searchable).
    pub case_number: Option<String>,
    /// The attachment.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub attachment_id: Option<i64>,
    /// The attachment's title (searchable, boosted a little).
    pub attachment_title: Option<String>,
    /// The page, 1-based.
    pub page: Option<u32>,
    /// The collection name, for plain document collections (no meeting).
    pub collection: Option<String>,
    /// Open or closed material.
    pub access: Access,
    /// The page's text was read by OCR from a scan, and may hold errors.
    /// Set by the api from the store, not indexed.
    #[serde(default)]
    pub ocr: bool,
}

/// One document to index.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndexDoc {
    /// Unique key, e.g. `"item:12"`, `"page:12:34:5"` (item 12, attachment 34,
    /// page 5) or `"doc:7:5"`. Also breaks score ties, so results are stable.
    pub key: String,
    /// Unit of deletion, e.g. `"item:12"` or `"doc:7"`: all documents of an owner
    /// are replaced together.
    pub owner: String,
    /// Item or page.
    pub kind: DocKind,
    /// What a hit on this document cites.
    #[serde(flatten)]
    pub cite: Citation,
    /// The page text, or for item documents the case text.
    pub text: String,
}

/// What kind of material a document is: the kind filter and facet.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// An ordinary agenda item with a case: its text and its attachments.
    Case,
    /// Written briefings (orienteringer).
    Briefing,
    /// Fixed items (godkendelse af dagsorden, meddelelser, eventuelt).
    Fixed,
    /// A page of a document collection (handbook, archive), not meeting material.
    Document,
}

impl MaterialKind {
    /// Every kind, in the order facets list them.
    pub const ALL: [MaterialKind; 4] = [
        MaterialKind::Case,
        MaterialKind::Briefing,
        MaterialKind::Fixed,
        MaterialKind::Document,
    ];

    /// The kind of an index document.
    pub fn of(d: &IndexDoc) -> Self {
        match (d.cite.collection.is_some(), d.cite.item_kind) {
            (true, _) => MaterialKind::Document,
            (false, Some(ItemKind::Briefing)) => MaterialKind::Briefing,
            (false, Some(ItemKind::Fixed)) => MaterialKind::Fixed,
            (false, _) => MaterialKind::Case,
        }
    }

    /// The number the index stores.
    pub fn code(self) -> u64 {
        match self {
            MaterialKind::Case => 0,
            MaterialKind::Briefing => 1,
            MaterialKind::Fixed => 2,
            MaterialKind::Document => 3,
        }
    }

    /// The kind of a stored number.
    pub fn from_code(code: u64) -> Option<Self> {
        MaterialKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The stable English name (JSON, command line).
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialKind::Case => "case",
            MaterialKind::Briefing => "briefing",
            MaterialKind::Fixed => "fixed",
            MaterialKind::Document => "document",
        }
    }

    /// The Danish name shown to members.
    pub fn label(self) -> &'static str {
        match self {
            MaterialKind::Case => "Sag",
            MaterialKind::Briefing => "Orientering",
            MaterialKind::Fixed => "Fast punkt",
            MaterialKind::Document => "Dokument",
        }
    }

    /// Parses the English or Danish name, any case.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        MaterialKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label().to_lowercase() == s)
            .or(match s.as_str() {
                "sager" | "beslutningssag" => Some(MaterialKind::Case),
                "orienteringer" => Some(MaterialKind::Briefing),
                "fast" | "faste punkter" => Some(MaterialKind::Fixed),
                "dokumenter" | "samling" => Some(MaterialKind::Document),
                _ => None,
            })
    }
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (ties: newest, then a stable order).
    #[default]
    Relevance,
    /// Newest meeting first (ties: best match).
    Newest,
    /// Oldest meeting first (ties: best match).
    Oldest,
}

impl SortOrder {
    /// Parses the English or Danish word, any case (relevance, relevans;
    /// newest, nyeste; oldest, ældste, aeldste).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "relevance" | "relevans" => Some(SortOrder::Relevance),
            "newest" | "nyeste" => Some(SortOrder::Newest),
            "oldest" | "ældste" | "aeldste" => Some(SortOrder::Oldest),
            _ => None,
        }
    }
}

/// A search request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// What the user typed. Words must all match (AND); `"…"` searches a phrase,
    /// `OR` and `-word` work as in tantivy's query syntax. Colons are read as spaces
    /// (no field syntax). When no document has every word, words nobody wrote are
    /// matched by similar spellings, and then any word is enough.
    pub text: String,
    /// Only these bodies; empty means all.
    pub body_ids: Vec<i64>,
    /// Only meetings of this year (documents without a meeting date are left out).
    pub year: Option<i32>,
    /// Only meetings on or after this day.
    pub from: Option<NaiveDate>,
    /// Only meetings on or before this day.
    pub to: Option<NaiveDate>,
    /// Only open or only closed material; `None` means both (as far as
    /// `include_closed` allows).
    pub access: Option<Access>,
    /// Include closed material: false by default. `api::Session` always
    /// sets it from its scope, overwriting whatever a caller put here, and
    /// serde never reads it, so a request can never widen what it sees.
    #[serde(skip)]
    pub include_closed: bool,
    /// Only these kinds; empty means all.
    pub kinds: Vec<MaterialKind>,
    /// Only material of this case (exact case number, any case).
    pub case_number: Option<String>,
    /// Only the pages of this attachment (search inside one document).
    #[serde(default)]
    pub attachment: Option<i64>,
    /// The order of hits (and of groups).
    pub sort: SortOrder,
    /// Group hits by attachment: fills [`SearchResults::groups`] with up to
    /// `limit` groups, instead of [`SearchResults::hits`].
    pub group: bool,
    /// Most hits (or groups) to return (capped at [`MAX_LIMIT`]).
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            body_ids: Vec::new(),
            year: None,
            from: None,
            to: None,
            access: None,
            include_closed: false,
            kinds: Vec::new(),
            case_number: None,
            attachment: None,
            sort: SortOrder::Relevance,
            group: false,
            limit: 20,
        }
    }
}

impl SearchQuery {
    /// A query for `text` with the defaults.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

/// The result of a search.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many documents (pages and items) matched in all.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub total: usize,
    /// How many groups (attachments, item texts, documents) matched in all.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub total_groups: usize,
    /// The best hits, best first; empty when grouping.
    pub hits: Vec<Hit>,
    /// The best groups, best first; only when grouping.
    pub groups: Vec<HitGroup>,
    /// Counts of all matches by body, year and kind.
    pub facets: Facets,
    /// No document had every word, so these hits have some of them (the
    /// query was relaxed from AND to OR).
    #[serde(default)]
    pub relaxed: bool,
    /// Few documents had every word, so documents with all but one of them
    /// follow those (a question of three words or more).
    #[serde(default)]
    pub widened: bool,
    /// Some words were found nowhere, so these hits are for this text instead,
    /// where each such word is replaced by an indexed word one letter off (the
    /// typo fallback). The words are as indexed (stemmed).
    #[serde(default)]
    pub corrected: Option<String>,
    /// The query is a case number ("EMN-2024-001773", "2024-1773",
    /// "001773") of a case the caller may see: offered before the hits.
    #[serde(default)]
    pub case: Option<CaseMatch>,
}

/// A case a search names by its number.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseMatch {
    /// The case number as stored.
    pub case_number: String,
    /// The title of its newest treatment.
    pub title: String,
    /// How many treatments it has.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub treatments: usize,
    /// The day of its newest treatment.
    pub last_date: Option<chrono::NaiveDate>,
}

/// The hits of one attachment of one item (or of an item's own text, or of one
/// collection document), best page first.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitGroup {
    /// The best hits of the group (at most [`PAGES_PER_GROUP`], or up to 30
    /// between them when only one or two groups match), best first;
    /// the first carries the group's citation, score and snippet (the others
    /// have empty snippets: each snippet re-analyzes a whole page).
    pub hits: Vec<Hit>,
    /// How many documents of the group matched in all.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub matched: usize,
}

/// Most hits shown inside one group when more than two groups match.
pub const PAGES_PER_GROUP: usize = 3;

/// Counts of matching documents per facet value, largest first (ties by value).
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facets {
    /// Per body (id and name).
    pub bodies: Vec<BodyCount>,
    /// Per meeting year.
    pub years: Vec<YearCount>,
    /// Per kind of material.
    pub kinds: Vec<KindCount>,
}

/// Matches in one body.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyCount {
    /// The body.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub body_id: i64,
    /// Its name (filled in by the caller that knows the names; empty otherwise).
    pub body: String,
    /// Matching documents.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub count: usize,
}

/// Matches in one year.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCount {
    /// The meeting year.
    pub year: i32,
    /// Matching documents.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub count: usize,
}

/// Matches of one kind.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// The kind.
    pub kind: MaterialKind,
    /// Its Danish name.
    pub label: String,
    /// Matching documents.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub count: usize,
}

/// One hit: the stored fields of the document, its score and a snippet.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Relevance (BM25); only comparable within one search.
    pub score: f32,
    /// Item or page.
    pub kind: DocKind,
    /// See [`IndexDoc::key`].
    pub key: String,
    /// See [`IndexDoc::owner`].
    pub owner: String,
    /// What the hit cites.
    #[serde(flatten)]
    pub cite: Citation,
    /// About 200 characters of plain text around the matched words, whitespace
    /// collapsed, "…" where text was cut.
    pub snippet: String,
    /// The same snippet, HTML-escaped, matched words in `<b>…</b>`.
    pub snippet_html: String,
}

/// One tantivy index and its reader.
#[derive(Clone)]
struct Part {
    index: Index,
    reader: IndexReader,
}

impl Part {
    /// Opens the index in `dir` (creating it when `exists` is false) with
    /// `schema`; an index with another schema is stale.
    fn open(dir: &Path, exists: bool, schema: &Schema) -> Result<Self> {
        let mmap = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        Self::open_in(mmap, exists, schema)
    }

    /// [`Part::open`] on any tantivy directory (the vault's sealed one).
    fn open_in(directory: impl tantivy::Directory, exists: bool, schema: &Schema) -> Result<Self> {
        let index = if exists {
            let index = Index::open(directory)?;
            if index.schema() != *schema {
                return Err(stale_index());
            }
            index
        } else {
            Index::create(directory, schema.clone(), IndexSettings::default())?
        };
        index.tokenizers().register(DANISH, danish_analyzer());
        index
            .tokenizers()
            .register(DANISH_INDEX, danish_index_analyzer());
        // Commits of this process are seen at once (the writer reloads);
        // those of another process (a `moedemappe import` beside a running
        // server) within about a second, by tantivy's watch of the index.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Part { index, reader })
    }

    fn writer(&self) -> Result<tantivy::IndexWriter> {
        self.index
            .writer_with_num_threads(WRITER_THREADS, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => Error::Invalid(
                    "søgeindekset er i brug: Mødemappe skriver allerede i det (måske i et \
                     andet vindue); vent til det er færdigt, og prøv igen"
                        .into(),
                ),
                e => Error::Index(e),
            })
    }
}

/// Whether `dir` holds a tantivy index (creating the folder when needed).
fn index_exists(dir: &Path) -> Result<bool> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mmap = MmapDirectory::open(dir).map_err(TantivyError::from)?;
    Ok(Index::exists(&mmap).map_err(TantivyError::from)?)
}

/// The search index in one directory: the index of every document and the
/// index of the open documents only (see the module documentation).
#[derive(Clone)]
pub struct SearchIndex {
    /// Every document: searches that include closed material.
    all: Part,
    /// Open documents only: searches without closed material.
    open: Part,
    schema: Schema,
    fields: Fields,
    /// Tokenizers of the query parser: the text fields' [`DANISH_INDEX`] name
    /// maps to the query analyzer here.
    query_tokenizers: TokenizerManager,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn stale_index() -> Error {
    Error::StaleIndex
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if
    /// needed. An index written by another version of the program (or with only
    /// one of its two parts) is refused with [`Error::StaleIndex`].
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        Self::open_or_create_keyed(dir, None)
    }

    /// [`SearchIndex::open_or_create`]; with `key` (a vault's), the index of
    /// every document is sealed file by file ([`SealedDirectory`]), so no
    /// closed word of it reaches the disk in plain form.
    pub fn open_or_create_keyed(dir: &Path, key: Option<&crate::vault::Key>) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let version_path = dir.join(VERSION_FILE);
        match std::fs::read_to_string(&version_path) {
            Ok(v) if v.trim() == SCHEMA_VERSION => {}
            Ok(_) => return Err(stale_index()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Anything in the folder without a version file is foreign.
                let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
                if entries.next().is_some() {
                    return Err(stale_index());
                }
                // Written before the indexes themselves: a crash in between
                // leaves a version file and no index, which the next open
                // simply fills.
                std::fs::write(&version_path, format!("{SCHEMA_VERSION}\n"))
                    .map_err(|e| Error::io(&version_path, e))?;
            }
            Err(e) => return Err(Error::io(&version_path, e)),
        }
        let (all_dir, open_dir) = (dir.join(ALL_DIR), dir.join(OPEN_DIR));
        let (all_exists, open_exists) = (index_exists(&all_dir)?, index_exists(&open_dir)?);
        // One without the other (a crash while creating them, a folder deleted
        // by hand) cannot be trusted to hold the same documents.
        if all_exists != open_exists {
            return Err(stale_index());
        }
        let (schema, fields) = schema::build();
        let all = match key {
            None => Part::open(&all_dir, all_exists, &schema)?,
            Some(key) => {
                // A plain index of every document has no place in a vault.
                if all_exists && holds_plain_index(&all_dir)? {
                    return Err(stale_index());
                }
                let sealed = SealedDirectory::open(&all_dir, key.bytes())?;
                let part = Part::open_in(sealed, all_exists, &schema)?;
                let mark = all_dir.join(SEALED_MARK);
                if !all_exists {
                    std::fs::write(&mark, b"").map_err(|e| Error::io(&mark, e))?;
                }
                part
            }
        };
        let open = Part::open(&open_dir, open_exists, &schema)?;
        let query_tokenizers = TokenizerManager::new();
        query_tokenizers.register(DANISH, danish_query_analyzer());
        query_tokenizers.register(DANISH_INDEX, danish_query_analyzer());
        Ok(SearchIndex {
            all,
            open,
            schema,
            fields,
            query_tokenizers,
        })
    }

    /// Opens the index of open documents alone, for a locked vault: every
    /// search runs on it, whatever it asks for (the session is open-scoped
    /// anyway), and nothing is written.
    pub fn open_locked(dir: &Path) -> Result<Self> {
        match std::fs::read_to_string(dir.join(VERSION_FILE)) {
            Ok(v) if v.trim() == SCHEMA_VERSION => {}
            _ => return Err(stale_index()),
        }
        let open_dir = dir.join(OPEN_DIR);
        if !index_exists(&open_dir)? {
            return Err(stale_index());
        }
        let (schema, fields) = schema::build();
        let open = Part::open(&open_dir, true, &schema)?;
        let query_tokenizers = TokenizerManager::new();
        query_tokenizers.register(DANISH, danish_query_analyzer());
        query_tokenizers.register(DANISH_INDEX, danish_query_analyzer());
        Ok(SearchIndex {
            all: open.clone(),
            open,
            schema,
            fields,
            query_tokenizers,
        })
    }

    /// Opens the writer (two tantivy writers of two threads and about 64 MB of
    /// memory each). Only one writer can be open at a time, across all
    /// processes; a second one fails with a plain-words [`Error::Invalid`].
    pub fn writer(&self) -> Result<IndexWriter> {
        let all = self.all.writer()?;
        let open = self.open.writer()?;
        Ok(IndexWriter {
            all,
            open,
            readers: [self.all.reader.clone(), self.open.reader.clone()],
            fields: self.fields,
            vanished: BTreeSet::new(),
        })
    }

    /// The index a search with (`include_closed`) or without closed material
    /// runs on.
    fn part(&self, include_closed: bool) -> &Part {
        if include_closed {
            &self.all
        } else {
            &self.open
        }
    }

    /// A searcher of the index for the scope (as of the last reload).
    fn searcher(&self, include_closed: bool) -> Searcher {
        self.part(include_closed).reader.searcher()
    }

    /// Searches; see [`SearchQuery`]. An empty query is an [`Error::Invalid`];
    /// syntax the parser does not understand is skipped, never an error.
    /// Without closed material (`include_closed` false) the search runs on the
    /// open documents' own index: ranking, spelling correction and facets are
    /// exactly those of an index that never held closed material.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        search::run(self, q, search::WithSnippets::Yes)
    }

    /// [`SearchIndex::search`] without snippets (every hit's are empty), for
    /// callers that read the pages themselves: building a snippet re-analyzes
    /// the whole page.
    pub(crate) fn search_pages(&self, q: &SearchQuery) -> Result<SearchResults> {
        search::run(self, q, search::WithSnippets::No)
    }

    /// Material like the case `case_number` (its titles and case text), from
    /// other cases, with `filters` applied (its `text` is ignored). An unknown
    /// case is an [`Error::NotFound`]. Without closed material it runs on the
    /// open documents' index, like [`SearchIndex::search`].
    pub fn more_like_case(
        &self,
        case_number: &str,
        filters: &SearchQuery,
    ) -> Result<SearchResults> {
        search::more_like_case(self, case_number, filters)
    }

    /// Number of documents in the index, closed ones included (as of the last
    /// reload).
    #[cfg(test)]
    pub fn doc_count(&self) -> Result<u64> {
        self.doc_count_in(true)
    }

    /// Reloads the readers, to see commits made by another process.
    #[cfg(test)]
    pub fn reload(&self) -> Result<()> {
        self.all.reader.reload()?;
        self.open.reader.reload()?;
        Ok(())
    }

    /// Number of documents a search with (`include_closed`) or without closed
    /// material sees (as of the last reload).
    pub fn doc_count_in(&self, include_closed: bool) -> Result<u64> {
        Ok(self.searcher(include_closed).num_docs())
    }
}

/// Adds and deletes documents, in both indexes. Nothing is visible to searches
/// until [`IndexWriter::commit`]; dropping the writer without committing
/// discards the changes.
pub struct IndexWriter {
    /// Writer of the index of every document.
    all: tantivy::IndexWriter,
    /// Writer of the index of open documents.
    open: tantivy::IndexWriter,
    /// The readers of both, reloaded after a commit.
    readers: [IndexReader; 2],
    fields: Fields,
    /// Owners deleted since the last commit and given no open document back
    /// (material that turned closed, or went away).
    vanished: BTreeSet<String>,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter").finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Adds one document (to the open documents' index too when it is open).
    /// Keys must be unique: to replace documents, delete their owner first.
    pub fn add(&mut self, doc: &IndexDoc) -> Result<()> {
        if doc.key.trim().is_empty() || doc.owner.trim().is_empty() {
            return Err(Error::Invalid(
                "et dokument til søgeindekset mangler nøgle eller ejer".into(),
            ));
        }
        if doc.kind == DocKind::Page && doc.cite.page == Some(0) {
            return Err(Error::Invalid(format!(
                "{}: sidetal starter ved 1",
                doc.key
            )));
        }
        let tdoc = self.fields.doc_of(doc);
        if doc.cite.access == Access::Open {
            self.open.add_document(tdoc.clone())?;
            self.vanished.remove(&doc.owner);
        }
        self.all.add_document(tdoc)?;
        Ok(())
    }

    /// Deletes every document of `owner` from both indexes (takes effect at
    /// commit, and only for documents added before this call). An owner whose
    /// material turned closed is so removed from the open documents' index.
    pub fn delete_owner(&mut self, owner: &str) {
        let term = Term::from_field_text(self.fields.owner, owner);
        self.all.delete_term(term.clone());
        self.open.delete_term(term);
        self.vanished.insert(owner.to_string());
    }

    /// Deletes every document, committed or added earlier through this writer
    /// (takes effect at commit; documents added afterwards are kept).
    pub fn delete_all(&mut self) -> Result<()> {
        // `delete_all_documents` only drops committed segments; documents still
        // in the indexing workers would survive it, so roll those back first.
        for w in [&mut self.all, &mut self.open] {
            w.rollback()?;
            w.delete_all_documents()?;
        }
        // Whole segments go: nothing of them is left to purge.
        self.vanished.clear();
        Ok(())
    }

    /// Commits both indexes and makes the changes visible to this process's
    /// searches. A crash between the two commits leaves them apart until the
    /// owners are written again: the store empties its index queue only after
    /// this returns, so the next run rebuilds the same owners in both.
    ///
    /// tantivy keeps counting a deleted document in its term statistics until
    /// its segment is merged. When an owner that had open documents comes back
    /// with none (it turned closed), the open index's segments with deletions
    /// are merged here, so its text stops shaping open searches (scores and
    /// spelling corrections) at once.
    pub fn commit(&mut self) -> Result<()> {
        let before = self.readers[1].searcher();
        let mut purge = false;
        for owner in &self.vanished {
            let term = Term::from_field_text(self.fields.owner, owner);
            if before.doc_freq(&term)? > 0 {
                purge = true;
                break;
            }
        }
        self.all.commit()?;
        self.open.commit()?;
        self.vanished.clear();
        if purge {
            purge_deletions(&mut self.open)?;
        }
        for reader in &self.readers {
            reader.reload()?;
        }
        Ok(())
    }

    /// Merges the committed segments with deleted documents of both
    /// indexes, so the term statistics (and scores) are those of a fresh
    /// build again: after OCR rewrote the documents of owners it had just
    /// indexed.
    pub fn purge_deletions(&mut self) -> Result<()> {
        purge_deletions(&mut self.all)?;
        purge_deletions(&mut self.open)?;
        for reader in &self.readers {
            reader.reload()?;
        }
        Ok(())
    }
}

/// Merges the committed segments of `writer`'s index that have deleted
/// documents, which drops those documents from the term statistics. A segment
/// that a background merge holds is waited for and looked at again (that merge
/// may have started before the deletions, and then keeps them).
fn purge_deletions(writer: &mut tantivy::IndexWriter) -> Result<()> {
    for _ in 0..PURGE_TRIES {
        let with_deletes: Vec<_> = writer
            .index()
            .searchable_segment_metas()?
            .into_iter()
            .filter(|m| m.has_deletes())
            .map(|m| m.id())
            .collect();
        if with_deletes.is_empty() {
            return Ok(());
        }
        match writer.merge(&with_deletes).wait() {
            Ok(_) => return Ok(()),
            Err(TantivyError::InvalidArgument(_)) => std::thread::sleep(PURGE_WAIT),
            Err(e) => return Err(e.into()),
        }
    }
    // Left to tantivy's own merges; `reindex` starts afresh.
    Ok(())
}

/// Seals the plain index of every document in `dir` (the first move into a
/// vault): each file is copied sealed into `all.sealing/`, which then takes
/// the place of `all/`, and the plain one is removed. A kill at any point is
/// finished by the next call.
pub(crate) fn seal_all_part(dir: &Path, key: &crate::vault::Key) -> Result<()> {
    use tantivy::Directory;
    let all = dir.join(ALL_DIR);
    let sealing = dir.join(format!("{ALL_DIR}.sealing"));
    let plain_old = dir.join(format!("{ALL_DIR}.plain"));
    let remove_dir = |d: &Path| match std::fs::remove_dir_all(d) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(d, e)),
    };
    let rename = |from: &Path, to: &Path| std::fs::rename(from, to).map_err(|e| Error::io(to, e));
    if !all.exists() && sealing.exists() && plain_old.exists() {
        // Killed between the two renames: the sealed copy was whole.
        rename(&sealing, &all)?;
    }
    if all.exists() && !holds_plain_index(&all)? {
        remove_dir(&sealing)?;
        return remove_dir(&plain_old);
    }
    if all.exists() {
        remove_dir(&sealing)?;
        std::fs::create_dir_all(&sealing).map_err(|e| Error::io(&sealing, e))?;
        let sealed = SealedDirectory::open(&sealing, key.bytes())?;
        for entry in std::fs::read_dir(&all).map_err(|e| Error::io(&all, e))? {
            let entry = entry.map_err(|e| Error::io(&all, e))?;
            let name = entry.file_name();
            if !entry
                .file_type()
                .map_err(|e| Error::io(entry.path(), e))?
                .is_file()
                || name.to_string_lossy().ends_with(".lock")
            {
                continue;
            }
            let bytes = zeroize::Zeroizing::new(
                std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?,
            );
            sealed
                .atomic_write(Path::new(&name), &bytes)
                .map_err(|e| Error::io(sealing.join(&name), e))?;
        }
        drop(sealed);
        let mark = sealing.join(SEALED_MARK);
        std::fs::write(&mark, b"").map_err(|e| Error::io(&mark, e))?;
        std::fs::File::open(&sealing)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(&sealing, e))?;
        rename(&all, &plain_old)?;
        rename(&sealing, &all)?;
    }
    remove_dir(&plain_old)
}

/// The file that marks a sealed index folder (written last while sealing).
const SEALED_MARK: &str = "sealed-by-vault";

/// Whether the index folder `dir` is in plain form (not marked sealed).
fn holds_plain_index(dir: &Path) -> Result<bool> {
    Ok(!dir.join(SEALED_MARK).is_file())
}
