#!/usr/bin/env bash
# Sync benchmark: `moedemappe sync` from an empty data directory against the
# fake FirstAgenda portal (crates/fakeportal) serving the demo corpus on
# 127.0.0.1, then a second sync with nothing new (requests and seconds).
#
#   bench/sync.sh [SCALE] [aarhus]   (default 1.0; needs GNU time and curl)
#
# With `aarhus` the portal is widened to Aarhus' size (70 bodies, ten years,
# 5,000+ entries; `fakeportal --aarhus-size`) and the source keeps its default
# scope, so the first sync fetches the current election period and the year
# before only. FILES=all keeps every PDF file on disk (default: followed, and
# the benchmark follows no body, so only text is kept).
#
# Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
size_flag=""
[ "${2:-}" = "aarhus" ] && size_flag="--aarhus-size"
[ -x /usr/bin/time ] || { echo "GNU time mangler: apt-get install time" >&2; exit 1; }

cargo build --release --locked -p moedemappe -p fakeportal >&2
target="${CARGO_TARGET_DIR:-$PWD/target}/release"
work="$(mktemp -d)"
portal_pid=""
cleanup() { [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$target/moedemappe" --data-dir "$work/gen" demo --scale "$scale" --no-import >&2
"$target/fakeportal" --corpus "$work/gen/demo" --no-faults $size_flag >"$work/portal.url" 2>"$work/portal.err" &
portal_pid=$!
for _ in $(seq 100); do [ -s "$work/portal.url" ] && break; sleep 0.1; done
url=$(head -1 "$work/portal.url")
counters() { curl -s "$url/__fakeportal/counters"; }

"$target/moedemappe" --data-dir "$work/data" source add portal "$url" --name Bench \
  --files "${FILES:-followed}" >&2
before=$(counters)
/usr/bin/time -f '%e %M' -o "$work/t1" "$target/moedemappe" --data-dir "$work/data" sync >"$work/s1" 2>&2
after1=$(counters)
/usr/bin/time -f '%e %M' -o "$work/t2" "$target/moedemappe" --data-dir "$work/data" sync >"$work/s2" 2>&2
after2=$(counters)
status=$("$target/moedemappe" --data-dir "$work/data" status --json)
disk=$(du -sb "$work/data" | cut -f1)
files=$(du -sb "$work/data/files" | cut -f1)

python3 - "$scale" "$work/t1" "$work/t2" "$before" "$after1" "$after2" "$status" "$disk" "$files" <<'PY'
import json, sys
scale, t1, t2, before, after1, after2, status, disk, files = sys.argv[1:]
s1, kb1 = open(t1).read().split()
s2, kb2 = open(t2).read().split()
b, a1, a2, st = map(json.loads, (before, after1, after2, status))
def reqs(x, y):
    keys = ["front", "list", "agenda", "pdf_redirect", "pdf_file", "case_pdf", "unauthorized"]
    return {k: y[k] - x[k] for k in keys}, y["bytes"] - x["bytes"]
r1, by1 = reqs(b, a1)
r2, by2 = reqs(a1, a2)
s1, s2 = float(s1), float(s2)
scope = (st["sources"][0].get("scope") or {}).get("counts")
listed = f" The portal lists {scope['listed']:,} meeting entries; {scope['in_scope']:,} are in the default scope (from {scope['first_day']})." if scope else ""
print(f"Demo corpus at scale {scale} served by `fakeportal --no-faults`: "
      f"{st['meetings']} meetings, {st['items']} items, {st['attachments']} distinct files, {st['pages']:,} pages stored, "
      f"{int(disk)/1e6:.0f} MB on disk ({int(files)/1e6:.0f} MB of it files, `--files {st['sources'][0].get('scope', {}).get('files', '-')}`).{listed}\n")
print("| sync | wall time | requests (front / list / agenda / PDF redirect / PDF / case PDF) | bytes served | pages/s | peak RSS |")
print("|---|---|---|---|---|---|")
def row(name, s, r, by, kb, pages):
    total = sum(r.values())
    parts = " / ".join(str(r[k]) for k in ["front", "list", "agenda", "pdf_redirect", "pdf_file", "case_pdf"])
    rate = f"{pages/s:,.0f}" if pages else "–"
    print(f"| {name} | {s:.1f} s | {total} ({parts}) | {by/1e6:.1f} MB | {rate} | {int(kb)/1024:.0f} MiB |")
row("first (empty data directory)", s1, r1, by1, kb1, st["pages"])
row("second (nothing new)", s2, r2, by2, kb2, 0)
PY
