#!/usr/bin/env bash
# Builds what a member installs on Debian/Ubuntu: the desktop app together
# with the `moedemappe` command line in one .deb (and an AppImage where
# Tauri can fetch its AppImage tools), from a release build made for
# distribution. Not part of CI (it takes a full optimised build); its sizes
# and timings are in BENCHMARKS.md, "Packages".
#
#   bash packaging/build.sh            # → target/dist/release/bundle/…
#   LTO=thin CGU=16 bash packaging/build.sh   # another codegen setting, to compare
#
# Needs what `.ci/run` installs (WebKitGTK dev packages, node and npm).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# Its own target folder, so the development builds are left alone.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/dist}"
# The release profile for distribution, as measured in BENCHMARKS.md:
# no debug info, stripped symbols, whole-program LTO in one codegen unit.
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_STRIP=true
export CARGO_PROFILE_RELEASE_LTO="${LTO:-fat}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CGU:-1}"
bundles="${BUNDLES:-deb}"

start=$SECONDS
(cd ui && npm ci --no-audit --no-fund && npm run build)
cargo build --release --locked -p moedemappe -p moedemappe-app
built=$((SECONDS - start))

# Tauri bundles the app it finds in $CARGO_TARGET_DIR/release; the command
# line goes into /usr/bin beside it, so an installed copy can run `sync`
# from cron or serve an assistant over MCP.
cli="$CARGO_TARGET_DIR/release/moedemappe"
(cd src-tauri && npm ci --no-audit --no-fund &&
  npx tauri bundle --bundles "$bundles" --ci \
    --config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/moedemappe\":\"$cli\"}}}}}")

echo "== build: $built s (LTO=$CARGO_PROFILE_RELEASE_LTO, codegen-units=$CARGO_PROFILE_RELEASE_CODEGEN_UNITS)"
ls -l "$CARGO_TARGET_DIR/release/moedemappe" "$CARGO_TARGET_DIR/release/moedemappe-app"
find "$CARGO_TARGET_DIR/release/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.AppImage' \) -exec ls -l {} \;
