//! Every document a query matches among given candidates, unranked and
//! without a limit: how a saved search finds what a sync brought that it had
//! not seen (`api::alerts`).

use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::query::{parse, with_filters};
use super::{Citation, DocKind, SearchIndex, SearchQuery};
use crate::model::{AttachmentId, ItemId};
use crate::Result;

/// What may hold a new match: items new to the store (their own document),
/// and contents whose text is new (their pages, wherever they are used).
#[derive(Debug, Clone, Default)]
pub(crate) struct Candidates {
    /// New items.
    pub items: Vec<ItemId>,
    /// Contents with new text.
    pub attachments: Vec<AttachmentId>,
}

impl Candidates {
    /// Nothing to look at.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.attachments.is_empty()
    }
}

/// A document a saved search matches.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    /// An item's own document, or a page.
    pub kind: DocKind,
    /// What it cites (item, meeting, attachment, page).
    pub cite: Citation,
}

impl SearchIndex {
    /// The documents among `among` that `q` matches with every word (never
    /// loosened the way a search is when nothing matches), with its filters.
    /// Runs on the open documents' index unless `q.include_closed`, like
    /// [`SearchIndex::search`]. Blank text matches everything the filters
    /// let through.
    pub(crate) fn matches_among(&self, q: &SearchQuery, among: &Candidates) -> Result<Vec<Match>> {
        if among.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let searcher = self.searcher(q.include_closed);
        let text = q.text.trim();
        let user: Box<dyn Query> = if text.is_empty() {
            Box::new(AllQuery)
        } else {
            parse(self, &searcher, text, true)
        };
        let kind = |k: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, k),
                IndexRecordOption::Basic,
            ))
        };
        let items = TermSetQuery::new(
            among
                .items
                .iter()
                .map(|i| Term::from_field_text(f.owner, &format!("item:{}", i.0))),
        );
        let pages = TermSetQuery::new(
            among
                .attachments
                .iter()
                .map(|a| Term::from_field_i64(f.attachment_id, a.0)),
        );
        let candidates = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, kind("item")),
                    (Occur::Must, Box::new(items)),
                ])),
            ),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, kind("page")),
                    (Occur::Must, Box::new(pages)),
                ])),
            ),
        ]);
        let query = BooleanQuery::new(vec![
            (Occur::Must, with_filters(f, user, q)),
            (Occur::Must, Box::new(candidates)),
        ]);
        let found = searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(found.len());
        for addr in found {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let hit = f.hit_of(&doc, 0.0);
            out.push(Match {
                kind: hit.kind,
                cite: hit.cite,
            });
        }
        Ok(out)
    }
}
