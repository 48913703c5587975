#!/usr/bin/env bash
# Ingest benchmark: the whole `moedemappe import` pipeline (hash + copy, text
# extraction in worker processes, SQLite, tantivy) on the demo corpus, beside
# poppler's pdftotext over the same files, on the same machine in the same run.
#
#   bench/ingest.sh [SCALE]        (default 1.0; needs poppler-utils and GNU time)
#
# Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
command -v pdftotext >/dev/null || { echo "pdftotext mangler: apt-get install poppler-utils" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time mangler: apt-get install time" >&2; exit 1; }

cargo build --release --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/moedemappe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. Write the corpus (not timed as ingest).
"$bin" --data-dir "$work/gen" demo --scale "$scale" --no-import | tee "$work/gen.out" >&2
corpus="$work/gen/demo"
files=$(find "$corpus" -name '*.pdf' | wc -l)
bytes=$(du -sb "$corpus" | cut -f1)
input_pages=$(grep -o '[0-9]* sider' "$work/gen.out" | head -1 | cut -d' ' -f1)
# One path per distinct content: the import reads each content once, so
# pdftotext gets the same set for the per-page comparison.
find "$corpus" -name '*.pdf' -print0 | xargs -0 sha256sum | sort -k1,1 -u | cut -c67- >"$work/distinct"
distinct=$(wc -l <"$work/distinct")

# 2. moedemappe import into a fresh data directory.
/usr/bin/time -f '%e %M' -o "$work/time-import" \
    "$bin" --data-dir "$work/data" import "$corpus" >"$work/import.out" 2>"$work/import.err"
read -r import_s import_kb <"$work/time-import"
pages=$("$bin" --data-dir "$work/data" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pages"])')

# 3. pdftotext over the same distinct files, two at a time (both cores, like the import).
/usr/bin/time -f '%e %M' -o "$work/time-pdftotext" \
    sh -c "tr '\\n' '\\0' <'$work/distinct' | xargs -0 -P 2 -I{} pdftotext -q {} /dev/null"
read -r pt_s pt_kb <"$work/time-pdftotext"

python3 - "$scale" "$files" "$bytes" "$input_pages" "$distinct" "$pages" "$import_s" "$import_kb" "$pt_s" "$pt_kb" <<'PY'
import sys
scale, files, size, input_pages, distinct, pages, imp_s, imp_kb, pt_s, pt_kb = sys.argv[1:]
files, size, input_pages, distinct, pages = map(int, (files, size, input_pages, distinct, pages))
imp_s, pt_s = float(imp_s), float(pt_s)
print(f"Demo corpus at scale {scale}: {files} PDF files with {input_pages:,} pages, {size/1e6:.0f} MB; "
      f"{distinct} distinct contents with {pages:,} pages (the rest are the same files in several meetings).\n")
print("| pipeline | wall time | distinct pages/s | input pages/s | peak RSS (largest process) |")
print("|---|---|---|---|---|")
print(f"| `moedemappe import`: hash + copy, pdf-extract in 2 worker processes, SQLite, tantivy | {imp_s:.1f} s | {pages/imp_s:,.0f} | {input_pages/imp_s:,.0f} | {int(imp_kb)/1024:.0f} MiB |")
print(f"| `pdftotext` (poppler) over the distinct files, 2 in parallel, text discarded | {pt_s:.1f} s | {pages/pt_s:,.0f} | – | {int(pt_kb)/1024:.0f} MiB |")
PY
