//! The `moedemappe` binary: glue between the command line and
//! `moedemappe_core::api`. Parsing, printing and exit codes live here; every
//! piece of behaviour lives in the core crate.

mod cli;
mod mcp;
mod notes_cmd;
mod output;
mod progress;
mod stats_cmd;

/// The HTTP server lives in the library, so the desktop shell can use it too.
use moedemappe_http::serve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    if moedemappe_core::api::run_as_worker() {
        return ExitCode::SUCCESS;
    }
    let args = match cli::Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fejl: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}
