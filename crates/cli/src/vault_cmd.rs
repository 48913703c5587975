//! `moedemappe passcode set|change`, `lock` and `unlock`: the vault from the
//! command line. Passcodes are read from the terminal without echo, or one
//! per line from standard input when it is not a terminal (scripts, tests).

use anyhow::{bail, Result};
use clap::Subcommand;
use moedemappe_core::api::{Mappe, LOST_PASSCODE, MIN_PASSCODE_CHARS};
use std::io::{BufRead, IsTerminal};
use std::path::Path;

use crate::progress::TermProgress;

/// `moedemappe passcode …`
#[derive(Debug, Subcommand)]
pub enum PasscodeCommand {
    /// Sæt en adgangskode: lukket materiale, noter og nøgler flyttes ind i en krypteret boks.
    Set,
    /// Skift adgangskoden (boksens indhold bliver, som det er).
    Change,
}

/// Reads passcodes: from the terminal without echo, else a line at a time.
pub(crate) struct Passcodes {
    tty: bool,
    lines: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Passcodes {
    pub(crate) fn new() -> Self {
        Passcodes {
            tty: std::io::stdin().is_terminal(),
            lines: std::io::stdin().lock().lines(),
        }
    }

    pub(crate) fn read(&mut self, prompt: &str) -> Result<String> {
        if self.tty {
            return Ok(rpassword::prompt_password(prompt)?);
        }
        match self.lines.next() {
            Some(line) => Ok(line?.trim_end_matches(['\r', '\n']).to_string()),
            None => bail!("ingen adgangskode på standard input"),
        }
    }

    /// A new passcode, typed twice on a terminal.
    pub(crate) fn new_passcode(&mut self, prompt: &str) -> Result<String> {
        let first = self.read(prompt)?;
        if self.tty && self.read("Gentag den: ")? != first {
            bail!("de to adgangskoder var ikke ens; intet er ændret");
        }
        Ok(first)
    }
}

/// Runs `passcode set|change`.
pub fn passcode(dir: &Path, cmd: PasscodeCommand) -> Result<()> {
    let mut input = Passcodes::new();
    match cmd {
        PasscodeCommand::Set => {
            if !Mappe::has_vault(dir)? {
                eprintln!("{LOST_PASSCODE}");
                eprintln!("Adgangskoden skal have mindst {MIN_PASSCODE_CHARS} tegn.");
            }
            let passcode = input.new_passcode("Ny adgangskode: ")?;
            let unlocked = Mappe::set_passcode(dir, &passcode, &TermProgress::new())?;
            println!("Datamappen er flyttet ind i boksen.");
            if unlocked {
                println!("Boksen er låst op; lås den med `moedemappe lock`.");
            } else {
                println!(
                    "Boksen er låst (nøglen kan ikke huskes her); lås op med `moedemappe unlock`."
                );
            }
        }
        PasscodeCommand::Change => {
            let old = input.read("Nuværende adgangskode: ")?;
            let new = input.new_passcode("Ny adgangskode: ")?;
            Mappe::change_passcode(dir, &old, &new)?;
            println!("Adgangskoden er skiftet.");
        }
    }
    Ok(())
}

/// Runs `unlock`.
pub fn unlock(dir: &Path) -> Result<()> {
    let passcode = Passcodes::new().read("Adgangskode: ")?;
    Mappe::unlock(dir, &passcode)?;
    println!(
        "Boksen er låst op, indtil du låser den (`moedemappe lock`), logger ud eller slukker."
    );
    Ok(())
}

/// Runs `lock`.
pub fn lock(dir: &Path) -> Result<()> {
    if Mappe::lock(dir)? {
        println!("Boksen er låst. Åbent materiale kan stadig læses og søges i.");
    } else {
        println!("Boksen var allerede låst.");
    }
    Ok(())
}
