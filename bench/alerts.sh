#!/usr/bin/env bash
# Saved-search benchmark: the demo corpus at SCALE (default 1.0) is written
# and imported; then 50 saved searches (the relevance test set's queries,
# cycled) are saved and 20 new meetings are imported: copies of the demo's
# 20 newest meeting folders, three years later, each PDF a new content (a
# comment appended after %%EOF, so its text is read and indexed anew). The
# binary's hidden `alerts-bench` reports how long the evaluation of the 50
# searches took after that import, beside one plain search (a results page).
#
#   bench/alerts.sh [SCALE] [SEARCHES]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
searches="${2:-50}"
cargo build --release --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/moedemappe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" --data-dir "$work/data" demo --scale "$scale" >/dev/null 2>&1
python3 - "$work/data/demo" "$work/new" <<'PY'
import datetime, os, shutil, sys
src, dst = sys.argv[1:]
days = []
for body in os.listdir(src):
    for day in os.listdir(os.path.join(src, body)):
        try:
            d = datetime.date.fromisoformat(day)
        except ValueError:
            continue
        days.append((d, body))
days.sort(reverse=True)
for d, body in days[:20]:
    later = d.replace(year=d.year + 3) if not (d.month == 2 and d.day == 29) else d + datetime.timedelta(days=3 * 365)
    target = os.path.join(dst, body, later.isoformat())
    shutil.copytree(os.path.join(src, body, d.isoformat()), target)
    for root, _, files in os.walk(target):
        for f in files:
            if f.lower().endswith(".pdf"):
                with open(os.path.join(root, f), "ab") as out:
                    out.write(b"\n% ny udgave\n")
PY
"$bin" --data-dir "$work/data" alerts-bench --searches "$searches" "$work/new"
