//! `moedemappe-app`: Mødemappe's desktop window. A thin Tauri shell that
//! shows the same UI, over the same HTTP API, as `moedemappe serve` — but
//! without a TCP port: the window's pages and their `/api/…` calls go through
//! the custom URI scheme `mappe` (see [`protocol`]), answered in-process.
//! There is no domain logic here; everything lives in `moedemappe_core::api`.

// No console window next to the app on Windows (release builds).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alerts;
mod background;
mod protocol;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use moedemappe_core::api::{self, Mappe};
use tauri::{WebviewUrl, WebviewWindowBuilder};

/// The label of the app's one window.
const WINDOW: &str = "main";

fn main() -> ExitCode {
    // Sync and import extract PDFs in worker processes that run this same
    // executable (see `WorkerCommand::current_exe`).
    if api::run_as_worker() {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fejl: {message}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    // Chosen as the `moedemappe` CLI chooses it without `--data-dir`.
    let dir = api::data_dir(None).map_err(|e| e.to_string())?;
    let mappe = Mappe::open(&dir)
        .map_err(|e| format!("kunne ikke åbne datamappen {}: {e}", dir.display()))?;
    for notice in mappe.notices() {
        eprintln!("{notice}");
    }
    // The window is the member at their own computer: every API request
    // through its scheme acts as the member (no token in the page). A
    // closed-scope token older versions made for the UI is revoked.
    moedemappe_http::serve::retire_ui_token(&mappe)
        .map_err(|e| format!("kunne ikke fjerne brugerfladens gamle adgangsnøgle: {e}"))?;
    // One `Mappe` for the whole process, shared without a lock: the window's
    // requests read side by side while syncs on `jobs` (one at a time) and
    // the member's notes write. Sync and bundle imports read PDFs in worker
    // processes running this executable (`run_as_worker` above).
    let mappe = Arc::new(mappe);
    let (jobs, settings) = api::background_sync(mappe.clone())
        .map_err(|e| format!("kunne ikke finde programfilen til PDF-læsning: {e}"))?;
    // `--demo`: the generated demo corpus, written and imported before the
    // window opens (an import of material already there changes nothing).
    if std::env::args_os().any(|a| a == "--demo") {
        eprintln!("Lægger demodata ind i {} …", dir.display());
        mappe
            .member(api::Scope::Member)
            .and_then(|m| m.demo(0.05, &settings, &api::Silent))
            .map_err(|e| format!("demodata kunne ikke lægges ind: {e}"))?;
    }
    // What the syncs from now on find is new to the member (see [`alerts`]).
    let started = chrono::Utc::now();
    background::start(&mappe, jobs.clone());
    // The vault is locked when the computer goes to sleep, while the window is open.
    let _sleep = api::lock_on_sleep(&dir, |line| {
        let _ = writeln!(std::io::stderr(), "{line}");
    })
    .map_err(|e| format!("kunne ikke læse boksen i {}: {e}", dir.display()))?;
    let handler = protocol::Handler::new(mappe.clone(), jobs.clone(), settings);
    tauri::Builder::default()
        // Notifications are sent from Rust only: the page gets no permission.
        .plugin(tauri_plugin_notification::init())
        .register_asynchronous_uri_scheme_protocol(
            protocol::SCHEME,
            move |ctx, request, responder| handler.answer(ctx.app_handle(), request, responder),
        )
        .setup(move |app| {
            WebviewWindowBuilder::new(
                app,
                WINDOW,
                WebviewUrl::CustomProtocol(protocol::start_url()),
            )
            .title(alerts::TITLE)
            .inner_size(1280.0, 860.0)
            .min_inner_size(720.0, 480.0)
            .build()?;
            alerts::start(app.handle().clone(), WINDOW, jobs, started);
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("vinduet kunne ikke startes: {e}"))
}
