//! What the fake portal serves: bodies → meeting publications → items → bilag,
//! built once from a demo corpus folder and then free for tests to change. The
//! JSON is rendered from these structs on every request.
//!
//! Ids are deterministic GUIDs hashed from body name, date, publication kind,
//! item number and attachment position, so the same corpus always gives the
//! same ids.

use crate::html;
use anyhow::{bail, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use moedemappe_core::folder::scan::{scan, ItemDir, MeetingDir};
use moedemappe_core::model::{ItemKind, Publication};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The group key of the election period every demo body is listed under.
pub const PERIOD_2022_2025: &str = "Udvalg 2022-2025";

/// The all-zero GUID the portal writes where a field has no document.
pub const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// Everything the portal publishes.
#[derive(Debug, Clone, Default)]
pub struct PortalData {
    /// Bodies in listing order.
    pub bodies: Vec<FakeBody>,
}

/// A committee, the Magistrat or the Byråd.
#[derive(Debug, Clone)]
pub struct FakeBody {
    /// GUID.
    pub id: String,
    /// Name, e.g. "Teknisk Udvalg".
    pub name: String,
    /// Group key of the list ("Udvalg 2022-2025").
    pub period: String,
    /// Published meeting entries ("Moeder") in listing order; one date may have
    /// several entries (Dagsorden, Tillægsdagsorden, Referat).
    pub meetings: Vec<FakeMeeting>,
}

/// One published meeting entry: a Dagsorden, a Tillægsdagsorden or a Referat.
#[derive(Debug, Clone)]
pub struct FakeMeeting {
    /// GUID (the `meetingId` of `/api/agenda/dagsorden/{meetingId}`).
    pub id: String,
    /// Meeting day ("Dato").
    pub date: NaiveDate,
    /// Start in UTC ("MeetingBeginUtc").
    pub begin_utc: Option<DateTime<Utc>>,
    /// End in UTC ("MeetingEndUtc").
    pub end_utc: Option<DateTime<Utc>>,
    /// When this publication was released, local time ("ReleasedDate").
    pub released: NaiveDateTime,
    /// Place ("Sted").
    pub place: Option<String>,
    /// "Afsluttet": the meeting is held and this is its minutes.
    pub finished: bool,
    /// "Navn": "Dagsorden", "Referat" or "Tillægsdagsorden".
    pub name: String,
    /// "IsSupplementaryAgenda".
    pub supplementary: bool,
    /// "SourceId" (digits).
    pub source_id: String,
    /// Items ("Dagsordenpunkter") in order.
    pub items: Vec<FakeItem>,
}

/// One agenda item of a publication.
#[derive(Debug, Clone)]
pub struct FakeItem {
    /// GUID.
    pub id: String,
    /// "AgendaUid" GUID (new with every publication, like `id`).
    pub agenda_uid: String,
    /// Item number ("Number", "Punktnummer", "Sorting").
    pub number: u32,
    /// "IsOpen". A closed item is always rendered with no fields and no bilag.
    pub open: bool,
    /// "CaseNumber" / "SagsNummer".
    pub case_number: Option<String>,
    /// "SourceId" (digits).
    pub source_id: String,
    /// "Caption" / "Navn".
    pub title: String,
    /// "Felter".
    pub fields: Vec<FakeField>,
    /// "Bilag".
    pub bilag: Vec<FakeBilag>,
    /// "ItemDecision" (HTML), for minutes.
    pub decision: Option<String>,
}

/// One text field of an item ("Felter").
#[derive(Debug, Clone)]
pub struct FakeField {
    /// "Resume", "Indstilling", "Sagsfremstilling", "Beslutning" or "Sagsfremstilling (PDF)".
    pub name: String,
    /// HTML, or null.
    pub html: Option<String>,
    /// The document behind "DocumentId"; `None` renders the zero GUID.
    pub document: Option<FakeDocument>,
}

/// A PDF served by `/Pdf/HentEksternPdf?documentId={id}`.
#[derive(Debug, Clone)]
pub struct FakeDocument {
    /// GUID.
    pub id: String,
    /// The bytes.
    pub pdf: PdfSource,
}

/// One attachment of an item ("Bilag").
#[derive(Debug, Clone)]
pub struct FakeBilag {
    /// GUID (one per item and position, even where the bytes repeat elsewhere).
    pub id: String,
    /// "Navn".
    pub title: String,
    /// "Order" (1-based).
    pub order: u32,
    /// The file served for it.
    pub pdf: PdfSource,
}

/// Where the bytes of a served PDF come from.
#[derive(Debug, Clone)]
pub enum PdfSource {
    /// A file on disk (a corpus attachment), read on every request.
    File(PathBuf),
    /// Bytes held in memory.
    Bytes(Arc<Vec<u8>>),
    /// A text PDF rendered on each request (a big portal's many files).
    Generated {
        /// Title line.
        title: Arc<str>,
        /// Body text.
        text: Arc<str>,
    },
}

impl PdfSource {
    /// The bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            PdfSource::File(p) => std::fs::read(p),
            PdfSource::Bytes(b) => Ok(b.as_ref().clone()),
            PdfSource::Generated { title, text } => Ok(crate::pdf::render(title, text)),
        }
    }
}

/// A deterministic GUID (version-5 layout) hashed from `key`.
pub fn guid(key: &str) -> String {
    let h = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// A deterministic seven-digit "SourceId" hashed from `key`.
pub fn source_id(key: &str) -> String {
    (1_000_000 + hash_u64(key) % 9_000_000).to_string()
}

pub(crate) fn hash_u64(key: &str) -> u64 {
    let h = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    u64::from_le_bytes(b)
}

/// Converts a local Danish wall-clock time "HH:MM" on `date` to UTC, with
/// the time-zone database (Europe/Copenhagen) as the product does.
pub fn local_to_utc(date: NaiveDate, hhmm: &str) -> Option<DateTime<Utc>> {
    moedemappe_core::api::copenhagen_instant(date, hhmm.trim())
}

/// Which publication of a meeting an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agenda,
    Supplement,
    Minutes,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Agenda => "dagsorden",
            Kind::Supplement => "tillaeg",
            Kind::Minutes => "referat",
        }
    }
}

/// Where each case number was treated: (date, body, item number).
type History = BTreeMap<String, Vec<(NaiveDate, String, u32)>>;

struct Builder {
    history: History,
    /// The script/style sample goes into the first suitable item.
    injected: bool,
}

impl PortalData {
    /// Reads a demo corpus (`moedemappe_core::demo::generate` output, or any
    /// folder in the meeting format) into portal data. Plain document
    /// collections such as `Byrådshåndbogen/` are ignored.
    ///
    /// Every 4th past meeting of each body (index 0, 4, 8, …) is published as a
    /// Dagsorden entry plus a separate Referat entry with new ids; the other
    /// past meetings as one Referat; meetings whose `meeting.json` says
    /// "agenda" as one Dagsorden. The last such pair of the first body also gets
    /// a Tillægsdagsorden with one extra item, which its Referat includes too.
    pub fn from_corpus(root: &Path) -> anyhow::Result<Self> {
        let scanned = scan(&[root.to_path_buf()])
            .with_context(|| format!("kunne ikke læse korpus {}", root.display()))?;
        if scanned.bodies.is_empty() {
            bail!("ingen udvalg med møder under {}", root.display());
        }
        let mut history: History = BTreeMap::new();
        for b in &scanned.bodies {
            for m in &b.meetings {
                for it in &m.items {
                    if let Some(cn) = &it.entry.case_number {
                        history.entry(cn.clone()).or_default().push((
                            m.date,
                            b.name.clone(),
                            it.entry.number,
                        ));
                    }
                }
            }
        }
        for v in history.values_mut() {
            v.sort();
        }
        let mut builder = Builder {
            history,
            injected: false,
        };
        let is_past = |m: &MeetingDir| m.file.publication != Some(Publication::Agenda);
        // The meeting that gets a Tillægsdagsorden: the last pair of the first body with one.
        let supplement_at: Option<(usize, usize)> =
            scanned.bodies.iter().enumerate().find_map(|(bi, b)| {
                b.meetings
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| is_past(m))
                    .enumerate()
                    .filter(|(past, _)| past % 4 == 0)
                    .map(|(_, (mi, _))| mi)
                    .last()
                    .map(|mi| (bi, mi))
            });
        let mut bodies = Vec::with_capacity(scanned.bodies.len());
        for (bi, b) in scanned.bodies.iter().enumerate() {
            let mut meetings = Vec::new();
            let mut past = 0usize;
            for (mi, m) in b.meetings.iter().enumerate() {
                let kinds: Vec<Kind> = if !is_past(m) {
                    vec![Kind::Agenda]
                } else {
                    past += 1;
                    if (past - 1) % 4 == 0 {
                        if supplement_at == Some((bi, mi)) {
                            vec![Kind::Agenda, Kind::Supplement, Kind::Minutes]
                        } else {
                            vec![Kind::Agenda, Kind::Minutes]
                        }
                    } else {
                        vec![Kind::Minutes]
                    }
                };
                let with_extra = kinds.contains(&Kind::Supplement);
                for kind in kinds {
                    meetings.push(builder.meeting(&b.name, m, kind, with_extra));
                }
            }
            bodies.push(FakeBody {
                id: guid(&format!("body|{}", b.name)),
                name: b.name.clone(),
                period: PERIOD_2022_2025.to_string(),
                meetings,
            });
        }
        Ok(PortalData { bodies })
    }

    /// Every meeting entry with its body, in listing order.
    pub fn meetings(&self) -> impl Iterator<Item = (&FakeBody, &FakeMeeting)> {
        self.bodies
            .iter()
            .flat_map(|b| b.meetings.iter().map(move |m| (b, m)))
    }

    /// Moves every meeting by the same number of days, so the newest falls
    /// `ahead` days after `today`: a portal with meetings still to come, as
    /// a live one has (the demo's lie in 2023–2024).
    pub fn move_to(&mut self, today: NaiveDate, ahead: i64) {
        let Some(newest) = self.meetings().map(|(_, m)| m.date).max() else {
            return;
        };
        let shift = chrono::Duration::days((today - newest).num_days() + ahead);
        for m in self.bodies.iter_mut().flat_map(|b| b.meetings.iter_mut()) {
            m.date += shift;
            m.released += shift;
            m.begin_utc = m.begin_utc.map(|t| t + shift);
            m.end_utc = m.end_utc.map(|t| t + shift);
        }
    }

    /// The meeting entry with this id, with its body.
    pub fn meeting(&self, id: &str) -> Option<(&FakeBody, &FakeMeeting)> {
        self.meetings().find(|(_, m)| m.id.eq_ignore_ascii_case(id))
    }

    /// The meeting entry with this id, to change.
    pub fn meeting_mut(&mut self, id: &str) -> Option<&mut FakeMeeting> {
        self.bodies
            .iter_mut()
            .flat_map(|b| b.meetings.iter_mut())
            .find(|m| m.id.eq_ignore_ascii_case(id))
    }

    /// Removes the meeting entry with this id (a withdrawn publication).
    pub fn remove_meeting(&mut self, id: &str) -> Option<FakeMeeting> {
        for b in &mut self.bodies {
            if let Some(i) = b
                .meetings
                .iter()
                .position(|m| m.id.eq_ignore_ascii_case(id))
            {
                return Some(b.meetings.remove(i));
            }
        }
        None
    }

    /// Publishes a "Lukket referat" of `body` on `date`, as the portal lists
    /// closed minutes: an entry of its own, beside any open publication of
    /// that day. Each item is `(title, text, is_open)`: its text is a
    /// "Sagsfremstilling" field and a bilag PDF. Some portals mark such items
    /// open (the members' own publication); the connector must store them
    /// closed all the same. The body is created when it is new. Returns the
    /// entry's id.
    pub fn add_closed_minutes(
        &mut self,
        body: &str,
        date: NaiveDate,
        items: &[(&str, &str, bool)],
    ) -> String {
        let key = format!("{body}|{date}|lukket");
        let items = items
            .iter()
            .enumerate()
            .map(|(n, (title, text, open))| {
                let key = format!("{key}|{n}");
                FakeItem {
                    id: guid(&format!("item|{key}")),
                    agenda_uid: guid(&format!("agendauid|{key}")),
                    number: n as u32 + 1,
                    open: *open,
                    case_number: None,
                    source_id: source_id(&format!("item|{key}")),
                    title: title.to_string(),
                    fields: vec![field(
                        "Sagsfremstilling",
                        Some(format!("<p>{}</p>", html::escape(text))),
                    )],
                    bilag: vec![FakeBilag {
                        id: guid(&format!("bilag|{key}")),
                        title: format!("Bilag 1 - {title}"),
                        order: 1,
                        pdf: PdfSource::Bytes(Arc::new(crate::pdf::render(title, text))),
                    }],
                    decision: None,
                }
            })
            .collect();
        let meeting = FakeMeeting {
            id: guid(&format!("meeting|{key}")),
            date,
            begin_utc: None,
            end_utc: None,
            released: (date + Duration::days(2))
                .and_hms_opt(10, 0, 0)
                .expect("valid time"),
            place: None,
            finished: true,
            name: "Lukket referat".into(),
            supplementary: false,
            source_id: source_id(&format!("meeting|{key}")),
            items,
        };
        let id = meeting.id.clone();
        match self.bodies.iter_mut().find(|b| b.name == body) {
            Some(b) => b.meetings.push(meeting),
            None => self.bodies.push(FakeBody {
                id: guid(&format!("body|{body}")),
                name: body.to_string(),
                period: PERIOD_2022_2025.to_string(),
                meetings: vec![meeting],
            }),
        }
        id
    }

    /// The bilag with this GUID, on an open item only.
    pub fn bilag(&self, id: &str) -> Option<&FakeBilag> {
        self.meetings()
            .flat_map(|(_, m)| m.items.iter())
            .filter(|it| it.open)
            .flat_map(|it| it.bilag.iter())
            .find(|b| b.id.eq_ignore_ascii_case(id))
    }

    /// The field document with this GUID, on an open item only.
    pub fn document(&self, id: &str) -> Option<&FakeDocument> {
        self.meetings()
            .flat_map(|(_, m)| m.items.iter())
            .filter(|it| it.open)
            .flat_map(|it| it.fields.iter())
            .filter_map(|f| f.document.as_ref())
            .find(|d| d.id.eq_ignore_ascii_case(id))
    }
}

impl Builder {
    fn meeting(&mut self, body: &str, m: &MeetingDir, kind: Kind, with_extra: bool) -> FakeMeeting {
        let key = format!("{body}|{}|{}", m.date, kind.key());
        let at = |days: i64, h: u32| {
            (m.date + Duration::days(days))
                .and_hms_opt(h, 0, 0)
                .expect("valid time")
        };
        let (name, finished, released, supplementary) = match kind {
            Kind::Agenda => ("Dagsorden", false, at(-5, 10), false),
            Kind::Supplement => ("Tillægsdagsorden", false, at(-2, 12), true),
            Kind::Minutes => ("Referat", true, at(2, 10), false),
        };
        let mut items: Vec<FakeItem> = if kind == Kind::Supplement {
            Vec::new()
        } else {
            m.items
                .iter()
                .map(|it| self.item(body, m.date, kind, it))
                .collect()
        };
        if with_extra && kind != Kind::Agenda {
            let number = m.items.iter().map(|i| i.entry.number).max().unwrap_or(0) + 1;
            items.push(self.extra_item(body, m.date, kind, number));
        }
        FakeMeeting {
            id: guid(&format!("meeting|{key}")),
            date: m.date,
            begin_utc: m
                .file
                .start
                .as_deref()
                .and_then(|s| local_to_utc(m.date, s)),
            end_utc: m.file.end.as_deref().and_then(|s| local_to_utc(m.date, s)),
            released,
            place: m.file.place.clone(),
            finished,
            name: name.to_string(),
            supplementary,
            source_id: source_id(&format!("meeting|{key}")),
            items,
        }
    }

    fn item(&mut self, body: &str, date: NaiveDate, kind: Kind, dir: &ItemDir) -> FakeItem {
        let e = &dir.entry;
        let key = format!("{body}|{date}|{}|{}", kind.key(), e.number);
        let open = !e.access.is_closed();
        let mut item = FakeItem {
            id: guid(&format!("item|{key}")),
            agenda_uid: guid(&format!("agendauid|{key}")),
            number: e.number,
            open,
            case_number: e.case_number.clone(),
            source_id: source_id(&format!("item|{key}")),
            title: dir.title.clone(),
            fields: Vec::new(),
            bilag: Vec::new(),
            decision: None,
        };
        if !open {
            return item;
        }
        let text = e.case_text.clone().unwrap_or_default();
        let s = html::split_sections(&text);
        let number = e.number as usize;
        let deco = move |i: usize| (number + i) % 4 == 1;
        let inject = !self.injected && e.kind == ItemKind::Regular && s.sagsfremstilling.is_some();
        if inject {
            self.injected = true;
        }

        let mut resume = String::new();
        if e.referred {
            resume.push_str("<p>Sagen er henvist fra Byrådet.</p>");
        }
        if let Some(r) = &s.resume {
            resume.push_str(&html::paragraphs(r, deco));
        }
        if e.foretraede {
            resume.push_str("<p>Der er anmodet om foretræde.</p>");
        }
        if inject {
            resume.push_str("<p>Kontakt: Teknik &amp; Miljø, Rådhuset.</p>");
        }
        if !resume.is_empty() {
            item.fields.push(field("Resume", Some(resume)));
        }
        if let Some(i) = &s.indstilling {
            item.fields
                .push(field("Indstilling", Some(html::indstilling(i))));
        }

        let mut sagsfremstilling = String::new();
        if e.kind == ItemKind::Briefing && !e.subjects.is_empty() {
            sagsfremstilling.push_str(&html::briefing(
                &e.subjects,
                s.sagsfremstilling.as_deref().unwrap_or(""),
            ));
        } else if let Some(t) = &s.sagsfremstilling {
            sagsfremstilling.push_str(&html::paragraphs(t, deco));
        }
        if inject {
            sagsfremstilling.insert_str(0, "<style>p { margin: 0 0 8pt 0; }</style>");
            sagsfremstilling.push_str("<script>alert(1)</script>");
        }
        if e.kind == ItemKind::Regular {
            if let Some(cn) = &e.case_number {
                let earlier: Vec<String> = self
                    .history
                    .get(cn)
                    .into_iter()
                    .flatten()
                    .filter(|(d, _, _)| *d < date)
                    .map(|(d, b, n)| {
                        format!(
                            "<li>{} {}, punkt {n}</li>",
                            html::escape(b),
                            moedemappe_core::demo::danish_date(*d)
                        )
                    })
                    .collect();
                if !earlier.is_empty() {
                    sagsfremstilling.push_str("<p>Sagsforløb:</p><ul>");
                    sagsfremstilling.push_str(&earlier.concat());
                    sagsfremstilling.push_str("</ul>");
                }
            }
        }
        if !sagsfremstilling.is_empty() {
            item.fields
                .push(field("Sagsfremstilling", Some(sagsfremstilling)));
        }

        let beslutning = match kind {
            Kind::Minutes if e.postponed => Some("<p>Punktet blev udsat.</p>".to_string()),
            Kind::Minutes => s
                .beslutning
                .as_deref()
                .map(|b| html::paragraphs(b, |_| false)),
            _ => None,
        };
        item.decision = beslutning.clone();
        item.fields.push(field("Beslutning", beslutning));

        if e.kind == ItemKind::Regular {
            let document = (hash_u64(&format!("casepdf|{key}")) % 3 == 0).then(|| FakeDocument {
                id: guid(&format!("casepdf|{key}")),
                pdf: PdfSource::Bytes(Arc::new(crate::pdf::render(&dir.title, &text))),
            });
            item.fields.push(FakeField {
                name: "Sagsfremstilling (PDF)".into(),
                html: None,
                document,
            });
        }

        item.bilag = dir
            .attachments
            .iter()
            .enumerate()
            .map(|(j, a)| FakeBilag {
                id: guid(&format!("bilag|{key}|{j}")),
                title: a.title.clone(),
                order: j as u32 + 1,
                pdf: PdfSource::File(a.path.clone()),
            })
            .collect();
        item
    }

    /// The item only the Tillægsdagsorden (and then the Referat) carries.
    fn extra_item(&mut self, body: &str, date: NaiveDate, kind: Kind, number: u32) -> FakeItem {
        let key = format!("{body}|{date}|{}|{number}", kind.key());
        let title = "Ekstraordinær bevilling til vintertjenesten".to_string();
        let text = format!(
            "Forvaltningen beder om en ekstraordinær bevilling på 2,5 mio. kr. til vintertjenesten, \
             fordi vinteren {} har krævet flere udkald end budgetteret.",
            date.year()
        );
        let pdf = crate::pdf::render(
            "Bilag 1 - Notat om ekstraordinær bevilling",
            &format!("{text}\n\nNotatet gennemgår udkald, forbrug af salt og mandskabstimer."),
        );
        let mut fields = vec![
            field("Resume", Some(format!("<p>{}</p>", html::escape(&text)))),
            field(
                "Indstilling",
                Some(format!(
                    "<p>Forvaltningen indstiller,<br>at&nbsp;{body} godkender bevillingen.</p>",
                    body = html::escape(body)
                )),
            ),
            field(
                "Sagsfremstilling",
                Some("<p>Sagen er sat på dagsordenen efter udsendelsen af den ordinære dagsorden.</p>".into()),
            ),
        ];
        let decision =
            (kind == Kind::Minutes).then(|| "<p>Indstillingen blev godkendt.</p>".to_string());
        fields.push(field("Beslutning", decision.clone()));
        FakeItem {
            id: guid(&format!("item|{key}")),
            agenda_uid: guid(&format!("agendauid|{key}")),
            number,
            open: true,
            case_number: Some(format!(
                "EMN-{}-{:06}",
                date.year(),
                900_000 + hash_u64(body) % 1000
            )),
            source_id: source_id(&format!("item|{key}")),
            title,
            fields,
            bilag: vec![FakeBilag {
                id: guid(&format!("bilag|{key}|0")),
                title: "Bilag 1 - Notat om ekstraordinær bevilling".into(),
                order: 1,
                pdf: PdfSource::Bytes(Arc::new(pdf)),
            }],
            decision,
        }
    }
}

fn field(name: &str, html: Option<String>) -> FakeField {
    FakeField {
        name: name.to_string(),
        html,
        document: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_is_stable_and_shaped() {
        let g = guid("x");
        assert_eq!(g, guid("x"));
        assert_ne!(g, guid("y"));
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "5");
        assert_eq!(source_id("x").len(), 7);
    }

    #[test]
    fn danish_summer_and_winter_time() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            local_to_utc(d(2023, 3, 6), "15:00").unwrap().to_rfc3339(),
            "2023-03-06T14:00:00+00:00"
        );
        // 2023: summer time from 26 March to 29 October.
        assert_eq!(
            local_to_utc(d(2023, 3, 25), "16:00")
                .unwrap()
                .format("%H")
                .to_string(),
            "15"
        );
        assert_eq!(
            local_to_utc(d(2023, 3, 27), "16:00")
                .unwrap()
                .format("%H")
                .to_string(),
            "14"
        );
        assert_eq!(
            local_to_utc(d(2023, 10, 28), "16:00")
                .unwrap()
                .format("%H")
                .to_string(),
            "14"
        );
        assert_eq!(
            local_to_utc(d(2023, 10, 30), "16:00")
                .unwrap()
                .format("%H")
                .to_string(),
            "15"
        );
        assert!(local_to_utc(d(2023, 1, 1), "nu").is_none());
    }
}
