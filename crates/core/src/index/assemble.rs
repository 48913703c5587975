//! The index documents of an owner, assembled from what the store holds
//! ([`IndexSource`]): one document for an item's own text and one per page
//! of its bilag, or one per page of a collection document.

use super::{Citation, DocKind, IndexDoc};
use crate::model::Access;
use crate::store::IndexSource;

/// The documents of `source`, under the owner key it was read for.
pub fn documents(source: IndexSource) -> Vec<IndexDoc> {
    match source {
        IndexSource::Gone => Vec::new(),
        IndexSource::Item(item) => {
            let owner = format!("item:{}", item.id);
            let base = IndexDoc {
                key: owner.clone(),
                owner,
                kind: DocKind::Item,
                cite: Citation {
                    body_id: Some(item.body_id),
                    body: Some(item.body),
                    meeting_id: Some(item.meeting_id),
                    meeting_date: Some(item.date),
                    item_id: Some(item.id),
                    item_number: Some(item.number),
                    item_title: Some(item.title),
                    item_kind: item.kind,
                    case_number: item.case_number,
                    access: access(item.closed),
                    ..Citation::default()
                },
                text: item.text,
            };
            let mut docs = Vec::with_capacity(item.pages.len() + 1);
            for p in item.pages {
                docs.push(IndexDoc {
                    key: format!("page:{}:{}:{}", item.id, p.attachment_id, p.page),
                    kind: DocKind::Page,
                    cite: Citation {
                        attachment_id: Some(p.attachment_id),
                        attachment_title: Some(p.attachment_title),
                        page: Some(p.page),
                        // The stricter of the bilag's own access and the item's.
                        access: access(item.closed || p.closed),
                        ..base.cite.clone()
                    },
                    text: p.text,
                    ..base.clone()
                });
            }
            docs.insert(0, base);
            docs
        }
        IndexSource::Document(d) => d
            .pages
            .into_iter()
            .map(|p| IndexDoc {
                key: format!("doc:{}:{}", d.id, p.page),
                owner: format!("doc:{}", d.id),
                kind: DocKind::Page,
                cite: Citation {
                    attachment_id: Some(p.attachment_id),
                    attachment_title: Some(d.title.clone()),
                    page: Some(p.page),
                    collection: Some(d.collection.clone()),
                    access: Access::Open,
                    ..Citation::default()
                },
                text: p.text,
            })
            .collect(),
    }
}

fn access(closed: bool) -> Access {
    if closed {
        Access::Closed
    } else {
        Access::Open
    }
}
