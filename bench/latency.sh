#!/usr/bin/env bash
# Search and retrieval latency on a real data directory: the demo corpus at
# scale 1.0 (default) is written and imported, then every test-set query is
# run as a results page (10 groups, snippets, facets) and as a retrieval of 5
# passages. Usage: bench/latency.sh [SCALE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
runs="${2:-5}"
cargo build --release -p moedemappe
bin="${CARGO_TARGET_DIR:-target}/release/moedemappe"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
"$bin" --data-dir "$data" demo --scale "$scale" >/dev/null
"$bin" --data-dir "$data" latency --runs "$runs"
