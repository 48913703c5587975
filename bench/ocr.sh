#!/usr/bin/env bash
# OCR benchmark (issue 16). Scanned PDFs of our own (`moedemappe scan-pdf`:
# Danish text with æ, ø, å drawn by poppler with a Debian font at 200 DPI,
# wrapped as images with no text layer; optionally worn: grey paper and
# specks) are imported and read by `moedemappe ocr` with its 2 workers.
# Measures OCR pages per second, the time from the start of the import until
# a search finds a word of a 200-page scan, and word recall of the OCR text
# against the source text, clean and worn.
#
#   bench/ocr.sh [PAGES] [RECALL_PAGES]   (defaults 200 and 20; needs tesseract-ocr,
#                                          tesseract-ocr-dan, tesseract-ocr-eng,
#                                          poppler-utils, python3)
#
# Uses the debug build the tests use (dependencies are optimised; the time
# goes to pdftoppm and tesseract, Debian's release builds). Prints Markdown
# for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-200}"
recall_pages="${2:-20}"
for tool in tesseract pdftoppm python3 bc; do
  command -v "$tool" >/dev/null || { echo "$tool mangler (apt-get install tesseract-ocr tesseract-ocr-dan poppler-utils python3)" >&2; exit 1; }
done
cargo build --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/moedemappe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

# Word recall and confidence of one data directory against its source text.
measure() { # data source.json label seconds
  python3 - "$1/moedemappe.sqlite" "$2" "$3" "$4" <<'PY'
import json, sqlite3, sys, statistics, re
db, source, label, seconds = sys.argv[1:]
src = json.load(open(source))
con = sqlite3.connect(db)
texts = dict(con.execute("SELECT page, text FROM pages WHERE attachment_id = 1"))
conf = [r[0] for r in con.execute("SELECT confidence FROM ocr_pages WHERE state = 'done' AND confidence IS NOT NULL")]
failed = con.execute("SELECT count(*) FROM ocr_pages WHERE state = 'failed'").fetchone()[0]
def words(t):
    return [w for w in (re.sub(r"[^\w]", "", x).lower() for x in t.split()) if w]
found = total = 0
per_page = []
for i, lines in enumerate(src, 1):
    have = {}
    for w in words(texts.get(i, "")):
        have[w] = have.get(w, 0) + 1
    f = 0
    ws = words("\n".join(lines))
    for w in ws:
        if have.get(w, 0) > 0:
            have[w] -= 1
            f += 1
    found += f; total += len(ws); per_page.append(f / len(ws))
s = float(seconds)
print(f"| {label} | {len(src)} | {s:.0f} s | {len(src)/s:.2f} | {found/total:.3f} ({found:,}/{total:,}) "
      f"| {statistics.median(per_page):.3f} / {min(per_page):.3f} | {statistics.mean(conf):.1f} | {failed} |")
PY
}

# 1. A 200-page scan: import (the text pages would be searchable at its end;
#    this scan has none), then OCR while a search is tried every 0.2 s.
mkdir -p "$work/big/Indscannede breve"
"$bin" scan-pdf --pages "$pages" --seed 16 -o "$work/big/Indscannede breve/Indscannet høringssvar.pdf" \
  --text "$work/big.json" >&2
size=$(du -b "$work/big/Indscannede breve/Indscannet høringssvar.pdf" | cut -f1)
data="$work/data-big"
t0=$(now)
"$bin" --data-dir "$data" import "$work/big" --no-ocr >"$work/import.out" 2>&1
t_import=$(now)
"$bin" --data-dir "$data" ocr >"$work/ocr.out" 2>"$work/ocr.err" &
ocr_pid=$!
t_first=""
while kill -0 "$ocr_pid" 2>/dev/null; do
  if "$bin" --data-dir "$data" search grundejerforeningen --json 2>/dev/null | grep -q '"ocr":true'; then
    t_first=$(now)
    break
  fi
  sleep 0.2
done
wait "$ocr_pid"
t_done=$(now)
[ -n "$t_first" ] || t_first=$t_done
cat "$work/ocr.out" >&2
big_row=$(measure "$data" "$work/big.json" "clean, 200 DPI (the ${pages}-page scan)" "$(echo "$t_done - $t_import" | bc -l)")

# 2. Worn copies: grey paper and specks on 0.4 % and 1 % of the pixels.
rows=()
for noise in 4 10; do
  dir="$work/worn$noise/Indscannede breve"
  mkdir -p "$dir"
  "$bin" scan-pdf --pages "$recall_pages" --seed "$noise" --noise "$noise" -o "$dir/Slidt kopi.pdf" \
    --text "$work/worn$noise.json" >&2
  "$bin" --data-dir "$work/data-worn$noise" import "$work/worn$noise" --no-ocr >/dev/null 2>&1
  t=$(now)
  "$bin" --data-dir "$work/data-worn$noise" ocr >/dev/null 2>&1
  rows+=("$(measure "$work/data-worn$noise" "$work/worn$noise.json" "worn: specks on $(awk "BEGIN { print $noise / 10 }") % of the pixels" "$(echo "$(now) - $t" | bc -l)")")
done

python3 - "$pages" "$size" "$t0" "$t_import" "$t_first" "$t_done" <<'PY'
import sys
pages, size, t0, t_import, t_first, t_done = sys.argv[1:]
pages, size = int(pages), int(size)
t0, t_import, t_first, t_done = map(float, (t0, t_import, t_first, t_done))
print(f"A {pages}-page scan (`moedemappe scan-pdf`, 200 DPI grey, {size/1e6:.0f} MB, no text layer), "
      f"imported with `--no-ocr`, then `moedemappe ocr` (2 workers, pages drawn at 300 DPI, "
      f"`tesseract -l dan+eng`) while `moedemappe search grundejerforeningen` ran every 0.2 s:\n")
print("| from the start of the import | s |")
print("|---|---|")
print(f"| import done (copy, text layer read: none) | {t_import - t0:.1f} |")
print(f"| first search hit on an OCR'd page | {t_first - t0:.1f} |")
print(f"| every page read and searchable | {t_done - t0:.0f} |")
print()
print("| scanned set | pages | OCR time | pages/s (2 workers) | word recall (found/source words) | per page: median / worst | mean confidence | failed |")
print("|---|---|---|---|---|---|---|---|")
PY
echo "$big_row"
for r in "${rows[@]}"; do echo "$r"; done
