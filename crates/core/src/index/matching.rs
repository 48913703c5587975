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

use tantivy::{
    BitSet, DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TantivyDocument, Term,
    TERMINATED,
};

use super::query::{parse, with_filters};
use super::{Citation, DocKind, SearchIndex, SearchQuery};
use crate::model::{Access, AttachmentId, ItemId};
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

/// What a saved search matches among the candidates, in each index part.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartMatches {
    /// In the index of everything (the member's and the closed scope's).
    pub all: Vec<Match>,
    /// In the open documents' index (the open scope's).
    pub open: Vec<Match>,
}

impl SearchIndex {
    /// A matcher on both index parts, as of now.
    pub(crate) fn matcher(&self) -> Matcher<'_> {
        Matcher {
            idx: self,
            all: PartMatcher::new(self.searcher(true)),
            open: PartMatcher::new(self.searcher(false)),
        }
    }
}

/// Runs saved searches on both index parts, loading each matched document
/// once however many searches match it.
pub(crate) struct Matcher<'i> {
    idx: &'i SearchIndex,
    all: PartMatcher,
    open: PartMatcher,
}

impl Matcher<'_> {
    /// The documents among `among` that each part's query matches with every
    /// word (never loosened the way a search is when nothing matches), with
    /// its filters. `None` is a query whose filters let nothing through in
    /// that part (a body its scope does not know). Blank text matches
    /// everything the filters let through.
    ///
    /// The words are read the same way in both parts unless the parts'
    /// statistics tell them apart (a compound written apart is looked for
    /// only where it is rare); then, with the same filters, the open part's
    /// matches are the open documents among the other part's (the same
    /// documents, so the same matches), and only otherwise is it run itself.
    pub(crate) fn matches_among(
        &mut self,
        all: Option<&SearchQuery>,
        open: Option<&SearchQuery>,
        among: &Candidates,
    ) -> Result<PartMatches> {
        if among.is_empty() {
            return Ok(PartMatches::default());
        }
        let idx = self.idx;
        let all_user = all.map(|q| self.all.user_query(idx, q));
        let open_user = open.map(|q| self.open.user_query(idx, q));
        let same = match (all, &all_user, open, &open_user) {
            (Some(a), Some(au), Some(o), Some(ou)) => {
                same_filters(a, o) && format!("{au:?}") == format!("{ou:?}")
            }
            _ => false,
        };
        let found_all = match (all, all_user) {
            (Some(q), Some(user)) => self.all.run(idx, q, user, among)?,
            _ => Vec::new(),
        };
        let found_open = if same {
            found_all
                .iter()
                .filter(|m| m.cite.access == Access::Open)
                .cloned()
                .collect()
        } else {
            match (open, open_user) {
                (Some(q), Some(user)) => self.open.run(idx, q, user, among)?,
                _ => Vec::new(),
            }
        };
        Ok(PartMatches {
            all: found_all,
            open: found_open,
        })
    }
}

/// Whether two parts' queries filter alike (`include_closed` aside, which
/// only keeps closed documents out).
fn same_filters(a: &SearchQuery, b: &SearchQuery) -> bool {
    let bodies = |q: &SearchQuery| {
        let mut ids = q.body_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    SearchQuery {
        include_closed: b.include_closed,
        body_ids: bodies(a),
        ..a.clone()
    } == SearchQuery {
        body_ids: bodies(b),
        ..b.clone()
    }
}

/// One index part's searcher, with what it has found and loaded.
struct PartMatcher {
    searcher: Searcher,
    loaded: HashMap<DocAddress, Match>,
    /// The candidates' documents, found once for the candidates last asked
    /// about (the term lookups are most of a saved search's cost).
    among: Option<(Candidates, FixedDocs)>,
}

impl PartMatcher {
    fn new(searcher: Searcher) -> Self {
        Self {
            searcher,
            loaded: HashMap::new(),
            among: None,
        }
    }

    /// The words of `q` as a query on this part (every word required).
    fn user_query(&self, idx: &SearchIndex, q: &SearchQuery) -> Box<dyn Query> {
        let text = q.text.trim();
        if text.is_empty() {
            Box::new(AllQuery)
        } else {
            parse(idx, &self.searcher, text, true)
        }
    }

    /// The documents among `among` that `user` with the filters of `q` matches.
    fn run(
        &mut self,
        idx: &SearchIndex,
        q: &SearchQuery,
        user: Box<dyn Query>,
        among: &Candidates,
    ) -> Result<Vec<Match>> {
        let f = &idx.fields;
        let candidates = self.candidate_docs(idx, among)?;
        let query = BooleanQuery::new(vec![
            (Occur::Must, with_filters(f, user, q)),
            (Occur::Must, Box::new(candidates.clone())),
        ]);
        // Only the segments holding a candidate are searched: a segment's
        // term lookups are most of the cost, and new documents sit in few.
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        let mut found = Vec::new();
        for (ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            if !candidates.holds_any_in(reader.segment_id()) {
                continue;
            }
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if !reader.is_deleted(doc) {
                    found.push(DocAddress::new(ord as u32, doc));
                }
                doc = scorer.advance();
            }
        }
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

impl PartMatcher {
    /// The documents of `among` (item documents of its items, pages of its
    /// contents), as a query; found once and reused while `among` is the same.
    fn candidate_docs(&mut self, idx: &SearchIndex, among: &Candidates) -> Result<FixedDocs> {
        if let Some((same, docs)) = &self.among {
            if same == among {
                return Ok(docs.clone());
            }
        }
        let f = &idx.fields;
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

impl FixedDocs {
    /// Whether a document of segment `id` is in the set.
    fn holds_any_in(&self, id: SegmentId) -> bool {
        self.0.get(&id).is_some_and(|d| !d.is_empty())
    }
}

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

#[cfg(test)]
mod tests {
    use super::super::tests::{build, item, k, BR};
    use super::super::IndexDoc;
    use super::*;

    fn ids(matches: &[Match]) -> Vec<i64> {
        let mut ids: Vec<i64> = matches.iter().filter_map(|m| m.cite.item_id).collect();
        ids.sort_unstable();
        ids
    }

    /// A compound is looked for written apart only where it is rare, so the
    /// open part, where it is, can match what the other part does not.
    #[test]
    fn each_part_reads_the_words_with_its_own_statistics() {
        let dir = tempfile::tempdir().unwrap();
        let mut docs: Vec<IndexDoc> = (1..=220)
            .map(|i| {
                let text = "Byrådsudvidelse drøftes igen.";
                item(i, BR, i, None, 1, "Lukket punkt", Access::Closed, text)
            })
            .collect();
        let apart = "Udvidelse af byrådet drøftes ved havnen.";
        docs.push(item(
            1000,
            BR,
            1000,
            None,
            1,
            "Åbent punkt",
            Access::Open,
            apart,
        ));
        let whole = "Byrådsudvidelse ved havnen.";
        docs.push(item(
            1001,
            BR,
            1001,
            None,
            2,
            "Åbent punkt",
            Access::Open,
            whole,
        ));
        let idx = build(dir.path(), &docs);
        let among = Candidates {
            items: [5, 1000, 1001].map(ItemId).to_vec(),
            attachments: Vec::new(),
        };
        let mut matcher = idx.matcher();
        let run = |m: &mut Matcher<'_>, text: &str| {
            let all = k(text);
            let open = SearchQuery {
                include_closed: false,
                ..k(text)
            };
            m.matches_among(Some(&all), Some(&open), &among).unwrap()
        };
        let found = run(&mut matcher, "byrådsudvidelse");
        assert_eq!(ids(&found.all), [5, 1001]);
        assert_eq!(ids(&found.open), [1000, 1001]);
        // Words both parts read alike: the open part's are the open ones.
        let found = run(&mut matcher, "havnen");
        assert_eq!(ids(&found.all), [1000, 1001]);
        assert_eq!(ids(&found.open), [1000, 1001]);
        let found = run(&mut matcher, "drøftes");
        assert_eq!(ids(&found.all), [5, 1000]);
        assert_eq!(ids(&found.open), [1000]);
        // A part whose filters let nothing through finds nothing there.
        let found = matcher
            .matches_among(Some(&k("drøftes")), None, &among)
            .unwrap();
        assert_eq!(ids(&found.all), [5, 1000]);
        assert!(found.open.is_empty());
    }
}
