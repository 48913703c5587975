//! Placeholder of the index interface (replaced by the real module on merge).
#![allow(missing_docs, dead_code)]
use crate::model::{Access, ItemKind};
use chrono::NaiveDate;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DocKind {
    Item,
    Page,
}

#[derive(Debug, Clone)]
pub struct IndexDoc {
    pub key: String,
    pub owner: String,
    pub kind: DocKind,
    pub body_id: Option<i64>,
    pub body: Option<String>,
    pub meeting_id: Option<i64>,
    pub meeting_date: Option<NaiveDate>,
    pub item_id: Option<i64>,
    pub item_number: Option<u32>,
    pub item_title: Option<String>,
    pub item_kind: Option<ItemKind>,
    pub case_number: Option<String>,
    pub attachment_id: Option<i64>,
    pub attachment_title: Option<String>,
    pub page: Option<u32>,
    pub collection: Option<String>,
    pub access: Access,
    pub text: String,
}
pub struct SearchIndex;
pub struct IndexWriter;
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub body_ids: Vec<i64>,
    pub year: Option<i32>,
    pub include_closed: bool,
    pub limit: usize,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub score: f32,
    pub kind: DocKind,
    pub key: String,
    pub body: Option<String>,
    pub meeting_date: Option<NaiveDate>,
    pub item_number: Option<u32>,
    pub item_title: Option<String>,
    pub case_number: Option<String>,
    pub attachment_title: Option<String>,
    pub page: Option<u32>,
    pub collection: Option<String>,
    pub snippet: String,
    pub snippet_html: String,
}
impl SearchIndex {
    pub fn open_or_create(_dir: &Path) -> crate::Result<Self> {
        Ok(SearchIndex)
    }
    pub fn writer(&self) -> crate::Result<IndexWriter> {
        Ok(IndexWriter)
    }
    pub fn search(&self, _q: &SearchQuery) -> crate::Result<SearchResults> {
        Ok(SearchResults {
            total: 0,
            hits: vec![],
        })
    }
    pub fn doc_count(&self) -> crate::Result<u64> {
        Ok(0)
    }
}
impl IndexWriter {
    pub fn add(&mut self, _doc: &IndexDoc) -> crate::Result<()> {
        Ok(())
    }
    pub fn delete_owner(&mut self, _owner: &str) {}
    pub fn delete_all(&mut self) -> crate::Result<()> {
        Ok(())
    }
    pub fn commit(&mut self) -> crate::Result<()> {
        Ok(())
    }
}
