//! `moedemappe stats`: workload statistics per body and period as a table
//! (Danish headers, for people), an Excel workbook (Danish headers, numbers as
//! numbers, for people who count on), CSV or JSON (English snake_case keys,
//! one row per body × period, numbers as numbers, ISO dates: for programs),
//! and `--explain` for the meetings, items and attachments behind every
//! figure.

use anyhow::Result;
use chrono::NaiveDate;
use moedemappe_core::api::{csv_field, Explanation, Interval, Mappe, Scope, Stats, StatsQuery};

/// Arguments of `moedemappe stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Første mødedag, der tælles med (ÅÅÅÅ-MM-DD).
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// Sidste mødedag, der tælles med (ÅÅÅÅ-MM-DD).
    #[arg(long, value_parser = parse_date)]
    to: Option<NaiveDate>,
    /// Kun dette udvalg (navn, tidligere navn eller forkortelse som TU); kan gentages.
    #[arg(long)]
    body: Vec<String>,
    /// Periode: year (år) eller month (måned).
    #[arg(long, value_enum, default_value_t = By::Year)]
    by: By,
    /// Udskrift: table (tabel), xlsx (Excel; kræver -o), csv eller json (til programmer).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Skriv til denne fil i stedet for skærmen.
    #[arg(short = 'o', long = "output")]
    output: Option<std::path::PathBuf>,
    /// Vis møderne, punkterne og bilagene bag hvert tal, og hvorfor noget ikke tælles.
    #[arg(long)]
    explain: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum By {
    Year,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Xlsx,
    Csv,
    Json,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("«{s}» er ikke en dato; skriv fx 2023-01-31"))
}

/// Runs `moedemappe stats`.
pub fn run(mappe: &Mappe, args: StatsArgs) -> Result<()> {
    let query = StatsQuery {
        from: args.from,
        to: args.to,
        body_ids: mappe.session(Scope::Member).body_ids(&args.body)?,
        by: match args.by {
            By::Year => Interval::Year,
            By::Month => Interval::Month,
        },
    };
    if args.format == Format::Xlsx && args.output.is_none() {
        anyhow::bail!("En Excel-fil skal gemmes i en fil: tilføj fx -o statistik.xlsx");
    }
    let bytes: Vec<u8> = if args.explain {
        let explanations = mappe.session(Scope::Member).stats_explain(&query)?;
        match args.format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(&explanations)?).into(),
            Format::Csv => explain_csv(&explanations).into(),
            Format::Table => explain_text(&explanations).into(),
            Format::Xlsx => {
                anyhow::bail!("--explain findes som tabel, csv og json, ikke som Excel")
            }
        }
    } else {
        let stats = mappe.session(Scope::Member).stats(&query)?;
        match args.format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(&stats)?).into(),
            Format::Csv => stats.to_csv()?.into(),
            Format::Table => table(&stats).into(),
            Format::Xlsx => stats.to_xlsx()?,
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes)
                .map_err(|e| anyhow::anyhow!("Kunne ikke skrive {}: {e}", path.display()))?;
            eprintln!("Gemt i {}.", path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// A whole number with Danish thousands separators: 15.346.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Hours with a decimal comma: 3,75.
fn decimal(h: f64) -> String {
    let s = format!("{h:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

fn table(stats: &Stats) -> String {
    if stats.rows.is_empty() {
        return "Ingen møder i den valgte periode.\n".to_string();
    }
    let head = [
        "Udvalg",
        "Periode",
        "Møder",
        "Mødetimer",
        "Punkter",
        "Skr. orienteringer",
        "Henviste sager",
        "Bilag",
        "Bilagssider",
    ];
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for r in &stats.rows {
        lines.push(vec![
            r.body.clone(),
            r.period.clone(),
            thousands(r.meetings),
            decimal(r.meeting_hours),
            thousands(r.items),
            thousands(r.briefings),
            thousands(r.referred),
            thousands(r.attachments),
            thousands(r.pages),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c] - cell.chars().count());
                // Text columns to the left, numbers to the right.
                if c < 2 {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    let unknown: u64 = stats.rows.iter().map(|r| r.attachments_without_pages).sum();
    if unknown > 0 {
        out.push_str(&format!(
            "{unknown} bilag har ukendt sidetal og er talt med 0 sider.\n"
        ));
    }
    let untimed: u64 = stats
        .rows
        .iter()
        .map(|r| r.meetings - r.meetings_with_times)
        .sum();
    if untimed > 0 {
        out.push_str(&format!(
            "{untimed} møder mangler start- eller sluttid og indgår ikke i mødetimerne.\n"
        ));
    }
    out.push_str(
        "Faste punkter og udsatte punkter tælles ikke; skriftlige orienteringer tælles pr. emne; \
         bilag på lukkede punkter tælles ikke; et bilag tælles én gang pr. møde. \
         Se hvad der ligger bag med --explain.\n",
    );
    out
}

fn explain_text(explanations: &[Explanation]) -> String {
    if explanations.is_empty() {
        return "Ingen møder i den valgte periode.\n".to_string();
    }
    let mut out = String::new();
    for e in explanations {
        out.push_str(&format!("\n{} · {}\n", e.body, e.period));
        for m in &e.meetings {
            let time = match (&m.start, &m.end, m.minutes) {
                (Some(s), Some(t), Some(min)) => {
                    format!("{s}–{t}, {} timer", decimal(f64::from(min) / 60.0))
                }
                _ => "uden start- eller sluttid".to_string(),
            };
            out.push_str(&format!("  Møde {} ({time})\n", m.date.format("%d.%m.%Y")));
            for i in &m.items {
                let mut marks = Vec::new();
                if i.items > 0 {
                    marks.push(if i.items == 1 {
                        "1 punkt".to_string()
                    } else {
                        format!("{} punkter", i.items)
                    });
                }
                if i.referred {
                    marks.push("henvist".into());
                }
                if let Some(n) = &i.note {
                    marks.push(n.clone());
                }
                out.push_str(&format!(
                    "    punkt {}: {} [{}]\n",
                    i.number,
                    i.title,
                    marks.join("; ")
                ));
            }
            for a in &m.attachments {
                let pages = a
                    .page_count
                    .map(|p| format!("{} sider", thousands(u64::from(p))))
                    .unwrap_or_else(|| "ukendt sidetal".into());
                let numbers: Vec<String> = a.item_numbers.iter().map(u32::to_string).collect();
                let mut marks = vec![if a.counted { "tælles" } else { "tælles ikke" }.to_string()];
                if let Some(n) = &a.note {
                    marks.push(n.clone());
                }
                out.push_str(&format!(
                    "    bilag «{}» (punkt {}, {pages}) [{}]\n",
                    a.title,
                    numbers.join(", "),
                    marks.join("; ")
                ));
            }
        }
    }
    out
}

/// One line per item and per attachment, with what it contributes.
fn explain_csv(explanations: &[Explanation]) -> String {
    let mut out = String::from(
        "body_id,body,period,meeting_id,meeting_date,type,item_numbers,title,items,briefings,referred,attachment_id,page_count,counted,note\n",
    );
    for e in explanations {
        for m in &e.meetings {
            let head = format!(
                "{},{},{},{},{}",
                e.body_id,
                csv_field(&e.body),
                e.period,
                m.meeting_id,
                m.date
            );
            for i in &m.items {
                out.push_str(&format!(
                    "{head},item,{},{},{},{},{},,,{},{}\n",
                    i.number,
                    csv_field(&i.title),
                    i.items,
                    i.briefings,
                    i.referred,
                    i.items > 0,
                    csv_field(i.note.as_deref().unwrap_or(""))
                ));
            }
            for a in &m.attachments {
                let numbers: Vec<String> = a.item_numbers.iter().map(u32::to_string).collect();
                out.push_str(&format!(
                    "{head},attachment,{},{},,,,{},{},{},{}\n",
                    csv_field(&numbers.join(" ")),
                    csv_field(&a.title),
                    a.attachment_id,
                    a.page_count.map(|p| p.to_string()).unwrap_or_default(),
                    a.counted,
                    csv_field(a.note.as_deref().unwrap_or(""))
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_numbers_and_csv_quoting() {
        assert_eq!(thousands(15346), "15.346");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1.000.000");
        assert_eq!(decimal(3.75), "3,75");
        assert_eq!(decimal(2.0), "2");
        assert_eq!(decimal(1.5), "1,5");
    }
}
