//! One pass over the matches of a query: the best candidates in the requested
//! order, facet counts, and how many matches each group has. Everything is read
//! from fast fields; no stored document is loaded here.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

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

/// Hasher for keys that are already hashes (the group field): no re-hashing.
#[derive(Default)]
pub(super) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Counts per value: values in `0..SMALL` (body ids, kind codes) or, after an
/// offset, years, in an array; anything else in a map. Counting is the inner
/// loop of every search.
#[derive(Debug, Clone)]
pub(super) struct Counts {
    offset: i64,
    small: Vec<usize>,
    other: HashMap<i64, usize>,
}

/// Size of the array part of [`Counts`].
const SMALL: usize = 512;

impl Counts {
    fn new(offset: i64) -> Self {
        Counts {
            offset,
            small: vec![0; SMALL],
            other: HashMap::new(),
        }
    }

    fn add(&mut self, value: i64, n: usize) {
        match usize::try_from(value.wrapping_sub(self.offset)) {
            Ok(i) if i < SMALL => self.small[i] += n,
            _ => *self.other.entry(value).or_default() += n,
        }
    }

    fn absorb(&mut self, other: &Counts) {
        for (v, n) in other.iter() {
            self.add(v, n);
        }
    }

    /// Every value counted at least once, with its count.
    pub fn iter(&self) -> impl Iterator<Item = (i64, usize)> + '_ {
        let offset = self.offset;
        self.small
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(move |(i, n)| (i as i64 + offset, *n))
            .chain(self.other.iter().map(|(v, n)| (*v, *n)))
    }
}

/// Years are counted from this one in the array part.
const FIRST_YEAR: i64 = 1900;

/// What a pass over the matches found.
#[derive(Debug)]
pub(super) struct Gathered {
    /// Number of matches.
    pub total: usize,
    /// The best matches, best first (at most `keep`).
    pub candidates: Vec<Candidate>,
    /// Matches per body id.
    pub bodies: Counts,
    /// Matches per meeting year.
    pub years: Counts,
    /// Matches per [`MaterialKind`] code.
    pub kinds: Counts,
    /// Matches per group hash (when counted).
    pub groups: HashMap<u64, usize, BuildHasherDefault<AlreadyHashed>>,
}

impl Default for Gathered {
    fn default() -> Self {
        Gathered {
            total: 0,
            candidates: Vec::new(),
            bodies: Counts::new(0),
            years: Counts::new(FIRST_YEAR),
            kinds: Counts::new(0),
            groups: HashMap::default(),
        }
    }
}

impl Gathered {
    /// Adds another segment's findings; candidates are re-sorted by the caller.
    fn absorb(&mut self, other: Gathered) {
        self.total += other.total;
        self.candidates.extend(other.candidates);
        self.bodies.absorb(&other.bodies);
        self.years.absorb(&other.years);
        self.kinds.absorb(&other.kinds);
        for (k, v) in other.groups {
            *self.groups.entry(k).or_default() += v;
        }
    }

    /// Kinds with their counts, in [`MaterialKind::ALL`] order.
    pub fn kind_counts(&self) -> Vec<(MaterialKind, usize)> {
        let mut kinds: Vec<(MaterialKind, usize)> = self
            .kinds
            .iter()
            .filter_map(|(code, n)| Some((MaterialKind::from_code(u64::try_from(code).ok()?)?, n)))
            .collect();
        kinds.sort();
        kinds
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
            found.bodies.add(b, 1);
        }
        if let Some(y) = self.year.first(doc) {
            found.years.add(y, 1);
        }
        if let Some(m) = self.material.first(doc) {
            found.kinds.add(i64::try_from(m).unwrap_or(i64::MAX), 1);
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
