#!/bin/sh
# tools/run-api.sh - the API tests (node:test with the official kintone client
# and CLI) against a real server binary: $TSUMIKI_BIN (default build/default/tsumiki).
# Under a sanitizer build every report is written to a log and fails the run.
# TESTS (a folder under tests/, default api), CONCURRENCY and LABEL let the
# browser tests run the same way (tools/run-ui.sh).
cd "$(dirname "$0")/.." || exit 1
export TSUMIKI_BIN="${TSUMIKI_BIN:-build/default/tsumiki}"
san_dir=$(mktemp -d)
export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$san_dir/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
out=$(mktemp)
(cd tests && node --test --test-concurrency="${CONCURRENCY:-2}" "${TESTS:-api}/") > "$out" 2>&1
rc=$?
grep -E '^not ok|^# (pass|fail)|exited early|page error' -A12 "$out" | grep -vE '^\s*(duration_ms|\.\.\.|---)' | head -150
p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -1)
f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -1)
rm -f "$out"
reports=$(ls "$san_dir" 2>/dev/null | wc -l)
if [ "$reports" -gt 0 ]; then
    echo "sanitizer reports from $TSUMIKI_BIN:"
    cat "$san_dir"/* | head -80
    f=$((${f:-0} + reports))
fi
rm -rf "$san_dir"
label="${LABEL:-api ($TSUMIKI_BIN)}"
[ -n "$p" ] || { echo "$label: the test runner did not finish"; p=0; f=$((${f:-0} + 1)); }
echo "$label: $p passed, ${f:-0} failed"
[ "$rc" -eq 0 ] && [ "${f:-0}" -eq 0 ]
