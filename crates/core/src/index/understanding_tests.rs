//! Regression tests for what the search must understand on real council
//! text (issue 15): each failure kind it once had, named after what it
//! guards.

use super::tests::{build, coll_page, k};
use super::*;

fn keys(idx: &SearchIndex, q: &SearchQuery) -> Vec<String> {
    idx.search(q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.key)
        .collect()
}

#[test]
fn a_compound_typed_as_one_word_finds_its_parts_written_apart() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(
        dir.path(),
        &[
            coll_page(
                1,
                1,
                "Plan",
                "Forslaget om udvidelse af Aarhus Havn mod øst.",
            ),
            coll_page(
                2,
                1,
                "Plan",
                "Kommunens politik mod diskrimination på arbejdspladsen.",
            ),
            coll_page(
                3,
                1,
                "Plan",
                "Havnebadet åbner igen til sommer for alle byens borgere og gæster. \
                 Udvidelse af cykelparkeringen ved stationen.",
            ),
            coll_page(4, 1, "Plan", "Havneudvidelsen er vedtaget."),
        ],
    );
    assert_eq!(
        {
            let mut got = keys(&idx, &k("havneudvidelsen"));
            got.sort();
            got
        },
        ["doc:1:1", "doc:4:1"],
        "the parts near each other count, apart in one text they do not"
    );
    assert_eq!(keys(&idx, &k("diskriminationspolitik")), ["doc:2:1"]);
}

#[test]
fn a_question_finds_pages_that_hold_most_of_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(
        dir.path(),
        &[
            coll_page(
                1,
                1,
                "Notat",
                "Chikane og trusler mod politikere skal tages alvorligt.",
            ),
            coll_page(
                2,
                1,
                "Notat",
                "Beredskab ved chikane af byrådsmedlemmer, og ved trusler.",
            ),
            coll_page(
                3,
                1,
                "Notat",
                "Trusler mod politikere på de sociale medier.",
            ),
            coll_page(4, 1, "Notat", "Politikere mødes om trafik."),
            coll_page(5, 1, "Notat", "Vejret var godt, og mødet sluttede tidligt."),
        ],
    );
    let got = keys(&idx, &k("chikane og trusler mod politikere"));
    let res = idx.search(&k("chikane og trusler mod politikere")).unwrap();
    assert!(res.widened && !res.relaxed, "the member is told why");
    assert!(!idx.search(&k("trusler")).unwrap().widened);
    assert_eq!(
        got.first().map(String::as_str),
        Some("doc:1:1"),
        "every word first: {got:?}"
    );
    for most in ["doc:2:1", "doc:3:1"] {
        assert!(
            got.contains(&most.to_string()),
            "{most} holds two of three words: {got:?}"
        );
    }
    assert!(
        !got.contains(&"doc:4:1".to_string()),
        "one word of three is too few: {got:?}"
    );
    assert!(
        !got.contains(&"doc:5:1".to_string()),
        "stop words alone match nothing: {got:?}"
    );
}

#[test]
fn one_long_document_shows_many_of_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<IndexDoc> = (1..=40)
        .map(|p| {
            coll_page(
                1,
                p,
                "Betænkning",
                &format!("Side {p} om delegation af kompetence."),
            )
        })
        .collect();
    let idx = build(dir.path(), &pages);
    let res = idx
        .search(&SearchQuery {
            group: true,
            ..k("delegation")
        })
        .unwrap();
    assert_eq!(res.groups.len(), 1);
    assert_eq!(res.groups[0].matched, 40);
    assert!(
        res.groups[0].hits.len() >= 20,
        "one report shows {} of its 40 matching pages",
        res.groups[0].hits.len()
    );
}

#[test]
fn mulighed_is_not_stemmed_into_unrelated_words() {
    // Snowball cuts "mulighed" to "mul", the stem of "mule" and "mulen".
    assert_eq!(analyze("mulighed"), analyze("mulighederne"));
    assert_ne!(analyze("mulighed"), analyze("mule"));
    assert_ne!(analyze("ledighed"), analyze("ledelse"));
    assert_eq!(analyze("kapabilitet"), analyze("kapabiliteter"));
    let dir = tempfile::tempdir().unwrap();
    let idx = build(
        dir.path(),
        &[
            coll_page(1, 1, "Notat", "Der er mange muligheder for samarbejde."),
            coll_page(2, 1, "Notat", "Mulen på hesten var våd."),
        ],
    );
    assert_eq!(keys(&idx, &k("mulighed")), ["doc:1:1"]);
}

#[test]
fn a_search_inside_one_attachment_lists_its_pages_by_rank() {
    let dir = tempfile::tempdir().unwrap();
    let item = super::tests::item(
        1,
        super::tests::TU,
        10,
        super::tests::date(2024, 5, 6),
        3,
        "Betænkning",
        crate::model::Access::Open,
        "Betænkning om byrådets arbejde.",
    );
    let mut docs = vec![item.clone()];
    for p in 1..=6 {
        let text = if p == 4 {
            "Delegation, delegation og atter delegation.".to_string()
        } else {
            format!("Side {p} om delegation.")
        };
        docs.push(super::tests::page(&item, 7, "Bilag", p, &text));
    }
    docs.push(super::tests::page(
        &item,
        8,
        "Andet bilag",
        1,
        "Delegation andetsteds.",
    ));
    let idx = build(dir.path(), &docs);
    let res = idx
        .search(&SearchQuery {
            attachment: Some(7),
            ..k("delegation")
        })
        .unwrap();
    assert_eq!(res.total, 6, "only the six pages of bilag 7");
    assert!(res.hits.iter().all(|h| h.cite.attachment_id == Some(7)));
    assert_eq!(
        res.hits[0].cite.page,
        Some(4),
        "the page saying it most, first"
    );
}
