//! `moedemappe passcode set|change|forget`, `lock` and `unlock [--remember]`:
//! the vault from the command line. Passcodes are read from the terminal
//! without echo, or one per line from standard input when it is not a
//! terminal (scripts, tests).

use anyhow::{bail, Result};
use clap::Subcommand;
use moedemappe_core::api::{FromKeychain, Mappe, LOST_PASSCODE, MIN_PASSCODE_CHARS};
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
    /// Glem nøglen på denne computer (fra `unlock --remember`): næste `unlock` spørger efter adgangskoden igen.
    Forget,
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
            if Mappe::is_remembered(dir) {
                println!("Denne computer husker stadig boksens nøgle (den er den samme); glem den med `moedemappe passcode forget`.");
            }
        }
        PasscodeCommand::Forget => {
            if Mappe::forget_remembered(dir)? {
                println!("Denne computer husker ikke længere boksens nøgle; næste `moedemappe unlock` spørger efter adgangskoden.");
            } else {
                println!("Denne computer huskede ikke boksens nøgle.");
            }
        }
    }
    Ok(())
}

/// Runs `unlock`: with `remember` the passcode is asked and the key kept in
/// this computer's keychain; without, a key the keychain remembers is tried
/// first, then the passcode.
pub fn unlock(dir: &Path, remember: bool) -> Result<()> {
    const UNTIL: &str =
        "Boksen er låst op, indtil du låser den (`moedemappe lock`), logger ud eller slukker.";
    if remember {
        let passcode = Passcodes::new().read("Adgangskode: ")?;
        Mappe::unlock_and_remember(dir, &passcode)?;
        println!("{UNTIL}");
        println!("Denne computer husker nøglen i sin nøglering: næste `moedemappe unlock` spørger ikke efter adgangskoden. Glem den med `moedemappe passcode forget`.");
        return Ok(());
    }
    match Mappe::unlock_remembered(dir) {
        Ok(FromKeychain::Unlocked) => {
            println!("{UNTIL}");
            println!("(Låst op med nøglen, denne computer husker.)");
            return Ok(());
        }
        Ok(FromKeychain::NotRemembered) => {}
        Ok(FromKeychain::Removed) => eprintln!(
            "Nøglen, denne computer huskede, passer ikke til boksen og er glemt; skriv adgangskoden."
        ),
        Err(e @ moedemappe_core::Error::Keychain(_)) => eprintln!("{e}; skriv adgangskoden."),
        Err(e) => return Err(e.into()),
    }
    let passcode = Passcodes::new().read("Adgangskode: ")?;
    Mappe::unlock(dir, &passcode)?;
    println!("{UNTIL}");
    Ok(())
}

/// Runs `lock`.
pub fn lock(dir: &Path) -> Result<()> {
    if Mappe::lock(dir)? {
        println!("Boksen er låst. Åbent materiale kan stadig læses og søges i.");
        if Mappe::is_remembered(dir) {
            println!("Denne computer husker stadig nøglen (`moedemappe unlock` låser op uden adgangskode); glem den med `moedemappe passcode forget`.");
        }
    } else {
        println!("Boksen var allerede låst.");
    }
    Ok(())
}
