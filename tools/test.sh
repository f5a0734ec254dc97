#!/bin/sh
# tools/test.sh - every test, as `make test` runs it:
#   1. unit tests (cmocka)            3. browser tests (chromium)      5. libFuzzer, FUZZ_SECONDS each,
#   2. API tests (official client     4. fuzz corpora replayed         6. ASan+UBSan build:
#      and CLI, node:test), on                                            unit and API tests again
#      SQLite and on PostgreSQL (a throwaway cluster, tools/pg-cluster.sh)
# Ends with one line "N passed, N failed"; exits non-zero if anything failed.
cd "$(dirname "$0")/.." || exit 1
total_p=0 total_f=0
log=$(mktemp)

step() {
    name=$1
    shift
    echo "== $name"
    "$@" 2>&1 | tee "$log"
    line=$(grep -E '^[a-z]+( \([^)]*\))?: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$line" ]; then
        echo "$name: no result line (build or runner failure)"
        p=0
        f=1
    fi
    total_p=$((total_p + p))
    total_f=$((total_f + f))
}

replay() {
    make -s fuzz-replay "$@" > "$log.r" 2>&1
    rc=$?
    cat "$log.r"
    n=$(grep -c '^replayed' "$log.r")
    rm -f "$log.r"
    if [ $rc -eq 0 ]; then echo "replay: $n passed, 0 failed"; else echo "replay: $n passed, 1 failed"; fi
}

step "unit" make -s unit
pg_dir=$(mktemp -d /tmp/tsumiki-pg.XXXXXX)
pg_uri=$(tools/pg-cluster.sh start "$pg_dir") || pg_uri=""
# on SQLite, with the cluster at hand for tsumiki migrate to move to and back
step "api" env TSUMIKI_PG_CLUSTER="$pg_uri" make -s api
if [ -n "$pg_uri" ]; then
    step "api on PostgreSQL" env TSUMIKI_TEST_PG="$pg_uri" LABEL="api (PostgreSQL)" make -s api
else
    echo "api on PostgreSQL: the cluster did not start"
    total_f=$((total_f + 1))
fi
step "ui" sh -c 'make -s all && tools/run-ui.sh'
step "fuzz corpus replay" replay O=build/default
if command -v clang >/dev/null 2>&1; then
    step "libFuzzer (${FUZZ_SECONDS:-20}s per target)" env FUZZ_SEED="${FUZZ_SEED:-1}" make -s fuzz
fi
step "unit under ASan+UBSan" make -s SAN=address,undefined O=build/asan unit
step "api under ASan+UBSan" sh -c 'make -s SAN=address,undefined O=build/asan all >/dev/null && TSUMIKI_BIN=build/asan/tsumiki tools/run-api.sh'
[ -n "$pg_uri" ] && step "api on PostgreSQL under ASan+UBSan" env TSUMIKI_TEST_PG="$pg_uri" TSUMIKI_BIN=build/asan/tsumiki LABEL="api (PostgreSQL, ASan)" tools/run-api.sh
tools/pg-cluster.sh stop "$pg_dir"
step "fuzz corpus replay under ASan+UBSan" replay SAN=address,undefined O=build/asan

rm -f "$log"
echo
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
