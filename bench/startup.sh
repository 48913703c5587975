#!/usr/bin/env bash
# Start-up benchmark (BENCHMARKS.md, "Packages"): program start to the UI's
# first paint, for `moedemappe serve` in chromium and for the desktop window
# under Xvfb, on the demo corpus. Uses the binaries packaging/build.sh made
# (target/dist/release), else builds them the same way.
# Usage: bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
dir="${DIST_DIR:-target/dist/release}"
[ -x "$dir/moedemappe" ] && [ -x "$dir/moedemappe-app" ] || BUNDLES=deb bash packaging/build.sh
(cd tests/browser && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
work="$(mktemp -d)"
trap 'kill "${xvfb:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$dir/moedemappe" --data-dir "$work/data" demo >/dev/null
Xvfb :97 -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
DISPLAY=:97 node bench/startup.mjs "$(realpath "$dir/moedemappe")" "$(realpath "$dir/moedemappe-app")" "$work/data" "$runs"
