#!/usr/bin/env bash
# The one start command (README): installs what is missing, builds, and starts
# the server on its embedded defaults: RTMP on :1935 and HTTP on :8000 (HLS,
# LL-HLS, DASH and the player page at http://HOST:8000/). Extra arguments go
# to the CLI, e.g. `bash scripts/start.sh --port 1936 --http-port 8080` or
# `--no-http`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.build.json
exec node dist/lib/cli.js "$@"
