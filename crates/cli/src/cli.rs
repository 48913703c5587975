//! Command-line arguments and the dispatch of each subcommand to `core::api`.

use crate::{output, progress::TermProgress};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use moedemappe_core::api::PortalOptions;
use moedemappe_core::api::Scope;
use moedemappe_core::api::TokenScope;
use moedemappe_core::api::WorkerCommand;
use moedemappe_core::api::{self, IngestSettings, Mappe, SearchRequest};
use moedemappe_core::api::{MaterialKind, SearchQuery, SortOrder};
use moedemappe_core::model::{Access, AttachmentId, ItemId};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Mødemappe: dagsordener, bilag og søgning for byrådsmedlemmer.
#[derive(Debug, Parser)]
#[command(name = "moedemappe", version, about)]
pub struct Args {
    /// Datamappe (ellers $MOEDEMAPPE_DATA, ellers brugerens programdatamappe).
    #[arg(long, global = true, env = api::DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// `moedemappe token …`.
#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Lav en nøgle; den vises kun denne ene gang.
    Create {
        /// open (kun åbent materiale) eller closed (også lukket materiale).
        #[arg(long, default_value = "open", value_parser = parse_scope)]
        scope: TokenScope,
        /// Hvad nøglen bruges til.
        #[arg(long)]
        label: Option<String>,
    },
    /// Vis nøglerne (id, adgang, oprettet) — aldrig selve nøglen.
    List,
    /// Skriv datamappens lokale nøgle til scripts (kun åbent materiale); med en boks ligger den i boksen.
    Local,
    /// Slet en nøgle.
    Revoke {
        /// Nøglens id (fra `token list`).
        id: String,
    },
}

fn parse_scope(s: &str) -> std::result::Result<TokenScope, String> {
    TokenScope::parse(s).ok_or_else(|| "skriv open eller closed".into())
}

/// The arguments of `moedemappe search`.
#[derive(Debug, clap::Args)]
struct SearchArgs {
    /// Søgetekst: alle ord skal med (har under 10 dokumenter dem alle, følger dokumenter, der mangler ét); "…" søger en frase, -ord udelukker, OR giver alternativer.
    #[arg(required_unless_present = "like")]
    query: Option<String>,
    #[command(flatten)]
    filters: FilterArgs,
    /// Kun dette bilags sider (id som i søgeresultaterne), én linje pr. side.
    #[arg(long)]
    attachment: Option<i64>,
    /// Rækkefølge: relevans, nyeste eller aeldste.
    #[arg(long, value_parser = parse_sort, default_value = "relevans")]
    sort: SortOrder,
    /// Find materiale der ligner denne sag (sagsnummer) i andre sager.
    #[arg(long)]
    like: Option<String>,
    /// Én linje pr. side i stedet for grupper pr. bilag.
    #[arg(long)]
    flat: bool,
    /// Vis optællinger pr. udvalg, år og type.
    #[arg(long)]
    facets: bool,
    /// Højst så mange bilag (eller sider med --flat).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Ét JSON-objekt pr. linje.
    #[arg(long)]
    json: bool,
}

/// The filters `search` and `alert add` share.
#[derive(Debug, clap::Args)]
pub(crate) struct FilterArgs {
    /// Kun dette udvalg (navn, tidligere navn eller forkortelse som TU).
    #[arg(long)]
    pub body: Option<String>,
    /// Kun dette år.
    #[arg(long)]
    pub year: Option<i32>,
    /// Kun møder fra og med denne dag (ÅÅÅÅ-MM-DD).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Kun møder til og med denne dag (ÅÅÅÅ-MM-DD).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Kun åbne eller kun lukkede punkter: aaben eller lukket.
    #[arg(long, value_parser = parse_access)]
    pub access: Option<Access>,
    /// Kun denne type: sag, orientering, fast (faste punkter) eller dokument; kan gentages.
    #[arg(long = "kind", value_parser = parse_kind)]
    pub kinds: Vec<MaterialKind>,
    /// Kun materiale fra denne sag (sagsnummer).
    #[arg(long = "case")]
    pub case_number: Option<String>,
}

fn parse_access(s: &str) -> std::result::Result<Access, String> {
    Access::parse(s).ok_or_else(|| "skriv aaben eller lukket".into())
}

fn parse_kind(s: &str) -> std::result::Result<MaterialKind, String> {
    MaterialKind::parse(s).ok_or_else(|| "skriv sag, orientering, fast eller dokument".into())
}

fn parse_sort(s: &str) -> std::result::Result<SortOrder, String> {
    SortOrder::parse(s).ok_or_else(|| "skriv relevans, nyeste eller aeldste".into())
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Importér mapper i mappeformatet, mapper med PDF-filer eller enkelte PDF-filer.
    Import {
        /// Mapper eller PDF-filer.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Vedhæft en PDF, du har modtaget (fx et lukket bilag pr. mail), til et dagsordenspunkt.
    #[command(args_conflicts_with_subcommands = true)]
    Attach {
        #[command(subcommand)]
        remove: Option<AttachCommand>,
        /// PDF-filen.
        #[arg(required = true)]
        file: Option<PathBuf>,
        /// Punktets id (se `moedemappe agenda` eller mødesiden).
        #[arg(long, required = true)]
        item: Option<i64>,
        /// Bilaget er lukket: det deles aldrig og ses kun med adgang til lukket materiale.
        #[arg(long)]
        closed: bool,
        /// Bilagets titel (standard: filnavnet).
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Søg i dagsordener og bilag. Resultaterne grupperes pr. bilag.
    Search(SearchArgs),
    /// Vis hvad der er gemt, og hvilke filer der ikke kunne læses.
    Status {
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Genopbyg søgeindekset fra databasen.
    Reindex,
    /// Skriv en scannet test-PDF uden tekstlag (dansk tekst som billeder) og dens kildetekst som JSON.
    #[command(hide = true)]
    ScanPdf {
        /// Antal sider.
        #[arg(long, default_value_t = 10)]
        pages: usize,
        /// Frø: samme frø giver samme tekst.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Opløsning af de scannede billeder.
        #[arg(long, default_value_t = 200)]
        dpi: u32,
        /// Slid i promille: gråt papir og så mange pixels som pletter.
        #[arg(long, default_value_t = 0)]
        noise: u32,
        /// PDF-filen.
        #[arg(short = 'o', long)]
        out: PathBuf,
        /// Kildeteksten pr. side som JSON (til at måle OCR's genkendelse).
        #[arg(long)]
        text: Option<PathBuf>,
    },
    /// Læs scannede sider med OCR (tekstgenkendelse); Ctrl-C eller --pause stopper, intet læst går tabt.
    Ocr {
        /// Sæt OCR på pause, også den der kører i baggrunden i vinduet eller `serve`.
        #[arg(long, conflicts_with_all = ["resume", "status"])]
        pause: bool,
        /// Fortsæt OCR efter en pause (og læs siderne nu).
        #[arg(long, conflicts_with = "status")]
        resume: bool,
        /// Vis kun, hvor mange sider der venter, og hvilke OCR ikke kunne læse.
        #[arg(long)]
        status: bool,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Kilder: dagsordensportaler og mapper.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Hent nyt fra alle kilder.
    Sync {
        /// Højst så mange samtidige forespørgsler til en portal.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Vis en sags forløb: alle behandlinger med udvalg, dato, punkt og beslutning.
    Case {
        /// Sagsnummer, fx EMN-2023-001234.
        case_number: String,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Statistik: møder, mødetimer, punkter, henviste sager og bilagssider pr. udvalg og periode.
    Stats(crate::stats_cmd::StatsArgs),
    /// Lav demodata og importér dem.
    Demo {
        /// Størrelse i forhold til Aarhus' rigtige mængder (1.0 = hele 2023–2024).
        #[arg(long, default_value_t = 0.05)]
        scale: f64,
        /// Skriv kun demodata (til <datamappe>/demo); importér dem ikke.
        #[arg(long)]
        no_import: bool,
        /// Start derefter brugerfladen (som `serve`) og åbn den i browseren.
        #[arg(long, conflicts_with = "no_import")]
        open: bool,
        /// Porten til brugerfladen med --open; 0 vælger en ledig.
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT, requires = "open")]
        port: u16,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Find de bedste tekststykker (150–300 ord) med kildehenvisning, fx til en assistent.
    Retrieve {
        /// Spørgsmål eller søgeord.
        query: String,
        /// Så mange tekststykker.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Kun dette udvalg (navn, tidligere navn eller forkortelse).
        #[arg(long)]
        body: Option<String>,
        /// Kun møder fra og med denne dag (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Kun møder til og med denne dag (ÅÅÅÅ-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Kun materiale fra denne sag.
        #[arg(long = "case")]
        case_number: Option<String>,
        /// Kun åbne eller kun lukkede punkter: aaben eller lukket.
        #[arg(long, value_parser = parse_access)]
        access: Option<Access>,
        /// Ét JSON-objekt pr. linje.
        #[arg(long)]
        json: bool,
    },
    /// Mål svartider for søgning og tekststykker i datamappen over testsættets søgninger.
    Latency {
        /// Tidsmålte kørsler af hver søgning (efter én opvarmning).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Som medlemmet søger: også lukket materiale (det fulde indeks, krypteret i en boks).
        #[arg(long)]
        closed: bool,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Følg et udvalg (navn, tidligere navn eller forkortelse); uden navn: vis dem du følger.
    Follow {
        /// Udvalgene.
        bodies: Vec<String>,
    },
    /// Følg ikke længere et udvalg.
    Unfollow {
        /// Udvalget.
        body: String,
    },
    /// De næste møder i de udvalg du følger: sider i alt, nye, læste og læsetid.
    Agenda {
        /// Så mange møder.
        #[arg(long, default_value_t = 5)]
        next: usize,
        /// Fra og med denne dag (ÅÅÅÅ-MM-DD); ellers i dag.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Sæt dit læsetempo i sider i timen (gemmes).
        #[arg(long)]
        pace: Option<u32>,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Alle møder, nyeste først, med sider, nye og læste: for ét udvalg eller alle, ét år eller alle.
    Meetings {
        /// Kun dette udvalg (navn, tidligere navn eller forkortelse som TU).
        #[arg(long)]
        body: Option<String>,
        /// Kun dette år.
        #[arg(long)]
        year: Option<i32>,
        /// Som JSON (én linje pr. møde).
        #[arg(long)]
        json: bool,
    },
    /// Møderne som kalenderfil (iCalendar, .ics) til din kalender; importér den igen for at opdatere.
    Calendar {
        /// Kun dette udvalg (navn, tidligere navn eller forkortelse); kan gentages.
        #[arg(long)]
        body: Vec<String>,
        /// Kun de udvalg, du følger.
        #[arg(long, conflicts_with = "body")]
        followed: bool,
        /// Skriv til denne fil i stedet for skærmen.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Start den lokale API (og brugerfladen i browseren) på 127.0.0.1.
    Serve {
        /// Port; 0 vælger en ledig og skriver den.
        #[arg(long, default_value_t = crate::serve::DEFAULT_PORT)]
        port: u16,
        /// Åbn brugerfladen i browseren (med login-linket).
        #[arg(long)]
        open: bool,
    },
    /// Skriv et nyt login-link til en kørende `moedemappe serve` (virker én gang og i 10 minutter).
    LoginLink,
    /// Adgangskoden til boksen med lukket materiale, noter og nøgler.
    #[command(subcommand)]
    Passcode(crate::vault_cmd::PasscodeCommand),
    /// Lås boksen: lukket materiale og noter kan ikke læses, før du låser op.
    Lock,
    /// Lås boksen op med adgangskoden (til du låser, logger ud eller slukker), eller uden, hvis denne computer husker nøglen.
    Unlock {
        /// Husk nøglen på denne computer (i styresystemets nøglering), så næste `unlock` ikke spørger efter adgangskoden.
        #[arg(long)]
        remember: bool,
    },
    /// Start en MCP-server på stdin/stdout, så en AI-assistent kan søge i materialet.
    Mcp {
        /// Fil med adgangsnøglen (ellers $MOEDEMAPPE_TOKEN, ellers datamappens lokale nøgle til åbent materiale).
        #[arg(long)]
        token_file: Option<PathBuf>,
    },
    /// Adgangsnøgler til den lokale API og MCP-serveren.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Mål søgekvalitet og svartider på testsættet over demodata (bruger ikke datamappen).
    Relevance {
        /// Demodata i denne skala (1.0 = hele 2023–2024).
        #[arg(long, default_value_t = 0.05)]
        scale: f64,
        /// Tidsmålte kørsler af hver søgning.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Den rigtige tekst til det andet testsæt: en .txt-fil eller en mappe
        /// (standard: ../shared/seed, eller hvor MOEDEMAPPE_SEED peger).
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hold øje med mapperne (kilderne), og opdatér, når der ændres noget i dem. Stop med Ctrl-C.
    Watch {
        /// Vent så mange millisekunder uden ændringer, før en mappe læses igen.
        #[arg(long, default_value_t = 1000)]
        debounce_ms: u64,
        #[command(flatten)]
        ingest: IngestArgs,
    },
    /// Noter, læsestatus og deling (notes_cmd.rs).
    #[command(flatten)]
    Notes(crate::notes_cmd::Command),
    /// Søgeagenter (alerts_cmd.rs).
    #[command(flatten)]
    Alerts(crate::alerts_cmd::Command),
}

#[derive(Debug, Subcommand)]
enum SourceCommand {
    /// Tilføj en kilde.
    #[command(subcommand)]
    Add(AddSource),
    /// Vis kilderne.
    List {
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fjern en kilde (det hentede materiale bliver).
    Remove {
        /// Kildens navn.
        name: String,
    },
    /// Ret, hvad en portal henter: udvalg og første mødedag. Intet slettes,
    /// når omfanget bliver mindre.
    Edit {
        /// Kildens navn.
        name: String,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Alle udvalg igen (i stedet for --bodies og --followed).
        #[arg(long, conflicts_with_all = ["bodies", "followed"])]
        all_bodies: bool,
        /// Fra standarddagen igen: året før den nuværende valgperiode.
        #[arg(long, conflicts_with = "since")]
        default_since: bool,
    },
}

/// What a portal source fetches.
#[derive(Debug, clap::Args)]
struct ScopeArgs {
    /// Kun disse udvalg (navn, tidligere navn eller forkortelse), fx TU,BUU.
    #[arg(long, value_delimiter = ',')]
    bodies: Vec<String>,
    /// Kun de udvalg, du følger.
    #[arg(long)]
    followed: bool,
    /// Møder fra denne dag (ÅÅÅÅ-MM-DD); standard: året før den nuværende valgperiode.
    #[arg(long, value_parser = parse_day)]
    since: Option<NaiveDate>,
    /// Hvilke PDF-filer der gemmes: followed (de fulgte udvalgs, standard),
    /// all eller none; af de andre gemmes kun teksten, og filen hentes, når du åbner den.
    #[arg(long, value_enum)]
    files: Option<FilesArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FilesArg {
    Followed,
    All,
    None,
}

impl From<FilesArg> for api::FilesPolicy {
    fn from(f: FilesArg) -> Self {
        match f {
            FilesArg::Followed => api::FilesPolicy::Followed,
            FilesArg::All => api::FilesPolicy::All,
            FilesArg::None => api::FilesPolicy::None,
        }
    }
}

fn parse_day(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("«{s}» er ikke en dato; skriv fx 2018-01-01"))
}

/// `attach rm`.
#[derive(Debug, Subcommand)]
enum AttachCommand {
    /// Fjern et bilag, du selv har vedhæftet (aldrig et, kilden har).
    Rm {
        /// Punktets id.
        #[arg(long)]
        item: i64,
        /// Bilagets id.
        #[arg(long)]
        attachment: i64,
    },
}

#[derive(Debug, Subcommand)]
enum AddSource {
    /// En dagsordensportal (FirstAgenda Publication), fx https://dagsordener.aarhus.dk eller aarhus.
    Portal {
        /// Portalens adresse, eller kommunens navn (fx aarhus, Aarhus Kommune).
        url: String,
        /// Navn på kilden (standard: kommunens navn eller værtsnavnet).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// En mappe med PDF-filer, som `sync` og `watch` holder opdateret.
    Folder {
        /// Mappen.
        path: PathBuf,
        /// Navn på kilden (standard: mappens navn).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
struct IngestArgs {
    /// Højst så mange sekunder pr. PDF-fil.
    #[arg(long, default_value_t = 60.0)]
    deadline: f64,
    /// Antal samtidige læseprocesser (standard: én pr. kerne).
    #[arg(long)]
    workers: Option<usize>,
    /// Læs ikke scannede sider med OCR bagefter (`moedemappe ocr` gør det senere).
    #[arg(long)]
    no_ocr: bool,
    /// Højst så mange sekunder pr. side, der læses med OCR.
    #[arg(long, default_value_t = 120.0)]
    ocr_deadline: f64,
}

impl IngestArgs {
    fn settings(&self) -> Result<IngestSettings> {
        if !(self.deadline > 0.0 && self.deadline.is_finite()) {
            anyhow::bail!("--deadline skal være et positivt antal sekunder");
        }
        if !(self.ocr_deadline > 0.0 && self.ocr_deadline.is_finite()) {
            anyhow::bail!("--ocr-deadline skal være et positivt antal sekunder");
        }
        let mut settings = IngestSettings::new(WorkerCommand::current_exe()?);
        settings.deadline = Duration::from_secs_f64(self.deadline);
        settings.ocr_deadline = Duration::from_secs_f64(self.ocr_deadline);
        if let Some(n) = self.workers {
            settings.workers = n.max(1);
        }
        Ok(settings)
    }
}

/// `moedemappe relevance` (no data directory needed): both test sets, the
/// demo corpus and (when its file is found) the real text, beside the
/// baselines.
fn relevance(scale: f64, runs: usize, seed: Option<PathBuf>, json: bool) -> Result<()> {
    use moedemappe_core::api::relevance::{
        evaluate, evaluate_questions, evaluate_seed, find_seed, seed_text_file, RelevanceOptions,
    };
    anyhow::ensure!(
        scale.is_finite() && scale > 0.0,
        "skalaen skal være et positivt tal"
    );
    let demo = evaluate(&RelevanceOptions {
        scale,
        runs: runs.max(1),
        ..RelevanceOptions::default()
    })?;
    let seed_file = match &seed {
        Some(path) => Some(
            seed_text_file(path)
                .with_context(|| format!("der er ingen .txt-fil i {}", path.display()))?,
        ),
        None => find_seed(),
    };
    let real = match &seed_file {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("kunne ikke læse {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some((
                evaluate_seed(&name, &text, runs.max(1))?,
                evaluate_questions(&name, &text)?,
            ))
        }
        None => None,
    };
    if json {
        let all = serde_json::json!({
            "demo": demo,
            "real_text": real.as_ref().map(|r| &r.0),
            "retrieval": real.as_ref().map(|r| &r.1),
        });
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        print!("{}", demo.table());
        match &real {
            Some((pages, questions)) => print!("\n{}\n{}", pages.table(), questions.table()),
            None => println!(
                "\nIngen rigtig tekst fundet (../shared/seed eller MOEDEMAPPE_SEED): kun demosættet."
            ),
        }
    }
    Ok(())
}

/// Runs one parsed command.
pub fn run(args: Args) -> Result<()> {
    if let Command::Relevance {
        scale,
        runs,
        seed,
        json,
    } = args.command
    {
        return relevance(scale, runs, seed, json);
    }
    if let Command::ScanPdf {
        pages,
        seed,
        dpi,
        noise,
        out,
        text,
    } = &args.command
    {
        return crate::ocr_cmd::scan_pdf(*pages, *seed, *dpi, *noise, out, text.as_deref());
    }
    // (clap has read $MOEDEMAPPE_DATA into `data_dir` already.)
    let dir = api::data_dir(args.data_dir)?;
    if let Command::LoginLink = args.command {
        println!("Åbn Mødemappe: {}", crate::serve::login_link(&dir)?);
        return Ok(());
    }
    match args.command {
        Command::Passcode(cmd) => return crate::vault_cmd::passcode(&dir, cmd),
        Command::Lock => return crate::vault_cmd::lock(&dir),
        Command::Unlock { remember } => return crate::vault_cmd::unlock(&dir, remember),
        _ => {}
    }
    let mappe = Mappe::open(&dir)
        .with_context(|| format!("kunne ikke åbne datamappen {}", dir.display()))?;
    for notice in mappe.notices() {
        eprintln!("{notice}");
    }
    match args.command {
        Command::Import { paths, ingest } => {
            let report = mappe.member(Scope::Member)?.import(
                &paths,
                &ingest.settings()?,
                &TermProgress::new(),
            )?;
            output::import_report(&report);
            if !ingest.no_ocr {
                crate::ocr_cmd::ocr_after(&mappe, &ingest.settings()?)?;
            }
        }
        Command::Attach {
            remove: Some(AttachCommand::Rm { item, attachment }),
            ..
        } => {
            mappe.member(Scope::Member)?.detach(
                ItemId(item),
                AttachmentId(attachment),
                &TermProgress::new(),
            )?;
            println!("Bilag {attachment} er fjernet fra punkt {item}.");
        }
        Command::Attach {
            remove: None,
            file,
            item,
            closed,
            title,
            ingest,
        } => {
            let (Some(file), Some(item)) = (file, item) else {
                anyhow::bail!("angiv PDF-filen og --item");
            };
            let done = mappe.member(Scope::Member)?.attach(
                &file,
                ItemId(item),
                closed,
                title.as_deref(),
                &ingest.settings()?,
                &TermProgress::new(),
            )?;
            let access = if done.closed { "lukket bilag" } else { "bilag" };
            if done.added {
                println!(
                    "«{}» er vedhæftet punkt {item} som {access} (id {}, {}).",
                    done.title,
                    done.attachment,
                    done.pages
                        .map_or("sider ukendt".to_string(), |p| format!("{p} sider"))
                );
            } else {
                println!("Punkt {item} har allerede denne fil; intet er gemt igen.");
            }
            if done.added && !ingest.no_ocr {
                crate::ocr_cmd::ocr_after(&mappe, &ingest.settings()?)?;
            }
        }
        Command::Search(a) => {
            let f = &a.filters;
            let request = SearchRequest {
                query: SearchQuery {
                    text: a.query.clone().unwrap_or_default(),
                    year: f.year,
                    from: f.from,
                    to: f.to,
                    access: f.access,
                    kinds: f.kinds.clone(),
                    case_number: f.case_number.clone(),
                    attachment: a.attachment,
                    sort: a.sort,
                    // One document's pages are listed one by one.
                    group: !a.flat && a.attachment.is_none(),
                    limit: a.limit,
                    ..SearchQuery::default()
                },
                body: f.body.clone(),
            };
            let results = match &a.like {
                Some(case) => mappe
                    .session(Scope::Member)
                    .more_like_case(case, &request)?,
                None => mappe.session(Scope::Member).search(&request)?,
            };
            if a.json {
                output::hits_json(&results, a.facets)?;
            } else {
                output::hits_text(&results, a.facets);
                // The member's notes with these words, as Søg's "Noter"
                // (inside the vault: none while it is locked, which it says).
                if mappe.is_locked() {
                    println!("\nBoksen er låst: kun åbent materiale er søgt i; lås op med `moedemappe unlock`.");
                } else if let (None, Some(q)) = (&a.like, &a.query) {
                    let notes = mappe
                        .session(Scope::Member)
                        .find_notes(&moedemappe_core::api::NoteScope::All, q)?;
                    if !notes.is_empty() {
                        println!("\nDine noter med ordene ({}):", notes.len());
                        for v in notes.iter().take(5) {
                            crate::notes_cmd::note_line(v);
                        }
                    }
                }
            }
        }
        Command::Status { json } => {
            let status = mappe.session(Scope::Member).status()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                output::status_text(&status);
                let vault = mappe.vault();
                if vault.locked {
                    println!("Boksen er låst: tallene er det åbne materiales; lås op med `moedemappe unlock`.");
                } else if vault.present {
                    println!("Boksen er låst op (lås den med `moedemappe lock`).");
                }
            }
        }
        Command::Ocr {
            pause,
            resume,
            status,
            ingest,
        } => crate::ocr_cmd::run(&mappe, pause, resume, status, &ingest.settings()?)?,
        Command::Reindex => {
            let n = mappe.member(Scope::Member)?.reindex(&TermProgress::new())?;
            println!("Søgeindekset er genopbygget: {n} dokumenter.");
        }
        Command::Source(SourceCommand::Add(AddSource::Portal { url, name, scope })) => {
            let member = mappe.member(Scope::Member)?;
            let source = member.add_portal_source(&url, name.as_deref())?;
            let source = member.set_source_scope(
                &source.name,
                &api::SourceScope {
                    bodies: scope.bodies,
                    followed: scope.followed,
                    since: scope.since,
                    files: scope.files.map(Into::into).unwrap_or_default(),
                    counts: None,
                },
            )?;
            println!(
                "Kilden «{}» er tilføjet ({}); den henter {}. Kør `moedemappe sync`.",
                source.name,
                source.location,
                output::scope_text(source.scope.as_ref())
            );
        }
        Command::Source(SourceCommand::Edit {
            name,
            scope,
            all_bodies,
            default_since,
        }) => {
            let member = mappe.member(Scope::Member)?;
            let current = member
                .session()
                .sources()?
                .into_iter()
                .find(|s| s.name == name)
                .and_then(|s| s.scope)
                .unwrap_or_default();
            let bodies_given = !scope.bodies.is_empty() || scope.followed || all_bodies;
            let new = api::SourceScope {
                bodies: if bodies_given {
                    scope.bodies
                } else {
                    current.bodies
                },
                followed: if bodies_given {
                    scope.followed
                } else {
                    current.followed
                },
                since: if default_since {
                    None
                } else {
                    scope.since.or(current.since)
                },
                files: scope.files.map(Into::into).unwrap_or(current.files),
                counts: None,
            };
            let source = member.set_source_scope(&name, &new)?;
            println!(
                "Kilden «{}» henter nu {}. Kør `moedemappe sync`; intet hentet er slettet.",
                source.name,
                output::scope_text(source.scope.as_ref())
            );
        }
        Command::Source(SourceCommand::List { json }) => {
            let sources = mappe.session(Scope::Member).sources()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&sources)?);
            } else {
                output::sources_text(&sources);
            }
        }
        Command::Source(SourceCommand::Remove { name }) => {
            let source = mappe.member(Scope::Member)?.remove_source(&name)?;
            println!(
                "Kilden «{}» er fjernet; det hentede materiale er bevaret.",
                source.name
            );
        }
        Command::Sync {
            concurrency,
            ingest,
        } => {
            let portal = PortalOptions {
                concurrency: concurrency.max(1),
                ..PortalOptions::default()
            };
            // Ctrl-C pauses: every meeting and file is stored in its own step
            // (and a half-written download is cleared by the next run), so
            // stopping at once loses nothing, and the next sync goes on.
            ctrlc::set_handler(|| {
                eprintln!(
                    "\nSynkroniseringen er sat på pause. Alt, der er hentet indtil nu, er gemt; kør `moedemappe sync` igen for at fortsætte."
                );
                std::process::exit(130);
            })
            .context("kunne ikke lytte efter Ctrl-C")?;
            let outcomes = mappe.member(Scope::Member)?.sync(
                &ingest.settings()?,
                &portal,
                &TermProgress::new(),
            )?;
            if outcomes.is_empty() {
                anyhow::bail!(
                    "der er ingen kilder; tilføj en med `moedemappe source add portal <adresse>`"
                );
            }
            output::sync_outcomes(&outcomes);
            if !ingest.no_ocr {
                crate::ocr_cmd::ocr_after(&mappe, &ingest.settings()?)?;
            }
            if outcomes.iter().all(|o| o.error.is_some()) {
                let first = outcomes
                    .iter()
                    .find_map(|o| o.error.clone())
                    .unwrap_or_default();
                anyhow::bail!("{first}");
            }
        }
        Command::Case { case_number, json } => {
            let history = mappe.session(Scope::Member).case_history(&case_number)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&history)?);
            } else {
                output::case_text(&history);
            }
        }
        Command::Demo {
            scale,
            no_import: true,
            ..
        } => {
            let (folder, generated) = mappe
                .member(Scope::Member)?
                .write_demo(scale, &TermProgress::new())?;
            output::demo_summary(&folder, &generated);
        }
        Command::Demo {
            scale,
            ingest,
            open,
            port,
            ..
        } => {
            let report = mappe.member(Scope::Member)?.demo(
                scale,
                &ingest.settings()?,
                &TermProgress::new(),
            )?;
            output::demo_summary(&report.folder, &report.generated);
            output::import_report(&report.import);
            if open {
                println!("Starter brugerfladen; stop med Ctrl-C.");
                crate::serve::run(mappe, port, open_in_browser)?;
            } else {
                println!("Prøv: moedemappe search arbejdsbelastning");
            }
        }
        Command::Stats(stats) => crate::stats_cmd::run(&mappe, stats)?,
        // Handled before the data directory is opened.
        Command::Relevance { .. }
        | Command::LoginLink
        | Command::ScanPdf { .. }
        | Command::Passcode(_)
        | Command::Lock
        | Command::Unlock { .. } => {}
        Command::Serve { port, open } => crate::serve::run(mappe, port, |link| {
            if open {
                open_in_browser(link);
            }
        })?,
        Command::Follow { bodies } => {
            let mut followed = mappe.session(Scope::Member).followed()?;
            for b in &bodies {
                followed = mappe.member(Scope::Member)?.follow(b)?;
            }
            if followed.is_empty() {
                println!("Du følger ingen udvalg endnu. Prøv: moedemappe follow TU");
            } else {
                println!("Du følger: {}", followed.join(", "));
            }
        }
        Command::Unfollow { body } => {
            let followed = mappe.member(Scope::Member)?.unfollow(&body)?;
            println!("Du følger nu: {}", followed.join(", "));
        }
        Command::Agenda {
            next,
            from,
            pace,
            json,
        } => {
            if let Some(p) = pace {
                mappe.member(Scope::Member)?.set_reading_pace(p)?;
            }
            let from = from.unwrap_or_else(moedemappe_core::api::today);
            let entries = mappe.session(Scope::Member).agenda(from, next)?;
            if json {
                for e in &entries {
                    println!("{}", serde_json::to_string(e)?);
                }
            } else {
                output::agenda(&entries, &mappe.session(Scope::Member).followed()?);
            }
        }
        Command::Calendar {
            body,
            followed,
            output,
        } => {
            let session = mappe.session(Scope::Member);
            let bodies = if followed {
                let names = session.followed()?;
                if names.is_empty() {
                    anyhow::bail!("Du følger ingen udvalg endnu. Prøv: moedemappe follow TU");
                }
                names
            } else {
                body
            };
            let ics = session.calendar(&bodies)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, ics.as_bytes()).map_err(|e| {
                        anyhow::anyhow!("Kunne ikke skrive {}: {e}", path.display())
                    })?;
                    eprintln!("Kalenderen er gemt i {}.", path.display());
                }
                None => print!("{ics}"),
            }
        }
        Command::Meetings { body, year, json } => {
            let span = |m: u32, d: u32| year.and_then(|y| NaiveDate::from_ymd_opt(y, m, d));
            let entries =
                mappe
                    .session(Scope::Member)
                    .archive(body.as_deref(), span(1, 1), span(12, 31))?;
            if json {
                for e in &entries {
                    println!("{}", serde_json::to_string(e)?);
                }
            } else {
                output::archive(&entries);
            }
        }
        Command::Latency { runs, closed, json } => {
            let report = moedemappe_core::api::relevance::measure_latency(&mappe, runs, closed)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for l in report {
                    println!(
                        "{:9} {} søgninger × {}: p50 {:.2} ms, p99 {:.2} ms, højst {:.2} ms",
                        l.operation, l.queries, l.runs, l.p50_ms, l.p99_ms, l.max_ms
                    );
                }
            }
        }
        Command::Retrieve {
            query,
            k,
            body,
            from,
            to,
            case_number,
            access,
            json,
        } => {
            let request = SearchRequest {
                query: SearchQuery {
                    text: query,
                    from,
                    to,
                    case_number,
                    access,
                    ..SearchQuery::default()
                },
                body,
            };
            let passages = mappe.session(Scope::Member).retrieve(&request, k)?;
            output::passages(&passages, json)?;
        }
        Command::Mcp { token_file } => crate::mcp::run(mappe, token_file.as_deref())?,
        Command::Token(TokenCommand::Create { scope, label }) => {
            let (info, secret) = mappe
                .member(Scope::Member)?
                .create_token(scope, label.as_deref())?;
            println!("{secret}");
            eprintln!(
                "Nøgle {} ({}) er lavet. Gem den nu: den vises ikke igen.",
                info.id,
                if scope == TokenScope::Closed {
                    "også lukket materiale"
                } else {
                    "kun åbent materiale"
                }
            );
        }
        Command::Token(TokenCommand::Local) => {
            println!("{}", mappe.local_token()?);
        }
        Command::Token(TokenCommand::List) => {
            for t in mappe.member(Scope::Member)?.tokens()?.list() {
                let scope = if t.scope == TokenScope::Closed {
                    "lukket"
                } else {
                    "åben"
                };
                let label = t.label.as_deref().unwrap_or("");
                println!("{}  {scope:6}  {}  {label}", t.id, t.created);
            }
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            let gone = mappe.member(Scope::Member)?.tokens()?.revoke(&id)?;
            println!("Nøgle {} er slettet.", gone.id);
        }
        Command::Watch {
            debounce_ms,
            ingest,
        } => watch(&mappe, &ingest.settings()?, debounce_ms)?,
        Command::Source(SourceCommand::Add(AddSource::Folder { path, name })) => {
            let source = mappe
                .member(Scope::Member)?
                .add_folder_source(&path, name.as_deref())?;
            println!(
                "Mappen {} er tilføjet som kilden «{}».",
                source.location, source.name
            );
        }
        Command::Notes(cmd) => crate::notes_cmd::run(&mappe, cmd)?,
        Command::Alerts(cmd) => crate::alerts_cmd::run(&mappe, cmd)?,
    }
    Ok(())
}

/// Opens the UI's login link in the member's browser (`$BROWSER` when set).
fn open_in_browser(link: &str) {
    if let Err(e) = opener::open_browser(link) {
        eprintln!("Kunne ikke åbne browseren ({e}); åbn linket ovenfor selv.");
    }
}

/// Set by Ctrl-C: `watch` stops after the sync it is in.
static STOP: AtomicBool = AtomicBool::new(false);

fn watch(mappe: &Mappe, settings: &IngestSettings, debounce_ms: u64) -> Result<()> {
    ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            // A second Ctrl-C does not wait for the sync.
            std::process::exit(130);
        }
    })
    .context("kunne ikke lytte efter Ctrl-C")?;
    println!("Holder øje med mapperne. Stop med Ctrl-C.");
    mappe.member(Scope::Member)?.watch(
        settings,
        Duration::from_millis(debounce_ms.max(1)),
        &TermProgress::new(),
        &STOP,
        &mut output::sync_line,
    )?;
    println!("Stoppet.");
    Ok(())
}
