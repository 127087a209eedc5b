#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine, then the npm dependencies.
#   scripts/setup.sh            packages needed to build and run the server
#   scripts/setup.sh --test     plus what the test suites need (cmake, gtest, clang, ffmpeg, nginx-rtmp, chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_PKGS=(g++ make python3 pkg-config libssl-dev libuv1-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev)
TEST_PKGS=(cmake ccache clang clang-format libclang-rt-14-dev libgtest-dev libgmock-dev googletest
  ffmpeg nginx libnginx-mod-rtmp openssl procps
  chromium) # the browser e2e tests drive Debian's chromium through playwright-core (no browser download)

pkgs=("${RUNTIME_PKGS[@]}")
if [[ "${1:-}" == "--test" ]]; then pkgs+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null || [[ $(node -p 'process.versions.node.split(".")[0]') -lt 20 ]]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci builds the addon through the package's install script.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  node scripts/build-addon.js
fi
