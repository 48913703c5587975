#!/usr/bin/env bash
# The vault's costs on the demo corpus at scale 1.0 (default), with its closed
# share: import into a plain data directory and into one with a vault (set on
# the empty directory first), the first move of a plain directory into the
# vault, unlock (Argon2id) and the first search after it (the sealed index
# decrypted), and search and retrieval latency plain and unlocked.
# Usage: bench/vault.sh [SCALE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1.0}"
runs="${2:-5}"
cargo build --release -p moedemappe
bin="$(pwd)/${CARGO_TARGET_DIR:-target}/release/moedemappe"
work="$(mktemp -d)"
rt="$(mktemp -d /dev/shm/moedemappe-bench.XXXX)"
trap 'rm -rf "$work" "$rt"' EXIT
export XDG_RUNTIME_DIR="$rt"
code="en lang kode til benchmark"
secs() { python3 -c 'import time; print(f"{time.monotonic():.3f}")'; }
took() { python3 -c "print(f'{$2 - $1:.2f} s')"; }

"$bin" --data-dir "$work/corpus" demo --scale "$scale" --no-import >/dev/null
echo "corpus: $(du -sh "$work/corpus/demo" | cut -f1)"

t0=$(secs); "$bin" --data-dir "$work/plain" import "$work/corpus/demo" --no-ocr >/dev/null; t1=$(secs)
echo "import, plain:                 $(took $t0 $t1)"
echo "$code" | "$bin" --data-dir "$work/vault" passcode set >/dev/null 2>&1
t0=$(secs); "$bin" --data-dir "$work/vault" import "$work/corpus/demo" --no-ocr >/dev/null; t1=$(secs)
echo "import, into an unlocked vault: $(took $t0 $t1)"

cp -a "$work/plain" "$work/moved"
t0=$(secs); echo "$code" | "$bin" --data-dir "$work/moved" passcode set >/dev/null 2>&1; t1=$(secs)
echo "first move into the vault:     $(took $t0 $t1)"

"$bin" --data-dir "$work/vault" lock >/dev/null
t0=$(secs); echo "$code" | "$bin" --data-dir "$work/vault" unlock >/dev/null; t1=$(secs)
"$bin" --data-dir "$work/vault" search arbejdsbelastning --access lukket >/dev/null; t2=$(secs)
"$bin" --data-dir "$work/plain" search arbejdsbelastning --access lukket >/dev/null; t3=$(secs)
echo "unlock (Argon2id):             $(took $t0 $t1)"
echo "first closed search after it:  $(took $t1 $t2) (plain directory: $(took $t2 $t3))"
t0=$(secs); "$bin" --data-dir "$work/vault" lock >/dev/null; t1=$(secs)
echo "lock (open copy written):      $(took $t0 $t1)"
echo "$code" | "$bin" --data-dir "$work/vault" unlock >/dev/null

echo "sizes: plain store $(du -h "$work/plain/moedemappe.sqlite" | cut -f1), vault $(du -h "$work/vault/vault.sqlite" | cut -f1), open copy $(du -h "$work/vault/open.sqlite" | cut -f1); index/all plain $(du -sh "$work/plain/index/all" | cut -f1), sealed $(du -sh "$work/vault/index/all" | cut -f1)"
for scope in "" "--closed"; do
  echo "== latency ${scope:-(open scope)}, plain"
  "$bin" --data-dir "$work/plain" latency --runs "$runs" $scope
  echo "== latency ${scope:-(open scope)}, vault unlocked"
  "$bin" --data-dir "$work/vault" latency --runs "$runs" $scope
done
