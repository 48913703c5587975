//! The notes, reading and sharing subcommands (`me`, `note`, `read`,
//! `progress`, `share`) and their printing; all behaviour is in `core::api`.

use crate::progress::TermProgress;
use anyhow::Result;
use clap::Subcommand;
use moedemappe_core::api::{
    first_nearby_offer, local_ipv4, nearby_offers, parse_address, BundleScope, ClosedPolicy, Code,
    Interfaces, Mappe, NewNote, NoteEdit, NoteFormat, NoteScope, NoteView, NoteVisibility,
    OfferOptions, Received, Scope, MAX_WRONG_CODES, OFFER_LIFETIME,
};
use moedemappe_core::model::{AttachmentId, ItemId};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// The subcommands of this file, flattened into the main command list.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vis eller sæt dit navn, som vises ved de noter, du deler.
    Me {
        /// Dit navn.
        #[arg(long)]
        name: Option<String>,
    },
    /// Noter og markeringer: tilføj, vis, ret, fjern.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Markér sider af et bilag som læst (uden --page: hele bilaget).
    Read {
        /// Bilagets id (som i `search --json`).
        attachment: i64,
        /// Kun denne side (kan gentages).
        #[arg(long = "page")]
        pages: Vec<u32>,
    },
    /// Vis læsestatus for et møde: sider i alt, læst og nye siden sidste synkronisering.
    Progress {
        /// Mødets id eller udvalg/ÅÅÅÅ-MM-DD.
        meeting: String,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Del noter med andre medlemmer som én fil.
    #[command(subcommand)]
    Share(ShareCommand),
}

/// `note …`
#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Tilføj en note: på en side af et bilag (--attachment, --page, --quote), et punkt eller en sag.
    Add {
        /// Bilagets id (som i `search --json`).
        #[arg(long)]
        attachment: Option<i64>,
        /// Siden i bilaget (1 er første side).
        #[arg(long)]
        page: Option<u32>,
        /// Teksten på siden, som noten hører til.
        #[arg(long)]
        quote: Option<String>,
        /// Punktets id (som i `case --json`).
        #[arg(long)]
        item: Option<i64>,
        /// Sagsnummer, fx EMN-2023-001234.
        #[arg(long)]
        case: Option<String>,
        /// Notens tekst (tom: en ren markering).
        #[arg(long, default_value = "")]
        body: String,
        /// Teksten er Markdown.
        #[arg(long)]
        markdown: bool,
        /// Farve på markeringen, fx gul eller #ffd54f.
        #[arg(long)]
        colour: Option<String>,
        /// Et mærke (kan gentages).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Noten må deles (kommer med i `share export`).
        #[arg(long)]
        shared: bool,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Vis noter (dine egne og andres, side om side).
    List {
        /// Noterne til en sag.
        #[arg(long)]
        case: Option<String>,
        /// Noterne, der vises ved et møde (id eller udvalg/ÅÅÅÅ-MM-DD).
        #[arg(long)]
        meeting: Option<String>,
        /// Noterne, der vises ved et punkt.
        #[arg(long)]
        item: Option<i64>,
        /// Noterne på et bilag.
        #[arg(long)]
        attachment: Option<i64>,
        /// Kun noter med disse ord (i teksten, de markerede ord eller mærkerne).
        #[arg(long)]
        query: Option<String>,
        /// Ét JSON-objekt pr. linje.
        #[arg(long)]
        json: bool,
    },
    /// Ret en af dine egne noter.
    Edit {
        /// Notens id (eller begyndelsen af det).
        id: String,
        /// Ny tekst.
        #[arg(long)]
        body: Option<String>,
        /// Nye mærker (erstatter de gamle; kan gentages).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Ny farve.
        #[arg(long)]
        colour: Option<String>,
        /// Del noten.
        #[arg(long, conflicts_with = "private")]
        shared: bool,
        /// Gør noten privat.
        #[arg(long)]
        private: bool,
    },
    /// Fjern en note.
    Rm {
        /// Notens id (eller begyndelsen af det).
        id: String,
    },
    /// Gem alle dine noter i én krypteret fil med en adgangskode for sig (en kopi uden for boksen).
    Backup {
        /// Filen, der skrives.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Hent noter tilbage fra en krypteret notefil (nyere noter her beholdes).
    Restore {
        /// Notefilen.
        file: PathBuf,
    },
}

/// `share …`
#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Skriv en delingsfil med dine delte noter til en sag eller et møde.
    Export {
        /// Sagsnummer.
        #[arg(long, conflicts_with = "meeting", required_unless_present = "meeting")]
        case: Option<String>,
        /// Mødets id eller udvalg/ÅÅÅÅ-MM-DD.
        #[arg(long)]
        meeting: Option<String>,
        /// Filen, der skrives.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Lukket materiale: udelad (standard) eller afvis hele eksporten.
        #[arg(long, value_parser = ["omit", "refuse"], default_value = "omit")]
        closed: String,
    },
    /// Indlæs en delingsfil fra et andet medlem.
    Import {
        /// Delingsfilen.
        file: PathBuf,
    },
    /// Del med kolleger på samme netværk: dine delte noter til en sag eller et møde, eller (med --material) mødernes åbne materiale. De henter det med koden, der vises her.
    Offer {
        /// Sagsnummer.
        #[arg(long, conflicts_with_all = ["meeting", "material"], required_unless_present_any = ["meeting", "material"])]
        case: Option<String>,
        /// Mødets id eller udvalg/ÅÅÅÅ-MM-DD (med --material kan den gentages).
        #[arg(long)]
        meeting: Vec<String>,
        /// Del mødernes åbne materiale (punkter, bilag og deres tekst) i stedet for noter; lukket materiale kommer aldrig med.
        #[arg(long)]
        material: bool,
        /// Med --material: kun dette udvalgs møder.
        #[arg(long, requires = "material")]
        body: Option<String>,
        /// Med --material: møder fra denne dag (ÅÅÅÅ-MM-DD).
        #[arg(long, requires = "material")]
        from: Option<chrono::NaiveDate>,
        /// Med --material: møder til og med denne dag (ÅÅÅÅ-MM-DD).
        #[arg(long, requires = "material")]
        to: Option<chrono::NaiveDate>,
        /// Lyt på denne adresse (standard: alle netkort, port 47474, ellers en ledig).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Annoncér ikke på netværket; kollegaen skriver din adresse i stedet.
        #[arg(long)]
        no_announce: bool,
    },
    /// Vis, hvad kolleger på samme netværk deler lige nu.
    Nearby {
        /// Sekunder at lytte.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
        /// Stop, så snart det første tilbud ses.
        #[arg(long)]
        first: bool,
        /// Som JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hent og indlæs det, en kollega deler på netværket.
    Take {
        /// Tilbuddets id (fra `share nearby`; de første tegn er nok).
        #[arg(required_unless_present = "address", conflicts_with = "address")]
        id: Option<String>,
        /// Kollegaens adresse, fx 192.168.1.20, hvis tilbuddet ikke ses på netværket.
        #[arg(long)]
        address: Option<String>,
        /// Koden fra kollegaens skærm (ellers spørges der).
        #[arg(long)]
        code: Option<String>,
        /// Skriv resultatet som JSON (tilbuddet, dets indhold og hvad der blev gemt).
        #[arg(long)]
        json: bool,
    },
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("urn:uuid:").unwrap_or(id);
    id.get(..8).unwrap_or(id)
}

pub fn note_line(v: &NoteView) {
    let n = &v.note;
    let mut head = vec![short(&n.id).to_string()];
    if let Some(c) = &n.case_number {
        head.push(c.clone());
    }
    if let Some(x) = &n.anchor {
        let title = x.attachment_title.as_deref().unwrap_or("bilag");
        head.push(format!("«{title}» s. {}", x.page));
    }
    let who = if v.mine {
        format!("{} (dig)", n.author.name)
    } else {
        n.author.name.clone()
    };
    head.push(who);
    if n.visibility == NoteVisibility::Shared && v.mine {
        head.push("delt".into());
    }
    if n.anchor_state == moedemappe_core::api::AnchorState::Detached {
        head.push("LØSREVET: teksten findes ikke i den nye udgave".into());
    }
    println!("{}", head.join(" · "));
    if let Some(x) = &n.anchor {
        println!("    »{}«", x.exact);
    }
    if !n.body.is_empty() {
        for line in n.body.lines() {
            println!("    {line}");
        }
    }
    if !n.tags.is_empty() {
        println!("    #{}", n.tags.join(" #"));
    }
}

/// Runs one of the subcommands of this file.
pub fn run(mappe: &Mappe, cmd: Command) -> Result<()> {
    match cmd {
        Command::Me { name: Some(name) } => {
            let me = mappe.member(Scope::Member)?.set_author(&name)?;
            println!("Dit navn ved delte noter er nu «{}».", me.name);
        }
        Command::Me { name: None } => {
            let me = mappe.member(Scope::Member)?.author()?;
            if me.name.is_empty() {
                println!("Du har ikke angivet et navn; brug `moedemappe me --name \"Dit Navn\"`.");
            } else {
                println!("{}", me.name);
            }
        }
        Command::Note(NoteCommand::Add {
            attachment,
            page,
            quote,
            item,
            case,
            body,
            markdown,
            colour,
            tags,
            shared,
            json,
        }) => {
            let note = mappe.member(Scope::Member)?.add_note(&NewNote {
                item: item.map(ItemId),
                case_number: case,
                attachment: attachment.map(AttachmentId),
                page,
                quote,
                body,
                format: if markdown {
                    NoteFormat::Markdown
                } else {
                    NoteFormat::Plain
                },
                colour,
                tags,
                visibility: if shared {
                    NoteVisibility::Shared
                } else {
                    NoteVisibility::Private
                },
            })?;
            if json {
                println!("{}", serde_json::to_string(&note)?);
            } else {
                println!("Noten er gemt ({}).", note.id);
            }
        }
        Command::Note(NoteCommand::List {
            case,
            meeting,
            item,
            attachment,
            query,
            json,
        }) => {
            let scope = match (case, meeting, item, attachment) {
                (Some(c), None, None, None) => NoteScope::Case(c),
                (None, Some(m), None, None) => {
                    NoteScope::Meeting(mappe.session(Scope::Member).resolve_meeting(&m)?)
                }
                (None, None, Some(i), None) => NoteScope::Item(ItemId(i)),
                (None, None, None, Some(a)) => NoteScope::Attachment(AttachmentId(a)),
                (None, None, None, None) => NoteScope::All,
                _ => anyhow::bail!("vælg højst én af --case, --meeting, --item og --attachment"),
            };
            let session = mappe.session(Scope::Member);
            let notes = match query.as_deref().filter(|q| !q.trim().is_empty()) {
                Some(q) => session.find_notes(&scope, q)?,
                None => session.notes(&scope)?,
            };
            if json {
                for v in &notes {
                    println!("{}", serde_json::to_string(v)?);
                }
            } else if notes.is_empty() {
                println!("Ingen noter.");
            } else {
                for v in &notes {
                    note_line(v);
                }
            }
        }
        Command::Note(NoteCommand::Edit {
            id,
            body,
            tags,
            colour,
            shared,
            private,
        }) => {
            let visibility = match (shared, private) {
                (true, _) => Some(NoteVisibility::Shared),
                (_, true) => Some(NoteVisibility::Private),
                _ => None,
            };
            let note = mappe.member(Scope::Member)?.edit_note(
                &id,
                &NoteEdit {
                    body,
                    format: None,
                    colour,
                    tags: (!tags.is_empty()).then_some(tags),
                    visibility,
                },
            )?;
            println!("Noten {} er rettet.", note.id);
        }
        Command::Note(NoteCommand::Rm { id }) => {
            let note = mappe.member(Scope::Member)?.remove_note(&id)?;
            println!("Noten {} er fjernet.", note.id);
        }
        Command::Note(NoteCommand::Backup { output }) => {
            let member = mappe.member(Scope::Member)?;
            let passcode = crate::vault_cmd::Passcodes::new()
                .new_passcode("Adgangskode til notefilen (mindst 8 tegn): ")?;
            let n = member.backup_notes(&output, &passcode)?;
            println!(
                "{n} noter er gemt krypteret i {}. Uden adgangskoden kan filen ikke åbnes.",
                output.display()
            );
        }
        Command::Note(NoteCommand::Restore { file }) => {
            let member = mappe.member(Scope::Member)?;
            let passcode = crate::vault_cmd::Passcodes::new().read("Notefilens adgangskode: ")?;
            let r = member.restore_notes(&file, &passcode)?;
            println!(
                "Noter hentet: {} nye, {} opdateret, {} uændret{}.",
                r.added,
                r.updated,
                r.unchanged,
                if r.not_placed > 0 {
                    format!(", {} om materiale, der ikke findes her", r.not_placed)
                } else {
                    String::new()
                }
            );
        }
        Command::Read { attachment, pages } => {
            let n = mappe
                .member(Scope::Member)?
                .mark_read(AttachmentId(attachment), &pages)?;
            println!("{n} sider markeret som læst.");
        }
        Command::Progress { meeting, json } => {
            let id = mappe.session(Scope::Member).resolve_meeting(&meeting)?;
            let p = mappe.session(Scope::Member).reading_progress(id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                println!(
                    "{} sider i alt, {} læst, {} nye siden sidste synkronisering.",
                    p.pages, p.read, p.new
                );
            }
        }
        Command::Share(ShareCommand::Export {
            case,
            meeting,
            output,
            closed,
        }) => {
            let scope = bundle_scope(mappe, case, meeting)?;
            let policy = if closed == "refuse" {
                ClosedPolicy::Refuse
            } else {
                ClosedPolicy::Omit
            };
            let r = mappe
                .member(Scope::Member)?
                .export_bundle(&scope, policy, &output)?;
            println!(
                "Delingsfilen {} er skrevet: {} delte noter, {} bilag. {} private noter er ikke med.",
                r.path.display(),
                r.annotations,
                r.attachments,
                r.private_left_out
            );
            if r.without_file > 0 {
                println!(
                    "{} delte noter er ikke med, fordi deres bilag kun er gemt som tekst. Åbn bilaget i læseren (moedemappe serve), så hentes filen; del så igen.",
                    r.without_file
                );
            }
            let o = &r.omitted;
            if o.items + o.attachments + o.annotations > 0 {
                println!(
                    "Lukket materiale er udeladt: {} lukkede punkter ({}), {} bilag, {} noter.",
                    o.items,
                    r.omitted_items.join("; "),
                    o.attachments,
                    o.annotations
                );
            }
        }
        Command::Share(ShareCommand::Import { file }) => {
            let settings = moedemappe_core::api::IngestSettings::new(
                moedemappe_core::api::WorkerCommand::current_exe()?,
            );
            let r = mappe.member(Scope::Member)?.import_bundle(
                &file,
                &settings,
                &TermProgress::new(),
            )?;
            println!(
                "Noter fra {}: {} nye, {} opdateret, {} uændrede; {} nye bilag, {} kendte.",
                r.author, r.added, r.updated, r.unchanged, r.new_attachments, r.known_attachments
            );
            if r.own_kept > 0 {
                println!(
                    "{} noter har samme id som dine egne og er ikke ændret.",
                    r.own_kept
                );
            }
        }
        Command::Share(ShareCommand::Offer {
            case,
            meeting,
            material,
            body,
            from,
            to,
            listen,
            no_announce,
        }) => {
            let options = OfferOptions {
                bind: listen,
                announce: (!no_announce).then_some(Interfaces::All),
            };
            let member = mappe.member(Scope::Member)?;
            let offering = if material {
                let meetings = material_meetings(mappe, &meeting, body.as_deref(), from, to)?;
                member.offer_material(&meetings, &options)?
            } else {
                let ([] | [_]) = &meeting[..] else {
                    anyhow::bail!("noter deles for ét møde ad gangen; angiv kun én --meeting");
                };
                member.offer_bundle(
                    &bundle_scope(mappe, case, meeting.into_iter().next())?,
                    &options,
                )?
            };
            let info = offering.info().clone();
            let port = offering.addr().port();
            let shown = match local_ipv4() {
                Some(ip) if offering.addr().ip().is_unspecified() => format!("{ip}:{port}"),
                _ => offering.addr().to_string(),
            };
            println!("Deler «{}» som {} på netværket.", info.title, info.from);
            println!();
            println!("    Kode: {}", offering.code().display());
            println!();
            println!(
                "Kollegaen skriver koden ved `moedemappe share take` (tilbud {}).",
                &info.id[..8]
            );
            println!("Ser kollegaen ikke tilbuddet, så skriv adressen: {shown}");
            println!(
                "Tilbuddet udløber om {} minutter og låses efter {} forkerte koder. Ctrl-C stopper det.",
                OFFER_LIFETIME.as_secs() / 60,
                MAX_WRONG_CODES
            );
            static STOP: AtomicBool = AtomicBool::new(false);
            let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::Relaxed));
            let mut seen = offering.counts();
            loop {
                std::thread::sleep(std::time::Duration::from_millis(300));
                let now = offering.counts();
                if now.confirmed > seen.confirmed {
                    println!("En kollega har skrevet den rigtige kode og henter nu.");
                }
                if now.wrong > seen.wrong {
                    println!(
                        "Nogen skrev en forkert kode ({} forsøg tilbage).",
                        MAX_WRONG_CODES.saturating_sub(now.wrong)
                    );
                }
                seen = now;
                if now.locked {
                    println!("Tilbuddet er låst efter for mange forkerte koder; del igen for en ny kode.");
                    break;
                }
                if offering.expired() {
                    println!("Tilbuddet er udløbet.");
                    break;
                }
                if offering.withdrawn() {
                    println!("Delingen stoppede, fordi boksen blev låst.");
                    break;
                }
                if STOP.load(Ordering::Relaxed) {
                    println!("Tilbuddet er stoppet.");
                    break;
                }
            }
            offering.stop();
        }
        Command::Share(ShareCommand::Nearby {
            seconds,
            first,
            json,
        }) => {
            let wait = std::time::Duration::from_secs(seconds);
            let found = if first {
                first_nearby_offer(wait, &Interfaces::All)?
            } else {
                nearby_offers(wait, &Interfaces::All)?
            };
            if json {
                let rows: Vec<serde_json::Value> = found
                    .iter()
                    .map(|o| {
                        serde_json::json!({
                            "id": o.info.id,
                            "from": o.info.from,
                            "title": o.info.title,
                            "kind": o.info.kind,
                            "addresses": o.addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if found.is_empty() {
                println!("Ingen deler noget på netværket lige nu. Kan kollegaen ikke ses, så brug `share take --address`.");
            } else {
                for o in &found {
                    println!("{}  {}: «{}»", &o.info.id[..8], o.info.from, o.info.title);
                }
            }
        }
        Command::Share(ShareCommand::Take {
            id,
            address,
            code,
            json,
        }) => {
            let typed = match code {
                Some(c) => c,
                None => {
                    eprint!("Kode fra kollegaens skærm: ");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line
                }
            };
            let code = Code::parse(&typed)?;
            let (addrs, offer) = match (address, id) {
                (Some(a), _) => (vec![parse_address(&a)?], None),
                (None, Some(prefix)) => {
                    let found = nearby_offers(std::time::Duration::from_secs(3), &Interfaces::All)?;
                    let mut hits = found.into_iter().filter(|o| o.info.id.starts_with(&prefix));
                    let (Some(o), None) = (hits.next(), hits.next()) else {
                        anyhow::bail!(
                            "tilbuddet «{prefix}» ses ikke på netværket (eller flere passer); prøv `share nearby`, eller brug --address"
                        );
                    };
                    (o.addrs, Some(o.info.id))
                }
                (None, None) => anyhow::bail!("angiv tilbuddets id eller --address"),
            };
            let settings = moedemappe_core::api::IngestSettings::new(
                moedemappe_core::api::WorkerCommand::current_exe()?,
            );
            static CANCEL: AtomicBool = AtomicBool::new(false);
            let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed));
            let member = mappe.member(Scope::Member)?;
            let mut result = None;
            for addr in &addrs {
                let r = member.take_offer(
                    *addr,
                    offer.as_deref(),
                    &code,
                    &settings,
                    &TermProgress::new(),
                    &CANCEL,
                );
                let unreachable = matches!(&r, Err(moedemappe_core::Error::Network(_)));
                result = Some(r);
                if !unreachable {
                    break;
                }
            }
            let r = result.expect("at least one address")?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
                return Ok(());
            }
            match &r.received {
                Received::Bundle(i) => println!(
                    "Hentet «{}» fra {} ({}). Noter: {} nye, {} opdateret, {} uændrede; {} nye bilag, {} kendte.",
                    r.offer.title,
                    r.offer.from,
                    amount(r.bytes),
                    i.added,
                    i.updated,
                    i.unchanged,
                    i.new_attachments,
                    i.known_attachments
                ),
                Received::Material(m) => {
                    println!(
                        "Hentet «{}» fra {} ({}). {} møder med {} punkter; {} nye bilag, {} havde du i forvejen.",
                        r.offer.title,
                        r.offer.from,
                        amount(r.bytes),
                        m.meetings,
                        m.items,
                        m.new_files,
                        m.known_files
                    );
                    if m.already_held > 0 {
                        println!(
                            "{} møder havde du allerede fra dine egne kilder; de er ikke ændret.",
                            m.already_held
                        );
                    }
                    println!(
                        "Teksten til {} bilag kom med; {} er læst her. Materialet er mærket «modtaget fra {}».",
                        m.texts_received, m.texts_read_here, r.offer.from
                    );
                }
            }
        }
    }
    Ok(())
}

/// The case or meeting a bundle holds, as `--case` or `--meeting` names it.
/// A byte count as a member reads it.
fn amount(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b => format!("{} kB", b.div_ceil(1024)),
    }
}

/// The meetings `share offer --material` names: each `--meeting`, and every
/// open meeting of `--body` between `--from` and `--to` when one is given.
fn material_meetings(
    mappe: &Mappe,
    named: &[String],
    body: Option<&str>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> anyhow::Result<Vec<moedemappe_core::model::MeetingId>> {
    let session = mappe.session(Scope::Open);
    let mut ids = named
        .iter()
        .map(|m| session.resolve_meeting(m))
        .collect::<Result<Vec<_>, _>>()?;
    if body.is_some() || from.is_some() || to.is_some() {
        ids.extend(session.meetings(body, from, to)?.into_iter().map(|m| m.id));
    }
    if ids.is_empty() {
        anyhow::bail!("angiv møder med --meeting, eller --body/--from/--to");
    }
    Ok(ids)
}

fn bundle_scope(
    mappe: &Mappe,
    case: Option<String>,
    meeting: Option<String>,
) -> anyhow::Result<BundleScope> {
    let session = mappe.session(Scope::Member);
    Ok(match (case, meeting) {
        (Some(c), _) => BundleScope::Case(session.resolve_case_number(&c)?),
        (None, Some(m)) => BundleScope::Meeting(session.resolve_meeting(&m)?),
        (None, None) => anyhow::bail!("angiv --case eller --meeting"),
    })
}
