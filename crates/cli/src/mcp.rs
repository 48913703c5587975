//! `moedemappe mcp`: a Model Context Protocol server over stdio, so an AI
//! assistant can search the agendas, read attachment pages and follow cases.
//!
//! The server runs under one token (from `--token-file`, `$MOEDEMAPPE_TOKEN`
//! or the data directory's local open token); its scope decides whether
//! closed material is visible, exactly as in the HTTP API. stdout carries
//! the protocol and nothing else; nothing read from the data directory is
//! ever written to stderr.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use moedemappe_core::api::wire::{RetrieveParams, SearchParams, StatsParams};
use moedemappe_core::api::Scope;
use moedemappe_core::api::{AlertMatch, Alerts, ReleaseNotice, SavedQuery, SearchNews};
use moedemappe_core::api::{Citation, HitGroup, SearchResults};
use moedemappe_core::api::{Mappe, SearchRequest, Session};
use moedemappe_core::model::{Access, AttachmentId, ItemKind, Publication};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{schemars, tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use serde::{Deserialize, Serialize};

/// The environment variable `mcp` reads its token from (after `--token-file`).
pub const TOKEN_ENV: &str = "MOEDEMAPPE_TOKEN";

/// Most result groups one `search_agendas` call returns.
const MAX_RESULTS: usize = 50;
/// Result groups when the caller gives no limit.
const DEFAULT_RESULTS: usize = 10;

/// Runs the server on stdin/stdout until the client closes the connection.
pub fn run(mappe: Mappe, token_file: Option<&Path>) -> Result<()> {
    let scope = match read_token(&mappe, token_file)? {
        Some(secret) => mappe.check_token(&secret)?.ok_or_else(|| {
            anyhow::anyhow!(
                "ukendt adgangsnøgle; lav en med `moedemappe token create` og giv den med --token-file eller {TOKEN_ENV}"
            )
        })?,
        // A locked vault keeps the local token's secret; what it would give
        // is the open scope, which is all a locked vault answers anyway.
        None => Scope::Open,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("kunne ikke starte MCP-serveren")?;
    runtime.block_on(async move {
        let service = Server::new(mappe, scope)
            .serve(rmcp::transport::stdio())
            .await
            // The client closed stdin or sent no valid `initialize`.
            .map_err(|_| {
                anyhow::anyhow!(
                    "MCP-forbindelsen kunne ikke startes: klienten sendte ingen gyldig start (initialize)"
                )
            })?;
        service
            .waiting()
            .await
            .context("MCP-serveren stoppede uventet")?;
        Ok(())
    })
}

/// The token's secret: from the file, else the environment, else the local
/// open token of the data directory.
fn read_token(mappe: &Mappe, token_file: Option<&Path>) -> Result<Option<String>> {
    if let Some(path) = token_file {
        let secret = std::fs::read_to_string(path)
            .with_context(|| format!("kunne ikke læse nøglefilen {}", path.display()))?;
        let secret = secret.trim();
        anyhow::ensure!(!secret.is_empty(), "nøglefilen {} er tom", path.display());
        return Ok(Some(secret.to_string()));
    }
    if let Ok(secret) = std::env::var(TOKEN_ENV) {
        if !secret.trim().is_empty() {
            return Ok(Some(secret.trim().to_string()));
        }
    }
    if mappe.is_locked() {
        return Ok(None);
    }
    Ok(Some(mappe.local_token()?))
}

/// The MCP server: one data directory seen through one token's scope.
#[derive(Clone)]
struct Server {
    mappe: Arc<Mappe>,
    scope: Scope,
    tool_router: ToolRouter<Server>,
}

impl Server {
    fn new(mappe: Mappe, scope: Scope) -> Self {
        Server {
            mappe: Arc::new(mappe),
            scope,
            tool_router: Self::tool_router(),
        }
    }

    /// Runs `f` on the data directory off the async threads (calls run side
    /// by side); its value becomes the tool's JSON answer, its error a tool
    /// error in plain Danish.
    async fn with_mappe<T: Serialize + Send + 'static>(
        &self,
        f: impl FnOnce(Session<'_>) -> moedemappe_core::Result<T> + Send + 'static,
    ) -> Result<CallToolResult, String> {
        let mappe = self.mappe.clone();
        let scope = self.scope;
        let done = tokio::task::spawn_blocking(move || f(mappe.session(scope))).await;
        match done {
            Ok(Ok(value)) => serde_json::to_value(value)
                .map(CallToolResult::structured)
                .map_err(|_| "intern fejl: svaret kunne ikke laves".to_string()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("intern fejl".to_string()),
        }
    }
}

/// The arguments of `search_agendas`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct SearchArgs {
    /// Søgetekst; alle ord skal med (har under 10 dokumenter dem alle, følger dokumenter, der mangler ét), "…" søger en frase, -ord udelukker, OR giver alternativer. Søg på dansk. / Search text in Danish: all words must match (when fewer than 10 documents hold them all, documents missing one follow), "…" for a phrase, -word excludes, OR for alternatives.
    query: String,
    /// Kun dette udvalg: navn, tidligere navn eller forkortelse (fx "Byrådet", "TU"). / Only this committee: name, former name or abbreviation.
    #[serde(default)]
    body: Option<String>,
    /// Kun møder fra og med denne dag, ÅÅÅÅ-MM-DD. / Only meetings on or after this day (YYYY-MM-DD).
    #[serde(default)]
    from: Option<String>,
    /// Kun møder til og med denne dag, ÅÅÅÅ-MM-DD. / Only meetings on or before this day (YYYY-MM-DD).
    #[serde(default)]
    to: Option<String>,
    /// Kun denne type materiale: case (sager), briefing (orienteringer), fixed (faste punkter) eller document (dokumentsamlinger). / Only this kind of material.
    #[serde(default)]
    #[schemars(extend("enum" = ["case", "briefing", "fixed", "document"]))]
    kind: Option<String>,
    /// Kun materiale fra denne sag (sagsnummer, fx "EMN-2023-001234"). / Only material of this case number.
    #[serde(default)]
    case_number: Option<String>,
    /// Kun åbent (open) eller kun lukket (closed) materiale; lukket materiale ses kun med en nøgle til lukket materiale. / Only open or only closed material; closed material needs a closed-scope token.
    #[serde(default)]
    #[schemars(extend("enum" = ["open", "closed"]))]
    access: Option<String>,
    /// Højst så mange resultater (bilag eller punkter), 1–50; standard 10. / Most results (attachments or items), 1–50; default 10.
    #[serde(default)]
    limit: Option<u32>,
}

impl SearchArgs {
    /// The request, or a tool error in plain Danish.
    fn request(&self) -> Result<SearchRequest, String> {
        if self.query.trim().is_empty() {
            return Err("query mangler: skriv hvad der skal søges efter".into());
        }
        let limit = self.limit.map_or(DEFAULT_RESULTS, |n| n as usize);
        // The filters are read as the HTTP API reads them.
        SearchParams {
            q: self.query.clone(),
            body: text_arg(&self.body),
            from: date_arg("from", &self.from)?,
            to: date_arg("to", &self.to)?,
            access: text_arg(&self.access),
            kind: text_arg(&self.kind),
            case: text_arg(&self.case_number),
            group: Some(true),
            limit: Some(limit.clamp(1, MAX_RESULTS)),
            ..SearchParams::default()
        }
        .request()
        .map_err(|e| e.to_string())
    }
}

/// The arguments of `get_case_history`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct CaseArgs {
    /// Sagsnummeret, fx "EMN-2023-001234" (står i søgeresultaternes case_number). / The case number, as in the search results' case_number.
    case_number: String,
}

/// The arguments of `get_page_text`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct PageArgs {
    /// Bilagets id (attachment_id fra søgeresultaterne). / The attachment's id, from the search results.
    attachment_id: i64,
    /// Sidetallet, fra 1. / The page number, 1-based.
    page: u32,
}

/// The arguments of `retrieve_passages`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct RetrieveArgs {
    /// Spørgsmålet eller emnet, på dansk (fx "Hvad siger medarbejderne om arbejdsbelastningen?"). / The question or topic, in Danish.
    question: String,
    /// Så mange tekststykker, 1–20; standard 5. / How many passages, 1–20; default 5.
    #[serde(default)]
    k: Option<u32>,
    /// Kun dette udvalg: navn, tidligere navn eller forkortelse. / Only this committee: name, former name or abbreviation.
    #[serde(default)]
    body: Option<String>,
    /// Kun møder fra og med denne dag, ÅÅÅÅ-MM-DD. / Only meetings on or after this day (YYYY-MM-DD).
    #[serde(default)]
    from: Option<String>,
    /// Kun møder til og med denne dag, ÅÅÅÅ-MM-DD. / Only meetings on or before this day (YYYY-MM-DD).
    #[serde(default)]
    to: Option<String>,
    /// Kun materiale fra denne sag (sagsnummer). / Only material of this case number.
    #[serde(default)]
    case_number: Option<String>,
    /// Kun åbent (open) eller kun lukket (closed) materiale. / Only open or only closed material.
    #[serde(default)]
    #[schemars(extend("enum" = ["open", "closed"]))]
    access: Option<String>,
}

/// The arguments of `committee_stats`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct StatsArgs {
    /// Første mødedag der tælles med, ÅÅÅÅ-MM-DD. / First meeting day counted (YYYY-MM-DD).
    #[serde(default)]
    from: Option<String>,
    /// Sidste mødedag der tælles med, ÅÅÅÅ-MM-DD. / Last meeting day counted (YYYY-MM-DD).
    #[serde(default)]
    to: Option<String>,
    /// Kun dette udvalg (navn, tidligere navn eller forkortelse). / Only this committee.
    #[serde(default)]
    body: Option<String>,
    /// Pr. år (year) eller pr. måned (month); standard year. / Per year or per month; default year.
    #[serde(default)]
    #[schemars(extend("enum" = ["year", "month"]))]
    by: Option<String>,
}

/// The arguments of `alerts`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
struct AlertsArgs {
    /// Alt fundet siden denne dag (ÅÅÅÅ-MM-DD, fra midnat UTC) eller dette tidspunkt (RFC 3339), også det allerede sete; uden: kun det, medlemmet ikke har set. / Everything found since this day (YYYY-MM-DD, from midnight UTC) or time (RFC 3339), seen or not; without: only what the member has not seen.
    #[serde(default)]
    since: Option<String>,
    /// Kun denne søgeagent (dens navn); så udelades udgivelserne. / Only this saved search (its name); release notices are then left out.
    #[serde(default)]
    name: Option<String>,
}

/// A `since` argument: a day (from its midnight, UTC, as `moedemappe alerts
/// --since` reads it) or an RFC 3339 time; or a tool error in plain Danish.
fn since_arg(value: &Option<String>) -> Result<Option<DateTime<Utc>>, String> {
    let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(day) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    }
    DateTime::parse_from_rfc3339(v)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            format!(
                "since skal være en dato som 2024-03-31 eller et tidspunkt som 2024-03-31T08:00:00+01:00 (fik «{v}»)"
            )
        })
}

/// A date argument, or a tool error in plain Danish.
fn date_arg(name: &str, value: &Option<String>) -> Result<Option<NaiveDate>, String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| format!("{name} skal være en dato som 2024-03-31 (fik «{v}»)"))
        })
        .transpose()
}

/// An optional text argument, trimmed; empty is none.
fn text_arg(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl RetrieveArgs {
    fn request(&self) -> Result<(SearchRequest, usize), String> {
        if self.question.trim().is_empty() {
            return Err("question mangler: skriv spørgsmålet".into());
        }
        RetrieveParams {
            q: self.question.clone(),
            k: Some(self.k.map_or(5, |k| k as usize).clamp(1, 20)),
            body: text_arg(&self.body),
            from: date_arg("from", &self.from)?,
            to: date_arg("to", &self.to)?,
            access: text_arg(&self.access),
            case: text_arg(&self.case_number),
            ..RetrieveParams::default()
        }
        .request()
        .map_err(|e| e.to_string())
    }
}

/// Where a search result sits: what an answer cites.
#[derive(Debug, Serialize)]
struct Cite {
    body: Option<String>,
    meeting_date: Option<NaiveDate>,
    item_number: Option<u32>,
    item_title: Option<String>,
    item_kind: Option<ItemKind>,
    case_number: Option<String>,
    attachment_id: Option<i64>,
    attachment_title: Option<String>,
    collection: Option<String>,
    access: Access,
}

impl From<&Citation> for Cite {
    fn from(c: &Citation) -> Self {
        Cite {
            body: c.body.clone(),
            meeting_date: c.meeting_date,
            item_number: c.item_number,
            item_title: c.item_title.clone(),
            item_kind: c.item_kind,
            case_number: c.case_number.clone(),
            attachment_id: c.attachment_id,
            attachment_title: c.attachment_title.clone(),
            collection: c.collection.clone(),
            access: c.access,
        }
    }
}

/// One matching page of a result (no page: the item's own text matched).
#[derive(Debug, Serialize)]
struct PageHit {
    page: Option<u32>,
    #[serde(skip_serializing_if = "String::is_empty")]
    snippet: String,
    /// The page's text was read by OCR from a scan and may hold errors.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ocr: bool,
}

/// One result: an attachment, an item's own text, or a collection document.
#[derive(Debug, Serialize)]
struct ResultGroup {
    citation: Cite,
    /// Matching pages in all (only the best are listed).
    matched_pages: usize,
    pages: Vec<PageHit>,
}

/// The answer of `search_agendas`.
#[derive(Debug, Serialize)]
struct SearchOutput {
    total_matches: usize,
    total_results: usize,
    /// No document had every word: these results have some of them.
    relaxed: bool,
    /// Few documents had every word: those come first, then documents
    /// missing one of the words.
    widened: bool,
    /// Words found nowhere were replaced by similar indexed words.
    #[serde(skip_serializing_if = "Option::is_none")]
    corrected: Option<String>,
    results: Vec<ResultGroup>,
}

fn group_output(g: &HitGroup) -> Option<ResultGroup> {
    let first = g.hits.first()?;
    Some(ResultGroup {
        citation: Cite::from(&first.cite),
        matched_pages: g.matched,
        pages: g
            .hits
            .iter()
            .map(|h| PageHit {
                page: h.cite.page,
                snippet: h.snippet.clone(),
                ocr: h.cite.ocr,
            })
            .collect(),
    })
}

impl From<SearchResults> for SearchOutput {
    fn from(r: SearchResults) -> Self {
        SearchOutput {
            total_matches: r.total,
            total_results: r.total_groups,
            relaxed: r.relaxed,
            widened: r.widened,
            corrected: r.corrected,
            results: r.groups.iter().filter_map(group_output).collect(),
        }
    }
}

/// The answer of `get_page_text`.
#[derive(Debug, Serialize)]
struct PageOutput {
    attachment_id: i64,
    page: u32,
    text: String,
}

/// Where a saved search found something new: what an answer cites.
#[derive(Debug, Serialize)]
struct AlertCite {
    body: String,
    meeting_date: NaiveDate,
    item_number: u32,
    item_title: String,
    case_number: Option<String>,
    /// None: the item's own text matched.
    attachment_id: Option<i64>,
    attachment_title: Option<String>,
    /// The matching pages of the bilag.
    pages: Vec<u32>,
    found_at: String,
    seen: bool,
}

impl From<AlertMatch> for AlertCite {
    fn from(m: AlertMatch) -> Self {
        AlertCite {
            body: m.body,
            meeting_date: m.date,
            item_number: m.item_number,
            item_title: m.item_title,
            case_number: m.case_number,
            attachment_id: m.attachment.map(|a| a.0),
            attachment_title: m.attachment_title,
            pages: m.pages,
            found_at: m.found_at,
            seen: m.seen,
        }
    }
}

/// One saved search and what it found.
#[derive(Debug, Serialize)]
struct SearchNewsOutput {
    name: String,
    /// Its words and filters.
    query: SavedQuery,
    matches: Vec<AlertCite>,
}

impl From<SearchNews> for SearchNewsOutput {
    fn from(n: SearchNews) -> Self {
        SearchNewsOutput {
            name: n.search.name,
            query: n.search.query,
            matches: n.matches.into_iter().map(AlertCite::from).collect(),
        }
    }
}

/// A release of a followed body's agenda or minutes.
#[derive(Debug, Serialize)]
struct ReleaseOutput {
    body: String,
    meeting_date: NaiveDate,
    publication: Publication,
    /// The notice in words.
    text: String,
    items: u32,
    pages: u32,
    new_pages: u32,
    found_at: String,
    seen: bool,
}

impl From<ReleaseNotice> for ReleaseOutput {
    fn from(r: ReleaseNotice) -> Self {
        ReleaseOutput {
            body: r.body,
            meeting_date: r.date,
            publication: r.publication,
            text: r.text,
            items: r.items,
            pages: r.pages,
            new_pages: r.new_pages,
            found_at: r.found_at,
            seen: r.seen,
        }
    }
}

/// The answer of `alerts`.
#[derive(Debug, Serialize)]
struct AlertsOutput {
    /// Matches and releases listed, in all.
    total: usize,
    /// Listed from this time (RFC 3339), seen or not; none: only the unseen.
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    searches: Vec<SearchNewsOutput>,
    releases: Vec<ReleaseOutput>,
    /// Why the list is empty when it cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// Why `alerts` lists nothing while the vault is locked.
const LOCKED_NOTE: &str =
    "boksen er låst: søgeagenterne kan ikke læses, før medlemmet låser den op";

/// What `alerts` answers: everything, or (`name`) one saved search without
/// the releases; an unknown name is an error.
fn alerts_output(
    alerts: Alerts,
    name: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> moedemappe_core::Result<AlertsOutput> {
    let (searches, releases) = match name {
        None => (alerts.searches, alerts.releases),
        Some(name) => {
            let names: Vec<String> = alerts
                .searches
                .iter()
                .map(|n| format!("«{}»", n.search.name))
                .collect();
            let one: Vec<SearchNews> = alerts
                .searches
                .into_iter()
                .filter(|n| n.search.name == name)
                .collect();
            if one.is_empty() {
                return Err(moedemappe_core::Error::NotFound(if names.is_empty() {
                    format!("der er ingen søgeagent ved navn «{name}» (der er ingen søgeagenter)")
                } else {
                    format!(
                        "der er ingen søgeagent ved navn «{name}» (søgeagenterne hedder {})",
                        names.join(", ")
                    )
                }));
            }
            (one, Vec::new())
        }
    };
    let total = searches.iter().map(|n| n.matches.len()).sum::<usize>() + releases.len();
    Ok(AlertsOutput {
        total,
        since: since.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        searches: searches.into_iter().map(SearchNewsOutput::from).collect(),
        releases: releases.into_iter().map(ReleaseOutput::from).collect(),
        note: None,
    })
}

const SEARCH_DESCRIPTION: &str = "\
Søg i byrådets og udvalgenes dagsordener, sagsfremstillinger, beslutninger og bilag. \
Svaret er JSON: results er grupperet pr. bilag (eller punkt), hver med citation \
(udvalg, mødedato, punktnummer og -titel, sagsnummer, bilagets id og titel, adgang) \
og de bedste sider med uddrag. Citér altid udvalg, dato, punkt og side. \
En side med \"ocr\": true er læst fra en scanning og kan indeholde fejl. \
Hent en hel side med get_page_text og en sags forløb med get_case_history. \
/ Search the city council's and committees' agendas, case texts, decisions and attachments \
(Danish text; search in Danish). The answer is JSON: results grouped per attachment (or item), \
each with a citation (committee, meeting date, item number and title, case number, attachment \
id and title, access) and its best pages with snippets. Always cite committee, date, item and page.";

const CASE_DESCRIPTION: &str = "\
En sags forløb: alle behandlinger i udvalg og byråd, ældste først, med dato, punkt, \
beslutning og om sagen blev henvist eller udsat. \
/ A case's history: every treatment by a committee or the council, oldest first, with date, \
item, decision and whether it was referred or postponed.";

const RETRIEVE_DESCRIPTION: &str = "\
Find de tekststykker (150–300 ord) i dagsordener, bilag og dokumentsamlinger, der bedst besvarer et \
spørgsmål. Hvert stykke er et præcist udsnit af den gemte sidetekst med kildehenvisning: udvalg, \
mødedato, punkt, sagsnummer, bilag, side og portallink, samt de ord der matchede. Citér altid \
kilden. / Find the passages (150–300 words) of agendas, attachments and document collections that \
best answer a question. Each is an exact excerpt of the stored page text with its citation \
(committee, meeting date, item, case number, attachment, page, portal link) and the matched words. \
Always cite the source.";

const STATS_DESCRIPTION: &str = "\
Udvalgenes arbejdsbyrde pr. år eller måned: møder, mødetimer, dagsordenspunkter (uden faste \
punkter; skriftlige orienteringer pr. emne), henviste sager og sider i bilag (bilag til lukkede \
punkter tælles ikke; et bilag på to punkter i samme møde tælles én gang). / Committee workload per \
year or month: meetings, meeting hours, agenda items (fixed items excluded; written briefings per \
subject), referred cases and attachment pages (closed items' attachments not counted; an \
attachment on two items of one meeting counted once).";

const PAGE_DESCRIPTION: &str = "\
Den gemte tekst fra én side af et bilag (attachment_id og page fra search_agendas). \
/ The stored text of one page of an attachment (attachment_id and page from search_agendas).";

const ALERTS_DESCRIPTION: &str = "\
Det nye for medlemmets søgeagenter (gemte søgninger, der køres efter hver synkronisering og \
import) og for de udvalg, medlemmet følger. Pr. søgeagent de nye fund med kildehenvisning \
(udvalg, mødedato, punktnummer og -titel, sagsnummer, bilagets id og titel, sider), og \
meddelelser om udgivne dagsordener og referater (releases, med tekst). Uden since: det, \
medlemmet endnu ikke har set; med since (ÅÅÅÅ-MM-DD eller RFC 3339, fx en uge tilbage for \
\"hvad er nyt om X siden sidste uge\"): alt fundet siden da. Markerer intet som set. Læs \
siderne med get_page_text, og citér udvalg, dato, punkt og side. \
/ What is new for the member's saved searches (run after every sync and import) and followed \
committees: per saved search the new matches with citations (committee, meeting date, item \
number and title, case number, attachment id and title, pages), and notices of released \
agendas and minutes (releases, with their text). Without since: what the member has not seen; \
with since (YYYY-MM-DD or RFC 3339): everything found since then. Marks nothing as seen. \
Read the pages with get_page_text; cite committee, date, item and page.";

#[tool_router]
impl Server {
    #[tool(
        name = "search_agendas",
        description = SEARCH_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn search_agendas(
        &self,
        Parameters(args): Parameters<SearchArgs>,
    ) -> Result<CallToolResult, String> {
        let request = args.request()?;
        self.with_mappe(move |m| m.search(&request).map(SearchOutput::from))
            .await
    }

    #[tool(
        name = "get_case_history",
        description = CASE_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_case_history(
        &self,
        Parameters(args): Parameters<CaseArgs>,
    ) -> Result<CallToolResult, String> {
        if args.case_number.trim().is_empty() {
            return Err("case_number mangler".into());
        }
        self.with_mappe(move |m| m.case_history(&args.case_number))
            .await
    }

    #[tool(
        name = "retrieve_passages",
        description = RETRIEVE_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn retrieve_passages(
        &self,
        Parameters(args): Parameters<RetrieveArgs>,
    ) -> Result<CallToolResult, String> {
        let (request, k) = args.request()?;
        self.with_mappe(move |m| {
            let passages = m.retrieve(&request, k)?;
            Ok(serde_json::json!({ "passages": passages }))
        })
        .await
    }

    #[tool(
        name = "committee_stats",
        description = STATS_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn committee_stats(
        &self,
        Parameters(args): Parameters<StatsArgs>,
    ) -> Result<CallToolResult, String> {
        // Read as the HTTP API reads them: a body nobody has is unknown.
        let params = StatsParams {
            body: text_arg(&args.body),
            from: date_arg("from", &args.from)?,
            to: date_arg("to", &args.to)?,
            by: text_arg(&args.by),
        };
        self.with_mappe(move |m| m.stats(&params.stats_query(&m)?))
            .await
    }

    #[tool(
        name = "alerts",
        description = ALERTS_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn alerts(
        &self,
        Parameters(args): Parameters<AlertsArgs>,
    ) -> Result<CallToolResult, String> {
        let since = since_arg(&args.since)?;
        let name = text_arg(&args.name);
        let locked = self.mappe.is_locked();
        if locked && name.is_some() {
            // The saved searches are inside the vault.
            return Err(LOCKED_NOTE.into());
        }
        self.with_mappe(move |m| {
            let mut out = alerts_output(m.alerts(since)?, name.as_deref(), since)?;
            if locked {
                out.note = Some(LOCKED_NOTE.into());
            }
            Ok(out)
        })
        .await
    }

    #[tool(
        name = "get_page_text",
        description = PAGE_DESCRIPTION,
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_page_text(
        &self,
        Parameters(args): Parameters<PageArgs>,
    ) -> Result<CallToolResult, String> {
        if args.page == 0 {
            return Err("page tæller fra 1".into());
        }
        self.with_mappe(move |m| {
            let text = m.page_text(AttachmentId(args.attachment_id), args.page)?;
            Ok(PageOutput {
                attachment_id: args.attachment_id,
                page: args.page,
                text,
            })
        })
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let access = if self.mappe.is_locked() {
            "Boksen med lukket materiale er låst: denne forbindelse ser kun åbent materiale, \
             til medlemmet låser op. / The vault of closed material is locked: this connection \
             sees open material only until the member unlocks it."
        } else if self.scope.sees_closed() {
            "Denne forbindelse ser både åbent og lukket materiale; lukket materiale er fortroligt. \
             / This connection sees open and closed material; closed material is confidential."
        } else {
            "Denne forbindelse ser kun åbent materiale. / This connection sees open material only."
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("moedemappe", env!("CARGO_PKG_VERSION"))
                    .with_title("Mødemappe"),
            )
            .with_instructions(format!(
                "Mødemappe: en kommunes dagsordener, bilag og beslutninger, gemt lokalt. \
                 Besvar spørgsmål med retrieve_passages (tekststykker med kilde), søg med \
                 search_agendas, læs sider med get_page_text, følg en sag med \
                 get_case_history, tal med committee_stats, se det nye for søgeagenterne \
                 med alerts. {access} \
                 / Mødemappe: a Danish municipality's agendas, attachments and decisions, \
                 stored locally. Answer questions with retrieve_passages (cited passages), \
                 search with search_agendas, read pages with get_page_text, follow a case \
                 with get_case_history, count with committee_stats, see what is new for the \
                 saved searches with alerts."
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tools_have_schemas_with_their_arguments() {
        let tools = Server::tool_router().list_all();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names.len(),
            6,
            "search_agendas, retrieve_passages, get_case_history, get_page_text, committee_stats, alerts: {names:?}"
        );
        for tool in &tools {
            assert_eq!(tool.input_schema.get("type").unwrap(), "object");
            let d = tool.description.as_deref().unwrap();
            assert!(d.contains(" / "), "Danish and English: {d}");
        }
        let search = tools.iter().find(|t| t.name == "search_agendas").unwrap();
        let props = search.input_schema["properties"].as_object().unwrap();
        for p in [
            "query",
            "body",
            "from",
            "to",
            "kind",
            "case_number",
            "limit",
        ] {
            assert!(props.contains_key(p), "{p}");
        }
        assert_eq!(props["kind"]["enum"][0], "case");
        let required = search.input_schema["required"].as_array().unwrap();
        assert_eq!(required, &vec![serde_json::json!("query")]);
        let alerts = tools.iter().find(|t| t.name == "alerts").unwrap();
        let props = alerts.input_schema["properties"].as_object().unwrap();
        let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["name", "since"]);
        assert!(alerts
            .input_schema
            .get("required")
            .and_then(|r| r.as_array())
            .is_none_or(|r| r.is_empty()));
        assert_eq!(
            alerts.annotations.as_ref().and_then(|a| a.read_only_hint),
            Some(true)
        );
    }

    #[test]
    fn since_is_a_day_or_a_time() {
        let since = |v: &str| since_arg(&Some(v.to_string()));
        assert_eq!(
            since("2026-03-02").unwrap().unwrap().to_rfc3339(),
            "2026-03-02T00:00:00+00:00"
        );
        assert_eq!(
            since("2026-03-02T08:30:00+01:00")
                .unwrap()
                .unwrap()
                .to_rfc3339(),
            "2026-03-02T07:30:00+00:00"
        );
        assert_eq!(since(" ").unwrap(), None);
        assert_eq!(since_arg(&None).unwrap(), None);
        for bad in ["i går", "2/3-2026", "2026-02-30"] {
            let e = since(bad).unwrap_err();
            assert!(e.starts_with("since skal være en dato"), "{e}");
            assert!(e.contains(bad), "{e}");
        }
    }

    fn news(name: &str, matches: usize) -> SearchNews {
        let m = AlertMatch {
            meeting: moedemappe_core::model::MeetingId(1),
            body: "Teknisk Udvalg".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, 12).unwrap(),
            item: moedemappe_core::model::ItemId(2),
            item_number: 4,
            item_title: "Bassin 7".into(),
            case_number: Some("EMN-2026-000001".into()),
            attachment: Some(AttachmentId(9)),
            attachment_title: Some("Notat".into()),
            pages: vec![2, 5],
            found_at: "2026-02-01T10:00:00.000Z".into(),
            seen: false,
        };
        SearchNews {
            search: moedemappe_core::api::SavedSearch {
                name: name.into(),
                query: SavedQuery {
                    text: name.into(),
                    ..SavedQuery::default()
                },
                created_at: "2026-01-01T00:00:00.000Z".into(),
            },
            matches: vec![m; matches],
        }
    }

    #[test]
    fn alerts_name_one_search_and_cite_each_match() {
        let alerts = || Alerts {
            searches: vec![news("Bassin 7", 2), news("Skolevej", 1)],
            releases: Vec::new(),
            total: 3,
        };
        let all = alerts_output(alerts(), None, None).unwrap();
        assert_eq!(all.total, 3);
        let json = serde_json::to_value(&all).unwrap();
        assert!(json.get("since").is_none() && json.get("note").is_none());
        let cite = &json["searches"][0]["matches"][0];
        assert_eq!(cite["body"], "Teknisk Udvalg");
        assert_eq!(cite["meeting_date"], "2026-02-12");
        assert_eq!(cite["item_number"], 4);
        assert_eq!(cite["item_title"], "Bassin 7");
        assert_eq!(cite["case_number"], "EMN-2026-000001");
        assert_eq!(cite["attachment_id"], 9);
        assert_eq!(cite["attachment_title"], "Notat");
        assert_eq!(cite["pages"], serde_json::json!([2, 5]));

        let since = DateTime::parse_from_rfc3339("2026-01-26T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let one = alerts_output(alerts(), Some("Skolevej"), Some(since)).unwrap();
        assert_eq!(one.total, 1);
        assert_eq!(one.searches.len(), 1);
        assert_eq!(one.since.as_deref(), Some("2026-01-26T00:00:00Z"));

        let e = alerts_output(alerts(), Some("Havn"), None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "der er ingen søgeagent ved navn «Havn» (søgeagenterne hedder «Bassin 7», «Skolevej»)"
        );
        let e = alerts_output(Alerts::default(), Some("Havn"), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("der er ingen søgeagenter"), "{e}");
    }

    #[test]
    fn bad_arguments_are_plain_danish_errors() {
        let args =
            |json: serde_json::Value| -> SearchArgs { serde_json::from_value(json).unwrap() };
        let e = args(serde_json::json!({"query": "x", "from": "31/3"}))
            .request()
            .unwrap_err();
        assert!(e.contains("from skal være en dato"), "{e}");
        let e = args(serde_json::json!({"query": "x", "kind": "hemmelig"}))
            .request()
            .unwrap_err();
        assert!(e.contains("kind skal være"), "{e}");
        let r = args(serde_json::json!({"query": "x", "limit": 500}))
            .request()
            .unwrap();
        assert_eq!(r.query.limit, MAX_RESULTS);
        let r = args(serde_json::json!({"query": "x", "kind": "orientering"}))
            .request()
            .unwrap();
        assert_eq!(
            r.query.kinds,
            vec![moedemappe_core::api::MaterialKind::Briefing]
        );
    }
}
