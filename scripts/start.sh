#!/usr/bin/env bash
# The one start command (README): installs what is missing, builds, and starts
# the server on its embedded default (RTMP on :1935). Extra arguments go to the
# CLI, e.g. `bash scripts/start.sh --port 1936 --log-level debug`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.build.json
exec node dist/lib/cli.js "$@"
