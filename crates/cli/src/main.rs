//! The `moedemappe` binary: glue between the command line and
//! `moedemappe_core::api`. Parsing, printing and exit codes live here; every
//! piece of behaviour lives in the core crate.

mod alerts_cmd;
mod cli;
mod mcp;
mod notes_cmd;
mod ocr_cmd;
mod output;
mod progress;
mod stats_cmd;
mod vault_cmd;

/// The HTTP server lives in the library, so the desktop shell can use it too.
use moedemappe_http::serve;

use clap::Parser;
use std::process::ExitCode;

/// The exit status of a program a closed pipe stopped (128 + SIGPIPE).
const PIPE_CLOSED: i32 = 141;

/// `moedemappe search … | head` closes our output early. Rust ignores
/// SIGPIPE, so the next `println!` panics; stop quietly instead, with the
/// status the shell expects of a program the pipe stopped.
fn stop_quietly_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("os error 32") {
            std::process::exit(PIPE_CLOSED);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    if moedemappe_core::api::run_as_worker() {
        return ExitCode::SUCCESS;
    }
    stop_quietly_on_a_closed_pipe();
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
