#!/bin/sh
# bench/acl.sh - record access rights on a big app: N generated incident
# reports (default 1000000) imported, then a rule set, changed and removed,
# each timed until the deploy is done, and a restricted user's reads timed.
set -eu
cd "$(dirname "$0")/.."
N="${1:-1000000}"
PORT="${BENCH_PORT:-18768}"
PW="bench-password-1"
DATA=$(mktemp -d /tmp/tsumiki-acl-XXXXXX)
. bench/server.sh
trap 'rc=$?; [ $rc -eq 0 ] || grep -E "ERROR|WARN" "$DATA/server.log" | tail -8; kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"; exit $rc' EXIT
sleep 0.5
MADE=$(node bench/import.mjs "http://localhost:$PORT" "$PW" "$N" "$DATA/incidents.csv")
APP=$(echo "$MADE" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0)).app))')
$BIN import --app "$APP" "$DATA/incidents.csv" --data "$DATA" >/dev/null
echo "app $APP holds $N records"
node bench/acl.mjs "http://localhost:$PORT" "$PW" "$APP"
