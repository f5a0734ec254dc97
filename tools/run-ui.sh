#!/bin/sh
# tools/run-ui.sh - the browser tests: playwright-core driving Debian's chromium
# (headless) against a freshly started server, one step after another.
# Screenshots of every step land in tests/ui/screenshots/.
cd "$(dirname "$0")/.." || exit 1
TESTS=ui CONCURRENCY=1 LABEL=ui exec tools/run-api.sh
