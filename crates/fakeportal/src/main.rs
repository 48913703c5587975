//! `fakeportal --corpus DIR [--port N] [--no-faults] [--aarhus-size]`: serves
//! the fake portal until killed and prints its base URL as the first line on
//! stdout.

use clap::Parser;
use fakeportal::{FakePortal, Faults, PortalData};
use std::io::Write;
use std::path::PathBuf;

/// Serves a demo corpus as a fake FirstAgenda Publication portal on 127.0.0.1.
#[derive(Parser)]
#[command(name = "fakeportal")]
struct Args {
    /// The corpus folder (output of `moedemappe demo`).
    #[arg(long)]
    corpus: PathBuf,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve without the typical faults (404 PDF, slow, cut-off JSON, 503 once).
    #[arg(long)]
    no_faults: bool,
    /// Widen the corpus to an Aarhus-size list: 70 bodies, ten years, 5,000+ entries.
    #[arg(long)]
    aarhus_size: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut data = PortalData::from_corpus(&args.corpus)?;
    if args.aarhus_size {
        data.widen_to_aarhus_size();
    }
    let faults = if args.no_faults {
        Faults::none()
    } else {
        Faults::typical(&data)
    };
    let meetings = data.meetings().count();
    let bodies = data.bodies.len();
    let portal = FakePortal::new(data, faults.clone()).serve(args.port)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", portal.base_url())?;
    out.flush()?;
    drop(out);
    eprintln!("fakeportal: {bodies} udvalg, {meetings} mødeudgivelser; fejl: {faults:?}");
    loop {
        std::thread::park();
    }
}
