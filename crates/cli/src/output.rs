//! How results are printed: readable text for people, JSON lines for scripts.

use anyhow::Result;
use moedemappe_core::api::DemoSummary;
use moedemappe_core::api::ImportReport;
use moedemappe_core::api::OcrReport;
use moedemappe_core::api::Passage;
use moedemappe_core::api::{AgendaEntry, CaseHistory, SourceOutcome, Status};
use moedemappe_core::api::{FilesPolicy, Source, SourceScope};
use moedemappe_core::api::{Hit, SearchResults};
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

/// One JSON object per hit and line (grouped hits carry their group's
/// number, from 1, and how many of its documents matched); with `facets`, a
/// first line with the totals and facet counts.
pub fn hits_json(results: &SearchResults, facets: bool) -> Result<()> {
    if facets {
        let summary = json!({
            "total": results.total,
            "total_groups": results.total_groups,
            "relaxed": results.relaxed,
            "widened": results.widened,
            "corrected": results.corrected,
            "facets": results.facets,
        });
        println!("{}", serde_json::to_string(&summary)?);
    }
    for hit in &results.hits {
        println!("{}", serde_json::to_string(&hit_json(hit))?);
    }
    for (n, group) in results.groups.iter().enumerate() {
        for hit in &group.hits {
            let mut v = hit_json(hit);
            v["group"] = json!(n + 1);
            v["group_matched"] = json!(group.matched);
            println!("{}", serde_json::to_string(&v)?);
        }
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
        "item_kind": hit.cite.item_kind,
        "case_number": hit.cite.case_number,
        "attachment_id": hit.cite.attachment_id,
        "attachment_title": hit.cite.attachment_title,
        "page": hit.cite.page,
        "access": hit.cite.access,
        "ocr": hit.cite.ocr,
        "snippet": hit.snippet,
    })
}

/// A readable list of hits, or of groups of hits.
pub fn hits_text(results: &SearchResults, facets: bool) {
    if let Some(c) = &results.case {
        println!(
            "Sag {}: {} ({} {}). Se forløbet: moedemappe case {}",
            c.case_number,
            c.title,
            c.treatments,
            if c.treatments == 1 {
                "behandling"
            } else {
                "behandlinger"
            },
            c.case_number
        );
    }
    if results.hits.is_empty() && results.groups.is_empty() {
        println!("Ingen resultater.");
        return;
    }
    if let Some(words) = &results.corrected {
        println!("Nogle ord findes ikke; viser resultater for ord, der staves næsten ens: {words}");
    }
    if results.relaxed {
        println!("Intet dokument indeholder alle ordene; viser dokumenter med nogle af dem.");
    }
    if results.widened {
        println!("Kun få dokumenter har alle ordene; efter dem følger dokumenter, der mangler et af ordene.");
    }
    if results.groups.is_empty() {
        println!(
            "{} resultater; viser {}:",
            results.total,
            results.hits.len()
        );
    } else {
        println!(
            "{} sider i {} bilag og punkter; viser {}:",
            results.total,
            results.total_groups,
            results.groups.len()
        );
    }
    if facets {
        facets_text(results);
    }
    for (n, hit) in results.hits.iter().enumerate() {
        println!("\n{}. {}", n + 1, citation_line(hit));
        if let (Some(title), Some(page)) = (&hit.cite.attachment_title, hit.cite.page) {
            println!("   {title}, side {page}{}", ocr_mark(hit));
        }
        println!("   {}", hit.snippet.replace('\n', " "));
    }
    for (n, group) in results.groups.iter().enumerate() {
        let Some(first) = group.hits.first() else {
            continue;
        };
        println!("\n{}. {}", n + 1, citation_line(first));
        match (&first.cite.attachment_title, &first.cite.collection) {
            (Some(title), _) => println!("   Bilag: {title}"),
            (None, Some(_)) => {}
            (None, None) => println!("   Sagsfremstilling"),
        }
        match first.cite.page {
            Some(page) => println!(
                "   side {page}{}: {}",
                ocr_mark(first),
                first.snippet.replace('\n', " ")
            ),
            None => println!("   {}", first.snippet.replace('\n', " ")),
        }
        let more: Vec<String> = group.hits[1..]
            .iter()
            .filter_map(|h| h.cite.page.map(|p| p.to_string()))
            .collect();
        let unlisted = group.matched.saturating_sub(group.hits.len());
        match (more.is_empty(), unlisted) {
            (true, 0) => {}
            (true, n) => println!("   … og {n} sider mere"),
            (false, 0) => println!("   også side {}", more.join(", ")),
            (false, n) => println!("   også side {} og {n} sider mere", more.join(", ")),
        }
    }
}

/// The meetings ahead with their reading load.
pub fn agenda(entries: &[AgendaEntry], followed: &[String]) {
    if followed.is_empty() {
        println!("Du følger ingen udvalg endnu. Prøv: moedemappe follow TU");
        return;
    }
    if entries.is_empty() {
        println!("Ingen kommende møder i {}.", followed.join(", "));
        return;
    }
    for e in entries {
        let start = e
            .start
            .as_deref()
            .map(|s| format!(" kl. {}", &s[..s.len().min(5)]));
        let time = match (e.minutes / 60, e.minutes % 60) {
            (0, m) => format!("{m} min"),
            (h, 0) => format!("{h} t"),
            (h, m) => format!("{h} t {m} min"),
        };
        println!(
            "{}{} · {} (møde {}): {} sider, {} nye, {} læst — {} tilbage, ca. {} ved {} sider i timen",
            e.date.format("%d.%m.%Y"),
            start.unwrap_or_default(),
            e.body,
            e.meeting_id,
            e.pages,
            e.new,
            e.read,
            e.to_read,
            time,
            e.pages_per_hour
        );
    }
}

/// The meeting archive: one line per meeting, newest first.
pub fn archive(entries: &[AgendaEntry]) {
    if entries.is_empty() {
        println!("Ingen møder.");
        return;
    }
    for e in entries {
        let items = if e.items == 1 { "punkt" } else { "punkter" };
        println!(
            "{} · {} (møde {}): {} {items}, {} sider, {} nye, {} læst",
            e.date.format("%d.%m.%Y"),
            e.body,
            e.meeting_id,
            e.items,
            e.pages,
            e.new,
            e.read
        );
    }
    let pages: u32 = entries.iter().map(|e| e.pages).sum();
    let n = entries.len();
    println!(
        "{n} {}, {pages} sider.",
        if n == 1 { "møde" } else { "møder" }
    );
}

/// Retrieved passages: JSON lines, or numbered with heading, link and text.
pub fn passages(passages: &[Passage], json: bool) -> Result<()> {
    if json {
        for p in passages {
            println!("{}", serde_json::to_string(p)?);
        }
        return Ok(());
    }
    if passages.is_empty() {
        println!("Ingen tekststykker fundet.");
    }
    for (n, p) in passages.iter().enumerate() {
        println!("\n{}. {}", n + 1, p.heading);
        if let Some(case) = &p.cite.case_number {
            println!("   Sag {case}");
        }
        if let Some(link) = &p.link {
            println!("   {link}");
        }
        if p.cite.ocr {
            println!("   {OCR_NOTE}");
        }
        println!("   Ord: {}", p.matched_terms.join(", "));
        println!(
            "{}",
            p.text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    Ok(())
}

/// What a reader is told about text read by OCR.
const OCR_NOTE: &str = "OCR – teksten er læst fra en scanning og kan indeholde fejl";

/// " (OCR – …)" after the page of a hit on a page read by OCR.
fn ocr_mark(hit: &Hit) -> String {
    if hit.cite.ocr {
        format!(" ({OCR_NOTE})")
    } else {
        String::new()
    }
}

/// Body, collection, date, item and case of a hit on one line.
fn citation_line(hit: &Hit) -> String {
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
    if hit.cite.access == moedemappe_core::model::Access::Closed {
        head.push("LUKKET".into());
    }
    head.join(" · ")
}

/// The facet counts on three lines.
fn facets_text(results: &SearchResults) {
    let f = &results.facets;
    let bodies: Vec<String> = f
        .bodies
        .iter()
        .map(|b| format!("{} {}", b.body, b.count))
        .collect();
    let years: Vec<String> = f
        .years
        .iter()
        .map(|y| format!("{} {}", y.year, y.count))
        .collect();
    let kinds: Vec<String> = f
        .kinds
        .iter()
        .map(|k| format!("{} {}", k.label, k.count))
        .collect();
    println!("Udvalg: {}", bodies.join(" · "));
    println!("År: {}", years.join(" · "));
    println!("Type: {}", kinds.join(" · "));
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
    if let Some(d) = &s.disk {
        let mb = |b: u64| b as f64 / 1e6;
        println!(
            "Plads: {:.0} MB PDF-filer, {:.0} MB tekst, {:.0} MB søgeindeks.",
            mb(d.files),
            mb(d.text),
            mb(d.index)
        );
        if d.text_only > 0 {
            println!(
                "{} bilag er gemt som tekst alene; alle deres PDF-filer ville fylde {:.0} MB (--files all).",
                d.text_only,
                mb(d.all_would_need)
            );
        }
    }
    for source in &s.sources {
        source_line(source);
    }
    ocr_status(s);
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

/// Scanned pages: how many OCR has read, how many wait, and each page it
/// could not read with the reason.
pub fn ocr_status(s: &Status) {
    let o = &s.ocr;
    if o.queued + o.done + o.failed == 0 {
        return;
    }
    println!(
        "Scannede sider (OCR): {} læst, heraf {} med tekst; {} venter; {} kunne ikke læses.",
        o.done, o.with_text, o.queued, o.failed
    );
    if !s.ocr_failures.is_empty() {
        println!("Sider, OCR ikke kunne læse:");
        for f in &s.ocr_failures {
            println!("  {} side {}: {}", f.path, f.page, f.reason);
        }
    }
}

/// What an OCR run did.
pub fn ocr_report(r: &OcrReport) {
    println!(
        "OCR: {} sider læst på {:.0} s ({} med tekst, {} kunne ikke læses).",
        r.pages, r.seconds, r.with_text, r.failed
    );
    if r.paused {
        println!(
            "OCR er sat på pause; {} sider venter. Fortsæt med `moedemappe ocr --resume`.",
            r.left
        );
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
    if let Some(scope) = &s.scope {
        println!("  henter {}", scope_text(Some(scope)));
        if let Some(c) = &scope.counts {
            println!(
                "  i omfanget: {} af {} møder på portalen, fra {}; hentet: {}, mangler: {}",
                c.in_scope,
                c.listed,
                c.first_day.format("%d.%m.%Y"),
                c.stored,
                c.in_scope.saturating_sub(c.stored)
            );
        }
    }
    if let Some(e) = &s.last_error {
        println!("  sidste forsøg mislykkedes: {e}");
    }
    for f in &s.failures {
        println!("  {}: {}", f.what, f.reason);
    }
}

/// What a portal source fetches, in words: "alle udvalg fra året før den
/// nuværende valgperiode", "TU, BUU fra 01.01.2018".
pub fn scope_text(scope: Option<&SourceScope>) -> String {
    let Some(scope) = scope else {
        return "hele mappen".into();
    };
    let mut bodies: Vec<String> = scope.bodies.clone();
    if scope.followed {
        bodies.push("de udvalg, du følger".into());
    }
    let bodies = if bodies.is_empty() {
        "alle udvalg".to_string()
    } else {
        bodies.join(", ")
    };
    let since = match scope.since {
        Some(d) => format!("fra {}", d.format("%d.%m.%Y")),
        None => "fra året før den nuværende valgperiode".into(),
    };
    let files = match scope.files {
        FilesPolicy::Followed => "PDF-filer af de fulgte udvalg, resten som tekst",
        FilesPolicy::All => "alle PDF-filer",
        FilesPolicy::None => "kun tekst (PDF-filer hentes, når du åbner dem)",
    };
    format!("{bodies} {since}; {files}")
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
