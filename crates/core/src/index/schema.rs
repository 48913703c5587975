//! The tantivy schema of the search index and the conversion between
//! [`IndexDoc`] / [`Hit`] and tantivy documents.

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use super::analyzer::DANISH_INDEX;
use super::{Citation, DocKind, Hit, IndexDoc, MaterialKind};
use crate::model::{Access, ItemKind};

/// Bump whenever the schema, the analyzer or the layout (the `all/` and `open/`
/// folders) changes: an index written with
/// another version must be rebuilt (`moedemappe reindex`).
pub(super) const SCHEMA_VERSION: &str = "moedemappe-index-6";

/// Handles of every field of the schema.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fields {
    pub key: Field,
    pub owner: Field,
    pub kind: Field,
    pub body_id: Field,
    pub body: Field,
    pub meeting_id: Field,
    pub meeting_date: Field,
    pub year: Field,
    pub item_id: Field,
    pub item_number: Field,
    pub item_title: Field,
    pub item_kind: Field,
    pub case_number: Field,
    pub attachment_id: Field,
    pub attachment_title: Field,
    pub page: Field,
    pub collection: Field,
    pub access: Field,
    pub text: Field,
    /// Days since 1970-01-01 of the meeting (filter and sort).
    pub day: Field,
    /// [`MaterialKind`] code (filter and facet).
    pub material: Field,
    /// The case number in upper case (exact filter).
    pub case_exact: Field,
    /// Hash of the key: breaks score ties the same way in every index.
    pub order: Field,
    /// Hash of the group key (the attachment of an item, an item's own text,
    /// or a collection document): results are grouped by it.
    pub group: Field,
}

/// Builds the schema and its field handles.
pub(super) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let danish = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(DANISH_INDEX)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let stored_i64 = NumericOptions::default().set_stored();
    let filter_i64 = NumericOptions::default()
        .set_indexed()
        .set_stored()
        .set_fast();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        owner: b.add_text_field("owner", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        body_id: b.add_i64_field("body_id", filter_i64.clone()),
        body: b.add_text_field("body", STORED),
        meeting_id: b.add_i64_field("meeting_id", stored_i64.clone()),
        meeting_date: b.add_text_field("meeting_date", STORED),
        year: b.add_i64_field("year", INDEXED | FAST),
        item_id: b.add_i64_field("item_id", stored_i64.clone()),
        item_number: b.add_u64_field("item_number", stored_i64.clone()),
        item_title: b.add_text_field("item_title", danish.clone()),
        item_kind: b.add_text_field("item_kind", STORED),
        case_number: b.add_text_field("case_number", danish.clone()),
        attachment_id: b.add_i64_field("attachment_id", stored_i64.clone().set_indexed()),
        attachment_title: b.add_text_field("attachment_title", danish.clone()),
        page: b.add_u64_field("page", stored_i64.set_fast()),
        collection: b.add_text_field("collection", STORED),
        access: b.add_text_field("access", STRING | STORED),
        text: b.add_text_field("text", danish),
        day: b.add_i64_field("day", INDEXED | FAST),
        material: b.add_u64_field("material", INDEXED | FAST),
        case_exact: b.add_text_field("case_exact", STRING),
        order: b.add_u64_field("order", FAST),
        group: b.add_u64_field("group", FAST),
    };
    (b.build(), fields)
}

/// The stored name of a [`DocKind`].
pub(super) fn kind_str(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Item => "item",
        DocKind::Page => "page",
    }
}

/// The days since 1970-01-01 of `date`, as the `day` field holds them.
pub(super) fn day_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// The case number as the exact `case_exact` field holds it.
pub(super) fn case_exact(case_number: &str) -> String {
    case_number.trim().to_uppercase()
}

/// A stable 64-bit hash of `s` (the first 8 bytes of its SHA-256).
pub(super) fn hash64(s: &str) -> u64 {
    let digest = Sha256::digest(s.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// What results group a document under: each attachment of an item is one
/// group, an item's own text is one, each collection document is one.
pub(super) fn group_key(d: &IndexDoc) -> String {
    match (d.kind, d.cite.item_id, d.cite.attachment_id) {
        (DocKind::Page, Some(item), Some(att)) => format!("item:{item}:att:{att}"),
        (DocKind::Page, _, _) => d.owner.clone(),
        (DocKind::Item, _, _) => d.key.clone(),
    }
}

/// The stored name of an [`Access`].
pub(super) fn access_str(access: Access) -> &'static str {
    match access {
        Access::Open => "open",
        Access::Closed => "closed",
    }
}

impl Fields {
    /// The tantivy document for `d`.
    pub fn doc_of(&self, d: &IndexDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_text(self.key, &d.key);
        doc.add_text(self.owner, &d.owner);
        doc.add_text(self.kind, kind_str(d.kind));
        doc.add_text(self.access, access_str(d.cite.access));
        let text = |doc: &mut TantivyDocument, f: Field, v: &Option<String>| {
            if let Some(v) = v {
                doc.add_text(f, v);
            }
        };
        let int = |doc: &mut TantivyDocument, f: Field, v: Option<i64>| {
            if let Some(v) = v {
                doc.add_i64(f, v);
            }
        };
        let nat = |doc: &mut TantivyDocument, f: Field, v: Option<u32>| {
            if let Some(v) = v {
                doc.add_u64(f, u64::from(v));
            }
        };
        int(&mut doc, self.body_id, d.cite.body_id);
        text(&mut doc, self.body, &d.cite.body);
        int(&mut doc, self.meeting_id, d.cite.meeting_id);
        if let Some(date) = d.cite.meeting_date {
            doc.add_text(self.meeting_date, date.format("%Y-%m-%d").to_string());
            doc.add_i64(self.year, i64::from(date.year()));
        }
        int(&mut doc, self.item_id, d.cite.item_id);
        nat(&mut doc, self.item_number, d.cite.item_number);
        text(&mut doc, self.item_title, &d.cite.item_title);
        if let Some(k) = d.cite.item_kind {
            doc.add_text(self.item_kind, k.as_str());
        }
        text(&mut doc, self.case_number, &d.cite.case_number);
        int(&mut doc, self.attachment_id, d.cite.attachment_id);
        text(&mut doc, self.attachment_title, &d.cite.attachment_title);
        nat(&mut doc, self.page, d.cite.page);
        text(&mut doc, self.collection, &d.cite.collection);
        doc.add_text(self.text, &d.text);
        if let Some(date) = d.cite.meeting_date {
            doc.add_i64(self.day, day_of(date));
        }
        doc.add_u64(self.material, MaterialKind::of(d).code());
        if let Some(case) = &d.cite.case_number {
            doc.add_text(self.case_exact, case_exact(case));
        }
        doc.add_u64(self.order, hash64(&d.key));
        doc.add_u64(self.group, hash64(&group_key(d)));
        doc
    }

    /// A stored text value.
    pub fn str(&self, doc: &TantivyDocument, f: Field) -> Option<String> {
        doc.get_first(f).and_then(|v| v.as_str()).map(str::to_owned)
    }

    fn i64(&self, doc: &TantivyDocument, f: Field) -> Option<i64> {
        doc.get_first(f).and_then(|v| v.as_i64())
    }

    fn u32(&self, doc: &TantivyDocument, f: Field) -> Option<u32> {
        doc.get_first(f)
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok())
    }

    /// The hit for a stored document; snippets are left empty.
    pub fn hit_of(&self, doc: &TantivyDocument, score: f32) -> Hit {
        let kind = match self.str(doc, self.kind).as_deref() {
            Some("item") => DocKind::Item,
            _ => DocKind::Page,
        };
        let access = match self.str(doc, self.access).as_deref() {
            Some("open") => Access::Open,
            // Anything unexpected is treated as closed: never leak by accident.
            _ => Access::Closed,
        };
        Hit {
            score,
            kind,
            key: self.str(doc, self.key).unwrap_or_default(),
            owner: self.str(doc, self.owner).unwrap_or_default(),
            cite: Citation {
                body_id: self.i64(doc, self.body_id),
                body: self.str(doc, self.body),
                meeting_id: self.i64(doc, self.meeting_id),
                meeting_date: self
                    .str(doc, self.meeting_date)
                    .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
                item_id: self.i64(doc, self.item_id),
                item_number: self.u32(doc, self.item_number),
                item_title: self.str(doc, self.item_title),
                item_kind: self
                    .str(doc, self.item_kind)
                    .and_then(|s| ItemKind::parse(&s)),
                case_number: self.str(doc, self.case_number),
                attachment_id: self.i64(doc, self.attachment_id),
                attachment_title: self.str(doc, self.attachment_title),
                page: self.u32(doc, self.page),
                collection: self.str(doc, self.collection),
                access,
                // Not indexed: the api marks pages read by OCR from the store.
                ocr: false,
            },
            snippet: String::new(),
            snippet_html: String::new(),
        }
    }
}
