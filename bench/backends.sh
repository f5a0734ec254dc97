#!/bin/sh
# bench/backends.sh - the same scenarios on SQLite, on PostgreSQL with one server,
# and on PostgreSQL with two servers, in one run on one machine.
#   bench/backends.sh [RECORDS]      (default 1000000; `make bench` runs it after run.sh)
# The records are loaded through the API into SQLite, then moved to a throwaway
# PostgreSQL cluster (tools/pg-cluster.sh) with `tsumiki migrate`, which is timed;
# loading through the API on PostgreSQL is measured with the 100-record calls.
# Writes bench/results/<date>-<commit>-backends.md.
set -eu
cd "$(dirname "$0")/.."
N="${1:-1000000}"
PORT="${BENCH_PORT:-18765}"
DUR="${BENCH_SECONDS:-10}"
PW="bench-password-1"
DATA=$(mktemp -d /tmp/tsumiki-bench-XXXXXX)
PGDIR=$(mktemp -d /tmp/tsumiki-bench-pg-XXXXXX)
OUT=$(mktemp)
. bench/server.sh
. bench/lib.sh
PID2=
trap 'rc=$?; kill $PID $PID2 2>/dev/null; wait $PID $PID2 2>/dev/null; tools/pg-cluster.sh stop "$PGDIR"; rm -rf "$DATA" "$OUT"; exit $rc' EXIT
sleep 0.5
AUTH=$(printf 'Administrator:%s' "$PW" | base64 -w0)
export N AUTH

echo "loading $N records into SQLite..."
LOAD=$(node bench/gen.mjs "http://localhost:$PORT" "$PW" "$N")
APP=$(echo "$LOAD" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).incident)')
export APP

# scenarios LABEL PORT...: each scenario against the servers on these ports at
# once (the connections split between them); one line of the table
scenarios() {
    label=$1
    shift
    ports="$*"
    n=$#
    c=$((32 / n))
    one() { # NAME WRK-ARGS-WITHOUT-URL... -- PATH
        name=$1
        shift
        tmp=$(mktemp)
        pids=
        for p in $ports; do
            wrk_run "$@" "http://localhost:$p$URLPATH" > "$tmp.$p" &
            pids="$pids $!"
        done
        wait $pids
        cat "$tmp".* | awk '{r+=$1; if ($2>p50) p50=$2; if ($3>p99) p99=$3; bad+=$4} END {printf "%.0f %s %s %d\n", r, p50, p99, bad}' > "$tmp"
        set -- $(cat "$tmp")
        rm -f "$tmp" "$tmp".*
        echo "$label, $name: $1 req/s, p50 $2 ms, p99 $3 ms, non-2xx $4"
        printf '| %s | %s | %s | %s | %s / %s |\n' "$name" "$label" "$1" "$4" "$2" "$3" >> "$OUT"
    }
    H="X-Cybozu-Authorization: $AUTH"
    URLPATH=/ one "GET record.json (random id)" -t1 -c$c -d${DUR}s -s bench/wrk/get.lua
    URLPATH="/k/v1/records.json?app=$APP&query=$(urlq "$VIEW")" one "view page (in + date range + sort)" -t1 -c$c -d${DUR}s -H "$H"
    URLPATH="/k/v1/records.json?app=$APP&totalCount=true&query=$(urlq "$VIEW")" one "same with totalCount" -t1 -c$c -d${DUR}s -H "$H"
    URLPATH="/k/v1/records.json?app=$APP&query=$(urlq "$USERV")" one "my reports, newest first" -t1 -c$c -d${DUR}s -H "$H"
    URLPATH="/k/v1/records.json?app=$APP&query=$(urlq "$LIKE")" one "like, 3 Japanese characters" -t1 -c$c -d${DUR}s -H "$H"
    URLPATH=/k/v1/record.json one "POST record.json" -t1 -c$c -d${DUR}s -s bench/wrk/post.lua
    set -- $ports
    BULK=$(node bench/bulk.mjs "http://localhost:$1" "$PW" "$APP" 100)
    echo "$label, bulk: $BULK"
    printf '| 100-record POSTs, sequential client | %s | %s records/s | 0 | %s / %s |\n' "$label" \
        "$(echo "$BULK" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0)).recordsPerSec))')" \
        "$(echo "$BULK" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0)).p50))')" \
        "$(echo "$BULK" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0)).p99))')" >> "$OUT"
}

scenarios "SQLite" "$PORT"
RSS_SQLITE=$(rss_of $PID)
kill $PID
wait $PID 2>/dev/null || true

echo "PostgreSQL: a throwaway cluster, the records moved with tsumiki migrate..."
URI=$(tools/pg-cluster.sh start "$PGDIR")
DB="${URI%/*}/bench"
psql -X -q "$URI" -c "CREATE DATABASE bench"
T0=$(date +%s.%N)
$BIN migrate --from "$DATA" --to "$DB"
MIGRATE=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
psql -X -q "$DB" -c "VACUUM ANALYZE"
TSUMIKI_ADMIN_PASSWORD=$PW $BIN serve --data "$DATA" --db "$DB" --port "$PORT" 2>"$DATA/server.log" &
PID=$!
sleep 1
scenarios "PostgreSQL, 1 server" "$PORT"
RSS_PG=$(rss_of $PID)
PORT2=$((PORT + 2))
TSUMIKI_ADMIN_PASSWORD=$PW $BIN serve --data "$DATA" --db "$DB" --port "$PORT2" 2>"$DATA/server2.log" &
PID2=$!
sleep 1
scenarios "PostgreSQL, 2 servers" "$PORT" "$PORT2"

COMMIT=$(git rev-parse --short HEAD)
DATE=$(date -u +%Y-%m-%d)
RES="bench/results/$DATE-$COMMIT-backends.md"
{
    echo "# Tsumiki on SQLite and on PostgreSQL, $DATE, commit $COMMIT"
    echo
    echo "Machine: $(machine), $(psql --version | sed 's/psql (PostgreSQL) /PostgreSQL /')."
    echo "Command: \`bench/backends.sh $N\` (wrk over loopback, ${DUR} s per scenario, 32 connections in all, password auth)."
    echo
    echo "The same $N incident reports (bench/gen.mjs) on each: loaded through the API into SQLite, then"
    echo "moved to PostgreSQL with \`tsumiki migrate\` ($MIGRATE s). The PostgreSQL cluster runs on the same"
    echo "machine (tools/pg-cluster.sh: fsync off, it holds test data only), reached over TCP on loopback."
    echo "With two servers the connections are split between them, and the figures add up; every"
    echo "process shares the same 2 cores, so this shows that servers share one database correctly"
    echo "and what the database side costs, not the scaling several machines would give."
    echo
    echo "| scenario | backend | req/s | non-2xx | p50 / p99 ms |"
    echo "|---|---|---|---|---|"
    sort -s -t'|' -k2,2 "$OUT"
    echo
    echo "Loading the $N records into SQLite through the API (\`bulkRequest.json\`, 2,000 records a call):"
    echo "$(echo "$LOAD" | node -e 'const j=JSON.parse(require("fs").readFileSync(0)); process.stdout.write((j.loadMs/1000).toFixed(1)+" s, "+j.recordsPerSec+" records/s")') (target: 1,000,000 in 40 s or less)."
    echo
    echo "Server memory at the end: SQLite $RSS_SQLITE, PostgreSQL (one server) $RSS_PG."
} > "$RES"
cat "$RES"
