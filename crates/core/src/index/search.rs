//! Running a [`SearchQuery`]: query parsing, filters, stable ordering and
//! snippets.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::{Bound, Range};
use std::sync::OnceLock;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::document::OwnedValue;
use tantivy::schema::Field;
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{Searcher, TantivyDocument, Term};

use super::analyzer::{analyze, danish_snippet_analyzer, danish_unstemmed_analyzer};
use super::collect::{Candidate, Gather, Gathered};
use super::schema::{access_str, case_exact, day_of, kind_str, Fields};
use super::{
    BodyCount, DocKind, Facets, Hit, HitGroup, KindCount, SearchIndex, SearchQuery, SearchResults,
    YearCount, MAX_LIMIT, PAGES_PER_GROUP,
};
use crate::model::Access;
use crate::{Error, Result};

/// Boost of the item title against the page / case text.
const ITEM_TITLE_BOOST: f32 = 2.0;
/// Boost of the attachment title against the page / case text.
const ATTACHMENT_TITLE_BOOST: f32 = 1.5;
/// Candidates kept per group asked for, when grouping (more are fetched if
/// they do not fill the groups).
const CANDIDATES_PER_GROUP: usize = 8;
/// Target snippet length in characters.
const SNIPPET_CHARS: usize = 200;
/// Abbreviations and their expansions; see the file's header.
const ABBREVIATIONS: &str = include_str!("../../../../assets/dictionaries/da-abbreviations.txt");

/// The query that found the results, and how it was loosened to find any.
struct Attempt {
    query: Box<dyn Query>,
    relaxed: bool,
    corrected: Option<String>,
}

pub(super) fn run(idx: &SearchIndex, q: &SearchQuery) -> Result<SearchResults> {
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
    let all = parse(idx, text, true);
    let mut attempt = Attempt {
        query: all,
        relaxed: false,
        corrected: None,
    };
    let mut found = gather(idx, &searcher, &*attempt.query, q)?;
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
            let query = parse(idx, &words, all);
            let next = gather(idx, &searcher, &*query, q)?;
            if next.total > 0 {
                attempt = Attempt {
                    query,
                    relaxed: !all,
                    corrected,
                };
                found = next;
                break;
            }
        }
    }
    let mut res = results(idx, &searcher, q, found, &*attempt.query, attempt.relaxed)?;
    res.corrected = attempt.corrected;
    Ok(res)
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
    let highlight = parse(idx, &titles.join(" "), false);
    results(idx, &searcher, filters, found, &*highlight, false)
}

/// Runs `user` with the filters of `q`, keeping enough candidates to fill the
/// page (or, when grouping, the groups).
fn gather(
    idx: &SearchIndex,
    searcher: &Searcher,
    user: &dyn Query,
    q: &SearchQuery,
) -> Result<Gathered> {
    let query = with_filters(&idx.fields, user.box_clone(), q);
    let limit = q.limit.min(MAX_LIMIT);
    let mut keep = if q.group {
        limit.saturating_mul(CANDIDATES_PER_GROUP)
    } else {
        limit
    };
    loop {
        let gather = Gather {
            keep,
            sort: q.sort,
            count_groups: q.group,
        };
        let found = searcher.search(&*query, &gather)?;
        let enough = !q.group
            || found.candidates.len() < keep
            || distinct_groups(&found.candidates) >= limit;
        if enough {
            return Ok(found);
        }
        keep = keep.saturating_mul(4);
    }
}

fn distinct_groups(cands: &[Candidate]) -> usize {
    cands.iter().map(|c| c.group).collect::<BTreeSet<_>>().len()
}

/// Loads the shown documents, builds their snippets and the facets.
fn results(
    idx: &SearchIndex,
    searcher: &Searcher,
    q: &SearchQuery,
    found: Gathered,
    shown_query: &dyn Query,
    relaxed: bool,
) -> Result<SearchResults> {
    let f = &idx.fields;
    let limit = q.limit.min(MAX_LIMIT);
    let snippets = Snippets {
        text: snippet_generator(searcher, shown_query, f.text)?,
        title: snippet_generator(searcher, shown_query, f.item_title)?,
    };
    let hit = |c: &Candidate, with_snippet: bool| -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(c.addr)?;
        let mut hit = f.hit_of(&doc, c.score);
        if with_snippet {
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
            if slot.len() < PAGES_PER_GROUP {
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

/// Words shorter than this are never matched by similar spellings (too many
/// short words are one letter apart).
const MIN_FUZZY_CHARS: usize = 5;

/// The user's text with each word that is in no document replaced by the
/// indexed word one edit away (from the word or from its stem) that the most
/// documents have; `None` when there is nothing to correct, a word is too
/// short to correct safely, or no similar word exists. Phrases and operators
/// are left alone.
fn corrected(idx: &SearchIndex, searcher: &Searcher, text: &str) -> Result<Option<String>> {
    if text.contains('"') {
        return Ok(None);
    }
    let f = &idx.fields;
    let mut changed = false;
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let operator = matches!(word, "OR" | "AND" | "NOT") || word.starts_with('-');
        let stems = analyze(core);
        let [stem] = stems.as_slice() else {
            words.push(word.to_string());
            continue;
        };
        let known = [f.text, f.item_title, f.attachment_title]
            .into_iter()
            .map(|field| searcher.doc_freq(&Term::from_field_text(field, stem)))
            .sum::<tantivy::Result<u64>>()?
            > 0;
        if operator || known {
            words.push(word.to_string());
            continue;
        }
        if core.chars().count() < MIN_FUZZY_CHARS {
            return Ok(None);
        }
        let plain = danish_unstemmed_analyzer_tokens(core);
        match most_common_similar(searcher, f.text, &[stem.as_str(), plain.as_str()])? {
            Some(better) => {
                words.push(better);
                changed = true;
            }
            None => return Ok(None),
        }
    }
    Ok(changed.then(|| words.join(" ")))
}

/// The word as the query analyzer sees it before stemming.
fn danish_unstemmed_analyzer_tokens(word: &str) -> String {
    let mut analyzer = danish_unstemmed_analyzer();
    let mut stream = analyzer.token_stream(word);
    let mut out = String::new();
    stream.process(&mut |t| out.push_str(&t.text));
    out
}

/// The indexed term of `field` at most one edit (a transposition counts as
/// one) from any of `near`, held by the most documents; only terms starting
/// with the same letter are looked at.
fn most_common_similar(searcher: &Searcher, field: Field, near: &[&str]) -> Result<Option<String>> {
    let Some(first) = near.first().and_then(|w| w.chars().next()) else {
        return Ok(None);
    };
    let mut from = [0u8; 4];
    let from = first.encode_utf8(&mut from).as_bytes().to_vec();
    let mut to = from.clone();
    if let Some(last) = to.last_mut() {
        *last = last.saturating_add(1);
    }
    let mut freq: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(&from)
            .lt(&to)
            .into_stream()
            .map_err(|e| Error::Index(e.into()))?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let len = term.chars().count();
            let close = near.iter().any(|w| {
                w.chars().count().abs_diff(len) <= 1 && strsim::osa_distance(w, term) <= 1
            });
            if close {
                *freq.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    // Most documents first; ties by the word, so the choice is stable.
    Ok(freq
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(term, _)| term))
}

/// Parses what the user typed, with every word required (`all`) or any.
/// Never fails: parts the parser does not understand are dropped (tantivy's
/// lenient mode).
fn parse(idx: &SearchIndex, text: &str, all: bool) -> Box<dyn Query> {
    let f = &idx.fields;
    let mut parser = QueryParser::new(
        idx.schema.clone(),
        vec![f.item_title, f.attachment_title, f.case_number, f.text],
        idx.query_tokenizers.clone(),
    );
    if all {
        parser.set_conjunction_by_default();
    }
    parser.set_field_boost(f.item_title, ITEM_TITLE_BOOST);
    parser.set_field_boost(f.attachment_title, ATTACHMENT_TITLE_BOOST);
    // No field syntax for users: "Bemærk: vej" must not look for a field "Bemærk".
    let text = expand_abbreviations(&join_references(&text.replace(':', " ")));
    let (query, _errors) = parser.parse_query_lenient(&text);
    query
}

/// The names an abbreviation stands for ("TU" → "Teknisk Udvalg"), any case;
/// empty for a word that is none.
pub(crate) fn abbreviation_names(abbr: &str) -> Vec<String> {
    abbreviations()
        .get(&abbr.trim().to_lowercase())
        .cloned()
        .unwrap_or_default()
}

/// Lower-case abbreviation → its expansions, from [`ABBREVIATIONS`].
fn abbreviations() -> &'static HashMap<String, Vec<String>> {
    static MAP: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        ABBREVIATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(abbr, exp)| {
                // Spellings the analyzer makes the same ("Kulturudvalget",
                // "Kulturudvalg") are searched once.
                let mut seen = BTreeSet::new();
                let exp = exp
                    .split('|')
                    .map(|e| e.trim().replace('"', ""))
                    .filter(|e| !e.is_empty() && seen.insert(analyze(e)))
                    .collect();
                (abbr.trim().to_lowercase(), exp)
            })
            .collect()
    })
}

/// Rewrites each query word that is an abbreviation (outside quotes, any case,
/// whole word) as `(abbr OR text:"expansion" OR item_title:"expansion" …)`:
/// "TU lokalplan" also finds pages saying "Teknisk Udvalg" and "lokalplan".
/// The names are looked for in the page text and item titles only (phrase
/// queries over every field made abbreviation searches the slowest).
fn expand_abbreviations(text: &str) -> String {
    let map = abbreviations();
    let mut out = String::with_capacity(text.len());
    for (n, segment) in text.split('"').enumerate() {
        if n > 0 {
            out.push('"');
        }
        if n % 2 == 1 {
            out.push_str(segment); // inside a phrase
            continue;
        }
        let mut word_start = None;
        let flush = |out: &mut String, word: &str| {
            let core = word.trim_end_matches([',', '.', ';', '!', '?']);
            match map.get(&core.to_lowercase()) {
                Some(exps) => {
                    out.push('(');
                    out.push_str(core);
                    for e in exps {
                        for field in ["text", "item_title"] {
                            out.push_str(" OR ");
                            out.push_str(field);
                            out.push_str(":\"");
                            out.push_str(e);
                            out.push('"');
                        }
                    }
                    out.push(')');
                }
                None => out.push_str(word),
            }
        };
        for (i, c) in segment.char_indices() {
            match (c.is_whitespace(), word_start) {
                (false, None) => word_start = Some(i),
                (true, Some(st)) => {
                    flush(&mut out, &segment[st..i]);
                    word_start = None;
                    out.push(c);
                }
                (true, None) => out.push(c),
                (false, Some(_)) => {}
            }
        }
        if let Some(st) = word_start {
            flush(&mut out, &segment[st..]);
        }
    }
    out
}

/// Glues "§ 17" into "§17" and "stk. 4" into "stk.4", so the query parser sees
/// each as one word and the analyzer makes its exact token of it.
fn join_references(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        let is_stk = i >= 3
            && chars[i - 3..i]
                .iter()
                .collect::<String>()
                .eq_ignore_ascii_case("stk")
            && (i == 3 || !chars[i - 4].is_alphanumeric());
        if c == '§' || is_stk {
            let mut j = i;
            if is_stk && chars.get(j) == Some(&'.') {
                out.push('.');
                j += 1;
                i = j;
            }
            while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\u{a0}') {
                j += 1;
            }
            if chars.get(j).is_some_and(char::is_ascii_digit) {
                if is_stk && !out.ends_with('.') {
                    out.push('.');
                }
                i = j;
            }
        }
    }
    out
}

/// Adds the filters of `q`; they do not change scores.
fn with_filters(f: &Fields, user: Box<dyn Query>, q: &SearchQuery) -> Box<dyn Query> {
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let filter = |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(q, 0.0)) };
    let any_of = |terms: Vec<Term>| -> Box<dyn Query> {
        filter(Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| (Occur::Should, term(t)))
                .collect(),
        )))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
    if !q.body_ids.is_empty() {
        let mut ids = q.body_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        let terms = ids
            .into_iter()
            .map(|id| Term::from_field_i64(f.body_id, id))
            .collect();
        clauses.push((Occur::Must, any_of(terms)));
    }
    if let Some(year) = q.year {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_i64(f.year, i64::from(year)))),
        ));
    }
    if q.from.is_some() || q.to.is_some() {
        let bound = |d: Option<chrono::NaiveDate>| match d {
            Some(d) => Bound::Included(Term::from_field_i64(f.day, day_of(d))),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            filter(Box::new(RangeQuery::new(bound(q.from), bound(q.to)))),
        ));
    }
    if !q.kinds.is_empty() {
        let terms = q
            .kinds
            .iter()
            .map(|k| Term::from_field_u64(f.material, k.code()))
            .collect();
        clauses.push((Occur::Must, any_of(terms)));
    }
    if let Some(case) = &q.case_number {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_text(f.case_exact, &case_exact(case)))),
        ));
    }
    if let Some(access) = q.access {
        clauses.push((
            Occur::Must,
            filter(term(Term::from_field_text(f.access, access_str(access)))),
        ));
    }
    // Searches without closed material run on the open documents' index,
    // which has none; the filter stays as a second guard.
    if !q.include_closed {
        clauses.push((
            Occur::MustNot,
            term(Term::from_field_text(f.access, access_str(Access::Closed))),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The snippet generators of one search.
struct Snippets {
    text: SnippetGenerator,
    title: SnippetGenerator,
}

impl Snippets {
    /// Plain and HTML snippet for one hit.
    fn make(&self, kind: DocKind, text: &str, title: &str) -> (String, String) {
        make_snippet(kind, text, title, &self.text, &self.title)
    }
}

/// Plain and HTML snippet for one hit.
fn make_snippet(
    kind: DocKind,
    text: &str,
    title: &str,
    text_gen: &SnippetGenerator,
    title_gen: &SnippetGenerator,
) -> (String, String) {
    let s = text_gen.snippet(text);
    if !s.highlighted().is_empty() {
        return render_snippet(&s, text.len());
    }
    if !text.trim().is_empty() {
        return prefix_snippet(text);
    }
    if kind == DocKind::Item && !title.trim().is_empty() {
        let s = title_gen.snippet(title);
        if !s.highlighted().is_empty() {
            return render_snippet(&s, title.len());
        }
        return prefix_snippet(title);
    }
    (String::new(), String::new())
}

/// Renders a tantivy snippet, with "…" where the source text was cut.
fn render_snippet(s: &Snippet, source_len: usize) -> (String, String) {
    let range = s.fragment_range();
    render(
        s.fragment(),
        s.highlighted(),
        range.start > 0,
        range.end < source_len,
    )
}

/// The start of `text`, about [`SNIPPET_CHARS`] characters cut at a space.
fn prefix_snippet(text: &str) -> (String, String) {
    let text = text.trim_start();
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let mut cut = end;
    if end < text.len() {
        if let Some(space) = text[..end].rfind(char::is_whitespace) {
            if space > end / 2 {
                cut = space;
            }
        }
    }
    render(&text[..cut], &[], false, cut < text.len())
}

/// Builds the plain and HTML forms of `fragment` with `highlighted` byte ranges
/// in bold; runs of whitespace and control characters become one space.
fn render(
    fragment: &str,
    highlighted: &[Range<usize>],
    lead: bool,
    trail: bool,
) -> (String, String) {
    let mut ranges: Vec<Range<usize>> = highlighted
        .iter()
        .filter(|r| r.start < r.end && r.end <= fragment.len())
        .cloned()
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }

    let mut out = Rendered::default();
    let mut pos = 0;
    for r in &merged {
        if !fragment.is_char_boundary(r.start) || !fragment.is_char_boundary(r.end) {
            continue;
        }
        out.push(&fragment[pos..r.start], false);
        out.push(&fragment[r.start..r.end], true);
        pos = r.end;
    }
    out.push(&fragment[pos..], false);

    let (mut plain, mut html) = (out.plain, out.html);
    if plain.is_empty() {
        return (plain, html);
    }
    if lead {
        plain.insert_str(0, "… ");
        html.insert_str(0, "… ");
    }
    if trail {
        plain.push_str(" …");
        html.push_str(" …");
    }
    (plain, html)
}

#[derive(Default)]
struct Rendered {
    plain: String,
    html: String,
    pending_space: bool,
}

impl Rendered {
    fn push(&mut self, segment: &str, bold: bool) {
        let mut opened = false;
        for c in segment.chars() {
            if c.is_whitespace() || c.is_control() {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.plain.is_empty() {
                self.plain.push(' ');
                self.html.push(' ');
            }
            self.pending_space = false;
            if bold && !opened {
                self.html.push_str("<b>");
                opened = true;
            }
            self.plain.push(c);
            match c {
                '&' => self.html.push_str("&amp;"),
                '<' => self.html.push_str("&lt;"),
                '>' => self.html.push_str("&gt;"),
                '"' => self.html.push_str("&quot;"),
                '\'' => self.html.push_str("&#39;"),
                c => self.html.push(c),
            }
        }
        if opened {
            self.html.push_str("</b>");
        }
    }
}

/// A snippet generator for `field` that re-tokenizes stored text with
/// [`danish_snippet_analyzer`] instead of the index analyzer: the index
/// analyzer's ellipsis and exact tokens reach back over earlier words, and
/// tantivy's fragment builder underflows on such offsets (a panic in debug
/// builds, garbage highlights in release).
fn snippet_generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator> {
    let mut terms: BTreeSet<Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weights: BTreeMap<String, f32> = BTreeMap::new();
    for term in terms {
        if let Some(text) = term.value().as_str() {
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
    }
    Ok(SnippetGenerator::new(
        weights,
        danish_snippet_analyzer(),
        field,
        SNIPPET_CHARS,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_collapses_whitespace_escapes_and_bolds() {
        let frag = "  Støj <over>\n\n grænsen & mere  ";
        let start = frag.find("grænsen").unwrap();
        let bold = vec![start..start + "grænsen".len(), 0..0];
        let (plain, html) = render(frag, &bold, true, false);
        assert_eq!(plain, "… Støj <over> grænsen & mere");
        assert_eq!(html, "… Støj &lt;over&gt; <b>grænsen</b> &amp; mere");
    }

    #[test]
    fn abbreviations_are_expanded_outside_phrases() {
        assert_eq!(
            expand_abbreviations("tu lokalplan"),
            "(tu OR text:\"Teknisk Udvalg\" OR item_title:\"Teknisk Udvalg\") lokalplan"
        );
        assert_eq!(
            expand_abbreviations("\"TU\" KU, TUX"),
            "\"TU\" (KU OR text:\"Kulturudvalget\" OR item_title:\"Kulturudvalget\") TUX"
        );
        assert_eq!(expand_abbreviations("-TU"), "-TU");
        assert!(abbreviations()["øeu"][0].starts_with("Økonomi-"));
    }

    #[test]
    fn references_are_glued() {
        assert_eq!(join_references("§ 17, stk. 4"), "§17, stk.4");
        assert_eq!(join_references("Stk 2 og § a"), "Stk.2 og § a");
        assert_eq!(join_references("istk 4 stk."), "istk 4 stk.");
    }

    #[test]
    fn prefix_snippet_cuts_at_a_space() {
        let text = "ord ".repeat(100);
        let (plain, html) = prefix_snippet(&text);
        assert!(plain.ends_with("ord …"), "{plain}");
        assert!(plain.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(plain, html);
        assert_eq!(prefix_snippet("kort tekst").0, "kort tekst");
    }
}
