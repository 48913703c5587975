//! Running a [`SearchQuery`]: gathering candidates, stable ordering, groups
//! and facets; the query itself comes from `query`, the snippets from
//! `snippet`.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::document::OwnedValue;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::{Token, TokenStream};
use tantivy::{Searcher, TantivyDocument, Term};

use super::analyzer::danish_query_analyzer;
use super::collect::{Candidate, Gather, Gathered, PerGroup};
use super::query::{corrected, parse, with_filters};
use super::schema::{access_str, case_exact, kind_str};
use super::snippet::{snippet_generator, Snippets};
use super::{
    BodyCount, DocKind, Facets, Hit, HitGroup, KindCount, SearchIndex, SearchQuery, SearchResults,
    YearCount, MAX_LIMIT, PAGES_PER_GROUP,
};
use crate::model::Access;
use crate::{Error, Result};

/// Fewer pages than this hold every word of a query of two words or more:
/// pages holding all but one of them are found too, ranked after those
/// holding all (a natural question seldom has every word on the page, and
/// two words often name one thing a page says in other words).
const COVERAGE_BELOW: usize = 10;
/// Fewest words a query needs for coverage ranking.
const MIN_COVERAGE_WORDS: usize = 2;
/// How much more a page holding every word weighs than one holding all but one.
const ALL_WORDS_BOOST: f32 = 3.0;

/// Fewer pages than this match: those holding the words near each other
/// ([`near_each_other`]) rank higher (above it, reading every page's word
/// positions would cost more than it gives).
const PROXIMITY_BELOW: usize = 2000;
/// How far apart, in words, the words may stand to count as near.
const PROXIMITY_SLOP: u32 = 2;
/// The weight of holding the words near each other.
const PROXIMITY_BOOST: f32 = 2.0;

/// When this many groups or fewer match at all, they share
/// [`PAGES_WHEN_FEW`] pages instead of showing [`PAGES_PER_GROUP`] each.
const FEW_GROUPS: usize = 2;
/// Pages the groups show between them when few groups match.
const PAGES_WHEN_FEW: usize = 30;

/// The query that found the results, and how it was loosened to find any.
struct Attempt {
    query: Box<dyn Query>,
    relaxed: bool,
    widened: bool,
    corrected: Option<String>,
}

/// Whether hits carry snippets: a results page shows them; retrieval cuts
/// its own passages and only needs the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WithSnippets {
    Yes,
    No,
}

pub(super) fn run(
    idx: &SearchIndex,
    q: &SearchQuery,
    with_snippets: WithSnippets,
) -> Result<SearchResults> {
    let text = q.text.trim();
    if text.is_empty() {
        return Err(Error::Invalid("tom søgning".into()));
    }
    // Without closed material: the open documents' own index, so nothing
    // below (scores, corrections, relaxation, facets) is shaped by closed
    // material.
    let searcher = idx.searcher(q.include_closed);
    // Every word by default. When no document has them all: words found
    // nowhere by similar spellings, then any of the words, then any word by
    // similar spellings.
    let mut all = parse(idx, &searcher, text, true);
    // Pages holding the words near each other rank higher; decided up front
    // from the rarest word, so the search runs once.
    let mut near = near_each_other(idx, &searcher, text);
    if fewest_pages(idx, &searcher, text) < PROXIMITY_BELOW as u64 {
        if let Some(near) = near.take() {
            all = Box::new(BooleanQuery::new(vec![
                (Occur::Must, all),
                (Occur::Should, near),
            ]));
        }
    }
    let mut attempt = Attempt {
        query: all,
        relaxed: false,
        widened: false,
        corrected: None,
    };
    let mut found = gather(idx, &searcher, &*attempt.query, q)?;
    if (1..COVERAGE_BELOW).contains(&found.total) {
        if let Some(query) = by_coverage(idx, &searcher, text, &*attempt.query) {
            let more = gather(idx, &searcher, &*query, q)?;
            if more.total > found.total {
                attempt.query = query;
                attempt.widened = true;
                found = more;
            }
        }
    }
    if (1..PROXIMITY_BELOW).contains(&found.total) {
        // Every word common, but seldom together.
        if let Some(near) = near {
            let query: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (Occur::Must, attempt.query.box_clone()),
                (Occur::Should, near),
            ]));
            found = gather(idx, &searcher, &*query, q)?;
            attempt.query = query;
        }
    }
    if found.total == 0 {
        let better = corrected(idx, &searcher, text)?;
        let mut tries = Vec::new();
        if let Some(b) = &better {
            tries.push((b.clone(), true, Some(b.clone())));
        }
        tries.push((text.to_string(), false, None));
        if let Some(b) = &better {
            tries.push((b.clone(), false, Some(b.clone())));
        }
        for (words, all, corrected) in tries {
            let query = parse(idx, &searcher, &words, all);
            let next = gather(idx, &searcher, &*query, q)?;
            if next.total > 0 {
                attempt = Attempt {
                    query,
                    relaxed: !all,
                    widened: false,
                    corrected,
                };
                found = next;
                break;
            }
        }
    }
    let mut res = results(
        idx,
        &searcher,
        q,
        found,
        (with_snippets == WithSnippets::Yes).then_some(&*attempt.query),
        attempt.relaxed,
    )?;
    res.corrected = attempt.corrected;
    res.widened = attempt.widened;
    Ok(res)
}

/// The pages holding all but one of the words of `text`, those holding every
/// word (`every_word`, the query already run) first; `None` for fewer than
/// [`MIN_COVERAGE_WORDS`] words, or an exclusion ("-ord"), which coverage would not respect.
fn by_coverage(
    idx: &SearchIndex,
    searcher: &Searcher,
    text: &str,
    every_word: &dyn Query,
) -> Option<Box<dyn Query>> {
    let any = parse(idx, searcher, text, false);
    let words = any.downcast_ref::<BooleanQuery>()?.clauses();
    if words.len() < MIN_COVERAGE_WORDS || words.iter().any(|(o, _)| *o != Occur::Should) {
        return None;
    }
    let most = BooleanQuery::with_minimum_required_clauses(
        words.iter().map(|(o, w)| (*o, w.box_clone())).collect(),
        words.len() - 1,
    );
    let all: Box<dyn Query> = Box::new(BoostQuery::new(every_word.box_clone(), ALL_WORDS_BOOST));
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Should, all),
        (Occur::Should, Box::new(most)),
    ])))
}

/// The words of `text` as a phrase with some slack, boosted: pages holding
/// them near each other rank above pages holding them far apart. `None`
/// for one word or more than six, and for a query with its own phrase,
/// operator or exclusion.
fn near_each_other(idx: &SearchIndex, searcher: &Searcher, text: &str) -> Option<Box<dyn Query>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = |w: &&str| {
        !matches!(*w, "OR" | "AND" | "NOT")
            && !w.starts_with(['-', '+'])
            && !w.contains(['"', ':', '(', ')'])
    };
    if !(2..=6).contains(&words.len()) || !words.iter().all(plain) {
        return None;
    }
    let phrase = parse(
        idx,
        searcher,
        &format!("\"{}\"~{PROXIMITY_SLOP}", words.join(" ")),
        false,
    );
    Some(Box::new(BoostQuery::new(phrase, PROXIMITY_BOOST)))
}

/// At most how many documents hold every word of `text`: the fewest that
/// hold any one of its words (stop words left out), in any field searched.
fn fewest_pages(idx: &SearchIndex, searcher: &Searcher, text: &str) -> u64 {
    let f = &idx.fields;
    let mut analyzer = danish_query_analyzer();
    text.split_whitespace()
        .filter_map(|word| {
            let mut stems = Vec::new();
            analyzer
                .token_stream(word)
                .process(&mut |t: &Token| stems.push(t.text.clone()));
            let [stem] = stems.as_slice() else {
                return None;
            };
            Some(
                [f.text, f.item_title, f.attachment_title, f.case_number]
                    .into_iter()
                    .map(|field| {
                        searcher
                            .doc_freq(&Term::from_field_text(field, stem))
                            .unwrap_or(u64::MAX)
                    })
                    .fold(0u64, u64::saturating_add),
            )
        })
        .min()
        .unwrap_or(u64::MAX)
}

/// Material like one case, from other cases: see [`SearchIndex::more_like_case`].
pub(super) fn more_like_case(
    idx: &SearchIndex,
    case_number: &str,
    filters: &SearchQuery,
) -> Result<SearchResults> {
    let f = &idx.fields;
    // The open documents' own index without closed material (see `run`).
    let searcher = idx.searcher(filters.include_closed);
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let this_case = || {
        term(Term::from_field_text(
            f.case_exact,
            &case_exact(case_number),
        ))
    };
    let mut of_case = vec![
        (Occur::Must, this_case()),
        (
            Occur::Must,
            term(Term::from_field_text(f.kind, kind_str(DocKind::Item))),
        ),
    ];
    // The open documents' index has no closed documents; the filter stays as
    // a second guard.
    if !filters.include_closed {
        of_case.push((
            Occur::MustNot,
            term(Term::from_field_text(f.access, access_str(Access::Closed))),
        ));
    }
    let items = searcher.search(
        &BooleanQuery::new(of_case),
        &TopDocs::with_limit(20).order_by_score(),
    )?;
    if items.is_empty() {
        return Err(Error::NotFound(format!(
            "sagen {} findes ikke i søgeindekset",
            case_number.trim()
        )));
    }
    let mut texts = Vec::new();
    let mut titles = Vec::new();
    for (_, addr) in items {
        let doc: TantivyDocument = searcher.doc(addr)?;
        texts.extend(f.str(&doc, f.text).map(OwnedValue::Str));
        titles.extend(f.str(&doc, f.item_title));
    }
    titles.sort();
    titles.dedup();
    let mut fields = vec![(f.text, texts)];
    fields.push((
        f.item_title,
        titles.iter().cloned().map(OwnedValue::Str).collect(),
    ));
    let like: Box<dyn Query> = Box::new(
        MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_min_term_frequency(1)
            .with_min_word_length(4)
            .with_max_query_terms(30)
            .with_document_fields(fields),
    );
    let query = BooleanQuery::new(vec![(Occur::Must, like), (Occur::MustNot, this_case())]);
    let found = gather(idx, &searcher, &query, filters)?;
    // The more-like-this query cannot list its terms; highlight the case's
    // title words instead.
    let highlight = parse(idx, &searcher, &titles.join(" "), false);
    results(idx, &searcher, filters, found, Some(&*highlight), false)
}

/// Runs `user` with the filters of `q`, keeping the candidates that fill the
/// page: its hits, or when grouping, the best pages of its groups.
fn gather(
    idx: &SearchIndex,
    searcher: &Searcher,
    user: &dyn Query,
    q: &SearchQuery,
) -> Result<Gathered> {
    let query = with_filters(&idx.fields, user.box_clone(), q);
    let gather = Gather {
        keep: q.limit.min(MAX_LIMIT),
        sort: q.sort,
        // As many pages of a group as the page can show of it.
        per_group: q.group.then_some(PerGroup {
            few_groups: FEW_GROUPS,
            few: PAGES_WHEN_FEW,
            many: PAGES_PER_GROUP,
        }),
    };
    Ok(searcher.search(&*query, &gather)?)
}

/// Loads the shown documents, builds their snippets (when `snippets_of`, the
/// query whose words they show, is given) and the facets.
fn results(
    idx: &SearchIndex,
    searcher: &Searcher,
    q: &SearchQuery,
    found: Gathered,
    snippets_of: Option<&dyn Query>,
    relaxed: bool,
) -> Result<SearchResults> {
    let f = &idx.fields;
    let limit = q.limit.min(MAX_LIMIT);
    let snippets = match snippets_of {
        Some(shown) => Some(Snippets {
            text: snippet_generator(searcher, shown, f.text)?,
            title: snippet_generator(searcher, shown, f.item_title)?,
        }),
        None => None,
    };
    let hit = |c: &Candidate, with_snippet: bool| -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(c.addr)?;
        let mut hit = f.hit_of(&doc, c.score);
        if let (true, Some(snippets)) = (with_snippet, &snippets) {
            let body = f.str(&doc, f.text).unwrap_or_default();
            let title = hit.cite.item_title.clone().unwrap_or_default();
            (hit.snippet, hit.snippet_html) = snippets.make(hit.kind, &body, &title);
        }
        Ok(hit)
    };
    let mut res = SearchResults {
        total: found.total,
        total_groups: found.groups.len(),
        facets: facets(&found),
        relaxed,
        ..SearchResults::default()
    };
    if q.group {
        // One long report or two: show many of their pages, not three.
        let per_group = if found.groups.len() <= FEW_GROUPS {
            (PAGES_WHEN_FEW / found.groups.len().max(1)).max(PAGES_PER_GROUP)
        } else {
            PAGES_PER_GROUP
        };
        let mut order: Vec<u64> = Vec::new();
        let mut members: HashMap<u64, Vec<&Candidate>> = HashMap::new();
        for c in &found.candidates {
            let slot = members.entry(c.group).or_default();
            if slot.is_empty() {
                if order.len() == limit {
                    continue;
                }
                order.push(c.group);
            }
            if slot.len() < per_group {
                slot.push(c);
            }
        }
        for g in order {
            // A snippet for the group's best page; the others are listed by
            // page (building a snippet re-analyzes the whole page).
            let hits = members[&g]
                .iter()
                .enumerate()
                .map(|(n, c)| hit(c, n == 0))
                .collect::<Result<_>>()?;
            res.groups.push(HitGroup {
                hits,
                matched: found.groups.get(&g).copied().unwrap_or(1),
            });
        }
    } else {
        res.hits = found
            .candidates
            .iter()
            .take(limit)
            .map(|c| hit(c, true))
            .collect::<Result<_>>()?;
    }
    Ok(res)
}

/// Facet counts, largest first; years newest first.
fn facets(found: &Gathered) -> Facets {
    let mut bodies: Vec<BodyCount> = found
        .bodies
        .iter()
        .map(|(id, n)| BodyCount {
            body_id: id,
            body: String::new(),
            count: n,
        })
        .collect();
    bodies.sort_by(|a, b| b.count.cmp(&a.count).then(a.body_id.cmp(&b.body_id)));
    let mut years: Vec<YearCount> = found
        .years
        .iter()
        .filter_map(|(y, n)| {
            Some(YearCount {
                year: i32::try_from(y).ok()?,
                count: n,
            })
        })
        .collect();
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    let kinds = found
        .kind_counts()
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind,
            label: kind.label().to_string(),
            count,
        })
        .collect();
    Facets {
        bodies,
        years,
        kinds,
    }
}
