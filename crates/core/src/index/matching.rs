//! Every document a query matches among given candidates, unranked and
//! without a limit: how a saved search finds what a sync brought that it had
//! not seen (`api::alerts`).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::DocSetCollector;
use tantivy::index::SegmentId;
use tantivy::query::{
    AllQuery, BitSetDocSet, BooleanQuery, ConstScorer, EnableScoring, Explanation, Occur, Query,
    Scorer, TermQuery, TermSetQuery, Weight,
};
use tantivy::schema::IndexRecordOption;

use tantivy::{BitSet, DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument, Term};

use super::query::{parse, with_filters};
use super::{Citation, DocKind, SearchIndex, SearchQuery};
use crate::model::{AttachmentId, ItemId};
use crate::Result;

/// What may hold a new match: items new to the store (their own document),
/// and contents whose text is new (their pages, wherever they are used).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// A matcher on the open documents' index, or (`include_closed`) on the
    /// index of everything, as of now.
    pub(crate) fn matcher(&self, include_closed: bool) -> Matcher<'_> {
        Matcher {
            idx: self,
            searcher: self.searcher(include_closed),
            loaded: HashMap::new(),
            among: None,
        }
    }
}

/// Runs saved searches on one searcher, loading each matched document once
/// however many searches match it.
pub(crate) struct Matcher<'i> {
    idx: &'i SearchIndex,
    searcher: Searcher,
    loaded: HashMap<DocAddress, Match>,
    /// The candidates' documents, found once for the candidates last asked
    /// about (the term lookups are most of a saved search's cost).
    among: Option<(Candidates, FixedDocs)>,
}

impl Matcher<'_> {
    /// The documents among `among` that `q` matches with every word (never
    /// loosened the way a search is when nothing matches), with its filters
    /// (`q.include_closed` is the matcher's). Blank text matches everything
    /// the filters let through.
    pub(crate) fn matches_among(
        &mut self,
        q: &SearchQuery,
        among: &Candidates,
    ) -> Result<Vec<Match>> {
        if among.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.idx.fields;
        let text = q.text.trim();
        let user: Box<dyn Query> = if text.is_empty() {
            Box::new(AllQuery)
        } else {
            parse(self.idx, &self.searcher, text, true)
        };
        let candidates = self.candidate_docs(among)?;
        let query = BooleanQuery::new(vec![
            (Occur::Must, with_filters(f, user, q)),
            (Occur::Must, Box::new(candidates)),
        ]);
        let found = self.searcher.search(&query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(found.len());
        for addr in found {
            if let Some(m) = self.loaded.get(&addr) {
                out.push(m.clone());
                continue;
            }
            let doc: TantivyDocument = self.searcher.doc(addr)?;
            let hit = f.hit_of(&doc, 0.0);
            let m = Match {
                kind: hit.kind,
                cite: hit.cite,
            };
            self.loaded.insert(addr, m.clone());
            out.push(m);
        }
        Ok(out)
    }
}

impl Matcher<'_> {
    /// The documents of `among` (item documents of its items, pages of its
    /// contents), as a query; found once and reused while `among` is the same.
    fn candidate_docs(&mut self, among: &Candidates) -> Result<FixedDocs> {
        if let Some((same, docs)) = &self.among {
            if same == among {
                return Ok(docs.clone());
            }
        }
        let f = &self.idx.fields;
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
        let query = BooleanQuery::new(vec![
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
        let found = self.searcher.search(&query, &DocSetCollector)?;
        let mut per_segment: HashMap<SegmentId, Vec<DocId>> = HashMap::new();
        let readers = self.searcher.segment_readers();
        for addr in found {
            let segment = readers[addr.segment_ord as usize].segment_id();
            per_segment.entry(segment).or_default().push(addr.doc_id);
        }
        let docs = FixedDocs(Arc::new(per_segment));
        self.among = Some((among.clone(), docs.clone()));
        Ok(docs)
    }
}

/// A query matching a fixed set of documents, per segment.
#[derive(Debug, Clone)]
struct FixedDocs(Arc<HashMap<SegmentId, Vec<DocId>>>);

impl Query for FixedDocs {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for FixedDocs {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut set = BitSet::with_max_value(reader.max_doc());
        for doc in self.0.get(&reader.segment_id()).into_iter().flatten() {
            set.insert(*doc);
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let here = self
            .0
            .get(&reader.segment_id())
            .is_some_and(|d| d.contains(&doc));
        if here {
            Ok(Explanation::new("ny siden sidst", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(
                "dokumentet er ikke nyt".into(),
            ))
        }
    }
}
