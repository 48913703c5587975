//! The notes, reading and sharing subcommands (`me`, `note`, `read`,
//! `progress`, `share`) and their printing; all behaviour is in `core::api`.

use crate::progress::TermProgress;
use anyhow::Result;
use clap::Subcommand;
use moedemappe_core::api::{
    BundleScope, ClosedPolicy, Mappe, NewNote, NoteEdit, NoteFormat, NoteScope, NoteView,
    NoteVisibility, Scope,
};
use moedemappe_core::model::{AttachmentId, ItemId};
use std::path::PathBuf;

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
            let scope = match (case, meeting) {
                (Some(c), _) => {
                    BundleScope::Case(mappe.session(Scope::Member).resolve_case_number(&c)?)
                }
                (None, Some(m)) => {
                    BundleScope::Meeting(mappe.session(Scope::Member).resolve_meeting(&m)?)
                }
                (None, None) => anyhow::bail!("angiv --case eller --meeting"),
            };
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
    }
    Ok(())
}
