#!/bin/sh
# bench/peer/install.sh - install NocoDB (pinned in package.json) for the side-by-side
# benchmark: its install scripts would download binaries, so they are skipped and
# the native modules are built from source instead. ~4 minutes, ~1.5 GB.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/nocodb ] && [ -f node_modules/.tsumiki-rebuilt ] && exit 0
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild sqlite3 lz4 sharp msgpackr-extract nestjs-pino --loglevel=error
touch node_modules/.tsumiki-rebuilt
