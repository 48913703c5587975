//! Tests of the demo corpus: the workload table, the features, determinism,
//! the PDF round trip and the folder format.

use super::*;
use crate::folder::schema::{BodyFile, MeetingFile};
use crate::model::{Access, BodyKind, ItemKind, Publication};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn stats_map(p: &DemoPlan) -> BTreeMap<(String, i32), BodyYearStats> {
    p.expected_stats()
        .into_iter()
        .map(|s| ((s.body.clone(), s.year), s))
        .collect()
}

#[test]
fn full_scale_plan_matches_the_table_exactly() {
    let p = plan(&DemoOptions {
        scale: 1.0,
        seed: 2023,
        today: None,
    });
    let stats = stats_map(&p);
    for row in WORKLOAD_TABLE {
        for t in row.years {
            let s = &stats[&(row.body.to_string(), t.year)];
            assert_eq!(
                (s.items, s.referred, s.pages),
                (t.items, t.referred, t.pages),
                "{} {}",
                row.body,
                t.year
            );
            let range = match row.cadence {
                Cadence::Weekly => 38..=48,
                Cadence::Biweekly => 19..=25,
                Cadence::Monthly => 10..=12,
                Cadence::Quarterly => 4..=4,
            };
            assert!(
                range.contains(&s.meetings),
                "{} {}: {} meetings",
                row.body,
                t.year,
                s.meetings
            );
        }
    }
    // TU 2023 carries one case of over 6,000 pages in one meeting.
    let tu = p
        .bodies
        .iter()
        .find(|b| b.short.as_deref() == Some("TU"))
        .unwrap();
    let biggest = tu
        .meetings
        .iter()
        .filter(|m| m.date.year() == 2023)
        .flat_map(|m| &m.items)
        .map(|i| {
            i.attachments
                .iter()
                .map(|a| u64::from(p.docs[a.doc].pages))
                .sum::<u64>()
        })
        .max()
        .unwrap();
    assert!(biggest > 6000, "{biggest}");
    // Attachments are typically 1-150 pages.
    let typical = p
        .docs
        .iter()
        .filter(|d| (1..=150).contains(&d.pages))
        .count();
    assert!(
        typical * 10 >= p.docs.len() * 9,
        "{typical} of {}",
        p.docs.len()
    );
    let total = p.doc_pages();
    assert!((45_000..60_000).contains(&total), "{total}");
}

#[test]
fn other_seeds_also_match_the_table() {
    for seed in [1, 99] {
        let p = plan(&DemoOptions {
            scale: 1.0,
            seed,
            today: None,
        });
        let stats = stats_map(&p);
        for row in WORKLOAD_TABLE {
            for t in row.years {
                let s = &stats[&(row.body.to_string(), t.year)];
                assert_eq!(
                    (s.items, s.referred, s.pages),
                    (t.items, t.referred, t.pages),
                    "seed {seed} {}",
                    row.body
                );
            }
        }
    }
}

/// Checks every feature the demo corpus must show; returns nothing, panics on a gap.
fn assert_features(p: &DemoPlan) {
    let all_items = || {
        p.bodies
            .iter()
            .flat_map(|b| b.meetings.iter().flat_map(|m| m.items.iter()))
    };
    // Fixed items of every sort.
    for t in [
        "Godkendelse af dagsorden",
        "Godkendelse af referat",
        "Meddelelser",
        "Sager på vej",
        "Eventuelt",
    ] {
        assert!(
            all_items().any(|i| i.kind == ItemKind::Fixed && i.title == t),
            "{t}"
        );
    }
    assert!(
        all_items().any(|i| i.kind == ItemKind::Briefing && i.subjects.len() >= 2),
        "briefing"
    );
    assert!(all_items().any(|i| i.referred && !i.postponed), "referred");
    assert!(
        all_items().any(|i| i.access == Access::Closed && !i.attachments.is_empty()),
        "closed"
    );
    assert!(
        all_items().any(|i| i.access == Access::Open && i.attachments.iter().any(|a| a.closed)),
        "a closed bilag on an open item"
    );
    assert!(all_items().any(|i| i.foretraede), "foretræde");
    // Postponed, then treated at a later meeting of the same body with the same attachments.
    let mut postponed_treated = false;
    for b in &p.bodies {
        for (k, m) in b.meetings.iter().enumerate() {
            for i in m.items.iter().filter(|i| i.postponed) {
                let later = b.meetings[k + 1..].iter().flat_map(|m| &m.items).find(|j| {
                    !j.postponed && j.case_number == i.case_number && j.attachments == i.attachments
                });
                assert!(
                    later.is_some(),
                    "postponed {:?} never treated",
                    i.case_number
                );
                postponed_treated = true;
            }
        }
    }
    assert!(postponed_treated, "postponed");
    // One file used by two items of the same meeting.
    let shared = p.bodies.iter().flat_map(|b| &b.meetings).any(|m| {
        let mut docs: Vec<usize> = m
            .items
            .iter()
            .flat_map(|i| i.attachments.iter().map(|a| a.doc).collect::<BTreeSet<_>>())
            .collect();
        let n = docs.len();
        docs.sort_unstable();
        docs.dedup();
        docs.len() < n
    });
    assert!(shared, "shared attachment");
    // Committee -> Magistraten -> Byrådet with the same case number and attachment bytes.
    let dates = |kind: BodyKind, case: &str| -> Vec<(chrono::NaiveDate, Vec<usize>)> {
        p.bodies
            .iter()
            .filter(|b| b.kind == kind)
            .flat_map(|b| &b.meetings)
            .flat_map(|m| m.items.iter().map(move |i| (m.date, i)))
            .filter(|(_, i)| i.case_number.as_deref() == Some(case))
            .map(|(d, i)| (d, i.attachments.iter().map(|a| a.doc).collect()))
            .collect()
    };
    let mut flow = false;
    for b in p.bodies.iter().filter(|b| b.kind == BodyKind::Committee) {
        for m in &b.meetings {
            for i in m.items.iter().filter(|i| !i.attachments.is_empty()) {
                let case = i.case_number.as_deref().unwrap_or("");
                let mag = dates(BodyKind::Magistrat, case);
                let br = dates(BodyKind::Council, case);
                if let (Some(ma), Some(c)) = (mag.first(), br.first()) {
                    assert!(m.date < ma.0 && ma.0 < c.0);
                    assert_eq!(
                        c.1[..],
                        i.attachments
                            .iter()
                            .map(|a| a.doc)
                            .take(3)
                            .collect::<Vec<_>>()[..]
                    );
                    flow = true;
                }
            }
        }
    }
    assert!(flow, "committee -> Magistrat -> Byråd");
    let oeu = p
        .bodies
        .iter()
        .find(|b| b.short.as_deref() == Some("ØEU"))
        .unwrap();
    assert_eq!(oeu.formerly[0].name, "Økonomiudvalget");
    assert_eq!(p.bodies.len(), 12);
    assert!(p
        .bodies
        .iter()
        .all(|b| b.meetings.iter().all(|m| m.date.month() != 7)));
}

#[test]
fn default_plan_has_every_feature_and_follows_the_scaled_table() {
    let opts = DemoOptions::default();
    let p = plan(&opts);
    assert_features(&p);
    let stats = stats_map(&p);
    for row in WORKLOAD_TABLE {
        for t in row.years {
            let s = &stats[&(row.body.to_string(), t.year)];
            assert!(s.meetings >= 1);
            if row.short != Some("TU") {
                assert_eq!(
                    u64::from(s.items),
                    (f64::from(t.items) * opts.scale).round().max(1.0) as u64,
                    "{}",
                    row.body
                );
                assert_eq!(
                    s.pages,
                    (t.pages as f64 * opts.scale).round() as u64,
                    "{}",
                    row.body
                );
            }
        }
    }
    let total = p.doc_pages();
    assert!((2_000..6_000).contains(&total), "{total}");
    // Features survive at a tiny scale too.
    assert_features(&plan(&DemoOptions {
        scale: 0.005,
        seed: 7,
        today: None,
    }));
    assert_features(&plan(&DemoOptions {
        scale: 1.0,
        seed: 2023,
        today: None,
    }));
}

#[test]
fn the_text_has_what_makes_danish_search_hard() {
    let p = plan(&DemoOptions::default());
    let texts: String = p
        .bodies
        .iter()
        .flat_map(|b| &b.meetings)
        .flat_map(|m| &m.items)
        .map(|i| format!("{}\n{}\n", i.title, i.case_text))
        .collect();
    assert!(
        texts.contains("Resume")
            && texts.contains("Indstilling")
            && texts.contains("Sagsfremstilling")
    );
    assert!(texts.contains("Beslutning"));
    // Sample the page text of some documents.
    let mut pages_text = String::new();
    let (mut load_pages, mut load_bodies) = ((0u32, 0u32), BTreeSet::new());
    for d in p.docs.iter().step_by(7).take(60) {
        let mut rng = rng::Rng::derive(d.seed, "text", 0);
        let case = d.origin.case_number.clone().unwrap_or_default();
        let ctx = text::Ctx {
            topic: d.topic,
            year: d.origin.date.year(),
            case_number: &case,
        };
        let intro = text::DocIntro {
            title: &d.name,
            lines: vec![],
        };
        let pages = text::document_pages(&mut rng, &ctx, &intro, d.pages, 40);
        assert_eq!(pages.len(), d.pages as usize);
        for pg in &pages {
            load_pages.1 += 1;
            if pg.iter().any(|l| l.contains("rbejdsbelastning")) {
                load_pages.0 += 1;
                load_bodies.insert(d.origin.body.clone());
            }
        }
        assert!(pages
            .iter()
            .flatten()
            .all(|l| l.chars().count() <= text::LINE_WIDTH));
        for l in pages.iter().flatten() {
            pages_text.push_str(l);
            pages_text.push('\n');
        }
    }
    // "arbejdsbelastning" on a fair share of pages, in several bodies, but not everywhere.
    assert!(load_bodies.len() >= 4, "{load_bodies:?}");
    assert!(
        load_pages.0 * 10 >= load_pages.1 && load_pages.0 * 10 <= load_pages.1 * 8,
        "{load_pages:?}"
    );
    let all = format!("{texts}{pages_text}");
    for w in [
        "planen",
        "planer",
        "planerne",
        "bilagsmateriale",
        "arbejdsbelastning",
        "arbejdsbelastningen",
        "ældreområdet",
        "Aarhus Kommune",
        "Århus Kommune",
        "§ 17, stk. 4",
        "EMN-202",
        "MKB",
        "BR)",
        "Børne- og Ungeudvalget",
        "kultur- og fritidsområdet",
        "skolestruktur",
    ] {
        assert!(all.contains(w), "missing {w:?}");
    }
    assert!(
        pages_text.lines().any(|l| l.ends_with("børne-")),
        "no line ends in 'børne-'"
    );
    assert!(pages_text.contains(" marts 202") || pages_text.contains(" maj 202"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    out.sort();
    out
}

fn tree_hash(dir: &Path) -> String {
    let mut h = Sha256::new();
    for p in walk(dir) {
        h.update(p.strip_prefix(dir).unwrap().to_string_lossy().as_bytes());
        if p.is_file() {
            h.update(std::fs::read(&p).unwrap());
        }
    }
    hex::encode(h.finalize())
}

fn pdf_pages(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes).unwrap().get_pages().len()
}

#[test]
fn generated_corpus_is_deterministic_valid_and_counts_as_planned() {
    let opts = DemoOptions {
        scale: 0.02,
        seed: 5,
        today: None,
    };
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let sa = generate(a.path(), &opts).unwrap();
    let sb = generate(&b.path().join("out"), &opts).unwrap();
    assert_eq!(sa, sb);
    assert_eq!(tree_hash(a.path()), tree_hash(&b.path().join("out")));
    // A non-empty folder is refused and left alone.
    assert!(matches!(
        generate(a.path(), &opts),
        Err(crate::Error::Invalid(_))
    ));

    let p = plan(&opts);
    assert_eq!(sa.attachments, p.docs.len());
    assert_eq!(sa.bodies, 12);
    let paths = walk(a.path());
    let pdfs: Vec<&PathBuf> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), sa.files);

    // Windows-safe names everywhere.
    for path in &paths[1..] {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            !name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']),
            "{name}"
        );
        assert!(!name.ends_with('.') && !name.ends_with(' '), "{name:?}");
        assert!(name.chars().count() < 100, "{name}");
    }

    // Recount from disk like an importer would: meeting.json + item folders + PDF pages.
    let mut recount: BTreeMap<(String, i32), (u32, u32, u32, u64)> = BTreeMap::new();
    let mut total_pages = 0u64;
    for b in &p.bodies {
        let bdir = a.path().join(&b.name);
        let bf: BodyFile =
            serde_json::from_slice(&std::fs::read(bdir.join("body.json")).unwrap()).unwrap();
        assert_eq!(bf.name.as_deref(), Some(b.name.as_str()));
        for m in &b.meetings {
            let mdir = bdir.join(m.date.format("%Y-%m-%d").to_string());
            let mf: MeetingFile =
                serde_json::from_slice(&std::fs::read(mdir.join("meeting.json")).unwrap()).unwrap();
            let mut folders: BTreeMap<u32, PathBuf> = BTreeMap::new();
            for e in std::fs::read_dir(&mdir).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    let name = e.file_name().into_string().unwrap();
                    folders.insert(name[..2].parse().unwrap(), e.path());
                }
            }
            assert_eq!(folders.len(), mf.items.len(), "every item has a folder");
            let r = recount.entry((b.name.clone(), m.date.year())).or_default();
            r.0 += 1;
            let mut seen = BTreeSet::new();
            let mut pages = 0u64;
            for e in &mf.items {
                assert!(e.title.is_some() && e.case_text.is_some());
                if e.postponed {
                    continue;
                }
                r.1 += match e.kind {
                    ItemKind::Fixed => 0,
                    ItemKind::Briefing => e.subjects.len() as u32,
                    ItemKind::Regular => 1,
                };
                r.2 += u32::from(e.referred);
                if e.access == Access::Open {
                    for f in std::fs::read_dir(&folders[&e.number]).unwrap() {
                        let path = f.unwrap().path();
                        // A closed bilag (meeting.json says so) is not counted.
                        let name = path.file_name().unwrap().to_string_lossy().into_owned();
                        if e.attachments
                            .iter()
                            .any(|a| a.file == name && a.access.is_closed())
                        {
                            continue;
                        }
                        let bytes = std::fs::read(&path).unwrap();
                        if seen.insert(hex::encode(Sha256::digest(&bytes))) {
                            pages += pdf_pages(&bytes) as u64;
                        }
                    }
                }
            }
            r.3 += pages;
        }
    }
    for s in p.expected_stats() {
        let r = recount[&(s.body.clone(), s.year)];
        assert_eq!(
            (r.0, r.1, r.2, r.3),
            (s.meetings, s.items, s.referred, s.pages),
            "{} {}",
            s.body,
            s.year
        );
    }
    for f in &pdfs {
        total_pages += pdf_pages(&std::fs::read(f).unwrap()) as u64;
    }
    assert_eq!(total_pages, sa.pages);

    // The handbook is a plain folder of PDFs.
    let hb: Vec<_> = std::fs::read_dir(a.path().join(HANDBOOK_FOLDER))
        .unwrap()
        .collect();
    assert_eq!(hb.len(), sa.documents);
    assert!(sa.documents >= 3);
}

#[test]
fn danish_letters_and_page_counts_survive_pdf_extract() {
    let p = plan(&DemoOptions::default());
    let mut seen_words = String::new();
    let sample: Vec<&PlannedDoc> = p
        .docs
        .iter()
        .step_by((p.docs.len() / 12).max(1))
        .take(12)
        .collect();
    assert!(sample.len() >= 10);
    for d in sample {
        let bytes = write::doc_bytes(d);
        let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
        assert_eq!(pages.len(), d.pages as usize, "{}", d.name);
        let date = danish_date(d.origin.date);
        for (i, t) in pages.iter().enumerate() {
            assert!(
                t.contains(&d.origin.body),
                "page {i} lacks the body: {t:.200}"
            );
            assert!(t.contains(&date), "page {i} lacks the date");
            assert!(
                t.contains(&format!("Side {} af {}", i + 1, d.pages)),
                "page {i} lacks its number"
            );
        }
        assert!(pages[0].contains(&d.name));
        seen_words.push_str(&pages.concat());
    }
    let hb = write::handbook_bytes(&p.handbook[0]);
    let hb_pages = pdf_extract::extract_text_from_mem_by_pages(&hb).unwrap();
    assert_eq!(hb_pages.len(), p.handbook[0].pages as usize);
    seen_words.push_str(&hb_pages.concat());
    for w in [
        "æ",
        "ø",
        "å",
        "Æ",
        "Ø",
        "Å",
        "Byrådet",
        "Århus Kommune",
        "Aarhus Kommune",
        "§ 17, stk. 4",
        "arbejdsbelastning",
        "Økonomi- og Erhvervsudvalget",
    ] {
        assert!(seen_words.contains(w), "{w:?} did not survive extraction");
    }
}

/// Prints time and size of generate at the default scale and at 1.0.
/// Run with `cargo test --release -p moedemappe-core demo::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    for scale in [0.05, 1.0] {
        let dir = tempfile::tempdir().unwrap();
        let t = std::time::Instant::now();
        let s = generate(
            dir.path(),
            &DemoOptions {
                scale,
                seed: 2023,
                today: None,
            },
        )
        .unwrap();
        let el = t.elapsed();
        let size: u64 = walk(dir.path())
            .iter()
            .filter(|p| p.is_file())
            .map(|p| p.metadata().unwrap().len())
            .sum();
        println!(
            "scale {scale}: {:.2?}, {:.1} MB, {s:?}",
            el,
            size as f64 / 1e6
        );
    }
}

#[test]
fn page_texts_are_what_the_pdfs_show() {
    let p = plan(&DemoOptions::default());
    let texts = super::page_texts(&p);
    assert_eq!(texts.docs.len(), p.docs.len());
    assert_eq!(texts.handbook.len(), p.handbook.len());
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    for (i, d) in p.docs.iter().enumerate().step_by(p.docs.len() / 5) {
        let pages = pdf_extract::extract_text_from_mem_by_pages(&write::doc_bytes(d)).unwrap();
        assert_eq!(pages.len(), texts.docs[i].len());
        for (got, want) in pages.iter().zip(&texts.docs[i]) {
            assert_eq!(words(got), words(want), "{}", d.name);
        }
    }
    let hb = pdf_extract::extract_text_from_mem_by_pages(&write::handbook_bytes(&p.handbook[0]))
        .unwrap();
    for (got, want) in hb.iter().zip(&texts.handbook[0]) {
        assert_eq!(words(got), words(want));
    }
}

#[test]
fn a_demo_made_for_a_day_has_meetings_around_it_and_the_same_history() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let history = plan(&DemoOptions::default());
    let p = plan(&DemoOptions {
        today: Some(today),
        ..DemoOptions::default()
    });
    // The calibrated years count exactly as before.
    let years = |p: &DemoPlan| {
        p.expected_stats()
            .into_iter()
            .filter(|s| s.year <= 2024)
            .collect::<Vec<_>>()
    };
    assert_eq!(years(&p), years(&history));
    for b in &p.bodies {
        let ahead: Vec<_> = b.meetings.iter().filter(|m| m.date >= today).collect();
        assert_eq!(ahead.len(), 2, "{}", b.name);
        assert!(ahead
            .iter()
            .all(|m| m.date <= today + chrono::Days::new(60)));
        for m in &ahead {
            assert_eq!(m.publication, Publication::Agenda, "{}", b.name);
            assert!(m.items.iter().any(|i| !i.attachments.is_empty()));
            assert!(
                m.items.iter().all(|i| !i.case_text.contains("Beslutning")),
                "{} {}",
                b.name,
                m.date
            );
        }
        let before = b
            .meetings
            .iter()
            .filter(|m| m.date < today && m.date.year() > 2024);
        assert_eq!(before.count(), 1, "{}", b.name);
        assert!(b.meetings.windows(2).all(|w| w[0].date < w[1].date));
    }
}
