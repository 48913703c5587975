//! The saved-search subcommands (`alert add|list|rm`, `alerts`, `alerts
//! seen`) and their printing; all behaviour is in `core::api`.

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use moedemappe_core::api::{AlertMatch, Alerts, Mappe, SavedQuery, SavedSearch, Scope};
use moedemappe_core::model::{danish_date, Access};

/// The subcommands of this file, flattened into the main command list.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Søgeagenter: gem en søgning, og få at vide, hvad der er nyt for den efter hver synkronisering.
    #[command(subcommand)]
    Alert(AlertCommand),
    /// Vis hvad der er nyt for dine søgeagenter og de udvalg, du følger (`alerts seen` markerer det som set).
    #[command(args_conflicts_with_subcommands = true)]
    Alerts {
        #[command(subcommand)]
        seen: Option<SeenCommand>,
        /// Alt fundet siden denne dag (ÅÅÅÅ-MM-DD) eller dette tidspunkt (RFC 3339), også det sete.
        #[arg(long)]
        since: Option<String>,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mål søgeagenter: gem testsættets søgninger, importér mapperne, og vis hvor længe søgeagenterne tog, ved siden af almindelige søgninger.
    #[command(hide = true)]
    AlertsBench {
        /// Mapper at importere (fx 20 nye møder).
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Så mange søgeagenter.
        #[arg(long, default_value_t = 50)]
        searches: usize,
    },
}

/// `alerts seen`.
#[derive(Debug, Subcommand)]
pub enum SeenCommand {
    /// Markér som set: det, én søgeagent har fundet, eller (uden navn) alt.
    Seen {
        /// Søgeagentens navn.
        name: Option<String>,
    },
}

/// `alert …`.
#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// Gem en søgning som søgeagent; kun det, der kommer herefter, tæller som nyt.
    Add(AddArgs),
    /// Vis dine søgeagenter.
    List {
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Slet en søgeagent og det, den har fundet.
    Rm {
        /// Søgeagentens navn.
        name: String,
    },
}

/// `alert add`: the words and the filters of `search`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Søgetekst som i `search` (alle ord skal med); kan udelades med --case eller --body.
    query: Option<String>,
    /// Navn på søgeagenten (standard: søgeteksten).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    filters: crate::cli::FilterArgs,
}

pub fn run(mappe: &Mappe, cmd: Command) -> Result<()> {
    match cmd {
        Command::AlertsBench { paths, searches } => bench(mappe, &paths, searches)?,
        Command::Alert(AlertCommand::Add(a)) => {
            let f = a.filters;
            let query = SavedQuery {
                text: a.query.unwrap_or_default(),
                body: f.body,
                year: f.year,
                from: f.from,
                to: f.to,
                access: f.access,
                kinds: f.kinds,
                case_number: f.case_number,
            };
            let saved = mappe
                .member(Scope::Member)?
                .save_search(a.name.as_deref(), &query)?;
            println!(
                "Søgeagenten «{}» er gemt. Nyt, der matcher, vises med `moedemappe alerts` efter hver synkronisering.",
                saved.name
            );
        }
        Command::Alert(AlertCommand::List { json }) => {
            let searches = mappe.session(Scope::Member).saved_searches()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&searches)?);
            } else if searches.is_empty() {
                println!("Du har ingen søgeagenter. Prøv: moedemappe alert add \"Bassin 7\"");
            } else {
                for s in &searches {
                    println!("{}", search_line(s));
                }
            }
        }
        Command::Alert(AlertCommand::Rm { name }) => {
            mappe.member(Scope::Member)?.remove_search(&name)?;
            println!("Søgeagenten «{}» er slettet.", name.trim());
        }
        Command::Alerts {
            seen: Some(SeenCommand::Seen { name }),
            ..
        } => {
            mappe.member(Scope::Member)?.alerts_seen(name.as_deref())?;
            match name {
                Some(n) => println!("Det nye for «{}» er markeret som set.", n.trim()),
                None => println!("Alt nyt er markeret som set."),
            }
        }
        Command::Alerts {
            seen: None,
            since,
            json,
        } => {
            let since = since.as_deref().map(parse_since).transpose()?;
            let alerts = mappe.session(Scope::Member).alerts(since)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&alerts)?);
            } else {
                print_alerts(&alerts, since.is_some());
            }
        }
    }
    Ok(())
}

/// A day (from its midnight, UTC) or an RFC 3339 time.
fn parse_since(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Ok(DateTime::parse_from_rfc3339(s)
        .with_context(|| {
            format!("--since: «{s}» er hverken ÅÅÅÅ-MM-DD eller et RFC 3339-tidspunkt")
        })?
        .with_timezone(&Utc))
}

fn search_line(s: &SavedSearch) -> String {
    let q = &s.query;
    let mut parts = Vec::new();
    if !q.text.trim().is_empty() {
        parts.push(format!("«{}»", q.text.trim()));
    }
    if let Some(b) = &q.body {
        parts.push(format!("udvalg {b}"));
    }
    if let Some(c) = &q.case_number {
        parts.push(format!("sag {c}"));
    }
    if let Some(y) = q.year {
        parts.push(format!("år {y}"));
    }
    if let Some(f) = q.from {
        parts.push(format!("fra {f}"));
    }
    if let Some(t) = q.to {
        parts.push(format!("til {t}"));
    }
    if let Some(a) = q.access {
        parts.push(format!(
            "kun {}",
            if a == Access::Closed {
                "lukket"
            } else {
                "åbent"
            }
        ));
    }
    for k in &q.kinds {
        parts.push(format!("type {}", k.label()));
    }
    format!("{}: {}", s.name, parts.join(", "))
}

fn match_line(m: &AlertMatch) -> String {
    let mut line = format!(
        "  {} {} · punkt {} «{}»",
        m.body,
        danish_date(m.date),
        m.item_number,
        m.item_title
    );
    if let Some(case) = &m.case_number {
        line.push_str(&format!(" · sag {case}"));
    }
    if let (Some(title), Some(id)) = (&m.attachment_title, m.attachment) {
        let pages: Vec<String> = m.pages.iter().map(u32::to_string).collect();
        let s = if m.pages.len() == 1 { "side" } else { "sider" };
        line.push_str(&format!(
            " · bilag «{title}» (id {id}), {s} {}",
            pages.join(", ")
        ));
    }
    line
}

fn print_alerts(a: &Alerts, since: bool) {
    if a.searches.is_empty() && a.releases.is_empty() {
        println!("Intet nyt. Gem en søgning med `moedemappe alert add \"…\"`, eller følg et udvalg med `moedemappe follow`.");
        return;
    }
    for news in &a.searches {
        let n = news.matches.len();
        let what = if since { "fundet" } else { "nye" };
        println!("{} ({n} {what})", search_line(&news.search));
        for m in &news.matches {
            println!("{}", match_line(m));
        }
    }
    if !a.releases.is_empty() {
        println!("Udgivet for de udvalg, du følger:");
        for r in &a.releases {
            println!("  {}", r.text);
        }
    }
    if a.total > 0 && !since {
        println!("Markér det som set med `moedemappe alerts seen`.");
    }
}

/// `alerts-bench`: the saved-search benchmark (bench/alerts.sh).
fn bench(mappe: &Mappe, paths: &[std::path::PathBuf], n: usize) -> Result<()> {
    use moedemappe_core::api::{relevance, IngestSettings, SearchRequest, Silent, WorkerCommand};
    let queries = relevance::test_queries()?;
    let member = mappe.member(Scope::Member)?;
    let texts: Vec<String> = queries.iter().cycle().take(n).cloned().collect();
    for (i, text) in texts.iter().enumerate() {
        let query = SavedQuery {
            text: text.clone(),
            ..SavedQuery::default()
        };
        member.save_search(Some(&format!("bench-{i:02}")), &query)?;
    }
    let settings = IngestSettings::new(WorkerCommand::current_exe()?);
    let t = std::time::Instant::now();
    let report = member.import(paths, &settings, &Silent)?;
    let import_s = t.elapsed().as_secs_f64();
    let check = mappe
        .last_alerts_check()
        .context("søgeagenterne blev ikke kørt efter importen")?;
    // One plain search (a results page) per query, after a warm-up.
    let session = mappe.session(Scope::Member);
    let mut times = Vec::new();
    for text in &texts {
        let mut request = SearchRequest::new(text.clone(), 10);
        request.query.group = true;
        session.search(&request)?;
        let t = std::time::Instant::now();
        session.search(&request)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let alerts = session.alerts(None)?;
    let with_news = alerts
        .searches
        .iter()
        .filter(|s| !s.matches.is_empty())
        .count();
    println!(
        "import: {} møder, {} nye filer, {} sider på {import_s:.1} s",
        report.meetings, report.new_files, report.pages
    );
    println!(
        "{n} søgeagenter: {:.1} ms (indeksering af nyt medregnet), {} nye fund, {with_news} søgeagenter med nyt",
        check.took.as_secs_f64() * 1000.0,
        check.found.matches
    );
    println!(
        "én almindelig søgning (resultatside): median {median:.1} ms, højst {:.1} ms",
        times.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
