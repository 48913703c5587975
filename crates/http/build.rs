//! Builds the web UI (`ui/dist`) when it is missing or older than its
//! sources, so the binary embeds a current UI (see `src/ui.rs`) and a fresh
//! clone needs no separate `npm run build`. Needs node and npm; without them
//! the build stops and names the packages to install.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// What the UI is built from, relative to `ui/`.
const INPUTS: &[&str] = &[
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "svelte.config.js",
    "tsconfig.json",
];

fn main() {
    let ui = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("../../ui");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", ui.join(input).display());
    }
    let built = modified(&ui.join("dist/index.html"));
    let sources = INPUTS.iter().filter_map(|i| newest(&ui.join(i))).max();
    if built.is_some_and(|b| sources.is_none_or(|s| s <= b)) {
        return;
    }
    if !ui.join("node_modules").is_dir() {
        npm(&ui, &["ci", "--no-audit", "--no-fund"]);
    }
    npm(&ui, &["run", "build"]);
}

/// Runs npm in `dir`, or stops the build with what to do.
fn npm(dir: &Path, args: &[&str]) {
    let program = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(program).args(args).current_dir(dir).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => fail(&format!(
            "`npm {}` i {} mislykkedes ({s}); se npm's besked ovenfor.",
            args.join(" "),
            dir.display()
        )),
        Err(e) => fail(&format!(
            "brugerfladen (ui/) skal bygges, men npm kunne ikke startes ({e}). \
             Installér Node.js og npm (Debian/Ubuntu: `apt install nodejs npm`; \
             Windows/macOS: https://nodejs.org), og byg igen."
        )),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("fejl: {message}");
    std::process::exit(1);
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of `path` or anything under it.
fn newest(path: &Path) -> Option<SystemTime> {
    let here = modified(path);
    let below = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max();
    here.max(below)
}
