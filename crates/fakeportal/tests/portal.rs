//! End-to-end tests of the fake portal over HTTP against a small demo corpus.

use fakeportal::{FakePortal, Faults, PdfSource, PortalData, RunningPortal, ZERO_GUID};
use moedemappe_core::demo::{generate, DemoOptions};
use moedemappe_core::folder::scan::scan;
use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn corpus() -> &'static Path {
    static CORPUS: OnceLock<PathBuf> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fakeportal-corpus");
        let _ = std::fs::remove_dir_all(&dir);
        generate(
            &dir,
            &DemoOptions {
                scale: 0.02,
                seed: 7,
                today: None,
            },
        )
        .unwrap();
        dir
    })
}

fn data() -> PortalData {
    PortalData::from_corpus(corpus()).unwrap()
}

fn start(faults: impl FnOnce(&PortalData) -> Faults) -> RunningPortal {
    let d = data();
    let f = faults(&d);
    FakePortal::start(d, f).unwrap()
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A client that holds a session cookie from `GET /`.
fn session(p: &RunningPortal) -> Client {
    let c = client();
    let r = c.get(p.base_url() + "/").send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    c
}

fn get_json(c: &Client, url: String) -> Value {
    let r = c.get(url).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().unwrap()
}

fn agenda(c: &Client, p: &RunningPortal, id: &str) -> Value {
    get_json(c, format!("{}/api/agenda/dagsorden/{id}", p.base_url()))
}

fn list(c: &Client, p: &RunningPortal) -> Value {
    get_json(c, format!("{}/api/agenda/udvalgsliste", p.base_url()))
}

fn bodies(list: &Value) -> &Vec<Value> {
    list["Udvalg"]["Udvalg 2022-2025"].as_array().unwrap()
}

#[test]
fn api_without_session_goes_through_the_handshake() {
    let p = start(|_| Faults::none());
    let c = client();
    let r = c
        .get(p.base_url() + "/api/agenda/udvalgsliste")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        loc,
        "/Home/AnonymousAuthentication?callback=%2Fapi%2Fagenda%2Fudvalgsliste"
    );
    let r = c.get(p.base_url() + &loc).send().unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()["location"], "/api/agenda/udvalgsliste");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("FirstAgendaSession=") && cookie.contains("Path=/"));
    let r = c
        .get(p.base_url() + "/api/agenda/udvalgsliste")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A made-up cookie is no session.
    let r = client()
        .get(p.base_url() + "/api/agenda/udvalgsliste")
        .header("Cookie", "FirstAgendaSession=abc")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    // Expired sessions are sent through the handshake again.
    p.expire_sessions();
    let r = c
        .get(p.base_url() + "/api/agenda/udvalgsliste")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let counters = p.counters();
    assert_eq!(counters.unauthorized, 3);
    assert_eq!(counters.front, 1);
    assert_eq!(counters.list, 1);
}

#[test]
fn json_has_the_documented_shape() {
    let p = start(|_| Faults::none());
    let c = session(&p);
    let l = list(&c, &p);
    let bs = bodies(&l);
    assert!(bs.len() >= 3);
    let mut checked = 0;
    for b in bs {
        assert_eq!(b["Id"].as_str().unwrap().len(), 36);
        assert!(b["Navn"].is_string());
        for m in b["Moeder"].as_array().unwrap() {
            for k in [
                "Id",
                "Dato",
                "MeetingBeginUtc",
                "MeetingEndUtc",
                "ReleasedDate",
                "Sted",
                "Afsluttet",
                "Navn",
                "IsSupplementaryAgenda",
                "SourceId",
            ] {
                assert!(m.get(k).is_some(), "{k} missing in {m}");
            }
            assert!(m["Dato"].as_str().unwrap().ends_with("T00:00:00"));
            let begin = m["MeetingBeginUtc"].as_str().unwrap();
            assert!(begin.ends_with('Z') && begin.len() == 20, "{begin}");
            assert!(m["SourceId"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_digit()));
            if checked < 6 {
                checked += 1;
                let a = agenda(&c, &p, m["Id"].as_str().unwrap());
                assert_eq!(a["Id"], m["Id"]);
                assert_eq!(a["Udvalg"], b["Navn"]);
                assert_eq!(&a["Moede"], m);
                for it in a["Dagsordenpunkter"].as_array().unwrap() {
                    for k in [
                        "Id",
                        "AgendaUid",
                        "Number",
                        "Punktnummer",
                        "Sorting",
                        "IsOpen",
                        "CaseNumber",
                        "SagsNummer",
                        "SourceId",
                        "Caption",
                        "Navn",
                        "Felter",
                        "Bilag",
                        "ItemDecision",
                        "Lydfiler",
                        "Presentations",
                    ] {
                        assert!(it.get(k).is_some(), "{k} missing in {it}");
                    }
                    assert_eq!(it["Punktnummer"], it["Number"].to_string());
                    for f in it["Felter"].as_array().unwrap() {
                        assert!(f["DocumentId"].as_str().unwrap().len() == 36);
                        assert!(f["Html"].is_string() || f["Html"].is_null());
                    }
                    for bl in it["Bilag"].as_array().unwrap() {
                        assert_eq!(bl["HarPdfVersion"], true);
                        assert!(bl["Order"].as_u64().unwrap() >= 1);
                    }
                }
            }
        }
    }
    // Unknown meeting.
    let r = c
        .get(p.base_url() + "/api/agenda/dagsorden/00000000-0000-0000-0000-000000000001")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[test]
fn every_bilag_and_case_pdf_serves_the_right_bytes() {
    let p = start(|_| Faults::none());
    let c = session(&p);
    let sources: BTreeMap<String, PdfSource> = p
        .data()
        .meetings()
        .flat_map(|(_, m)| m.items.iter())
        .flat_map(|it| it.bilag.iter())
        .map(|b| (b.id.clone(), b.pdf.clone()))
        .collect();
    let l = list(&c, &p);
    let mut seen = BTreeSet::new();
    let mut by_bytes: BTreeMap<Vec<u8>, BTreeSet<String>> = BTreeMap::new();
    let mut case_pdfs = 0;
    for b in bodies(&l) {
        for m in b["Moeder"].as_array().unwrap() {
            let a = agenda(&c, &p, m["Id"].as_str().unwrap());
            for it in a["Dagsordenpunkter"].as_array().unwrap() {
                for bl in it["Bilag"].as_array().unwrap() {
                    let id = bl["Id"].as_str().unwrap();
                    assert!(seen.insert(id.to_string()), "bilag guid {id} used twice");
                    let r = c
                        .get(format!(
                            "{}/vis/pdf/bilag/{id}/?redirectDirectlyToPdf=true",
                            p.base_url()
                        ))
                        .send()
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::FOUND);
                    let loc = r.headers()["location"].to_str().unwrap().to_string();
                    assert!(loc.starts_with(&format!("/static/signed/{id}.pdf?sig=")));
                    // The PDF needs no cookie.
                    let r = client().get(p.base_url() + &loc).send().unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                    assert_eq!(r.headers()["content-type"], "application/pdf");
                    let bytes = r.bytes().unwrap().to_vec();
                    let expected = match &sources[id] {
                        PdfSource::File(path) => {
                            assert!(path.starts_with(std::fs::canonicalize(corpus()).unwrap()));
                            assert_eq!(
                                path.file_stem().unwrap().to_str().unwrap(),
                                bl["Navn"].as_str().unwrap()
                            );
                            std::fs::read(path).unwrap()
                        }
                        other => other.read().unwrap(),
                    };
                    assert!(bytes == expected, "bytes of {id} differ");
                    by_bytes.entry(bytes).or_default().insert(id.to_string());
                }
                for f in it["Felter"].as_array().unwrap() {
                    let doc = f["DocumentId"].as_str().unwrap();
                    if doc != ZERO_GUID {
                        assert_eq!(f["Navn"], "Sagsfremstilling (PDF)");
                        let r = client()
                            .get(format!(
                                "{}/Pdf/HentEksternPdf?documentId={doc}",
                                p.base_url()
                            ))
                            .send()
                            .unwrap();
                        assert_eq!(r.status(), StatusCode::OK);
                        assert!(r.bytes().unwrap().starts_with(b"%PDF-"));
                        case_pdfs += 1;
                    }
                }
            }
        }
    }
    assert_eq!(
        seen.len(),
        sources.len(),
        "every bilag in the data is listed"
    );
    assert!(case_pdfs > 0);
    assert!(
        by_bytes.values().any(|ids| ids.len() > 1),
        "the same file under several bilag guids"
    );
    // A forged signature is refused.
    let id = seen.iter().next().unwrap();
    let r = client()
        .get(format!("{}/static/signed/{id}.pdf?sig=00", p.base_url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let counters = p.counters();
    assert_eq!(counters.pdf_redirect as usize, seen.len());
    assert_eq!(counters.pdf_file as usize, seen.len());
    assert_eq!(counters.case_pdf, case_pdfs);
}

#[test]
fn typical_faults_show_and_counters_count() {
    let p = start(Faults::typical);
    let f = p.faults().clone();
    assert_eq!(f.pdf_404.len(), 1);
    assert_eq!(f.slow.len(), 1);
    assert_eq!(f.malformed_meetings.len(), 1);
    assert_eq!(f.fail_5xx_once.len(), 1);
    let c = session(&p);

    let bad = f.pdf_404.iter().next().unwrap();
    let r = c
        .get(format!(
            "{}/vis/pdf/bilag/{bad}/?redirectDirectlyToPdf=true",
            p.base_url()
        ))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let cut = f.malformed_meetings.iter().next().unwrap();
    let r = c
        .get(format!("{}/api/agenda/dagsorden/{cut}", p.base_url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().unwrap();
    assert!(text.starts_with("{\"") && text.len() > 20);
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let (slow, delay) = f.slow.iter().next().unwrap();
    assert_eq!(*delay, Duration::from_millis(1500));
    let t = Instant::now();
    let r = c.get(p.base_url() + slow).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(1500));

    let flaky = f.fail_5xx_once.iter().next().unwrap();
    let r = c.get(p.base_url() + flaky).send().unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let r = c.get(p.base_url() + flaky).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let flaky_bytes = r.bytes().unwrap().len() as u64;
    assert!(p.faults().fail_5xx_once.is_empty());

    let counters = p.counters();
    assert_eq!(counters.front, 1);
    assert_eq!(counters.agenda, 3, "cut-off, slow and second flaky request");
    assert_eq!(counters.pdf_redirect, 0);
    assert!(counters.bytes > flaky_bytes + text.len() as u64);
    p.reset_counters();
    assert_eq!(p.counters(), fakeportal::Counters::default());
}

#[test]
fn minutes_with_new_ids_and_a_supplementary_agenda() {
    let p = start(|_| Faults::none());
    let c = session(&p);
    let l = list(&c, &p);
    let mut pairs = 0;
    let mut supplements = 0;
    for b in bodies(&l) {
        let mut by_date: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
        for m in b["Moeder"].as_array().unwrap() {
            by_date
                .entry(m["Dato"].as_str().unwrap())
                .or_default()
                .push(m);
        }
        for entries in by_date.values() {
            let named = |n: &str| entries.iter().find(|m| m["Navn"] == n).copied();
            let Some(minutes) = named("Referat") else {
                continue;
            };
            assert_eq!(minutes["Afsluttet"], true);
            let Some(ag) = named("Dagsorden") else {
                assert_eq!(entries.len(), 1);
                continue;
            };
            pairs += 1;
            assert_eq!(ag["Afsluttet"], false);
            assert_ne!(ag["Id"], minutes["Id"]);
            assert!(ag["ReleasedDate"].as_str() < minutes["ReleasedDate"].as_str());
            let a = agenda(&c, &p, ag["Id"].as_str().unwrap());
            let r = agenda(&c, &p, minutes["Id"].as_str().unwrap());
            let items = |v: &Value| v["Dagsordenpunkter"].as_array().unwrap().clone();
            let (ai, ri) = (items(&a), items(&r));
            let key = |it: &Value| {
                (
                    it["Number"].as_u64().unwrap(),
                    it["Caption"].clone(),
                    it["CaseNumber"].clone(),
                )
            };
            let ids = |v: &[Value]| -> BTreeSet<String> {
                v.iter()
                    .map(|it| it["Id"].as_str().unwrap().to_string())
                    .collect()
            };
            assert!(
                ids(&ai).is_disjoint(&ids(&ri)),
                "minutes carry new item ids"
            );
            let last = ai
                .iter()
                .map(|it| it["Number"].as_u64().unwrap())
                .max()
                .unwrap();
            if let Some(sup) = named("Tillægsdagsorden") {
                supplements += 1;
                assert_eq!(sup["IsSupplementaryAgenda"], true);
                let s = agenda(&c, &p, sup["Id"].as_str().unwrap());
                let si = items(&s);
                assert_eq!(si.len(), 1);
                assert_eq!(si[0]["Number"].as_u64().unwrap(), last + 1);
                assert_eq!(si[0]["Bilag"].as_array().unwrap().len(), 1);
                assert_eq!(ri.len(), ai.len() + 1, "the minutes include the extra item");
                assert_eq!(key(&ri[ai.len()]), key(&si[0]));
            } else {
                assert_eq!(ri.len(), ai.len());
            }
            for (x, y) in ai.iter().zip(&ri) {
                assert_eq!(key(x), key(y));
                assert!(x["ItemDecision"].is_null());
                if y["IsOpen"] == true {
                    let beslutning = |it: &Value| {
                        it["Felter"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|f| f["Navn"] == "Beslutning")
                            .map(|f| f["Html"].clone())
                    };
                    assert_eq!(beslutning(x), Some(Value::Null));
                    if let Some(Value::String(h)) = beslutning(y) {
                        assert!(h.starts_with("<p>"));
                        assert_eq!(y["ItemDecision"], Value::String(h));
                    }
                }
            }
        }
    }
    assert!(pairs >= 3, "pairs: {pairs}");
    assert_eq!(supplements, 1);
}

#[test]
fn item_text_follows_the_rules() {
    let d = data();
    let scanned = scan(&[corpus().to_path_buf()]).unwrap();
    let mut flags = BTreeMap::new();
    for b in &scanned.bodies {
        for m in &b.meetings {
            for it in &m.items {
                flags.insert((b.name.clone(), m.date, it.entry.number), it);
            }
        }
    }
    let (mut closed, mut postponed, mut referred, mut foretraede, mut briefing, mut forloeb) =
        (0, 0, 0, 0, 0, 0);
    let mut scripts = 0;
    for (b, m) in d.meetings() {
        for it in &m.items {
            let Some(dir) = flags.get(&(b.name.clone(), m.date, it.number)) else {
                assert!(m.supplementary || m.name == "Referat");
                continue;
            };
            let html = |name: &str| {
                it.fields
                    .iter()
                    .find(|f| f.name == name)
                    .and_then(|f| f.html.clone())
                    .unwrap_or_default()
            };
            let v = fakeportal::render::item(it);
            if dir.entry.access.is_closed() {
                closed += 1;
                assert_eq!(v["IsOpen"], false);
                assert_eq!(v["Caption"], dir.title.as_str());
                assert_eq!(v["Felter"], Value::Array(vec![]));
                assert_eq!(v["Bilag"], Value::Array(vec![]));
                continue;
            }
            assert_eq!(it.bilag.len(), dir.attachments.len());
            if dir.entry.postponed && m.name == "Referat" {
                postponed += 1;
                assert_eq!(html("Beslutning"), "<p>Punktet blev udsat.</p>");
            }
            if dir.entry.referred {
                referred += 1;
                assert!(html("Resume").starts_with("<p>Sagen er henvist fra Byrådet.</p>"));
            }
            if dir.entry.foretraede {
                foretraede += 1;
                assert!(html("Resume").contains("<p>Der er anmodet om foretræde.</p>"));
            }
            if !dir.entry.subjects.is_empty() {
                briefing += 1;
                let s = html("Sagsfremstilling");
                for subject in &dir.entry.subjects {
                    assert!(s.contains(&format!("<h3>{subject}</h3><p>")), "{s}");
                }
            }
            let s = html("Sagsfremstilling");
            if let Some(i) = s.find("<p>Sagsforløb:</p><ul>") {
                forloeb += 1;
                assert!(s.ends_with("</ul>"));
                assert!(s[i..].contains(", punkt "));
                assert!(s[i..].contains("<li>"));
            }
            if s.contains("<script>alert(1)</script>") {
                scripts += 1;
                assert!(s.contains("<style>"));
            }
        }
    }
    assert!(closed > 0 && referred > 0 && briefing > 0 && forloeb > 0);
    assert!(postponed > 0 && foretraede > 0, "{postponed} {foretraede}");
    assert_eq!(scripts, 1);
}

#[test]
fn ids_are_deterministic_and_data_changes_show() {
    let ids = |d: &PortalData| -> Vec<String> {
        let mut v = Vec::new();
        for b in &d.bodies {
            v.push(b.id.clone());
            for m in &b.meetings {
                v.push(m.id.clone());
                for it in &m.items {
                    v.push(it.id.clone());
                    v.extend(it.bilag.iter().map(|b| b.id.clone()));
                    v.extend(
                        it.fields
                            .iter()
                            .filter_map(|f| f.document.as_ref())
                            .map(|x| x.id.clone()),
                    );
                }
            }
        }
        v
    };
    let (a, b) = (data(), data());
    assert_eq!(ids(&a), ids(&b));
    let unique: BTreeSet<_> = ids(&a).into_iter().collect();
    assert_eq!(unique.len(), ids(&a).len(), "ids are unique");

    let p = FakePortal::start(a, Faults::none()).unwrap();
    let c = session(&p);
    let (gone, changed) = {
        let d = p.data();
        let all: Vec<_> = d.meetings().map(|(_, m)| m.id.clone()).collect();
        (all[0].clone(), all[all.len() - 1].clone())
    };
    {
        let mut d = p.data();
        d.remove_meeting(&gone).unwrap();
        let m = d.meeting_mut(&changed).unwrap();
        m.name = "Dagsorden".into();
        m.finished = false;
        let mut extra = m.items[0].clone();
        extra.number = 99;
        extra.id = fakeportal::guid("test-extra");
        m.items.push(extra);
    }
    let l = list(&c, &p);
    let all: Vec<&Value> = bodies(&l)
        .iter()
        .flat_map(|b| b["Moeder"].as_array().unwrap())
        .collect();
    assert!(all.iter().all(|m| m["Id"] != gone.as_str()));
    let m = all.iter().find(|m| m["Id"] == changed.as_str()).unwrap();
    assert_eq!(m["Navn"], "Dagsorden");
    let r = c
        .get(format!("{}/api/agenda/dagsorden/{gone}", p.base_url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let a = agenda(&c, &p, &changed);
    let last = a["Dagsordenpunkter"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["Number"], 99);
}

#[test]
fn binary_prints_its_url_and_serves() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fakeportal"))
        .arg("--corpus")
        .arg(corpus())
        .arg("--no-faults")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    let result = std::panic::catch_unwind(|| {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let c = client();
        let r = c.get(format!("{url}/")).send().unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("FirstAgendaSession="));
        let l = get_json(&c, format!("{url}/api/agenda/udvalgsliste"));
        assert!(!bodies(&l).is_empty());
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}
