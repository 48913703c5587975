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
    /// How many candidates to keep; when grouping, how many groups.
    pub keep: usize,
    /// Their order.
    pub sort: SortOrder,
    /// `Some`: results are grouped; count matches per group, and keep the
    /// best matches of each of the best `keep` groups.
    pub per_group: Option<PerGroup>,
}

/// How many matches of a group are kept: `few` while no more than
/// `few_groups` groups match, else `many`.
#[derive(Debug, Clone, Copy)]
pub(super) struct PerGroup {
    pub few_groups: usize,
    pub few: usize,
    pub many: usize,
}

impl PerGroup {
    fn keep(&self, groups: usize) -> usize {
        if groups <= self.few_groups {
            self.few
        } else {
            self.many
        }
    }
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
    /// The best matches, best first: at most `keep`, or when grouping, at
    /// most `per_group` of each of the best `keep` groups.
    pub candidates: Vec<Candidate>,
    /// Matches per body id.
    pub bodies: Counts,
    /// Matches per meeting year.
    pub years: Counts,
    /// Matches per [`MaterialKind`] code.
    pub kinds: Counts,
    /// Matches per group hash (when grouping).
    pub groups: HashMap<u64, usize, BuildHasherDefault<AlreadyHashed>>,
    /// When grouping: the best matches of each group, worst on top (at most
    /// `per_group`).
    best_of_group: HashMap<u64, BinaryHeap<Reverse<Candidate>>, BuildHasherDefault<AlreadyHashed>>,
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
            best_of_group: HashMap::default(),
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
        for (k, best) in other.best_of_group {
            self.best_of_group.entry(k).or_default().extend(best);
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
    per_group: Option<PerGroup>,
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
            per_group: self.per_group,
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
        if let Some(per_group) = self.per_group {
            // The best `keep` groups by their best match, each with its best
            // matches.
            let keep = per_group.keep(all.groups.len());
            let mut groups: Vec<(Candidate, BinaryHeap<Reverse<Candidate>>)> =
                std::mem::take(&mut all.best_of_group)
                    .into_values()
                    .filter_map(|heap| Some((heap.iter().min()?.0.clone(), heap)))
                    .collect();
            if groups.len() > self.keep {
                groups.select_nth_unstable_by(self.keep, |a, b| b.0.cmp(&a.0));
                groups.truncate(self.keep);
            }
            all.candidates = groups
                .into_iter()
                .flat_map(|(_, heap)| {
                    let mut best = heap.into_sorted_vec();
                    best.truncate(keep);
                    best.into_iter().map(|r| r.0)
                })
                .collect();
        }
        all.candidates.sort_by(|a, b| b.cmp(a));
        if self.per_group.is_none() {
            all.candidates.truncate(self.keep);
        }
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
        if self.per_group.is_some() {
            *found.groups.entry(group).or_default() += 1;
        }
        if self.keep == 0 {
            return;
        }
        let (heap, keep) = match self.per_group {
            Some(per_group) => {
                let groups = found.groups.len();
                let keep = per_group.keep(groups);
                if groups == per_group.few_groups + 1 && per_group.few > keep {
                    // Past the few groups: only `many` of each are shown.
                    for heap in found.best_of_group.values_mut() {
                        while heap.len() > keep {
                            heap.pop();
                        }
                    }
                }
                (found.best_of_group.entry(group).or_default(), keep)
            }
            None => (&mut self.heap, self.keep),
        };
        let full = heap.len() >= keep;
        let s = f64::from(score);
        // By relevance, a match scoring below the worst kept one cannot
        // enter: its other sort values need not be read.
        if full && self.sort == SortOrder::Relevance && heap.peek().is_some_and(|w| s < w.0.rank.0)
        {
            return;
        }
        let day = self.day.first(doc);
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
        if !full {
            heap.push(Reverse(cand));
        } else if let Some(mut worst) = heap.peek_mut() {
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
