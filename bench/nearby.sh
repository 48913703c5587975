#!/usr/bin/env bash
# Sharing-nearby benchmark: two network namespaces joined by a veth pair on
# this machine; the mentor offers a set of meeting material, the mentee takes
# it. Measures the time from starting `share offer` to the offer being seen
# with mDNS in the other namespace, and the throughput of `share take`.
#
#   bench/nearby.sh [TOTAL_MB] [FILE_MB]   (default 500 and 2; root, iproute2, GNU time)
#
# The material is TOTAL_MB of bilag of FILE_MB each, 25 to a meeting, of
# bytes that do not compress (so neither side can cheat). Prints a Markdown
# table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
total_mb="${1:-500}"
file_mb="${2:-2}"
[ "$(id -u)" = 0 ] || { echo "kræver root (netværksnavnerum)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time mangler: apt-get install time" >&2; exit 1; }

cargo build --release --locked -p moedemappe >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/moedemappe"
work="$(mktemp -d)"
a="mba$$"; b="mbb$$"; va="mva$$"; vb="mvb$$"
offer_pid=""
cleanup() {
  [ -n "$offer_pid" ] && kill "$offer_pid" 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$a"; ip netns add "$b"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$a"; ip link set "$vb" netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev "$va"; ip -n "$b" addr add 10.77.0.2/24 dev "$vb"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "$va" up; ip -n "$b" link set "$vb" up

files=$((total_mb / file_mb))
for i in $(seq 0 $((files - 1))); do
  meeting=$((i / 25)); item=$(( (i % 25) / 5 + 1 ))
  d="$work/folder/Teknisk Udvalg/2030-$(printf '%02d' $((meeting / 28 + 1)))-$(printf '%02d' $((meeting % 28 + 1)))/0$item Sag $item"
  mkdir -p "$d"
  head -c "$((file_mb << 20))" /dev/urandom >"$d/Bilag $i.pdf"
done
meetings=$(( (files + 24) / 25 ))
"$bin" --data-dir "$work/mentor" import "$work/folder" --no-ocr >/dev/null 2>&1
"$bin" --data-dir "$work/mentor" me --name "Mette Mentor" >/dev/null
"$bin" --data-dir "$work/mentee" me --name "Mads Mentee" >/dev/null
rm -rf "$work/folder"

now() { date +%s.%N; }
# Offer → visible: the other side browses first, then the offer starts.
visible() { # $1: label, rest: offer arguments
  local label="$1"; shift
  ( ip netns exec "$b" "$bin" --data-dir "$work/mentee" share nearby --first --seconds 60 --json >"$work/seen.json"
    now >"$work/t_seen" ) &
  local browse=$!
  sleep 1
  local t0; t0=$(now)
  rm -f "$work/offer.txt"
  ip netns exec "$a" "$bin" --data-dir "$work/mentor" share offer "$@" >"$work/offer.txt" 2>"$work/offer.err" &
  offer_pid=$!
  until grep -q "Kode:" "$work/offer.txt" 2>/dev/null; do sleep 0.01; done
  local t_code; t_code=$(now)
  wait "$browse"
  grep -q '"id"' "$work/seen.json" || { echo "tilbuddet blev ikke set" >&2; exit 1; }
  printf '| %s | %.2f s | %.2f s |\n' "$label" "$(echo "$t_code - $t0" | bc)" "$(echo "$(cat "$work/t_seen") - $t0" | bc)"
}

echo "Material: $files bilag of $file_mb MB in $meetings meetings ($((files * file_mb)) MB)."
echo
echo "| offer | offer → code shown | offer → seen nearby |"
echo "|---|---|---|"
visible "one meeting ($((25 * file_mb)) MB)" --material --meeting "Teknisk Udvalg/2030-01-01"
kill "$offer_pid"; wait "$offer_pid" 2>/dev/null || true
visible "all $meetings meetings ($((files * file_mb)) MB)" --material --body "Teknisk Udvalg"
code=$(grep "Kode:" "$work/offer.txt" | sed 's/.*Kode: //; s/ //g')

take() {
  /usr/bin/time -f '%e %M' -o "$work/t" ip netns exec "$b" "$bin" --data-dir "$work/mentee" \
    share take --address 10.77.0.1 --code "$code" --json >"$work/take.json" 2>/dev/null
  read -r secs rss <"$work/t"
  bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$work/take.json")
  printf '| %s | %s s | %.1f MB | %.0f MB/s | %s MiB |\n' "$1" "$secs" \
    "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$bytes / 1048576 / $secs" | bc -l)" "$((rss / 1024))"
}
echo
echo "| take | wall time | received | throughput | peak RSS (taker) |"
echo "|---|---|---|---|---|"
take "first take (empty data directory)"
take "again (everything held)"
