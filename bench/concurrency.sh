#!/usr/bin/env bash
# Concurrency benchmark of `moedemappe serve`: the demo corpus at SCALE
# (default 1.0) is written and imported, the server started on a free port of
# 127.0.0.1, and `oha` sends search and retrieve requests with 1, 2, 4 and 16
# clients for SECONDS each (default 10). Then search latency with 2 clients
# idle, while a portal sync runs (fakeportal, started through the API), and
# while bundles are imported through the API.
#
#   bench/concurrency.sh [SCALE] [SECONDS]
#
# Needs oha (`cargo install oha --locked`), curl and python3.
# Prints Markdown tables for BENCHMARKS.md.
#
# Access as a client has it: a closed-scope API token made with
# `moedemappe token create` (sent as `Authorization: Bearer …`) for the load;
# the member's session cookie (a `moedemappe login-link` code redeemed with
# curl) for adding the source, starting the sync and importing bundles.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
secs="${2:-10}"
peer_scale=0.2
for tool in oha curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool mangler" >&2; exit 1; }
done

cargo build --release --locked -p moedemappe -p fakeportal >&2
target="${CARGO_TARGET_DIR:-$PWD/target}/release"
bin="$target/moedemappe"
work="$(mktemp -d)"
data="$work/data"
jar="$work/cookies"
server_pid="" portal_pid="" loop_pid=""
cleanup() {
    for pid in $loop_pid $server_pid $portal_pid; do kill "$pid" 2>/dev/null || true; done
    for pid in $loop_pid $server_pid $portal_pid; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Queries from the relevance test set (assets/relevance/queries.tsv), each
# request picks one of them.
queries=("arbejdsbelastning" "ældrepleje plejehjem" "TU lokalplan" "cykelstier trafiksikkerhed" "budgetopfølgning 2024")

# 1. The served data: the demo at SCALE, and a token for the load.
echo "Demo i skala $scale …" >&2
"$bin" --data-dir "$data" demo --scale "$scale" >"$work/demo.log" 2>&1
token=$("$bin" --data-dir "$data" token create --scope closed --label concurrency-bench 2>/dev/null)

# Another member's sharing bundles (for part 2b): a smaller demo in its own
# data directory (different files), one shared note on each page retrieve
# finds for the test-set queries, one bundle per case.
echo "Delingspakker fra et andet medlem (demo i skala $peer_scale) …" >&2
peer="$work/peer"
mkdir -p "$work/bundles"
"$bin" --data-dir "$peer" demo --scale "$peer_scale" >"$work/peer.log" 2>&1
grep -v '^#' assets/relevance/queries.tsv | cut -f2 >"$work/queries"
read -r peer_notes bundles < <(python3 - "$bin" "$peer" "$work/bundles" "$work/queries" <<'PY'
import json, os, subprocess, sys
bin_, peer, out, queries = sys.argv[1:]
def mm(*a, check=True):
    return subprocess.run([bin_, "--data-dir", peer, *a], capture_output=True, text=True, check=check)
mm("me", "--name", "Bench Kollega")
seen, cases = set(), set()
for q in open(queries, encoding="utf-8").read().splitlines():
    for line in mm("retrieve", q, "--k", "40", "--json").stdout.splitlines():
        p = json.loads(line)
        kind, _item, attachment, page = (p["id"].split("#")[0].split(":") + [""] * 4)[:4]
        if kind != "page" or attachment in seen:
            continue
        # Four words of one line of the page's text: the note's quote.
        quote = next((" ".join(l.split()[:4]) for l in p["text"].splitlines()
                      if " | " not in l and len(l.split()) >= 4), None)
        if not quote:
            continue
        r = mm("note", "add", "--attachment", attachment, "--page", page, "--quote", quote,
               "--body", f"Se også «{q}»", "--shared", "--json", check=False)
        if r.returncode == 0:
            seen.add(attachment)
            case = json.loads(r.stdout).get("case_number")
            if case:
                cases.add(case)
n = 0
for c in sorted(cases):
    path = os.path.join(out, f"bundle-{n:03}.zip")
    if mm("share", "export", "--case", c, "-o", path, check=False).returncode == 0:
        n += 1
print(len(seen), n)
PY
)

# 2. The server, on a free port.
"$bin" --data-dir "$data" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 200); do grep -q 'kører på' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
base=$(head -1 "$data/serve-address")
base="${base%/}"
auth="Authorization: Bearer $token"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$base/api/status")" = 200 ] \
    || { echo "serveren svarer ikke: $(cat "$work/serve.err")" >&2; exit 1; }

# The member's session: a fresh one-time login link, redeemed with curl.
link=$("$bin" --data-dir "$data" login-link | sed -n 's/^[^:]*: //p')
curl -s -c "$jar" -o /dev/null "$link"
grep -q moedemappe_session "$jar" || { echo "login mislykkedes" >&2; exit 1; }

python3 - "$base" "$work" "${queries[@]}" <<'PY'
import sys, urllib.parse
base, work, *queries = sys.argv[1:]
q = lambda s: urllib.parse.quote(s, safe="")
with open(f"{work}/search.urls", "w") as f:
    for s in queries:
        f.write(f"{base}/api/search?q={q(s)}&sort=relevance&group=true&limit=20\n")
with open(f"{work}/retrieve.urls", "w") as f:
    for s in queries:
        f.write(f"{base}/api/retrieve?q={q(s)}&k=5\n")
PY
# Warm up: each URL once.
cat "$work/search.urls" "$work/retrieve.urls" | while read -r url; do
    curl -s -o /dev/null -H "$auth" "$url"
done

clk=$(getconf CLK_TCK)
# utime + stime of the server process (all its threads), in clock ticks.
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"; }
# Busy clock ticks of the whole machine (all but idle and iowait).
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# run NAME URLS CLIENTS: oha for SECONDS; its JSON in NAME.json, the CPU use
# (cores) of the server and of the whole machine in NAME.cpu.
run() {
    local name=$1 urls=$2 c=$3 t0 t1 b0 b1 w0 w1
    t0=$(ticks); b0=$(busy); w0=$(date +%s.%N)
    oha --no-tui -z "${secs}s" -c "$c" -w --worker-threads 1 --output-format json \
        -H "$auth" --urls-from-file "$urls" -o "$work/$name.json"
    t1=$(ticks); b1=$(busy); w1=$(date +%s.%N)
    python3 -c "w = $w1 - $w0; print(($t1 - $t0) / $clk / w, ($b1 - $b0) / $clk / w)" >"$work/$name.cpu"
}

# row NAME IDLE FIRST-COLUMNS…: a table row from NAME's results; unless IDLE
# is "-", with NAME's p99 over the p99 of the run IDLE.
row() {
    python3 - "$work" "$@" <<'PY'
import json, sys
work, name, idle, *cols = sys.argv[1:]
idle = None if idle == "-" else idle
def load(n):
    d = json.load(open(f"{work}/{n}.json"))
    s = d["summary"]; p = d["latencyPercentiles"]
    bad = sum(v for k, v in d["statusCodeDistribution"].items() if k != "200")
    bad += sum(d["errorDistribution"].values())
    return s["requestsPerSec"], p["p50"] * 1000, p["p99"] * 1000, bad
rps, p50, p99, bad = load(name)
cpu, machine = map(float, open(f"{work}/{name}.cpu").read().split())
cells = cols + [f"{rps:,.1f}", f"{p50:.1f}", f"{p99:.1f}", str(bad), f"{cpu:.2f}", f"{machine:.2f}"]
if idle:
    cells.append(f"{p99 / load(idle)[2]:.2f}×")
print("| " + " | ".join(cells) + " |")
PY
}

"$bin" --data-dir "$data" status --json >"$work/status.json"
python3 - "$work/status.json" "$scale" "$secs" "${#queries[@]}" <<'PY'
import json, sys
path, scale, secs, n = sys.argv[1:]
s = json.load(open(path))
print(f"Demo corpus at scale {scale}: {s['meetings']} meetings, {s['items']} items, "
      f"{s['pages']:,} pages, {s['index_documents']:,} index documents. "
      f"`oha -z {secs}s -w --worker-threads 1`, closed-scope bearer token, "
      f"each request one of {n} test-set queries. "
      f"Load average at the start: {open('/proc/loadavg').read().split()[0]}.")
print()
PY

# Part 1: throughput by clients.
echo "| endpoint | clients | requests/s | p50 ms | p99 ms | errors / non-200 | server CPU (cores) | machine busy (cores of $(nproc)) |"
echo "|---|---|---|---|---|---|---|---|"
for endpoint in search retrieve; do
    for c in 1 2 4 16; do
        run "$endpoint-$c" "$work/$endpoint.urls" "$c"
        row "$endpoint-$c" - "$endpoint" "$c"
    done
done
echo
for endpoint in search retrieve; do
    python3 -c '
import json, sys
r = lambda c: json.load(open(f"{sys.argv[1]}/{sys.argv[2]}-{c}.json"))["summary"]["requestsPerSec"]
print(f"{sys.argv[2]}: throughput at 4 clients / 1 client = {r(4) / r(1):.2f}×")
' "$work" "$endpoint"
done
echo

# Part 2: search latency while writing (2 clients).
echo "| search, 2 clients | requests/s | p50 ms | p99 ms | errors / non-200 | server CPU (cores) | machine busy (cores of $(nproc)) | p99 / idle p99 |"
echo "|---|---|---|---|---|---|---|---|"
run idle "$work/search.urls" 2
row idle idle "idle"

# (a) A portal sync started through the API (POST /api/sync, member session):
# fakeportal serves the served data directory's own demo corpus.
"$target/fakeportal" --corpus "$data/demo" --no-faults >"$work/portal.url" 2>"$work/portal.err" &
portal_pid=$!
for _ in $(seq 200); do [ -s "$work/portal.url" ] && break; sleep 0.1; done
portal=$(head -1 "$work/portal.url")
curl -s -f -b "$jar" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"kind\":\"portal\",\"location\":\"$portal\",\"name\":\"Bench\"}" "$base/api/sources"
sync_start=$(date +%s.%N)
curl -s -f -b "$jar" -o /dev/null -X POST "$base/api/sync"
run sync "$work/search.urls" 2
curl -s -b "$jar" "$base/api/sync" >"$work/sync-during.json"
for _ in $(seq 3600); do
    curl -s -b "$jar" "$base/api/sync" >"$work/sync-after.json"
    grep -q '"running":false' "$work/sync-after.json" && break
    sleep 0.5
done
sync_end=$(date +%s.%N)
row sync idle "during a portal sync"
kill "$portal_pid" 2>/dev/null || true; wait "$portal_pid" 2>/dev/null || true; portal_pid=""

# The sync added material: a new idle baseline for the imports.
run idle2 "$work/search.urls" 2
row idle2 idle2 "idle, after the sync"

# (b) Bundle imports through the API (POST /api/share/import, member
# session), one after another for the whole run: each bundle once with new
# notes and files, then again (unchanged) until the run ends.
import_loop() {
    while :; do
        for b in "$work"/bundles/*.zip; do
            [ -e "$work/stop" ] && return 0
            curl -s -b "$jar" -H 'Content-Type: application/zip' --data-binary @"$b" \
                -w '\t%{http_code}\t%{time_total}\n' "$base/api/share/import" >>"$work/imports.log" || true
        done
    done
}
: >"$work/imports.log"
import_loop &
loop_pid=$!
run import "$work/search.urls" 2
touch "$work/stop"
wait "$loop_pid" || true
loop_pid=""
row import idle2 "during bundle imports"
echo

python3 - "$work" "$sync_start" "$sync_end" "$peer_notes" "$bundles" <<'PY'
import json, sys
work, s0, s1, notes, bundles = sys.argv[1:]
d = json.load(open(f"{work}/sync-during.json"))
a = json.load(open(f"{work}/sync-after.json"))
src = a["sources"][0] if a["sources"] else {}
print(f"- Sync: started with POST /api/sync just before the run; at its end the sync was at "
      f"«{d['task']}» {d['done']}/{d['total']}. The whole sync took {float(s1) - float(s0):.1f} s: "
      f"{src.get('found')} meetings listed, {src.get('new')} stored, {a['pages']:,} pages, "
      f"{a['bytes'] / 1e6:.0f} MB, {a['failures']} failures, error: {a['error'] or src.get('error')}.")
rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/imports.log") if l.strip()]
ok = [(json.loads(b), float(t)) for b, c, t in rows if c == "200"]
fresh = [t for r, t in ok if r["added"] or r["new_attachments"]]
again = [t for r, t in ok if not (r["added"] or r["new_attachments"])]
mean = lambda xs: 1000 * sum(xs) / len(xs) if xs else 0
print(f"- Imports: {bundles} bundles ({notes} shared notes, one bundle per case) from a demo at scale "
      f"0.2 in another data directory. During the run: {len(rows)} imports, {len(rows) - len(ok)} not 200; "
      f"{len(fresh)} with new notes/files (mean {mean(fresh):.0f} ms, "
      f"{sum(r['new_attachments'] for r, _ in ok)} new files), {len(again)} unchanged repeats "
      f"(mean {mean(again):.0f} ms).")
print(f"- Server CPU is the `serve` process's own threads (utime + stime from /proc), "
      f"not its text-reading worker processes; machine busy is all CPU time but idle "
      f"(/proc/stat: oha, fakeportal, workers and anything else running). Load average at the end: "
      f"{open('/proc/loadavg').read().split()[0]}.")
PY
