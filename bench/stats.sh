#!/usr/bin/env bash
# Statistics benchmark: `moedemappe stats` over the whole demo corpus at
# scale 1.0 (the 2023–2024 workload table), as a user runs it: process start,
# opening the data directory, the GROUP BY queries and printing.
#
#   bench/stats.sh [SCALE] [RUNS]     (defaults 1.0 and 20)
#
# Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
runs="${2:-20}"

cargo build --release --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/moedemappe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. Build the corpus (demo + import; not timed here, see the ingest benchmark).
"$bin" --data-dir "$work/data" demo --scale "$scale" >&2

# 2. Time each form of the command, one warm-up run, then $runs timed runs.
python3 - "$bin" "$work/data" "$runs" "$scale" <<'PY'
import json, statistics, subprocess, sys, time
binary, data, runs, scale = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
span = ["--from", "2023-01-01", "--to", "2024-12-31"]
cases = [
    ("`stats --by year --format json` (all bodies)", span + ["--by", "year", "--format", "json"]),
    ("`stats --by month --format csv` (all bodies)", span + ["--by", "month", "--format", "csv"]),
    ("`stats --by year` (table)", span + ["--by", "year"]),
    ("`stats --body TU --explain --format json` (TU, 2 years)", span + ["--body", "TU", "--explain", "--format", "json"]),
]
status = json.loads(subprocess.run([binary, "--data-dir", data, "status", "--json"],
                                   check=True, capture_output=True, text=True).stdout)
print(f"Demo corpus at scale {scale}: {status['meetings']} meetings, {status['items']} items, "
      f"{status['attachments']} distinct files with {status['pages']:,} pages.\n")
print("| command | rows / bytes out | median | p90 | max |")
print("|---|---|---|---|---|")
for name, args in cases:
    cmd = [binary, "--data-dir", data, "stats"] + args
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    lines = out.count(b"\n")
    print(f"| {name} | {lines} lines / {len(out):,} B | {statistics.median(times):.0f} ms | {p90:.0f} ms | {times[-1]:.0f} ms |")
PY
