//! Writing a [`DemoPlan`] to disk in the folder format: `body.json`,
//! `meeting.json`, one folder per item and the attachment PDFs, plus the
//! council handbook collection. PDFs are rendered on two threads.

use super::pdf;
use super::plan::{DemoPlan, PlannedDoc, PlannedHandbookDoc};
use super::rng::Rng;
use super::text::{self, Ctx, DocIntro, Topic};
use super::DemoSummary;
use crate::folder::schema::{AttachmentEntry, BodyFile, ItemEntry, MeetingFile, SCHEMA_VERSION};
use crate::model::Access;
use crate::{Error, Result};
use chrono::Datelike;
use std::fs;
use std::path::{Path, PathBuf};

/// Name of the council handbook collection folder.
pub const HANDBOOK_FOLDER: &str = "Byrådshåndbogen";
/// Longest item folder or attachment file name written, in characters.
pub const MAX_NAME: usize = 64;
/// Body lines per page.
const LINES_PER_PAGE: usize = 40;

/// A file or folder name that is valid on Windows too: no `/ \ : * ? " < > |`
/// or control characters, no trailing dots or spaces, at most `max` characters.
pub fn safe_name(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ':' => out.push_str(" -"),
            '/' | '\\' | '|' => out.push('-'),
            '"' => out.push('\''),
            '*' | '?' | '<' | '>' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    let mut words: Vec<&str> = out.split_whitespace().collect();
    let mut name = words.join(" ");
    while name.chars().count() > max && words.len() > 1 {
        words.pop();
        name = words.join(" ");
    }
    if name.chars().count() > max {
        name = name.chars().take(max).collect();
    }
    let name = name
        .trim_end_matches(['.', ' ', '-', ','])
        .trim_start()
        .to_string();
    let name = if name.is_empty() {
        "Uden titel".to_string()
    } else {
        name
    };
    const RESERVED: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "LPT1", "LPT2", "LPT3",
    ];
    if RESERVED.contains(&name.to_uppercase().as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn mkdir(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| Error::io(path, e))
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).expect("schema types serialize");
    s.push('\n');
    s.into_bytes()
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 3).collect();
        t.push_str("...");
        t
    }
}

/// The text of a generated PDF: header line, body lines per page and footer.
/// [`doc_bytes`] and [`handbook_bytes`] render it; [`DocLayout::page_texts`]
/// gives the same text without rendering.
pub(crate) struct DocLayout {
    header: String,
    pages: Vec<Vec<String>>,
    /// Printed before "Side p af n" in the footer (attachments: the case number).
    footer_prefix: Option<String>,
}

impl DocLayout {
    fn footer(&self, p: usize, n: usize) -> String {
        match &self.footer_prefix {
            Some(case) => format!("{case}    Side {p} af {n}"),
            None => format!("Side {p} af {n}"),
        }
    }

    fn render(&self) -> Vec<u8> {
        pdf::render(&self.header, &self.pages, |p, n| self.footer(p, n))
    }

    /// Every page's text as the PDF shows it: header, body lines, footer, one
    /// per line; characters the PDF font cannot show become '?', as in the PDF.
    pub(crate) fn page_texts(&self) -> Vec<String> {
        let n = self.pages.len();
        self.pages
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                let mut t = String::with_capacity(lines.len() * 80 + 160);
                t.push_str(&self.header);
                for l in lines {
                    t.push('\n');
                    t.push_str(l);
                }
                t.push('\n');
                t.push_str(&self.footer(i + 1, n));
                t.chars()
                    .map(|c| {
                        if c != '?' && c != '\n' && pdf::winansi(c) == b'?' {
                            '?'
                        } else {
                            c
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

/// The text of an attachment.
pub(crate) fn doc_layout(d: &PlannedDoc) -> DocLayout {
    let mut rng = Rng::derive(d.seed, "text", 0);
    let o = &d.origin;
    let case = o.case_number.clone().unwrap_or_default();
    let date = text::danish_date(o.date);
    let ctx = Ctx {
        topic: d.topic,
        year: o.date.year(),
        case_number: &case,
    };
    let intro = DocIntro {
        title: &d.name,
        lines: vec![
            format!("{} - møde den {date}", o.body),
            format!("Punkt {}: {}", o.item, o.item_title),
            format!("Sagsnummer: {case}"),
        ],
    };
    let pages = text::document_pages(&mut rng, &ctx, &intro, d.pages, LINES_PER_PAGE);
    let header = format!(
        "{} | {date} | Punkt {}: {}",
        o.body,
        o.item,
        short(&o.item_title, 48)
    );
    DocLayout {
        header,
        pages,
        footer_prefix: Some(case),
    }
}

/// The bytes of an attachment.
pub(crate) fn doc_bytes(d: &PlannedDoc) -> Vec<u8> {
    doc_layout(d).render()
}

/// The text of a handbook document.
pub(crate) fn handbook_layout(h: &PlannedHandbookDoc) -> DocLayout {
    let mut rng = Rng::derive(h.seed, "text", 0);
    let ctx = Ctx {
        topic: Topic::Handbog,
        year: 2024,
        case_number: "",
    };
    let intro = DocIntro {
        title: &h.title,
        lines: vec![
            "Aarhus Kommune - Byrådshåndbogen".into(),
            "Borgmesterens Afdeling, januar 2024".into(),
        ],
    };
    let pages = text::document_pages(&mut rng, &ctx, &intro, h.pages, LINES_PER_PAGE);
    DocLayout {
        header: format!("Byrådshåndbogen | {}", h.title),
        pages,
        footer_prefix: None,
    }
}

/// The bytes of a handbook document.
pub(crate) fn handbook_bytes(h: &PlannedHandbookDoc) -> Vec<u8> {
    handbook_layout(h).render()
}

/// The page texts of every planned attachment (by index into
/// [`DemoPlan::docs`]) and handbook document (by index into
/// [`DemoPlan::handbook`]), exactly as the PDFs show them; nothing is written.
pub fn page_texts(plan: &DemoPlan) -> DemoTexts {
    DemoTexts {
        docs: plan
            .docs
            .iter()
            .map(|d| doc_layout(d).page_texts())
            .collect(),
        handbook: plan
            .handbook
            .iter()
            .map(|h| handbook_layout(h).page_texts())
            .collect(),
    }
}

/// What [`page_texts`] returns: one entry per planned file, one string per page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoTexts {
    /// Page texts of [`DemoPlan::docs`], same order.
    pub docs: Vec<Vec<String>>,
    /// Page texts of [`DemoPlan::handbook`], same order.
    pub handbook: Vec<Vec<String>>,
}

enum Job<'a> {
    Doc(&'a PlannedDoc, Vec<PathBuf>),
    Handbook(&'a PlannedHandbookDoc, PathBuf),
}

/// Writes the plan below `out`, which must be empty or absent.
pub(crate) fn write_plan(out: &Path, plan: &DemoPlan) -> Result<DemoSummary> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        if entries.next().is_some() {
            return Err(Error::Invalid(format!(
                "Mappen {} er ikke tom. Demodata skrives kun i en ny eller tom mappe.",
                out.display()
            )));
        }
    }
    mkdir(out)?;
    let mut paths: Vec<Vec<PathBuf>> = vec![Vec::new(); plan.docs.len()];
    let mut summary = DemoSummary {
        bodies: plan.bodies.len(),
        ..DemoSummary::default()
    };
    for b in &plan.bodies {
        let bdir = out.join(&b.name);
        mkdir(&bdir)?;
        let bf = BodyFile {
            schema: SCHEMA_VERSION,
            name: Some(b.name.clone()),
            short: b.short.clone(),
            kind: Some(b.kind),
            formerly: b.formerly.clone(),
            period: b.period,
        };
        write_file(&bdir.join("body.json"), &json(&bf))?;
        for m in &b.meetings {
            summary.meetings += 1;
            let mdir = bdir.join(m.date.format("%Y-%m-%d").to_string());
            mkdir(&mdir)?;
            let mut entries = Vec::with_capacity(m.items.len());
            for it in &m.items {
                summary.items += 1;
                let idir = mdir.join(format!(
                    "{:02} {}",
                    it.number,
                    safe_name(&it.title, MAX_NAME - 3)
                ));
                mkdir(&idir)?;
                let mut own_access = Vec::new();
                for a in &it.attachments {
                    let file = format!("{}.pdf", safe_name(&a.title, MAX_NAME - 4));
                    if a.closed {
                        own_access.push(AttachmentEntry {
                            file: file.clone(),
                            access: Access::Closed,
                        });
                    }
                    paths[a.doc].push(idir.join(file));
                }
                entries.push(ItemEntry {
                    number: it.number,
                    title: Some(it.title.clone()),
                    kind: it.kind,
                    access: it.access,
                    case_number: it.case_number.clone(),
                    referred: it.referred,
                    postponed: it.postponed,
                    foretraede: it.foretraede,
                    case_text: Some(it.case_text.clone()),
                    // The decision is read from the case text's "Beslutning".
                    decision: None,
                    subjects: it.subjects.clone(),
                    attachments: own_access,
                });
            }
            let mf = MeetingFile {
                schema: SCHEMA_VERSION,
                start: Some(m.start.clone()),
                end: Some(m.end.clone()),
                place: Some(m.place.clone()),
                publication: Some(m.publication),
                items: entries,
            };
            write_file(&mdir.join("meeting.json"), &json(&mf))?;
        }
    }
    let hdir = out.join(HANDBOOK_FOLDER);
    mkdir(&hdir)?;
    let mut jobs: Vec<Job> = Vec::with_capacity(plan.docs.len() + plan.handbook.len());
    for (d, p) in plan.docs.iter().zip(paths) {
        if !p.is_empty() {
            summary.attachments += 1;
            jobs.push(Job::Doc(d, p));
        }
    }
    for h in &plan.handbook {
        jobs.push(Job::Handbook(
            h,
            hdir.join(format!("{}.pdf", safe_name(&h.title, MAX_NAME - 4))),
        ));
    }
    summary.documents = plan.handbook.len();
    let results: Vec<Result<(usize, u64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|k| {
                let jobs = &jobs;
                s.spawn(move || -> Result<(usize, u64)> {
                    let (mut files, mut pages) = (0usize, 0u64);
                    for job in jobs.iter().skip(k).step_by(2) {
                        match job {
                            Job::Doc(d, ps) => {
                                let bytes = doc_bytes(d);
                                for p in ps {
                                    write_file(p, &bytes)?;
                                    files += 1;
                                    pages += u64::from(d.pages);
                                }
                            }
                            Job::Handbook(h, p) => {
                                write_file(p, &handbook_bytes(h))?;
                                files += 1;
                                pages += u64::from(h.pages);
                            }
                        }
                    }
                    Ok((files, pages))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread panicked"))
            .collect()
    });
    for r in results {
        let (f, p) = r?;
        summary.files += f;
        summary.pages += p;
    }
    Ok(summary)
}
