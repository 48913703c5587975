//! The wire layer: the query strings, request bodies and small answers of
//! the HTTP API, each with the one parser that turns it into a core request.
//! With the `openapi` feature they carry their OpenAPI schemas, so the HTTP
//! crate's document is generated from these types.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BundleScope, NoteScope, SearchRequest, Session, SourceScope};
use crate::index::{MaterialKind, SearchQuery, SortOrder};
use crate::model::{Access, AttachmentId, ItemId, MeetingId};
use crate::stats::{Interval, StatsQuery};
use crate::{Error, Result};

/// Every error answer: a code for programs and a plain Danish message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Error))]
pub struct ErrorBody {
    /// For programs: `unauthorized`, `forbidden`, `not_found`, `invalid`,
    /// `too_large`, `method_not_allowed`, `network`, `internal`, `db`,
    /// `index`, `io`, `stale_index`, and for the vault `locked`,
    /// `wrong_passcode`, `not_remembered` or `keychain`.
    pub code: String,
    /// For people, in Danish.
    pub message: String,
}

/// The query string of `/api/search`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct SearchParams {
    /// Søgetekst: alle ord skal med (har under 10 dokumenter dem alle,
    /// følger dokumenter, der mangler ét); "…" er en frase, -ord udelukker,
    /// OR giver alternativer.
    pub q: String,
    /// Udvalg: navn, tidligere navn eller forkortelse (TU, BUU, …).
    pub body: Option<String>,
    /// Kun møder i dette år.
    pub year: Option<i32>,
    /// Møder fra og med denne dag.
    pub from: Option<NaiveDate>,
    /// Møder til og med denne dag.
    pub to: Option<NaiveDate>,
    /// Kun åbent (`open`, `aaben`) eller kun lukket (`closed`, `lukket`)
    /// materiale; lukket kræver adgang til lukket materiale.
    pub access: Option<String>,
    /// Kommasepareret: `case`, `briefing`, `fixed`, `document`.
    pub kind: Option<String>,
    /// Kun denne sag (sagsnummer).
    pub case: Option<String>,
    /// Kun dette bilags sider (søgning i ét dokument): de listes enkeltvis i
    /// rækkefølge efter relevans.
    pub attachment: Option<i64>,
    /// `relevance` (standard), `newest` eller `oldest`.
    pub sort: Option<String>,
    /// Gruppér træffere pr. bilag (standard: ja, men ikke i ét bilag).
    pub group: Option<bool>,
    /// Højst så mange træffere (standard 20).
    pub limit: Option<usize>,
}

/// The query string of `/api/retrieve`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct RetrieveParams {
    /// Spørgsmålet eller søgeteksten.
    pub q: String,
    /// Så mange tekststykker (standard 5).
    pub k: Option<usize>,
    /// Udvalg: navn, tidligere navn eller forkortelse (TU, BUU, …).
    pub body: Option<String>,
    /// Kun møder i dette år.
    pub year: Option<i32>,
    /// Møder fra og med denne dag.
    pub from: Option<NaiveDate>,
    /// Møder til og med denne dag.
    pub to: Option<NaiveDate>,
    /// Kun åbent (`open`, `aaben`) eller kun lukket (`closed`, `lukket`)
    /// materiale; lukket kræver adgang til lukket materiale.
    pub access: Option<String>,
    /// Kommasepareret: `case`, `briefing`, `fixed`, `document`.
    pub kind: Option<String>,
    /// Kun denne sag (sagsnummer).
    pub case: Option<String>,
}

impl RetrieveParams {
    /// The search the passages come from, and how many passages.
    pub fn request(&self) -> Result<(SearchRequest, usize)> {
        let search = SearchParams {
            q: self.q.clone(),
            body: self.body.clone(),
            year: self.year,
            from: self.from,
            to: self.to,
            access: self.access.clone(),
            kind: self.kind.clone(),
            case: self.case.clone(),
            ..SearchParams::default()
        };
        Ok((search.request()?, self.k.unwrap_or(5)))
    }
}

/// The filters of `/api/cases/{number}/similar`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct SimilarParams {
    /// Udvalg: navn, tidligere navn eller forkortelse (TU, BUU, …).
    pub body: Option<String>,
    /// Kun møder i dette år.
    pub year: Option<i32>,
    /// Møder fra og med denne dag.
    pub from: Option<NaiveDate>,
    /// Møder til og med denne dag.
    pub to: Option<NaiveDate>,
    /// Kun åbent (`open`, `aaben`) eller kun lukket (`closed`, `lukket`)
    /// materiale; lukket kræver adgang til lukket materiale.
    pub access: Option<String>,
    /// Kommasepareret: `case`, `briefing`, `fixed`, `document`.
    pub kind: Option<String>,
    /// `relevance` (standard), `newest` eller `oldest`.
    pub sort: Option<String>,
    /// Gruppér træffere pr. bilag (standard: ja).
    pub group: Option<bool>,
    /// Højst så mange træffere (standard 20).
    pub limit: Option<usize>,
}

impl SimilarParams {
    /// The filters as a search request (its text is the case's).
    pub fn request(&self) -> Result<SearchRequest> {
        SearchParams {
            body: self.body.clone(),
            year: self.year,
            from: self.from,
            to: self.to,
            access: self.access.clone(),
            kind: self.kind.clone(),
            sort: self.sort.clone(),
            group: self.group,
            limit: self.limit,
            ..SearchParams::default()
        }
        .request()
    }
}

impl SearchParams {
    /// The request these parameters ask for, or why they cannot be read.
    pub fn request(&self) -> Result<SearchRequest> {
        let invalid = |m: &str| Error::Invalid(m.to_string());
        let kinds = match &self.kind {
            Some(list) => list
                .split(',')
                .map(|k| MaterialKind::parse(k).ok_or(()))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|_| invalid("kind skal være case, briefing, fixed eller document"))?,
            None => Vec::new(),
        };
        let access = match self.access.as_deref() {
            None => None,
            Some(a) => Some(
                Access::parse(a).ok_or_else(|| invalid("access skal være open eller closed"))?,
            ),
        };
        let sort = match self.sort.as_deref() {
            None => SortOrder::Relevance,
            Some(s) => SortOrder::parse(s)
                .ok_or_else(|| invalid("sort skal være relevance, newest eller oldest"))?,
        };
        Ok(SearchRequest {
            query: SearchQuery {
                text: self.q.clone(),
                year: self.year,
                from: self.from,
                to: self.to,
                access,
                kinds,
                case_number: self.case.clone(),
                attachment: self.attachment,
                sort,
                // One document's pages are listed one by one.
                group: self.group.unwrap_or(self.attachment.is_none()),
                limit: self.limit.unwrap_or(20),
                ..SearchQuery::default()
            },
            body: self.body.clone(),
        })
    }
}

/// Body names as callers write them: several, separated by commas.
fn body_names(body: &Option<String>) -> Vec<String> {
    body.iter()
        .flat_map(|b| b.split(','))
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .collect()
}

/// The query string of the statistics.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct StatsParams {
    /// Udvalg: navn, tidligere navn eller forkortelse; flere adskilt med
    /// komma (standard: alle).
    pub body: Option<String>,
    /// Fra og med denne dag.
    pub from: Option<NaiveDate>,
    /// Til og med denne dag.
    pub to: Option<NaiveDate>,
    /// Statistikken pr. `year` (standard) eller `month`.
    pub by: Option<String>,
}

impl StatsParams {
    /// The statistics query, as `session` names bodies: an unknown body is
    /// not found, an unknown interval invalid.
    pub fn stats_query(&self, session: &Session<'_>) -> Result<StatsQuery> {
        let by = match self.by.as_deref() {
            None => Interval::Year,
            Some(b) => Interval::parse(b)
                .ok_or_else(|| Error::Invalid("by skal være year eller month".into()))?,
        };
        let names = body_names(&self.body);
        let body_ids = session.body_ids(&names)?;
        if !names.is_empty() && body_ids.is_empty() {
            return Err(Error::NotFound(format!(
                "intet udvalg hedder «{}»",
                names.join(", ")
            )));
        }
        Ok(StatsQuery {
            from: self.from,
            to: self.to,
            body_ids,
            by,
        })
    }
}

/// The query string of `/api/agenda`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct AgendaParams {
    /// Fra og med denne dag (standard: i dag).
    pub from: Option<NaiveDate>,
    /// Så mange møder (standard 6, højst 100).
    pub next: Option<usize>,
}

/// The query string of `/api/agenda/recent`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct RecentParams {
    /// Før denne dag (standard: i dag).
    pub before: Option<NaiveDate>,
    /// Så mange møder (standard 6, højst 100).
    pub last: Option<usize>,
}

/// The query string of `/api/meetings` and `/api/archive`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct MeetingsParams {
    /// Udvalg: navn, tidligere navn eller forkortelse.
    pub body: Option<String>,
    /// Fra og med denne dag.
    pub from: Option<NaiveDate>,
    /// Til og med denne dag.
    pub to: Option<NaiveDate>,
}

/// The query string of the calendars.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct CalendarParams {
    /// Udvalg: navn, tidligere navn eller forkortelse; flere adskilt med
    /// komma (standard: alle).
    pub body: Option<String>,
}

impl CalendarParams {
    /// The bodies asked for (none: all).
    pub fn bodies(&self) -> Vec<String> {
        body_names(&self.body)
    }
}

impl FeedParams {
    /// The bodies asked for (none: all).
    pub fn bodies(&self) -> Vec<String> {
        body_names(&self.body)
    }
}

/// The query string of `/kalender.ics`, the feed a calendar program
/// subscribes to.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct FeedParams {
    /// En adgangsnøgle fra `moedemappe token create` (dens scope bruges
    /// ikke: kalenderen viser altid kun åbent materiale).
    #[cfg_attr(feature = "openapi", param(required = true))]
    pub noegle: Option<String>,
    /// Udvalg: navn, tidligere navn eller forkortelse; flere adskilt med
    /// komma (standard: alle).
    pub body: Option<String>,
}

/// The query string of an upload to `/api/items/{id}/attachments`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct AttachParams {
    /// Et lukket bilag: deles aldrig og ses kun med adgang til lukket
    /// materiale.
    pub closed: bool,
    /// Bilagets titel (standard: Bilag).
    pub title: Option<String>,
}

/// Which notes `GET /api/notes` lists: those of one case, meeting, item or
/// bilag, or all; and only those holding some words.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct NoteParams {
    /// Sagsnummer.
    pub case: Option<String>,
    /// Mødets id.
    pub meeting: Option<i64>,
    /// Punktets id.
    pub item: Option<i64>,
    /// Bilagets id.
    pub attachment: Option<i64>,
    /// Kun noter, hvis tekst, markerede ord eller mærker rummer alle ordene
    /// (som søgningen sammenligner dem).
    pub q: Option<String>,
}

impl NoteParams {
    /// The notes asked for: at most one of case, meeting, item and bilag.
    pub fn scope(&self) -> Result<NoteScope> {
        Ok(
            match (&self.case, self.meeting, self.item, self.attachment) {
                (None, None, None, None) => NoteScope::All,
                (Some(case), None, None, None) => NoteScope::Case(case.clone()),
                (None, Some(m), None, None) => NoteScope::Meeting(MeetingId(m)),
                (None, None, Some(i), None) => NoteScope::Item(ItemId(i)),
                (None, None, None, Some(a)) => NoteScope::Attachment(AttachmentId(a)),
                _ => {
                    return Err(Error::Invalid(
                        "vælg højst én af case, meeting, item og attachment".into(),
                    ))
                }
            },
        )
    }

    /// The words asked for, if any.
    pub fn words(&self) -> Option<&str> {
        self.q.as_deref().filter(|q| !q.trim().is_empty())
    }
}

/// The query string of `GET /api/read`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OfAttachment {
    /// Bilagets id.
    pub attachment: i64,
}

/// What a bundle holds: a case or a meeting.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct ShareParams {
    /// Sagsnummer.
    pub case: Option<String>,
    /// Mødets id eller `<udvalg>/<ÅÅÅÅ-MM-DD>`.
    pub meeting: Option<String>,
}

impl ShareParams {
    /// The bundle asked for: exactly one of a case and a meeting.
    pub fn scope(&self, session: &Session<'_>) -> Result<BundleScope> {
        match (&self.case, &self.meeting) {
            (Some(c), None) if !c.trim().is_empty() => {
                Ok(BundleScope::Case(session.resolve_case_number(c)?))
            }
            (None, Some(meeting)) => Ok(BundleScope::Meeting(session.resolve_meeting(meeting)?)),
            _ => Err(Error::Invalid(
                "angiv enten en sag (case) eller et møde (meeting)".into(),
            )),
        }
    }
}

/// The query string of `/login`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct LoginParams {
    /// Engangskoden fra login-linket; virker én gang og i 10 minutter.
    #[cfg_attr(feature = "openapi", param(required = true))]
    pub kode: String,
}

/// The body of `POST /api/read`: pages of a bilag to mark read.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadMarks {
    /// Bilagets id.
    pub attachment: i64,
    /// Siderne (1 er den første); tom: alle.
    #[serde(default)]
    pub pages: Vec<u32>,
}

/// The body of `POST /api/sources`: a portal's address or a folder's path.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSource {
    /// `portal` eller `folder`.
    pub kind: String,
    /// Portalens adresse (eller kommunens navn) eller mappens sti.
    pub location: String,
    /// Et navn; ellers kommunens, værtens eller mappens navn.
    pub name: Option<String>,
    /// Hvad en portal henter; ellers alle udvalg fra året før den
    /// nuværende valgperiode.
    pub scope: Option<SourceScope>,
}

/// The body of `PUT /api/share/author`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorName {
    /// Navnet, som modtagere af delte noter ser.
    pub name: String,
}

/// The body of `POST /api/vault/unlock`.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultPasscode {
    /// Adgangskoden; tom: lås op med nøglen, denne computer husker (kode
    /// `not_remembered`, hvis den ikke husker en, der passer).
    pub passcode: String,
    /// Husk nøglen på denne computer (i styresystemets nøglering), så boksen
    /// siden kan låses op uden adgangskode. Kan nøglen ikke huskes, er boksen
    /// alligevel låst op, og svaret er 503 med kode `keychain`.
    #[serde(default)]
    pub remember: bool,
}

impl std::fmt::Debug for VaultPasscode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultPasscode(…)")
    }
}

/// The stored text of one page of a bilag.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageText {
    /// Bilagets id.
    pub attachment_id: i64,
    /// Siden (1 er den første).
    pub page: u32,
    /// Sidens tekst.
    pub text: String,
}

/// A bilag the member attached is removed from an item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Detached {
    /// Punktets id.
    pub item: i64,
    /// Det fjernede bilags id.
    pub removed: i64,
}

/// The pages of a bilag marked read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadPages {
    /// Bilagets id.
    pub attachment: i64,
    /// De læste sider.
    pub pages: Vec<u32>,
}

/// How many pages a `POST /api/read` marked that were not marked before.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Marked {
    /// Sider, der ikke var markeret før.
    pub marked: usize,
}

/// A meeting the member opened.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opened {
    /// Mødets id.
    pub opened: i64,
}

/// A background sync asked for: started now, or queued behind the one
/// running.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncStarted {
    /// Om hentningen startede nu (ellers følger den efter den, der kører).
    pub started: bool,
    /// Hentningens tilstand.
    pub state: super::SyncState,
}

/// A bilag kept as text only whose file the portal cannot give now: the
/// error, and the stored text of every page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileUnavailable {
    /// `network`.
    pub code: String,
    /// Hvorfor filen ikke kan hentes, på dansk.
    pub message: String,
    /// Den gemte tekst, side for side.
    pub pages: Vec<String>,
}
