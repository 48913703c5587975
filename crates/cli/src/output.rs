//! How results are printed: readable text for people, JSON lines for scripts.

use anyhow::Result;
use moedemappe_core::api::{CaseHistory, SourceOutcome, Status};
use moedemappe_core::demo::DemoSummary;
use moedemappe_core::index::{Hit, SearchResults};
use moedemappe_core::ingest::ImportReport;
use moedemappe_core::store::Source;
use serde_json::json;

/// The summary after an import.
pub fn import_report(r: &ImportReport) {
    println!(
        "Importeret: {} PDF-filer ({} nye), {} møder, {} punkter, {} dokumenter; {} sider læst; {} filer med problemer; {} dokumenter i søgeindekset opdateret.",
        r.files, r.new_files, r.meetings, r.items, r.documents, r.pages, r.failures, r.indexed
    );
    if r.failures > 0 {
        println!("Se `moedemappe status` for filerne og årsagerne.");
    }
}

/// What the demo generator wrote.
pub fn demo_summary(folder: &std::path::Path, g: &DemoSummary) {
    println!(
        "Demodata skrevet til {}: {} udvalg, {} møder, {} punkter, {} filer, {} sider.",
        folder.display(),
        g.bodies,
        g.meetings,
        g.items,
        g.attachments,
        g.pages
    );
}

/// One JSON object per hit and line.
pub fn hits_json(results: &SearchResults) -> Result<()> {
    for hit in &results.hits {
        println!("{}", serde_json::to_string(&hit_json(hit))?);
    }
    Ok(())
}

fn hit_json(hit: &Hit) -> serde_json::Value {
    json!({
        "score": hit.score,
        "kind": hit.kind,
        "body": hit.cite.body,
        "collection": hit.cite.collection,
        "meeting_date": hit.cite.meeting_date.map(|d| d.format("%Y-%m-%d").to_string()),
        "item_number": hit.cite.item_number,
        "item_title": hit.cite.item_title,
        "case_number": hit.cite.case_number,
        "attachment_id": hit.cite.attachment_id,
        "attachment_title": hit.cite.attachment_title,
        "page": hit.cite.page,
        "snippet": hit.snippet,
    })
}

/// A readable list of hits.
pub fn hits_text(results: &SearchResults) {
    if results.hits.is_empty() {
        println!("Ingen resultater.");
        return;
    }
    println!(
        "{} resultater; viser {}:",
        results.total,
        results.hits.len()
    );
    for (n, hit) in results.hits.iter().enumerate() {
        let mut head = Vec::new();
        if let Some(body) = &hit.cite.body {
            head.push(body.clone());
        }
        if let Some(c) = &hit.cite.collection {
            head.push(c.clone());
        }
        if let Some(d) = hit.cite.meeting_date {
            head.push(d.format("%d.%m.%Y").to_string());
        }
        if let (Some(num), Some(title)) = (hit.cite.item_number, &hit.cite.item_title) {
            head.push(format!("punkt {num}: {title}"));
        }
        if let Some(case) = &hit.cite.case_number {
            head.push(case.clone());
        }
        println!("\n{}. {}", n + 1, head.join(" · "));
        if let (Some(title), Some(page)) = (&hit.cite.attachment_title, hit.cite.page) {
            println!("   {title}, side {page}");
        }
        println!("   {}", hit.snippet.replace('\n', " "));
    }
}

/// The readable status.
pub fn status_text(s: &Status) {
    let c = &s.counts;
    println!("Datamappe: {}", s.data_dir.display());
    println!(
        "{} udvalg, {} møder, {} punkter, {} bilagsfiler med {} sider ({} med tekst), {} samlinger med {} dokumenter.",
        c.bodies, c.meetings, c.items, c.attachments, c.pages, c.pages_with_text, c.collections, c.documents
    );
    println!("Søgeindeks: {} dokumenter.", s.index_documents);
    if c.removed_files > 0 {
        println!(
            "{} filer er fjernet fra de mapper, der holdes øje med.",
            c.removed_files
        );
    }
    if c.pending_text > 0 {
        println!(
            "{} filer venter på at blive læst (kør import igen).",
            c.pending_text
        );
    }
    for source in &s.sources {
        source_line(source);
    }
    if s.failed_files.is_empty() {
        println!("Ingen filer med problemer.");
    } else {
        println!("{} filer med problemer:", s.failed_files.len());
        for f in &s.failed_files {
            let pages = f
                .page_count
                .map(|p| format!(" ({p} sider)"))
                .unwrap_or_default();
            println!("  {}{pages}: {}", f.path, f.reason);
        }
    }
}

/// One line per source, plus what its last sync could not do.
fn source_line(s: &Source) {
    let last = s
        .last_success_at
        .as_deref()
        .map(|t| format!("sidst hentet {t}"))
        .unwrap_or_else(|| "aldrig hentet".into());
    println!(
        "Kilde «{}» ({}, {}): {last}",
        s.name,
        s.kind.as_str(),
        s.location
    );
    if let Some(e) = &s.last_error {
        println!("  sidste forsøg mislykkedes: {e}");
    }
    for f in &s.failures {
        println!("  {}: {}", f.what, f.reason);
    }
}

/// The configured sources.
pub fn sources_text(sources: &[Source]) {
    if sources.is_empty() {
        println!("Ingen kilder. Tilføj en med `moedemappe source add portal <adresse>`.");
    }
    for s in sources {
        source_line(s);
    }
}

/// The closing summary of a sync.
pub fn sync_outcomes(outcomes: &[SourceOutcome]) {
    for o in outcomes {
        if let Some(e) = &o.error {
            println!("«{}»: {e}", o.name);
        }
        if let Some(r) = &o.portal {
            println!(
                "«{}»: {} møder på portalen, {} hentet, {} PDF-filer ({:.1} MB) downloadet, {} sider læst, {} trukket tilbage, {} fejl.",
                o.name,
                r.listed,
                r.fetched,
                r.downloaded,
                r.bytes as f64 / 1e6,
                r.pages,
                r.withdrawn,
                r.failures.len()
            );
            for f in &r.failures {
                println!("  {}: {}", f.what, f.reason);
            }
        }
        if let Some(r) = &o.folder {
            import_report(r);
        }
    }
}

/// A case's treatments, oldest first.
pub fn case_text(h: &CaseHistory) {
    println!("Sag {}: {} behandlinger", h.case_number, h.treatments.len());
    for t in &h.treatments {
        let date = t
            .date
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_else(|| "ukendt dato".into());
        let number = t
            .item_number
            .map(|n| format!(", punkt {n}"))
            .unwrap_or_default();
        let mut marks = Vec::new();
        if t.flags.postponed {
            marks.push("udsat");
        }
        if t.flags.referred {
            marks.push("henvist");
        }
        if t.flags.foretraede {
            marks.push("foretræde");
        }
        if t.withdrawn {
            marks.push("trukket tilbage");
        }
        if t.item.is_none() {
            marks.push("kun nævnt i sagsforløb");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" [{}]", marks.join(", "))
        };
        println!("\n{date} · {}{number}: {}{marks}", t.body, t.title);
        if let Some(d) = &t.decision {
            println!("   Beslutning: {}", d.lines().next().unwrap_or(""));
        }
    }
}

/// One line after a sync of a folder source (`watch`).
pub fn sync_line(source: &Source, r: &ImportReport) {
    let time = chrono::Local::now().format("%H:%M:%S");
    match &source.last_error {
        Some(error) => println!("{time} {}: fejl: {error}", source.name),
        None => {
            println!(
            "{time} {}: {} PDF-filer ({} nye, {} fjernet), {} sider læst, {} filer med problemer.",
            source.name, r.files, r.new_files, r.removed, r.pages, source.failures.len()
        )
        }
    }
}
