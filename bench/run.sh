#!/bin/sh
# bench/run.sh - load the benchmark apps and measure every scenario over loopback.
#   bench/run.sh [RECORDS]          (default 1000000; `make bench` runs this)
# Writes bench/results/<date>-<commit>.md and bench/results/latest.md.
set -eu
cd "$(dirname "$0")/.."
N="${1:-1000000}"
PORT="${BENCH_PORT:-18765}"
DUR="${BENCH_SECONDS:-10}"
BASE="http://localhost:$PORT"
PW="bench-password-1"
DATA=$(mktemp -d /tmp/tsumiki-bench-XXXXXX)
OUT=$(mktemp)
make -s all
BIN=build/default/tsumiki
for i in $(seq -w 1 20); do
    TSUMIKI_ADMIN_PASSWORD=$PW TSUMIKI_PASSWORD=staff-password-1 $BIN user add "staff$i" --data "$DATA" >/dev/null
done
TSUMIKI_ADMIN_PASSWORD=$PW $BIN serve --data "$DATA" --port "$PORT" 2>"$DATA/server.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA" "$OUT"' EXIT
sleep 0.5
AUTH=$(printf 'Administrator:%s' "$PW" | base64 -w0)
rss() { awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} END {printf "%.0f MB (heap %.0f MB)", r/1024, a/1024}' /proc/$PID/status; }
urlq() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

echo "loading $N records..."
LOAD=$(node bench/gen.mjs "$BASE" "$PW" "$N")
APP=$(echo "$LOAD" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).incident)')
RSS_LOAD=$(rss)

row() { printf '| %s | %s | %s | %s | %s | `%s` |\n' "$1" "$2" "$3" "$4" "$5" "$6" >> "$OUT"; }
# run wrk; print "req/s p50 p99" (ms)
wrk_run() {
    wrk "$@" --latency 2>&1 | awk '
        /Requests\/sec/ {rps=$2}
        /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
        /Non-2xx/ {bad=$NF}
        function ms(v) { if (v ~ /us$/) return sprintf("%.2f", v/1000); if (v ~ /ms$/) return sprintf("%.2f", v+0); if (v ~ /s$/) return sprintf("%.0f", v*1000); return v }
        END { printf "%.0f %s %s %s\n", rps, ms(p50), ms(p99), bad+0 }'
}
scenario() {
    name=$1; target=$2; shift 2
    set -- $(wrk_run "$@")
    echo "$name: $1 req/s, p50 $2 ms, p99 $3 ms, non-2xx $4"
    row "$name" "$1" "$2" "$3" "$target" "wrk $WRKARGS"
}

VIEW='種別 in ("転倒") and 報告日 >= "2025-01-01" and 報告日 <= "2025-12-31" order by 報告日 desc limit 100'
USERV='担当者 in ("staff07") order by 発生日時 desc limit 100'
LIKE='概要 like "車椅子" order by $id desc limit 100'
ADHOC='関係者数 = 7 and 重症度 in ("重度") limit 100'
export APP N AUTH
WRKARGS="-t2 -c32 -d${DUR}s -s bench/wrk/get.lua"
scenario "GET record.json (random id)" "≥ 25,000 req/s, p99 ≤ 10 ms" -t2 -c32 -d${DUR}s -s bench/wrk/get.lua "$BASE"
for q in "$VIEW" "$USERV"; do
    WRKARGS="-t2 -c32 -d${DUR}s '$BASE/k/v1/records.json?app=$APP&query=$q'"
    scenario "view page: $q" "≥ 2,000 req/s, p50 ≤ 5 ms" -t2 -c32 -d${DUR}s -H "X-Cybozu-Authorization: $AUTH" "$BASE/k/v1/records.json?app=$APP&query=$(urlq "$q")"
    WRKARGS="$WRKARGS (+ totalCount=true)"
    scenario "same with totalCount" "p50 ≤ 10 ms" -t2 -c32 -d${DUR}s -H "X-Cybozu-Authorization: $AUTH" "$BASE/k/v1/records.json?app=$APP&totalCount=true&query=$(urlq "$q")"
done
WRKARGS="-t2 -c32 -d${DUR}s '$BASE/k/v1/records.json?app=$APP&query=$LIKE'"
scenario "like, 3 Japanese characters" "p50 ≤ 5 ms" -t2 -c32 -d${DUR}s -H "X-Cybozu-Authorization: $AUTH" "$BASE/k/v1/records.json?app=$APP&query=$(urlq "$LIKE")"
WRKARGS="-t2 -c32 -d${DUR}s -s bench/wrk/post.lua"
scenario "POST record.json" "≥ 5,000 req/s" -t2 -c32 -d${DUR}s -s bench/wrk/post.lua "$BASE/k/v1/record.json"
export PAGE="/k/v1/records.json?app=$APP&query=$(urlq "$VIEW")"
WRKARGS="-t2 -c256 -d${DUR}s -s bench/wrk/mixed.lua"
scenario "mixed 80% GET / 10% view / 10% POST, 256 connections" "no errors" -t2 -c256 -d${DUR}s -s bench/wrk/mixed.lua "$BASE"

BULK=$(node bench/bulk.mjs "$BASE" "$PW" "$APP" 200)
echo "bulk: $BULK"
ADHOC_MS=$(for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' -H "X-Cybozu-Authorization: $AUTH" "$BASE/k/v1/records.json?app=$APP&totalCount=true&query=$(urlq "$ADHOC")"; done | sort -n | sed -n 3p)
RSS_END=$(rss)
HWM=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$PID/status)
ROUNDS="${CRASH_ROUNDS:-20}"
echo "crash-restart rounds ($ROUNDS)..."
CRASH=$( (cd tests && CRASH_ROUNDS=$ROUNDS node --test api/crash.test.mjs 2>&1) | grep -E "crash rounds|^# (pass|fail)" | tr '\n' ' ')
echo "$CRASH"

COMMIT=$(git rev-parse --short HEAD)
DATE=$(date -u +%Y-%m-%d)
RES="bench/results/$DATE-$COMMIT.md"
{
    echo "# Tsumiki benchmark, $DATE, commit $COMMIT"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/SQLite /')."
    echo "Command: \`bench/run.sh $N\` (wrk over loopback, ${DUR} s per scenario, password auth)."
    echo
    echo "Data: a 3,500-facility registry from the real MHLW file and an incident-report app with"
    echo "15 fields and $N generated Japanese reports, loaded through \`bulkRequest.json\` (2,000 records a call)."
    echo
    echo "| scenario | req/s | p50 ms | p99 ms | target | command |"
    echo "|---|---|---|---|---|---|"
    cat "$OUT"
    echo
    echo "| figure | value | target |"
    echo "|---|---|---|"
    echo "| load of $N records | $(echo "$LOAD" | node -e 'const j=JSON.parse(require("fs").readFileSync(0)); process.stdout.write((j.loadMs/1000).toFixed(1)+" s, "+j.recordsPerSec+" records/s")') | ≤ 20 s for 1,000,000 |"
    echo "| bulk POST, 100 records a call, sequential client | $(echo "$BULK" | node -e 'const j=JSON.parse(require("fs").readFileSync(0)); process.stdout.write(j.recordsPerSec+" records/s (p50 "+j.p50+" ms, p99 "+j.p99+" ms a call)")') | ≥ 30,000 records/s |"
    echo "| ad-hoc filter on fields no view uses, with totalCount (median of 5) | $(awk -v t="$ADHOC_MS" 'BEGIN{printf "%.0f ms", t*1000}') | one scan, ~300 ms |"
    echo "| server RSS after the load / at the end / peak (heap: anonymous memory) | $RSS_LOAD / $RSS_END / $HWM MB | ≤ 150 MB after the load |"
    echo
    echo "Crash-restart: \`CRASH_ROUNDS=$ROUNDS node --test tests/api/crash.test.mjs\` -- 4 writers posting 100-record batches"
    echo "and 2 readers, the server killed with SIGKILL at a random moment, restarted, and every batch checked:"
    echo "acknowledged ones whole, the others absent. Result: $CRASH"
} > "$RES"
cp "$RES" bench/results/latest.md
cat "$RES"
