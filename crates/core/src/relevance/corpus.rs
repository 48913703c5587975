//! The evaluation corpus: the demo plan's page texts turned into the same
//! [`IndexDoc`]s the store would give the index after an import, with no PDF
//! written or read.

use std::collections::HashMap;

use crate::demo::{self, DemoOptions, HANDBOOK_FOLDER};
use crate::index::{Citation, DocKind, IndexDoc};
use crate::model::Access;

/// The documents to index and, per document key, the unit it counts as.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Every index document: one per item, one per attachment page per item,
    /// one per handbook page.
    pub docs: Vec<IndexDoc>,
    /// Document key → unit ("page:<attachment>:<page>" or "item:<id>"): a page
    /// used by several items is one unit.
    pub unit_of: HashMap<String, String>,
}

/// The unit a document counts as in the metrics.
pub fn unit_key(d: &IndexDoc) -> String {
    match (d.kind, d.cite.attachment_id, d.cite.page) {
        (DocKind::Page, Some(a), Some(p)) => format!("page:{a}:{p}"),
        _ => format!("item:{}", d.cite.item_id.unwrap_or_default()),
    }
}

/// Builds the corpus of the demo plan for `opts`. Ids are assigned in plan
/// order: bodies, meetings and items count from 1, attachment `i` of
/// [`demo::DemoPlan::docs`] has id `i + 1`, handbook documents follow.
pub fn build(opts: &DemoOptions) -> Corpus {
    let plan = demo::plan(opts);
    let texts = demo::page_texts(&plan);
    let mut docs = Vec::new();
    let (mut meeting_id, mut item_id) = (0i64, 0i64);
    for (bi, b) in plan.bodies.iter().enumerate() {
        for m in &b.meetings {
            meeting_id += 1;
            for it in &m.items {
                item_id += 1;
                let owner = format!("item:{item_id}");
                let cite = Citation {
                    body_id: Some(bi as i64 + 1),
                    body: Some(b.name.clone()),
                    meeting_id: Some(meeting_id),
                    meeting_date: Some(m.date),
                    item_id: Some(item_id),
                    item_number: Some(it.number),
                    item_title: Some(it.title.clone()),
                    item_kind: Some(it.kind),
                    case_number: it.case_number.clone(),
                    access: it.access,
                    ..Citation::default()
                };
                let mut text = it.case_text.clone();
                if !it.subjects.is_empty() {
                    text.push('\n');
                    text.push_str(&it.subjects.join("\n"));
                }
                docs.push(IndexDoc {
                    key: owner.clone(),
                    owner: owner.clone(),
                    kind: DocKind::Item,
                    cite: cite.clone(),
                    text,
                });
                for a in &it.attachments {
                    let attachment_id = a.doc as i64 + 1;
                    for (pi, text) in texts.docs[a.doc].iter().enumerate() {
                        let page = pi as u32 + 1;
                        docs.push(IndexDoc {
                            key: format!("page:{item_id}:{attachment_id}:{page}"),
                            owner: owner.clone(),
                            kind: DocKind::Page,
                            cite: Citation {
                                attachment_id: Some(attachment_id),
                                attachment_title: Some(a.title.clone()),
                                page: Some(page),
                                access: if a.closed {
                                    crate::model::Access::Closed
                                } else {
                                    it.access
                                },
                                ..cite.clone()
                            },
                            text: text.clone(),
                        });
                    }
                }
            }
        }
    }
    for (hi, h) in plan.handbook.iter().enumerate() {
        let doc_id = hi + 1;
        let attachment_id = (plan.docs.len() + hi + 1) as i64;
        for (pi, text) in texts.handbook[hi].iter().enumerate() {
            let page = pi as u32 + 1;
            docs.push(IndexDoc {
                key: format!("doc:{doc_id}:{page}"),
                owner: format!("doc:{doc_id}"),
                kind: DocKind::Page,
                cite: Citation {
                    attachment_id: Some(attachment_id),
                    attachment_title: Some(h.title.clone()),
                    page: Some(page),
                    collection: Some(HANDBOOK_FOLDER.to_string()),
                    access: Access::Open,
                    ..Citation::default()
                },
                text: text.clone(),
            });
        }
    }
    let unit_of = docs.iter().map(|d| (d.key.clone(), unit_key(d))).collect();
    Corpus { docs, unit_of }
}
