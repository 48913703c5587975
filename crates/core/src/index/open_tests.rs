//! Tests that a search without closed material sees exactly what an index that
//! never held closed material would show: scores, order, snippets, facets,
//! spelling corrections and relaxation.

use super::tests::{build, coll_page, corpus, date, item, k, page, BR, TU};
use super::*;
use crate::model::Access;

/// Closed material sharing words with the open corpus (so document
/// frequencies, the document count and field lengths differ), with words
/// found nowhere else ("quorbax") and a word one letter from an open one that
/// more documents hold ("zorblit" against the open "zorblat").
fn closed_extra() -> Vec<IndexDoc> {
    let c = item(
        20,
        BR,
        302,
        date(2024, 8, 21),
        9,
        "Lokalplan og ekspropriation ved Aarhus Havn",
        Access::Closed,
        "Fortroligt: lokalplan for havnen kræver ekspropriation. Købesum og støj fra \
         vejen drøftes. Zorblit quorbax.",
    );
    vec![
        page(
            &c,
            70,
            "Ekspropriationsnotat",
            1,
            "Lokalplan, lokalplan og atter lokalplan: støj fra vejen ved Aarhus Havn. \
             Zorblit nævnes.",
        ),
        page(
            &c,
            70,
            "Ekspropriationsnotat",
            2,
            "Zorblit og quorbax i en lang tekst om trafikplan, skolestruktur og budget, \
             som gør den gennemsnitlige side længere end de åbne sider er.",
        ),
        c,
        coll_page(30, 1, "Lukket notat", "Lokalplan for Aarhus Havn, zorblit."),
    ]
    .into_iter()
    .map(|mut d| {
        d.cite.access = Access::Closed;
        d
    })
    .collect()
}

/// Open material with the rare word "zorblat".
fn open_extra() -> Vec<IndexDoc> {
    let o = item(
        21,
        TU,
        103,
        date(2024, 10, 7),
        3,
        "Nyt anlæg ved havnen",
        Access::Open,
        "Et zorblat ved havnen i Aarhus. Støj fra anlægget vurderes i lokalplan.",
    );
    vec![o]
}

fn open_docs() -> Vec<IndexDoc> {
    corpus()
        .into_iter()
        .chain(open_extra())
        .filter(|d| d.cite.access == Access::Open)
        .collect()
}

fn all_docs() -> Vec<IndexDoc> {
    let mut docs = corpus();
    docs.extend(open_extra());
    docs.extend(closed_extra());
    docs
}

fn open_scope(q: SearchQuery) -> SearchQuery {
    SearchQuery {
        include_closed: false,
        ..q
    }
}

/// Queries of every kind: plain AND, misspellings, relaxation, grouping,
/// facets, filters and orders.
fn queries() -> Vec<SearchQuery> {
    let mut qs = Vec::new();
    for text in [
        "lokalplan",
        "lokalplan Aarhus",
        "støj vejen",
        "Aarhus Havn",
        "zorblot",
        "quorbix",
        "lokalplan købesum",
        "lokalplan zyxwvq",
        "\"offentlig høring\"",
        "TU støj",
        "lokalplan OR budget",
        "støj -vejen",
        "EMN-2023-000111",
    ] {
        qs.push(k(text));
        qs.push(SearchQuery {
            group: true,
            limit: 3,
            ..k(text)
        });
        qs.push(SearchQuery {
            sort: SortOrder::Newest,
            limit: 4,
            ..k(text)
        });
        qs.push(SearchQuery {
            sort: SortOrder::Oldest,
            group: true,
            ..k(text)
        });
    }
    qs.push(SearchQuery {
        year: Some(2024),
        ..k("Aarhus")
    });
    qs.push(SearchQuery {
        body_ids: vec![BR, TU],
        ..k("lokalplan støj")
    });
    qs.push(SearchQuery {
        kinds: vec![MaterialKind::Case],
        access: Some(Access::Open),
        ..k("Aarhus")
    });
    qs.into_iter().map(open_scope).collect()
}

#[test]
fn the_open_scope_equals_an_index_without_closed_material() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = build(a_dir.path(), &all_docs());
    let b = build(b_dir.path(), &open_docs());
    for q in queries() {
        let (got, want) = (a.search(&q).unwrap(), b.search(&q).unwrap());
        assert_eq!(got, want, "{q:?}");
        let shown = got
            .hits
            .iter()
            .chain(got.groups.iter().flat_map(|g| &g.hits));
        for h in shown {
            assert_eq!(h.cite.access, Access::Open, "{q:?}");
        }
    }
    assert_eq!(a.doc_count_in(false).unwrap(), b.doc_count().unwrap());
    assert_eq!(a.doc_count().unwrap(), all_docs().len() as u64);
    assert_eq!(a.doc_count_in(true).unwrap(), all_docs().len() as u64);
}

/// The comparison above means something: on the index of every document the
/// same questions come out otherwise (this is what the open scope returned
/// when it was only a filter).
#[test]
fn closed_material_changes_statistics_on_the_full_index() {
    let dir = tempfile::tempdir().unwrap();
    let a = build(dir.path(), &all_docs());
    let filtered = |text: &str| {
        a.search(&SearchQuery {
            access: Some(Access::Open),
            ..k(text)
        })
        .unwrap()
    };
    let open = |text: &str| a.search(&open_scope(k(text))).unwrap();

    // Same hits, other scores.
    let (f, o) = (filtered("lokalplan"), open("lokalplan"));
    let keys = |r: &SearchResults| {
        let mut v: Vec<String> = r.hits.iter().map(|h| h.key.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(keys(&f), keys(&o));
    assert_ne!(
        f.hits.iter().map(|h| h.score).collect::<Vec<_>>(),
        o.hits.iter().map(|h| h.score).collect::<Vec<_>>()
    );

    // The correction: the closed "zorblit" is held by more documents than
    // the open "zorblat".
    assert_eq!(
        a.search(&k("zorblot")).unwrap().corrected.as_deref(),
        Some("zorblit")
    );
    assert_eq!(open("zorblot").corrected.as_deref(), Some("zorblat"));
    // A word near only closed material is corrected for the full scope, and
    // not at all for the open one.
    let full = a.search(&k("quorbix")).unwrap();
    assert_eq!(full.corrected.as_deref(), Some("quorbax"));
    assert!(full.hits.iter().all(|h| h.cite.access == Access::Closed));
    let hidden = open("quorbix");
    assert_eq!(
        (hidden.total, hidden.corrected, hidden.relaxed),
        (0, None, false)
    );

    // Every word is in some closed document, not in any open one.
    assert!(!a.search(&k("lokalplan købesum")).unwrap().relaxed);
    assert!(open("lokalplan købesum").relaxed);
}

#[test]
fn the_closed_scope_still_finds_closed_material() {
    let dir = tempfile::tempdir().unwrap();
    let a = build(dir.path(), &all_docs());
    let r = a.search(&k("ekspropriation")).unwrap();
    assert!(r.total >= 2);
    assert!(r.hits.iter().all(|h| h.cite.access == Access::Closed));
    assert_eq!(r.facets.bodies[0].body_id, BR);
    let r = a.search(&k("quorbax")).unwrap();
    assert_eq!(r.total, 2, "{:?}", r.hits);
    let none = a.search(&open_scope(k("ekspropriation"))).unwrap();
    assert_eq!(none.total, 0);
    assert!(none.facets.bodies.is_empty());
}

#[test]
fn more_like_a_case_in_the_open_scope_equals_an_index_without_closed_material() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = build(a_dir.path(), &all_docs());
    let b = build(b_dir.path(), &open_docs());
    for case in ["EMN-2023-000111", "EMN-2023-000222", "EMN-2023-002331"] {
        for q in [
            k(""),
            SearchQuery {
                group: true,
                ..k("")
            },
            SearchQuery {
                sort: SortOrder::Newest,
                limit: 3,
                ..k("")
            },
        ] {
            let q = open_scope(q);
            assert_eq!(
                a.more_like_case(case, &q).unwrap(),
                b.more_like_case(case, &q).unwrap(),
                "{case} {q:?}"
            );
        }
    }
    // The closed case is unknown to the open scope, found in the full one.
    let closed = "EMN-2023-002220";
    assert!(matches!(
        a.more_like_case(closed, &open_scope(k(""))),
        Err(Error::NotFound(_))
    ));
    assert!(a.more_like_case(closed, &k("")).unwrap().total > 0);
}

#[test]
fn material_that_turns_closed_leaves_the_open_scope_and_its_statistics() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = build(a_dir.path(), &all_docs());
    // Item 21 (the only "zorblat") turns closed.
    let mut w = a.writer().unwrap();
    w.delete_owner("item:21");
    for mut d in open_extra() {
        d.cite.access = Access::Closed;
        w.add(&d).unwrap();
    }
    w.commit().unwrap();
    drop(w);
    let b = build(
        b_dir.path(),
        &open_docs()
            .into_iter()
            .filter(|d| d.owner != "item:21")
            .collect::<Vec<_>>(),
    );
    for text in ["zorblot", "zorblat", "lokalplan", "støj vejen", "havnen"] {
        let q = open_scope(k(text));
        assert_eq!(a.search(&q).unwrap(), b.search(&q).unwrap(), "{text}");
    }
    assert_eq!(a.doc_count_in(false).unwrap(), b.doc_count().unwrap());
    let full = a.search(&k("zorblat")).unwrap();
    assert_eq!(full.hits[0].key, "item:21");
    assert_eq!(full.hits[0].cite.access, Access::Closed);

    // And back to open.
    let mut w = a.writer().unwrap();
    w.delete_owner("item:21");
    for d in open_extra() {
        w.add(&d).unwrap();
    }
    w.commit().unwrap();
    let back = a.search(&open_scope(k("zorblat"))).unwrap();
    assert_eq!(back.hits[0].key, "item:21");
}

#[test]
fn delete_all_and_reopening_cover_both_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let a = build(dir.path(), &all_docs());
    let again = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(again.doc_count_in(false).unwrap(), open_docs().len() as u64);
    let q = open_scope(k("lokalplan"));
    assert_eq!(again.search(&q).unwrap(), a.search(&q).unwrap());
    let mut w = a.writer().unwrap();
    w.delete_all().unwrap();
    w.commit().unwrap();
    assert_eq!(a.doc_count_in(true).unwrap(), 0);
    assert_eq!(a.doc_count_in(false).unwrap(), 0);
    // Another handle sees the commit after a reload.
    assert_eq!(again.doc_count_in(false).unwrap(), open_docs().len() as u64);
    again.reload().unwrap();
    assert_eq!(again.doc_count_in(false).unwrap(), 0);
    assert_eq!(again.doc_count_in(true).unwrap(), 0);
}

#[test]
fn an_index_missing_its_open_part_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &all_docs());
    std::fs::remove_dir_all(dir.path().join(OPEN_DIR)).unwrap();
    let err = SearchIndex::open_or_create(dir.path()).unwrap_err();
    assert_eq!(err.code(), "stale_index");
}
