//! The three engines the test set is run against, all over the same
//! documents: our Danish analyzer through [`SearchIndex::search`], tantivy's
//! default tokenizer as the baseline, and SQLite FTS5 (unicode61, bm25).

use std::path::Path;

use rusqlite::Connection;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, Value, STORED, STRING, TEXT};
use tantivy::{Index, IndexReader, TantivyDocument};

use crate::index::{IndexDoc, SearchIndex, SearchQuery};
use crate::{Error, Result};

/// Boosts as in the product's search: item title, attachment title.
const ITEM_TITLE_BOOST: f32 = 2.0;
const ATTACHMENT_TITLE_BOOST: f32 = 1.5;

/// A search engine under evaluation: returns document keys, best first.
pub trait Engine {
    /// Short name for reports.
    fn name(&self) -> &'static str;
    /// The best `limit` document keys for what the user typed.
    fn search(&self, text: &str, limit: usize) -> Result<Vec<String>>;
    /// What is timed for the latency figures: by default the same search.
    fn timed(&self, text: &str, limit: usize) -> Result<()> {
        self.search(text, limit).map(|_| ())
    }
}

/// Groups on the results page a member sees first.
pub const RESULTS_PAGE: usize = 10;

/// Ours: the product's index and search, snippets included.
pub struct Ours(pub SearchIndex);

impl Ours {
    /// Indexes `docs` in a new index in `dir`.
    pub fn build(dir: &Path, docs: &[IndexDoc]) -> Result<Self> {
        let idx = SearchIndex::open_or_create(dir)?;
        let mut w = idx.writer()?;
        for d in docs {
            w.add(d)?;
        }
        w.commit()?;
        Ok(Ours(idx))
    }
}

impl Engine for Ours {
    fn name(&self) -> &'static str {
        "danish (ours)"
    }

    fn search(&self, text: &str, limit: usize) -> Result<Vec<String>> {
        let q = SearchQuery {
            limit,
            ..SearchQuery::new(text)
        };
        Ok(self
            .0
            .search_pages(&q)?
            .hits
            .into_iter()
            .map(|h| h.key)
            .collect())
    }

    /// The product's first results page: [`RESULTS_PAGE`] groups with up to
    /// three pages each, their snippets, and the facet counts.
    fn timed(&self, text: &str, _limit: usize) -> Result<()> {
        let q = SearchQuery {
            limit: RESULTS_PAGE,
            group: true,
            ..SearchQuery::new(text)
        };
        self.0.search(&q).map(|_| ())
    }
}

/// Baseline: the same searchable fields with tantivy's `default` tokenizer
/// (split on non-alphanumerics, drop long tokens, lowercase; no stemming, no
/// å folding), same boosts, all words required.
pub struct Baseline {
    index: Index,
    reader: IndexReader,
    key: Field,
    fields: [Field; 4],
}

impl Baseline {
    /// Indexes `docs` in memory.
    pub fn build(docs: &[IndexDoc]) -> Result<Self> {
        let mut b = Schema::builder();
        let key = b.add_text_field("key", STRING | STORED);
        let fields = [
            b.add_text_field("item_title", TEXT),
            b.add_text_field("attachment_title", TEXT),
            b.add_text_field("case_number", TEXT),
            b.add_text_field("text", TEXT),
        ];
        let index = Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer_with_num_threads(2, 100_000_000)?;
        for d in docs {
            let mut doc = TantivyDocument::new();
            doc.add_text(key, &d.key);
            let c = &d.cite;
            for (f, v) in fields.iter().zip([
                c.item_title.as_deref(),
                c.attachment_title.as_deref(),
                c.case_number.as_deref(),
                Some(d.text.as_str()),
            ]) {
                if let Some(v) = v {
                    doc.add_text(*f, v);
                }
            }
            w.add_document(doc)?;
        }
        w.commit()?;
        let reader = index.reader()?;
        Ok(Baseline {
            index,
            reader,
            key,
            fields,
        })
    }
}

impl Engine for Baseline {
    fn name(&self) -> &'static str {
        "tantivy default"
    }

    fn search(&self, text: &str, limit: usize) -> Result<Vec<String>> {
        let mut parser = QueryParser::for_index(&self.index, self.fields.to_vec());
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.fields[0], ITEM_TITLE_BOOST);
        parser.set_field_boost(self.fields[1], ATTACHMENT_TITLE_BOOST);
        let (query, _) = parser.parse_query_lenient(&text.replace(':', " "));
        let searcher = self.reader.searcher();
        let top: Vec<(f32, tantivy::DocAddress)> =
            searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter()
            .map(|(_, addr)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                Ok(doc
                    .get_first(self.key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string())
            })
            .collect()
    }
}

/// SQLite FTS5 with the unicode61 tokenizer (diacritics kept) and bm25
/// ranking with the same column weights.
pub struct Fts5(Connection);

impl Fts5 {
    /// Indexes `docs` in an in-memory database.
    pub fn build(docs: &[IndexDoc]) -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, item_title, attachment_title,
                 case_number, text, tokenize = 'unicode61 remove_diacritics 0');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut ins = tx.prepare("INSERT INTO docs VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for d in docs {
                let c = &d.cite;
                ins.execute((
                    &d.key,
                    c.item_title.as_deref().unwrap_or(""),
                    c.attachment_title.as_deref().unwrap_or(""),
                    c.case_number.as_deref().unwrap_or(""),
                    &d.text,
                ))?;
            }
        }
        tx.commit()?;
        Ok(Fts5(conn))
    }
}

/// The FTS5 query for what the user typed: every run of letters and digits
/// becomes a quoted term (so no character can be read as FTS5 syntax), all
/// terms required.
pub fn fts5_query(text: &str) -> String {
    fts5_terms(text).join(" ")
}

/// Every run of letters and digits of `text`, quoted as an FTS5 term.
pub fn fts5_terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{t}\""))
        .collect()
}

impl Engine for Fts5 {
    fn name(&self) -> &'static str {
        "sqlite fts5"
    }

    fn search(&self, text: &str, limit: usize) -> Result<Vec<String>> {
        let q = fts5_query(text);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.0.prepare_cached(
            "SELECT key FROM docs WHERE docs MATCH ?1
              ORDER BY bm25(docs, 0.0, 2.0, 1.5, 1.0, 1.0), key LIMIT ?2",
        )?;
        let rows = stmt.query_map((q, limit as i64), |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>().map_err(Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts5_query_quotes_every_term() {
        assert_eq!(fts5_query("§ 17, stk. 4"), "\"17\" \"stk\" \"4\"");
        assert_eq!(fts5_query("EMN-2023-000123"), "\"EMN\" \"2023\" \"000123\"");
        assert_eq!(fts5_query("a\"b OR -c*"), "\"a\" \"b\" \"OR\" \"c\"");
        assert_eq!(fts5_query(" ,. "), "");
    }
}
