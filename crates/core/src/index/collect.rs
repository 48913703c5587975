//! One pass over the matches of a query: the best candidates in the requested
//! order, facet counts, and how many matches each group has. Everything is read
//! from fast fields; no stored document is loaded here.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::{MaterialKind, SortOrder};

/// The collector: keeps the best `keep` matches in `sort` order, and counts.
pub(super) struct Gather {
    /// How many candidates to keep.
    pub keep: usize,
    /// Their order.
    pub sort: SortOrder,
    /// Count matches per group (only needed when results are grouped).
    pub count_groups: bool,
}

/// A match, with what ordering and grouping need.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub addr: DocAddress,
    pub score: Score,
    pub group: u64,
    /// Primary and secondary sort values (greater is better), then the page
    /// (an item's own text, then page 1, 2, …), then the key hash (smaller is
    /// better).
    rank: (f64, f64, u64, u64),
}

impl Candidate {
    fn cmp_rank(&self, other: &Self) -> Ordering {
        self.rank
            .0
            .total_cmp(&other.rank.0)
            .then(self.rank.1.total_cmp(&other.rank.1))
            .then(other.rank.2.cmp(&self.rank.2))
            .then(other.rank.3.cmp(&self.rank.3))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_rank(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// Greater is better.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_rank(other)
    }
}

/// What a pass over the matches found.
#[derive(Debug, Default)]
pub(super) struct Gathered {
    /// Number of matches.
    pub total: usize,
    /// The best matches, best first (at most `keep`).
    pub candidates: Vec<Candidate>,
    /// Matches per body id.
    pub bodies: HashMap<i64, usize>,
    /// Matches per meeting year.
    pub years: HashMap<i64, usize>,
    /// Matches per [`MaterialKind`] code.
    pub kinds: HashMap<u64, usize>,
    /// Matches per group hash (when counted).
    pub groups: HashMap<u64, usize>,
}

impl Gathered {
    /// Adds another segment's findings; candidates are re-sorted by the caller.
    fn absorb(&mut self, other: Gathered) {
        self.total += other.total;
        self.candidates.extend(other.candidates);
        for (k, v) in other.bodies {
            *self.bodies.entry(k).or_default() += v;
        }
        for (k, v) in other.years {
            *self.years.entry(k).or_default() += v;
        }
        for (k, v) in other.kinds {
            *self.kinds.entry(k).or_default() += v;
        }
        for (k, v) in other.groups {
            *self.groups.entry(k).or_default() += v;
        }
    }

    /// Kinds with their counts, in [`MaterialKind::ALL`] order.
    pub fn kind_counts(&self) -> Vec<(MaterialKind, usize)> {
        MaterialKind::ALL
            .into_iter()
            .filter_map(|k| self.kinds.get(&k.code()).map(|n| (k, *n)))
            .collect()
    }
}

/// The per-segment side of [`Gather`].
pub(super) struct GatherSegment {
    segment: SegmentOrdinal,
    keep: usize,
    sort: SortOrder,
    count_groups: bool,
    body: Column<i64>,
    year: Column<i64>,
    day: Column<i64>,
    material: Column<u64>,
    order: Column<u64>,
    group: Column<u64>,
    page: Column<u64>,
    /// The kept candidates, worst on top.
    heap: BinaryHeap<Reverse<Candidate>>,
    found: Gathered,
}

impl Collector for Gather {
    type Fruit = Gathered;
    type Child = GatherSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GatherSegment> {
        let ff = reader.fast_fields();
        Ok(GatherSegment {
            segment,
            keep: self.keep,
            sort: self.sort,
            count_groups: self.count_groups,
            body: ff.i64("body_id")?,
            year: ff.i64("year")?,
            day: ff.i64("day")?,
            material: ff.u64("material")?,
            order: ff.u64("order")?,
            group: ff.u64("group")?,
            page: ff.u64("page")?,
            heap: BinaryHeap::with_capacity(self.keep + 1),
            found: Gathered::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Gathered>) -> tantivy::Result<Gathered> {
        let mut all = Gathered::default();
        for f in fruits {
            all.absorb(f);
        }
        all.candidates.sort_by(|a, b| b.cmp(a));
        all.candidates.truncate(self.keep);
        Ok(all)
    }
}

impl SegmentCollector for GatherSegment {
    type Fruit = Gathered;

    fn collect(&mut self, doc: DocId, score: Score) {
        let found = &mut self.found;
        found.total += 1;
        if let Some(b) = self.body.first(doc) {
            *found.bodies.entry(b).or_default() += 1;
        }
        if let Some(y) = self.year.first(doc) {
            *found.years.entry(y).or_default() += 1;
        }
        if let Some(m) = self.material.first(doc) {
            *found.kinds.entry(m).or_default() += 1;
        }
        let group = self.group.first(doc).unwrap_or(0);
        if self.count_groups {
            *found.groups.entry(group).or_default() += 1;
        }
        if self.keep == 0 {
            return;
        }
        let day = self.day.first(doc);
        let s = f64::from(score);
        let rank = match (self.sort, day) {
            (SortOrder::Relevance, d) => (s, d.map_or(f64::MIN, |d| d as f64)),
            (SortOrder::Newest, Some(d)) => (d as f64, s),
            (SortOrder::Oldest, Some(d)) => (-(d as f64), s),
            (_, None) => (f64::MIN, s),
        };
        let cand = Candidate {
            addr: DocAddress::new(self.segment, doc),
            score,
            group,
            rank: (
                rank.0,
                rank.1,
                self.page.first(doc).unwrap_or(0),
                self.order.first(doc).unwrap_or(u64::MAX),
            ),
        };
        if self.heap.len() < self.keep {
            self.heap.push(Reverse(cand));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if cand > worst.0 {
                *worst = Reverse(cand);
            }
        }
    }

    fn harvest(mut self) -> Gathered {
        self.found.candidates = self.heap.into_iter().map(|r| r.0).collect();
        self.found
    }
}
