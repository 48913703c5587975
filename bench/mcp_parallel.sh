#!/usr/bin/env bash
# Whether `moedemappe mcp` answers tool calls side by side: the demo corpus at
# SCALE (default 1.0) is written and imported, then bench/mcp_parallel.py (the
# official MCP Python SDK over stdio) times one `retrieve_passages` call and
# two sent together, ROUNDS times (default 40).
#
#   bench/mcp_parallel.sh [SCALE] [ROUNDS]
#
# Needs python3 with the package mcp (python3 -m pip install mcp==2.3.0).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
rounds="${2:-40}"
cargo build --release --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/moedemappe"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
"$bin" --data-dir "$data" demo --scale "$scale" >/dev/null
python3 bench/mcp_parallel.py "$bin" "$data" "$rounds"
