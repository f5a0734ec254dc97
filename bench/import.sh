#!/bin/sh
# bench/import.sh - CSV import speed: a file of N generated incident reports
# (default 100000) imported with `tsumiki import` into an app with the bench's
# three saved views, while the server runs. Prints rows/s.
set -eu
cd "$(dirname "$0")/.."
N="${1:-100000}"
PORT="${BENCH_PORT:-18767}"
PW="bench-password-1"
DATA=$(mktemp -d /tmp/tsumiki-import-XXXXXX)
. bench/server.sh
trap 'rc=$?; kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"; exit $rc' EXIT
sleep 0.5
MADE=$(node bench/import.mjs "http://localhost:$PORT" "$PW" "$N" "$DATA/incidents.csv")
APP=$(echo "$MADE" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0)).app))')
MB=$(echo "$MADE" | node -e 'process.stdout.write((JSON.parse(require("fs").readFileSync(0)).bytes/1048576).toFixed(0))')
START=$(date +%s.%N)
$BIN import --app "$APP" "$DATA/incidents.csv" --data "$DATA"
END=$(date +%s.%N)
awk -v n="$N" -v s="$START" -v e="$END" -v mb="$MB" \
    'BEGIN { printf "import of %d rows (%s MB of CSV): %.1f s, %.0f rows/s\n", n, mb, e - s, n / (e - s) }'
