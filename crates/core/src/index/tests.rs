//! Tests of the search index against a small Danish corpus.

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;

use super::*;
use crate::model::{Access, ItemKind};

pub(super) const TU: i64 = 1;
pub(super) const BUU: i64 = 2;
pub(super) const BR: i64 = 3;

pub(super) fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn body_name(id: i64) -> String {
    match id {
        TU => "Teknisk Udvalg",
        BUU => "Børne- og Ungeudvalget",
        _ => "Byrådet",
    }
    .to_string()
}

/// An agenda item document.
#[allow(clippy::too_many_arguments)]
pub(super) fn item(
    id: i64,
    body: i64,
    meeting: i64,
    day: Option<NaiveDate>,
    number: u32,
    title: &str,
    access: Access,
    text: &str,
) -> IndexDoc {
    IndexDoc {
        key: format!("item:{id}"),
        owner: format!("item:{id}"),
        kind: DocKind::Item,
        cite: Citation {
            body_id: Some(body),
            body: Some(body_name(body)),
            meeting_id: Some(meeting),
            meeting_date: day,
            item_id: Some(id),
            item_number: Some(number),
            item_title: Some(title.into()),
            item_kind: Some(ItemKind::Regular),
            case_number: Some(format!("EMN-2023-{:06}", id * 111)),
            access,
            ..Citation::default()
        },
        text: text.into(),
    }
}

/// A page of an attachment of `of` (an item document).
pub(super) fn page(
    of: &IndexDoc,
    attachment: i64,
    att_title: &str,
    page: u32,
    text: &str,
) -> IndexDoc {
    let item_id = of.cite.item_id.unwrap();
    IndexDoc {
        key: format!("page:{item_id}:{attachment}:{page}"),
        kind: DocKind::Page,
        cite: Citation {
            attachment_id: Some(attachment),
            attachment_title: Some(att_title.into()),
            page: Some(page),
            ..of.cite.clone()
        },
        text: text.into(),
        ..of.clone()
    }
}

/// A page of a plain collection document.
pub(super) fn coll_page(doc: i64, page: u32, title: &str, text: &str) -> IndexDoc {
    IndexDoc {
        key: format!("doc:{doc}:{page}"),
        owner: format!("doc:{doc}"),
        kind: DocKind::Page,
        cite: Citation {
            attachment_title: Some(title.into()),
            page: Some(page),
            collection: Some("Budgetmateriale".into()),
            ..Citation::default()
        },
        text: text.into(),
    }
}

/// About twenty documents of Danish council material.
pub(super) fn corpus() -> Vec<IndexDoc> {
    let i1 = item(
        1,
        TU,
        100,
        date(2023, 3, 6),
        4,
        "Lokalplan nr. 1234, boliger ved Århus Å",
        Access::Open,
        "Forslag til lokalplan nr. 1234 for et boligområde ved åen i Aarhus midtby. \
         Indstilling: at forslaget sendes i offentlig høring.",
    );
    let i2 = item(
        2,
        TU,
        101,
        date(2024, 5, 13),
        2,
        "Trafikplan for Aarhus Ø",
        Access::Open,
        "Teknik og Miljø foreslår en ny trafikplan. Støj fra vejene er over grænseværdien.",
    );
    let i3 = item(
        3,
        BUU,
        200,
        date(2023, 9, 4),
        3,
        "Arbejdsmiljø i dagtilbud",
        Access::Open,
        "Orientering om trivsel og sygefravær i dagtilbuddene.",
    );
    let i4 = item(
        4,
        BUU,
        201,
        date(2024, 2, 5),
        1,
        "Skolestruktur i Århus Vest",
        Access::Open,
        "Børne- og Ungeudvalget drøfter skolestrukturen. Lokalplan ikke relevant.",
    );
    let i5 = item(
        5,
        BR,
        300,
        date(2024, 6, 19),
        7,
        "Køb af grund ved Aarhus Havn",
        Access::Closed,
        "Fortroligt: forhandling om køb af grund. Prisen er fortrolig.",
    );
    let i6 = item(
        6,
        BR,
        301,
        date(2023, 11, 29),
        12,
        "Budget 2024, 2. behandling",
        Access::Open,
        "Byrådet vedtager budgettet. Arbejdsbelastningen i hjemmeplejen nævnes.",
    );
    vec![
        page(
            &i1,
            10,
            "Lokalplanforslag",
            1,
            "Lokalplan nr. 1234. Området ligger ved Århus Å. Støj fra Åboulevarden skal dæmpes.",
        ),
        page(
            &i1,
            10,
            "Lokalplanforslag",
            2,
            "Bebyggelsen må opføres i højst fem etager. Parkering sker i konstruktion.",
        ),
        page(
            &i1,
            11,
            "Miljøscreening",
            1,
            "Miljøscreeningen viser ingen væsentlig påvirkning. Støj fra vejen vurderes.",
        ),
        i1,
        page(
            &i2,
            20,
            "Trafikplan",
            1,
            "Trafikken i Aarhus Ø er steget. Nr. 3 af planerne: lokalplan følger senere.",
        ),
        page(
            &i2,
            20,
            "Trafikplan",
            2,
            "Støjskærme langs vejen anbefales. Støj over 58 dB.",
        ),
        i2,
        page(
            &i3,
            30,
            "Trivselsmåling",
            1,
            "Medarbejderne beskriver en stor arbejdsbelastning i perioder med sygdom.",
        ),
        page(
            &i3,
            30,
            "Trivselsmåling",
            2,
            "Sygefraværet er faldet siden 2022. Trivsel er høj.",
        ),
        i3,
        page(
            &i4,
            40,
            "Notat om skolestruktur",
            1,
            "Elevtallet i Aarhus Vest falder. Skolerne i Århus Vest samles måske.",
        ),
        i4,
        page(
            &i5,
            50,
            "Købsaftale",
            1,
            "Købesum for grunden ved Aarhus Havn. Lukket punkt.",
        ),
        page(
            &i5,
            50,
            "Købsaftale",
            2,
            "Tinglysning og betaling af købesummen.",
        ),
        i5,
        page(
            &i6,
            60,
            "Budgetforlig",
            1,
            "Partierne er enige om budgettet. Flere penge til hjemmeplejen.",
        ),
        i6,
        coll_page(
            7,
            1,
            "Budgetnotat",
            "Notat om arbejdsbelastninger i Aarhus Kommune.",
        ),
        coll_page(
            7,
            2,
            "Budgetnotat",
            "Bilag: tal for <udgifter> & indtægter.",
        ),
        coll_page(
            8,
            1,
            "Høringssvar",
            "Høringssvar fra borgere i Århus om lokalplanen.",
        ),
    ]
}

pub(super) fn build(dir: &Path, docs: &[IndexDoc]) -> SearchIndex {
    let idx = SearchIndex::open_or_create(dir).unwrap();
    let mut w = idx.writer().unwrap();
    for d in docs {
        w.add(d).unwrap();
    }
    w.commit().unwrap();
    idx
}

fn keys(idx: &SearchIndex, q: &SearchQuery) -> Vec<String> {
    idx.search(q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.key)
        .collect()
}

/// A query that sees closed material too (the member's own view); the
/// default sees open material only.
pub(super) fn k(text: &str) -> SearchQuery {
    SearchQuery {
        limit: 100,
        include_closed: true,
        ..SearchQuery::new(text)
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn aarhus_and_aarhus_with_aa_give_the_same_hits() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let a = idx.search(&k("Århus")).unwrap();
    let b = idx.search(&k("Aarhus")).unwrap();
    let c = idx.search(&k("ÅRHUS")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    let got = sorted(a.hits.iter().map(|h| h.key.clone()).collect());
    // Spelled "Århus" only, "Aarhus" only, and both.
    assert!(got.contains(&"doc:8:1".to_string()), "{got:?}");
    assert!(got.contains(&"doc:7:1".to_string()), "{got:?}");
    assert!(got.contains(&"page:4:40:1".to_string()), "{got:?}");
    assert!(!got.contains(&"page:3:30:1".to_string()), "{got:?}");
    assert_eq!(a.total, a.hits.len());
}

#[test]
fn inflected_query_finds_base_form() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let got = keys(&idx, &k("arbejdsbelastningen"));
    // "arbejdsbelastning", "Arbejdsbelastningen" and "arbejdsbelastninger".
    assert_eq!(sorted(got), ["doc:7:1", "item:6", "page:3:30:1"]);
}

#[test]
fn words_are_anded_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let stoej = keys(&idx, &k("støj"));
    let lokalplan = keys(&idx, &k("lokalplan"));
    let res = idx.search(&k("lokalplan støj")).unwrap();
    let both: Vec<String> = res.hits.iter().map(|h| h.key.clone()).collect();
    let every_word: Vec<&String> = lokalplan.iter().filter(|k| stoej.contains(k)).collect();
    assert!(!every_word.is_empty() && every_word.len() < 10);
    // Fewer than ten pages hold both words: those come first, then the
    // pages holding one of them, and the member is told.
    assert!(res.widened);
    assert_eq!(
        sorted(both[..every_word.len()].to_vec()),
        sorted(every_word.iter().map(|k| k.to_string()).collect())
    );
    // Item 4 mentions "lokalplan" but not "støj".
    assert!(lokalplan.contains(&"item:4".to_string()));
    let item4 = both.iter().position(|k| k == "item:4").unwrap();
    assert!(item4 >= every_word.len());
    // With ten pages or more holding both, only those are listed.
    let mut docs = corpus();
    for n in 0..10 {
        docs.push(coll_page(
            900 + n,
            1,
            "Notat",
            "Støj fra vejen, jf. lokalplanen.",
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &docs);
    let res = idx.search(&k("lokalplan støj")).unwrap();
    assert!(!res.widened);
    assert!(res.hits.iter().all(|h| h.key != "item:4"));
    assert_eq!(res.total, every_word.len() + 10);
    // OR widens again.
    let either = keys(&idx, &k("lokalplan OR støj"));
    assert!(either.contains(&"item:4".to_string()));
}

#[test]
fn phrase_query_needs_adjacent_words() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let phrase = sorted(keys(&idx, &k("\"lokalplan nr\"")));
    let loose = keys(&idx, &k("lokalplan nr"));
    // page:2:20:1 has "Nr. 3 af planerne: lokalplan" — both words, not adjacent.
    assert!(loose.contains(&"page:2:20:1".to_string()));
    assert!(!phrase.contains(&"page:2:20:1".to_string()));
    assert!(phrase.contains(&"page:1:10:1".to_string()), "{phrase:?}");
    assert!(phrase.contains(&"item:1".to_string()), "{phrase:?}");
}

#[test]
fn body_and_year_filters() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let q = |bodies: Vec<i64>, year: Option<i32>| SearchQuery {
        body_ids: bodies,
        year,
        ..k("Aarhus")
    };
    let all = idx.search(&q(vec![], None)).unwrap().hits;
    let tu = idx.search(&q(vec![TU], None)).unwrap().hits;
    assert!(!tu.is_empty() && tu.len() < all.len());
    assert!(tu.iter().all(|h| h.cite.body_id == Some(TU)));
    let tu_buu = idx.search(&q(vec![TU, BUU], None)).unwrap().hits;
    assert!(tu_buu.iter().any(|h| h.cite.body_id == Some(BUU)));
    assert!(tu_buu
        .iter()
        .all(|h| matches!(h.cite.body_id, Some(TU) | Some(BUU))));

    let y2023 = idx.search(&q(vec![], Some(2023))).unwrap().hits;
    assert!(!y2023.is_empty());
    assert!(y2023
        .iter()
        .all(|h| h.cite.meeting_date.map(|d| d.format("%Y").to_string()) == Some("2023".into())));
    // Collection pages have no date and drop out of a year filter.
    assert!(all.iter().any(|h| h.cite.collection.is_some()));
    assert!(y2023.iter().all(|h| h.cite.collection.is_none()));
    let both = idx.search(&q(vec![BUU], Some(2024))).unwrap().hits;
    assert_eq!(
        sorted(both.into_iter().map(|h| h.key).collect()),
        ["item:4", "page:4:40:1"]
    );
    // Filters do not change scores.
    let filtered = idx.search(&q(vec![TU], None)).unwrap().hits;
    for h in &filtered {
        let same = all.iter().find(|a| a.key == h.key).unwrap();
        assert_eq!(same.score, h.score);
    }
    assert!(idx.search(&q(vec![999], None)).unwrap().hits.is_empty());
}

#[test]
fn closed_material_can_be_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let shown = idx.search(&k("købesum")).unwrap();
    assert!(!SearchQuery::default().include_closed, "fail closed");
    assert_eq!(
        sorted(shown.hits.iter().map(|h| h.key.clone()).collect()),
        ["page:5:50:1", "page:5:50:2"]
    );
    assert!(shown.hits.iter().all(|h| h.cite.access == Access::Closed));
    let hidden = idx
        .search(&SearchQuery {
            include_closed: false,
            ..k("købesum")
        })
        .unwrap();
    assert_eq!(hidden.total, 0);
    assert!(hidden.hits.is_empty());
    let aarhus = idx
        .search(&SearchQuery {
            include_closed: false,
            ..k("Aarhus")
        })
        .unwrap();
    assert!(!aarhus.hits.is_empty());
    assert!(aarhus.hits.iter().all(|h| h.cite.access == Access::Open));
}

#[test]
fn delete_owner_removes_all_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let idx = build(dir.path(), &docs);
    assert_eq!(idx.doc_count().unwrap(), docs.len() as u64);
    let of_item1 = docs.iter().filter(|d| d.owner == "item:1").count() as u64;
    assert_eq!(of_item1, 4);
    let mut w = idx.writer().unwrap();
    w.delete_owner("item:1");
    w.commit().unwrap();
    assert_eq!(idx.doc_count().unwrap(), docs.len() as u64 - of_item1);
    let got = keys(&idx, &k("lokalplan"));
    assert!(
        got.iter()
            .all(|key| !key.starts_with("page:1:") && key != "item:1"),
        "{got:?}"
    );
    assert!(got.contains(&"doc:8:1".to_string()));
    drop(w);

    // Replace an owner: delete, then add its documents again in the same commit.
    let mut w = idx.writer().unwrap();
    w.delete_owner("doc:7");
    w.add(&coll_page(
        7,
        1,
        "Budgetnotat",
        "Ny udgave uden det gamle ord.",
    ))
    .unwrap();
    w.commit().unwrap();
    assert!(keys(&idx, &k("arbejdsbelastninger"))
        .iter()
        .all(|key| !key.starts_with("doc:7")));
    assert_eq!(keys(&idx, &k("udgave")), ["doc:7:1"]);
    assert_eq!(idx.doc_count().unwrap(), docs.len() as u64 - of_item1 - 1);
}

#[test]
fn delete_all_keeps_only_later_documents() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let mut w = idx.writer().unwrap();
    w.add(&coll_page(9, 1, "Tidligt", "tilføjet før sletningen"))
        .unwrap();
    w.delete_all().unwrap();
    w.add(&coll_page(10, 1, "Senere", "tilføjet efter sletningen"))
        .unwrap();
    w.commit().unwrap();
    assert_eq!(idx.doc_count().unwrap(), 1);
    assert_eq!(keys(&idx, &k("tilføjet")), ["doc:10:1"]);
}

#[test]
fn schema_version_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &corpus());
    std::fs::write(dir.path().join(VERSION_FILE), "moedemappe-index-0\n").unwrap();
    let err = SearchIndex::open_or_create(dir.path()).unwrap_err();
    assert_eq!(err.code(), "stale_index");
    assert!(err.to_string().contains("moedemappe reindex"), "{err}");

    // An index without a version file is foreign too.
    std::fs::remove_file(dir.path().join(VERSION_FILE)).unwrap();
    let err = SearchIndex::open_or_create(dir.path()).unwrap_err();
    assert!(err.to_string().contains("anden version"), "{err}");

    // A fresh directory is created, with the version file.
    let fresh = dir.path().join("ny").join("indeks");
    let idx = SearchIndex::open_or_create(&fresh).unwrap();
    assert_eq!(idx.doc_count().unwrap(), 0);
    assert!(fresh.join(VERSION_FILE).exists());
}

#[test]
fn reopening_sees_committed_data_and_writer_is_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let first = build(dir.path(), &docs);
    let second = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(second.doc_count().unwrap(), docs.len() as u64);
    assert_eq!(
        second.search(&k("Aarhus")).unwrap(),
        first.search(&k("Aarhus")).unwrap()
    );

    let _w = first.writer().unwrap();
    let err = second.writer().unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("i brug"), "{err}");
}

#[test]
fn hits_carry_the_stored_fields_and_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let idx = build(dir.path(), &docs);
    let res = idx.search(&k("miljøscreeningen")).unwrap();
    assert_eq!(res.hits.len(), 1);
    let h = &res.hits[0];
    let d = docs.iter().find(|d| d.key == "page:1:11:1").unwrap();
    assert_eq!(h.key, d.key);
    assert_eq!(h.owner, d.owner);
    assert_eq!(h.kind, DocKind::Page);
    assert_eq!(h.cite, d.cite);
    assert_eq!(h.cite.page, Some(1));
    assert_eq!(h.cite.access, Access::Open);
    assert!(h.score > 0.0);
    assert!(
        h.snippet.contains("Miljøscreeningen viser"),
        "{}",
        h.snippet
    );
    assert!(
        h.snippet_html.contains("<b>Miljøscreeningen</b>"),
        "{}",
        h.snippet_html
    );
    assert!(!h.snippet.contains('<'));

    // HTML in the page text is escaped; plain text keeps it.
    let h = &idx.search(&k("udgifter")).unwrap().hits[0];
    assert!(
        h.snippet.contains("<udgifter> & indtægter"),
        "{}",
        h.snippet
    );
    assert!(
        h.snippet_html
            .contains("&lt;<b>udgifter</b>&gt; &amp; indtægter"),
        "{}",
        h.snippet_html
    );

    // An item hit matched only by its title still gets a snippet (its case text).
    let h = idx.search(&k("skolestruktur")).unwrap().hits;
    let item = h.iter().find(|h| h.key == "item:4").unwrap();
    assert!(
        item.snippet_html.contains("<b>skolestrukturen</b>"),
        "{}",
        item.snippet_html
    );
    let trafik = idx.search(&k("trafikplan")).unwrap().hits;
    let page2 = trafik.iter().find(|h| h.key == "page:2:20:2").unwrap();
    assert!(page2.snippet.starts_with("Støjskærme"), "{}", page2.snippet);
}

#[test]
fn titles_are_boosted() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    // "Arbejdsmiljø" is the title of item 3; pages of item 3 carry the title too,
    // and the item itself should rank first.
    let hits = idx.search(&k("arbejdsmiljø")).unwrap().hits;
    assert_eq!(hits[0].key, "item:3");
}

#[test]
fn odd_queries_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    for q in ["", "   ", "\t\n"] {
        let err = idx.search(&k(q)).unwrap_err();
        assert_eq!(err.to_string(), "tom søgning");
    }
    for q in [
        "\"((",
        "AND",
        "OR",
        "NOT",
        "AND OR",
        "(",
        ")",
        "\"",
        "\"\"",
        "-",
        "+",
        "*",
        "?",
        "^2",
        "~",
        "[",
        "]",
        "{",
        "}",
        "!",
        "\\",
        ":",
        "::",
        "a:b",
        "text:støj",
        "Bemærk: støj",
        "lokalplan AND",
        "OR lokalplan",
        "(lokalplan",
        "lokalplan)",
        "\"lokalplan",
        "støj^",
        "støj~2",
        "støj*",
        "[a TO b]",
        "body_id:1",
        "year:>2020",
        "'",
        "''",
        "ÅÅÅ",
        "—",
        "§ 17, stk. 4",
        "EMN-2023-000111",
        "kl. 10:00",
        "🙂",
        "a\u{0}b",
        "IN [1 2]",
        "-støj",
        "+støj -lokalplan",
        "*:*",
    ] {
        match idx.search(&k(q)) {
            Ok(_) => {}
            Err(Error::Invalid(_)) => {}
            Err(e) => panic!("{q:?}: {e}"),
        }
    }
    // Colons are spaces, so this is the same as "Bemærk støj" (no field syntax).
    assert_eq!(
        keys(&idx, &k("Miljøscreening: støj")),
        keys(&idx, &k("Miljøscreening støj"))
    );
    assert_eq!(keys(&idx, &k("Miljøscreening: støj"))[0], "page:1:11:1");
    // A case number finds its item (and pages, which carry it).
    let got = keys(&idx, &k("EMN-2023-000111"));
    assert!(got.contains(&"item:1".to_string()), "{got:?}");
    assert!(
        got.iter()
            .all(|key| key == "item:1" || key.starts_with("page:1:")),
        "{got:?}"
    );
    // Excluding a word works.
    let got = keys(&idx, &k("støj -lokalplan"));
    assert!(!got.is_empty());
    assert!(!got.contains(&"page:1:10:1".to_string()));
}

#[test]
fn invalid_docs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let idx = SearchIndex::open_or_create(dir.path()).unwrap();
    let mut w = idx.writer().unwrap();
    assert!(w.add(&IndexDoc::default()).is_err());
    let mut p = coll_page(1, 1, "t", "x");
    p.cite.page = Some(0);
    assert!(w.add(&p).is_err());
}

/// Pages for the analyzer tests: compounds, committee names, case numbers,
/// paragraphs and dates.
fn analyzer_corpus() -> Vec<IndexDoc> {
    vec![
        coll_page(1, 1, "Notat", "Bilagsmaterialet til mødet er udsendt."),
        coll_page(
            2,
            1,
            "Notat",
            "Medarbejderne oplever en stor arbejdsbelastning.",
        ),
        coll_page(3, 1, "Notat", "Skolestrukturen i Aarhus drøftes igen."),
        coll_page(4, 1, "Notat", "Ældreområdet får flere midler."),
        coll_page(
            5,
            1,
            "Notat",
            "Beredskabet øver sig. Justeringer af planen.",
        ),
        coll_page(
            6,
            1,
            "Notat",
            "Sagen behandles i Økonomi- og Erhvervsudvalget.",
        ),
        coll_page(7, 1, "Notat", "Se sag EMN-2025-008308 om vejen."),
        coll_page(8, 1, "Notat", "Sag 2025 om vejen, bilag 008308."),
        coll_page(
            9,
            1,
            "Notat",
            "Efter § 17, stk. 4 i loven kan udvalget beslutte.",
        ),
        coll_page(10, 1, "Notat", "Stk. 2 gælder for 17 sager; se § 4."),
        coll_page(11, 1, "Notat", "Mødet den 15.03.2023 blev aflyst."),
        coll_page(12, 1, "Notat", "Mødet den 2023-03-15 blev flyttet."),
        coll_page(
            13,
            1,
            "Notat",
            "Der var 15 punkter i 2023, og 03 blev udsat.",
        ),
        coll_page(
            14,
            1,
            "Notat",
            "Teknisk Udvalg drøftede lokalplanen for havnen.",
        ),
        coll_page(15, 1, "Notat", "Lokalplan for havnen uden udvalg."),
        coll_page(16, 1, "Notat", "En ring og en kabel til Århus."),
    ]
}

#[test]
fn compounds_are_found_by_their_parts_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &analyzer_corpus());
    for (q, want) in [
        ("materiale", "doc:1:1"),
        ("bilagsmateriale", "doc:1:1"),
        ("bilag", "doc:1:1"),
        ("belastning", "doc:2:1"),
        ("arbejdsbelastningen", "doc:2:1"),
        ("struktur", "doc:3:1"),
        ("skolestruktur", "doc:3:1"),
        ("område", "doc:4:1"),
        ("ældreområde", "doc:4:1"),
    ] {
        let got = keys(&idx, &k(q));
        assert!(got.contains(&want.to_string()), "{q}: {got:?}");
    }
    // The whole word is highlighted when a part matched.
    let h = &idx.search(&k("belastning")).unwrap().hits[0];
    assert!(
        h.snippet_html.contains("<b>arbejdsbelastning</b>"),
        "{}",
        h.snippet_html
    );
    // A phrase across a split word still matches.
    assert_eq!(keys(&idx, &k("\"stor arbejdsbelastning\"")), ["doc:2:1"]);
    // Protected words are not split: no "ring" or "kab" in "Justeringer" or
    // "Beredskabet".
    assert_eq!(keys(&idx, &k("ring")), ["doc:16:1"]);
    assert!(keys(&idx, &k("kab")).is_empty());
    assert_eq!(keys(&idx, &k("beredskab")), ["doc:5:1"]);
    // Århus = Aarhus still.
    assert_eq!(keys(&idx, &k("Århus")), keys(&idx, &k("Aarhus OR Århus")));
    assert_eq!(sorted(keys(&idx, &k("Århus"))), ["doc:16:1", "doc:3:1"]);
}

#[test]
fn hyphen_ellipsis_indexes_the_short_form() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &analyzer_corpus());
    assert_eq!(keys(&idx, &k("økonomiudvalget")), ["doc:6:1"]);
    assert_eq!(keys(&idx, &k("Erhvervsudvalget")), ["doc:6:1"]);
    assert_eq!(
        keys(&idx, &k("\"Økonomi- og Erhvervsudvalget\"")),
        ["doc:6:1"]
    );
}

#[test]
fn case_numbers_paragraphs_and_dates_match_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &analyzer_corpus());
    // The case number, not its numbers scattered over another page.
    assert_eq!(keys(&idx, &k("EMN-2025-008308")), ["doc:7:1"]);
    assert_eq!(keys(&idx, &k("emn-2025-008308")), ["doc:7:1"]);
    assert_eq!(
        sorted(keys(&idx, &k("2025 008308"))),
        ["doc:7:1", "doc:8:1"]
    );
    for q in [
        "\"§17, stk. 4\"",
        "§17 stk. 4",
        "§ 17, stk. 4",
        "\"§ 17 stk 4\"",
        "§17",
    ] {
        assert_eq!(keys(&idx, &k(q)), ["doc:9:1"], "{q}");
    }
    assert_eq!(keys(&idx, &k("§4")), ["doc:10:1"]);
    // Either way of writing the date finds both pages, not the loose numbers.
    for q in ["15.03.2023", "2023-03-15", "15/3/2023"] {
        assert_eq!(sorted(keys(&idx, &k(q))), ["doc:11:1", "doc:12:1"], "{q}");
    }
}

#[test]
fn abbreviations_find_the_spelled_out_name() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &analyzer_corpus());
    // The one page with both first (pages with one of the words follow:
    // fewer than ten have both).
    assert_eq!(keys(&idx, &k("TU lokalplan"))[0], "doc:14:1");
    assert_eq!(keys(&idx, &k("tu lokalplanen"))[0], "doc:14:1");
    assert_eq!(keys(&idx, &k("ØEU")), ["doc:6:1"]);
    let h = &idx.search(&k("TU")).unwrap().hits[0];
    assert!(
        h.snippet_html.contains("<b>Teknisk</b> <b>Udvalg</b>"),
        "{}",
        h.snippet_html
    );
}

/// Everything observable about the hits of a search.
fn fingerprint(idx: &SearchIndex, q: &SearchQuery) -> Vec<(String, u32, String)> {
    let res = idx.search(q).unwrap();
    let mut v: Vec<_> = res
        .hits
        .into_iter()
        .map(|h| (h.key, h.score.to_bits(), h.snippet_html))
        .collect();
    v.push((format!("total={}", res.total), 0, String::new()));
    v
}

/// Many documents with identical text, so scores tie.
fn with_ties(mut docs: Vec<IndexDoc>) -> Vec<IndexDoc> {
    for n in 0..30u32 {
        docs.push(coll_page(
            1000 + i64::from(n),
            1,
            "Standardtekst",
            "Standardvilkår for udlejning af lokaler.",
        ));
    }
    docs
}

#[test]
fn rebuild_in_another_order_gives_identical_results() {
    let docs = with_ties(corpus());
    let queries = [
        k("Aarhus"),
        k("støj"),
        k("lokalplan"),
        k("\"lokalplan nr\""),
        k("arbejdsbelastning"),
        SearchQuery {
            limit: 5,
            ..k("standardvilkår")
        },
        SearchQuery {
            limit: 3,
            ..k("Aarhus")
        },
        SearchQuery {
            limit: 7,
            ..k("udlejning OR støj")
        },
        SearchQuery {
            body_ids: vec![TU],
            ..k("støj")
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    let idx = build(&path, &docs);
    let before: Vec<_> = queries.iter().map(|q| fingerprint(&idx, q)).collect();
    drop(idx);

    // Ties are broken by a hash of the key: the five smallest hashes of the
    // thirty equal ones.
    let tied = &before[5];
    let mut by_hash: Vec<String> = (1000..1030).map(|n| format!("doc:{n}:1")).collect();
    by_hash.sort_by_key(|k| super::schema::hash64(k));
    assert_eq!(
        tied[..5].iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        by_hash[..5]
    );
    assert_eq!(tied[5].0, "total=30");

    // Reverse order, then a rotated order committed in several batches.
    let mut reversed = docs.clone();
    reversed.reverse();
    let mut rotated = docs.clone();
    rotated.rotate_left(17);
    for (n, order) in [reversed, rotated].into_iter().enumerate() {
        std::fs::remove_dir_all(&path).unwrap();
        let idx = SearchIndex::open_or_create(&path).unwrap();
        let mut w = idx.writer().unwrap();
        for (i, d) in order.iter().enumerate() {
            w.add(d).unwrap();
            if n == 1 && i % 7 == 6 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        let after: Vec<_> = queries.iter().map(|q| fingerprint(&idx, q)).collect();
        assert_eq!(before, after, "order {n}");
    }
}

/// Synthetic page text of about 2 000 characters.
fn synthetic_page(n: usize) -> String {
    const WORDS: [&str; 24] = [
        "lokalplan",
        "Aarhus",
        "Århus",
        "støj",
        "arbejdsbelastningen",
        "budget",
        "skole",
        "dagtilbud",
        "trafik",
        "vejen",
        "borgerne",
        "forvaltningen",
        "indstilling",
        "høring",
        "kommunen",
        "udvalget",
        "beslutning",
        "økonomi",
        "bygning",
        "parkering",
        "cykelsti",
        "klima",
        "vand",
        "grønne",
    ];
    let mut s = String::with_capacity(2200);
    let mut x = n as u64 * 2_654_435_761 + 1;
    while s.len() < 2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        s.push_str(if x % 11 == 0 { ". " } else { " " });
    }
    s
}

/// Timing of indexing and search; run with
/// `cargo test --release -p moedemappe-core index::tests::speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed() {
    let n = 5000;
    let docs: Vec<IndexDoc> = (0..n)
        .map(|i| {
            let it = item(
                (i / 10) as i64,
                (i % 3) as i64 + 1,
                (i / 50) as i64,
                date(2020 + (i % 5) as i32, 1 + (i % 12) as u32, 1),
                1,
                "Forslag til lokalplan",
                if i % 20 == 0 {
                    Access::Closed
                } else {
                    Access::Open
                },
                "",
            );
            page(
                &it,
                (i / 5) as i64,
                "Bilag",
                (i % 5) as u32 + 1,
                &synthetic_page(i),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let idx = SearchIndex::open_or_create(dir.path()).unwrap();
    let t = Instant::now();
    let mut w = idx.writer().unwrap();
    for d in &docs {
        w.add(d).unwrap();
    }
    w.commit().unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "indexed {n} pages of ~2000 chars in {secs:.2} s = {:.0} docs/s",
        n as f64 / secs
    );
    for q in [
        "Aarhus",
        "lokalplan støj",
        "\"støj vejen\"",
        "arbejdsbelastning klima vand",
        "Århus OR cykelsti",
    ] {
        let sq = SearchQuery {
            year: None,
            ..SearchQuery::new(q)
        };
        idx.search(&sq).unwrap();
        let t = Instant::now();
        let rounds = 20;
        let mut total = 0;
        for _ in 0..rounds {
            total = idx.search(&sq).unwrap().total;
        }
        println!(
            "search {q:?}: {total} matches, {:.2} ms per search (20 hits with snippets)",
            t.elapsed().as_secs_f64() * 1000.0 / rounds as f64
        );
    }
}

#[test]
fn and_that_finds_nothing_falls_back_to_or() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let strict = idx.search(&k("lokalplan")).unwrap();
    assert!(strict.total > 0 && !strict.relaxed);
    // No document has both words: the answer is the documents with either.
    let relaxed = idx.search(&k("lokalplan zyxwvu")).unwrap();
    assert!(relaxed.relaxed);
    assert_eq!(
        sorted(relaxed.hits.iter().map(|h| h.key.clone()).collect()),
        sorted(strict.hits.iter().map(|h| h.key.clone()).collect())
    );
    // Words that occur nowhere give nothing, not an error.
    let none = idx.search(&k("zyxwvu qqqzzz")).unwrap();
    assert_eq!(none.total, 0);
    assert!(!none.relaxed);
}

#[test]
fn a_misspelt_word_is_found_by_a_similar_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let exact = idx.search(&k("skolestruktur")).unwrap();
    assert!(exact.corrected.is_none() && exact.total > 0);
    // One letter off ("skolestrutur"): found, and said so.
    let typo = idx.search(&k("skolestrutur")).unwrap();
    assert_eq!(typo.corrected.as_deref(), Some("skolestruktur"));
    assert_eq!(typo.hits, exact.hits);
    // A known word next to a typo: both still required.
    let both = idx.search(&k("Vest skolestrutur")).unwrap();
    assert_eq!(both.corrected.as_deref(), Some("Vest skolestruktur"));
    assert!(!both.relaxed);
    assert!(both.hits.iter().all(|h| h.cite.item_id == Some(4)));
    // Two letters off is too far.
    assert_eq!(idx.search(&k("skolstrutur")).unwrap().total, 0);
}

#[test]
fn filters_by_date_range_access_kind_and_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = corpus();
    docs[3].cite.item_kind = Some(ItemKind::Briefing); // item 1 itself
    let idx = build(dir.path(), &docs);
    let items = |q: SearchQuery| -> Vec<i64> {
        let mut v: Vec<i64> = idx
            .search(&q)
            .unwrap()
            .hits
            .iter()
            .filter_map(|h| h.cite.item_id)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let aarhus = || k("Aarhus");
    assert_eq!(items(aarhus()), [1, 2, 4, 5]);
    // From and to are inclusive; only meetings in the range.
    let range = SearchQuery {
        from: date(2023, 3, 6),
        to: date(2024, 2, 5),
        ..aarhus()
    };
    assert_eq!(items(range), [1, 4]);
    let from = SearchQuery {
        from: date(2024, 2, 6),
        ..aarhus()
    };
    assert_eq!(items(from), [2, 5]);
    // Only closed / only open, and closed never when not included.
    let closed = SearchQuery {
        access: Some(Access::Closed),
        ..aarhus()
    };
    assert_eq!(items(closed.clone()), [5]);
    let hidden = SearchQuery {
        include_closed: false,
        ..closed
    };
    assert_eq!(idx.search(&hidden).unwrap().total, 0);
    let open = SearchQuery {
        access: Some(Access::Open),
        ..aarhus()
    };
    assert_eq!(items(open), [1, 2, 4]);
    // Kinds: the briefing, the documents of the collections, or both.
    let briefing = SearchQuery {
        kinds: vec![MaterialKind::Briefing],
        ..k("lokalplan")
    };
    let hits = idx.search(&briefing).unwrap().hits;
    assert_eq!(
        hits.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(),
        ["item:1"]
    );
    let docs_only = SearchQuery {
        kinds: vec![MaterialKind::Document],
        ..k("lokalplan")
    };
    let hits = idx.search(&docs_only).unwrap().hits;
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.cite.collection.is_some()));
    // One case, written in any case.
    let case = SearchQuery {
        case_number: Some("emn-2023-000222".into()),
        ..k("støj")
    };
    assert_eq!(items(case), [2]);
}

#[test]
fn newest_and_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let dates = |sort: SortOrder| -> Vec<NaiveDate> {
        idx.search(&SearchQuery {
            sort,
            ..k("Aarhus")
        })
        .unwrap()
        .hits
        .iter()
        .filter_map(|h| h.cite.meeting_date)
        .collect()
    };
    let newest = dates(SortOrder::Newest);
    assert!(newest.len() > 3);
    assert!(newest.windows(2).all(|w| w[0] >= w[1]), "{newest:?}");
    let mut oldest = dates(SortOrder::Oldest);
    assert!(oldest.windows(2).all(|w| w[0] <= w[1]), "{oldest:?}");
    oldest.reverse();
    assert_eq!(oldest, newest);
}

#[test]
fn groups_by_attachment_with_the_best_pages_first_and_counts_facets() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path(), &corpus());
    let flat = idx.search(&k("støj")).unwrap();
    let grouped = idx
        .search(&SearchQuery {
            group: true,
            ..k("støj")
        })
        .unwrap();
    assert!(grouped.hits.is_empty());
    assert_eq!(grouped.total, flat.total);
    // Every flat hit sits in exactly one group; a group is one attachment of
    // one item (or the item's own text).
    let mut in_groups: Vec<String> = grouped
        .groups
        .iter()
        .flat_map(|g| g.hits.iter().map(|h| h.key.clone()))
        .collect();
    in_groups.sort();
    assert_eq!(
        in_groups,
        sorted(flat.hits.iter().map(|h| h.key.clone()).collect())
    );
    assert_eq!(grouped.total_groups, grouped.groups.len());
    for g in &grouped.groups {
        let first = &g.hits[0];
        assert!(g
            .hits
            .iter()
            .all(|h| h.cite.attachment_id == first.cite.attachment_id
                && h.cite.item_id == first.cite.item_id));
        assert!(g.hits.windows(2).all(|w| w[0].score >= w[1].score));
        assert_eq!(g.matched, g.hits.len());
        assert!(!first.snippet.is_empty());
    }
    // Both pages of the lokalplan proposal match (its title): one group of
    // two, page 1 first.
    let lokalplan = idx
        .search(&SearchQuery {
            group: true,
            ..k("lokalplan")
        })
        .unwrap();
    let proposal = lokalplan
        .groups
        .iter()
        .find(|g| g.hits[0].cite.attachment_id == Some(10))
        .unwrap();
    let pages: Vec<_> = proposal.hits.iter().map(|h| h.cite.page).collect();
    assert_eq!(pages, [Some(1), Some(2)]);
    // Groups come best first.
    assert!(grouped
        .groups
        .windows(2)
        .all(|w| w[0].hits[0].score >= w[1].hits[0].score));
    // A limit of one group still counts all of them.
    let one = idx
        .search(&SearchQuery {
            group: true,
            limit: 1,
            ..k("støj")
        })
        .unwrap();
    assert_eq!(one.groups.len(), 1);
    assert_eq!(one.total_groups, grouped.total_groups);
    assert_eq!(one.groups[0], grouped.groups[0]);

    // Facets count every match: per body, year and kind.
    let f = &flat.facets;
    let count = |body: i64| {
        flat.hits
            .iter()
            .filter(|h| h.cite.body_id == Some(body))
            .count()
    };
    let tu = f.bodies.iter().find(|b| b.body_id == TU).unwrap();
    assert_eq!(tu.count, count(TU));
    assert!(f.bodies.windows(2).all(|w| w[0].count >= w[1].count));
    let years: usize = f.years.iter().map(|y| y.count).sum();
    let dated = flat
        .hits
        .iter()
        .filter(|h| h.cite.meeting_date.is_some())
        .count();
    assert_eq!(years, dated);
    let kinds: usize = f.kinds.iter().map(|k| k.count).sum();
    assert_eq!(kinds, flat.total);
    // Facets follow the filters.
    let only_tu = idx
        .search(&SearchQuery {
            body_ids: vec![TU],
            ..k("støj")
        })
        .unwrap();
    assert_eq!(only_tu.facets.bodies.len(), 1);
    assert_eq!(only_tu.total, tu.count);
}

#[test]
fn more_like_a_case_finds_other_cases_on_the_same_subject() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = corpus();
    docs.push(item(
        9,
        TU,
        102,
        date(2024, 9, 2),
        5,
        "Støjhandlingsplan for vejene",
        Access::Open,
        "Støj fra vejene i Aarhus skal dæmpes med støjskærme og ny asfalt. Trafikplan følger.",
    ));
    let idx = build(dir.path(), &docs);
    let case2 = "EMN-2023-000222"; // item 2: the trafikplan
    let like = idx.more_like_case(case2, &k("")).unwrap();
    assert!(like.total > 0);
    assert!(like
        .hits
        .iter()
        .all(|h| h.cite.case_number.as_deref() != Some(case2)));
    assert_eq!(like.hits[0].cite.item_id, Some(9), "{:?}", like.hits);
    // Closed cases are unknown to callers without access, unknown cases too.
    let closed_case = "EMN-2023-000555";
    assert!(idx.more_like_case(closed_case, &k("")).is_ok());
    let hidden = SearchQuery {
        include_closed: false,
        ..k("")
    };
    assert!(matches!(
        idx.more_like_case(closed_case, &hidden),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        idx.more_like_case("EMN-1999-000001", &k("")),
        Err(Error::NotFound(_))
    ));
}

/// Index build time and size on the demo corpus:
/// `cargo test -p moedemappe-core index_build_cost -- --ignored --nocapture`.
#[test]
#[ignore]
fn index_build_cost() {
    let scale = 0.3;
    let corpus = crate::relevance::corpus::build(&crate::demo::DemoOptions {
        scale,
        ..crate::demo::DemoOptions::default()
    });
    let closed = corpus
        .docs
        .iter()
        .filter(|d| d.cite.access == Access::Closed)
        .count();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let idx = build(dir.path(), &corpus.docs);
    let took = start.elapsed();
    fn size(p: &Path) -> u64 {
        std::fs::read_dir(p)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| {
                let m = e.metadata().unwrap();
                if m.is_dir() {
                    size(&e.path())
                } else {
                    m.len()
                }
            })
            .sum()
    }
    let mut parts = vec![("total".to_string(), size(dir.path()))];
    for e in std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
    {
        if e.path().is_dir() {
            parts.push((
                e.file_name().to_string_lossy().into_owned(),
                size(&e.path()),
            ));
        }
    }
    println!(
        "scale {scale}: {} docs ({closed} closed), built in {:.2} s, {} in index; sizes: {:?}",
        corpus.docs.len(),
        took.as_secs_f64(),
        idx.doc_count().unwrap(),
        parts
    );
}

/// Grouping keeps, in one pass, exactly what a flat list of every match
/// would give: the first groups in rank order, each with its best pages (up
/// to 3, or more when only one or two groups match).
#[test]
fn groups_are_the_best_of_every_match_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for n in 0..12i64 {
        let it = item(
            100 + n,
            TU,
            n,
            NaiveDate::from_ymd_opt(2024, 1, 1 + n as u32),
            1,
            "Sag",
            Access::Open,
            "Punkt uden ordet.",
        );
        for p in 1..=6u32 {
            // Scores differ by how often the word is on the page.
            let times = ((n as u32 * 7 + p * 3) % 9) as usize + 1;
            let text = format!(
                "{} {}",
                "parkering ".repeat(times),
                synthetic_page(p as usize)
            );
            docs.push(page(&it, 500 + n, "Bilag", p, &text));
        }
        docs.push(it);
    }
    let idx = build(dir.path(), &docs);
    let flat = idx
        .search(&SearchQuery {
            limit: 1000,
            ..k("parkering")
        })
        .unwrap();
    let group_of = |h: &Hit| h.cite.attachment_id;
    for limit in [1, 3, 5, 20] {
        let grouped = idx
            .search(&SearchQuery {
                group: true,
                limit,
                ..k("parkering")
            })
            .unwrap();
        let mut want: Vec<(Option<i64>, Vec<String>)> = Vec::new();
        for h in &flat.hits {
            match want.iter_mut().find(|(g, _)| *g == group_of(h)) {
                Some((_, pages)) => pages.push(h.key.clone()),
                None => want.push((group_of(h), vec![h.key.clone()])),
            }
        }
        want.truncate(limit);
        for (_, pages) in &mut want {
            pages.truncate(PAGES_PER_GROUP);
        }
        let got: Vec<(Option<i64>, Vec<String>)> = grouped
            .groups
            .iter()
            .map(|g| {
                (
                    group_of(&g.hits[0]),
                    g.hits.iter().map(|h| h.key.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(got, want, "limit {limit}");
    }
    // One attachment alone shows up to 30 of its pages.
    let one = idx
        .search(&SearchQuery {
            group: true,
            attachment: Some(503),
            ..k("parkering")
        })
        .unwrap();
    assert_eq!(one.groups.len(), 1);
    assert_eq!(one.groups[0].hits.len(), 6);
}
