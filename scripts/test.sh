#!/usr/bin/env bash
# The one test command (README, and what .ci/run runs): installs what is
# missing, checks the include layering and formatting, builds, then runs every
# suite: GoogleTest (normal + sanitized), the fuzz smoke, and Jest (unit,
# integration and end-to-end with real ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
echo "== layout (include layering, clang-format)"
bash scripts/check-layout.sh
bash scripts/test-native.sh
echo "== jest"
npx tsc -p tsconfig.json --noEmit
npx jest --ci
