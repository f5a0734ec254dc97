#!/bin/sh
# tools/run-fuzz.sh - run each libFuzzer target from build/fuzz for FUZZ_SECONDS
# (default 20), starting from tests/fuzz/corpus/<name>. New inputs go to
# build/fuzz/corpus/<name>; a crash fails the run and is left in build/fuzz/.
# FUZZ_SEED fixes libFuzzer's seed (make test does, so that CI repeats what ran
# here); without it each run explores afresh.
cd "$(dirname "$0")/.." || exit 1
secs="${FUZZ_SECONDS:-20}"
passed=0 failed=0
for t in "$@"; do
    name=${t#fuzz_}
    mkdir -p "build/fuzz/corpus/$name"
    dict=""
    seed=""
    [ -n "${FUZZ_SEED:-}" ] && seed="-seed=$FUZZ_SEED"
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=../../tests/fuzz/$name.dict"
    if (cd build/fuzz && ASAN_OPTIONS=detect_leaks=1 ./"$t" -max_total_time="$secs" -timeout=10 \
            -rss_limit_mb=2048 -max_len=4096 $seed $dict "corpus/$name" "../../tests/fuzz/corpus/$name") \
            > "build/fuzz/$t.log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "build/fuzz/$t.log" | tail -1)
        echo "  $t: no crash in ${secs}s ($runs)"
        passed=$((passed + 1))
    else
        echo "  $t: FAILED, see build/fuzz/$t.log"
        tail -30 "build/fuzz/$t.log"
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
