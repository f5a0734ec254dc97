#!/bin/sh
# tools/run-ui.sh - the browser tests: playwright-core driving Debian's chromium
# (headless) against a freshly started server. Screenshots of every step land in
# tests/ui/screenshots/.
cd "$(dirname "$0")/.." || exit 1
export TSUMIKI_BIN="${TSUMIKI_BIN:-build/default/tsumiki}"
out=$(mktemp)
(cd tests && node --test --test-concurrency=1 ui/) > "$out" 2>&1
rc=$?
grep -E '^not ok|^# (pass|fail)|page error|exited early' -A14 "$out" | grep -vE '^\s*(duration_ms|\.\.\.|---)' | head -120
p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -1)
f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -1)
rm -f "$out"
[ -n "$p" ] || { echo "ui: the test runner did not finish"; p=0; f=$((${f:-0} + 1)); }
echo "ui: $p passed, ${f:-0} failed"
[ "$rc" -eq 0 ] && [ "${f:-0}" -eq 0 ]
