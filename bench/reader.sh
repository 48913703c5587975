#!/usr/bin/env bash
# Reader benchmark: opening a 500-page attachment in the Læser (navigation →
# first page's canvas drawn, median and max over RUNS openings) and scrolling
# through it (pages drawn at once, PDF bytes fetched). Needs the release
# binary, the built UI, chromium and tests/browser's playwright-core.
# Usage: bench/reader.sh [RUNS] [PAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-12}"
pages="${2:-500}"
cargo build --release -p moedemappe
bin="${CARGO_TARGET_DIR:-target}/release/moedemappe"
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build >/dev/null)
(cd tests/browser && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
node bench/reader.mjs "$bin" ui/dist "$runs" "$pages"
