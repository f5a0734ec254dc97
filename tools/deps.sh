#!/bin/sh
# tools/deps.sh - install what building and testing Tsumiki needs on Debian 12.
# Idempotent: installs only the packages that are missing, and runs npm only when
# the lock file changed since the last install.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libsodium-dev libcsv-dev libxlsxwriter-dev libcmocka-dev libgmp-dev libgd-dev libcurl4-openssl-dev libxml2-dev libpq-dev postgresql-15 sqlite3 openssl clang libclang-rt-14-dev wrk chromium fonts-noto-cjk
libcairo2-dev libpango1.0-dev libfontconfig-dev poppler-utils"
# node and npm: the image ships them; Debian's own only when none is on the PATH
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# node packages: the UI's build (web/) and the tests (the official kintone client
# and CLI, playwright-core for the browser tests)
for dir in web tests; do
    stamp=$dir/node_modules/.deps-stamp
    if [ ! -f "$stamp" ] || [ $dir/package-lock.json -nt "$stamp" ]; then
        (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    fi
done
