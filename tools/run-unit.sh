#!/bin/sh
# tools/run-unit.sh - run the C unit tests (cmocka) from the top of the tree.
# Prints one "unit: N passed, N failed" line; exits non-zero on any failure.
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
for t in "$@"; do
    out=$("$t" 2>&1)
    rc=$?
    echo "$out" | grep -E '^\[ *(OK|FAILED|ERROR|LINE) *\]|golden|want|got' | grep -v '^\[  FAILED  \] [0-9]* test' | sed "s|^|  $(basename "$t"): |"
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    [ $rc -eq 0 ] || [ -n "$f" ] || failed=$((failed + 1))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
