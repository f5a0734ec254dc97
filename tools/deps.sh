#!/bin/sh
# tools/deps.sh - install what building and testing Tsumiki needs on Debian 12.
# Idempotent: installs only the packages that are missing, and runs npm only when
# the lock file changed since the last install.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libsodium-dev libcmocka-dev clang libclang-rt-14-dev wrk"
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

# node packages for the API tests (the official kintone client and CLI)
if [ -f tests/package.json ]; then
    stamp=tests/node_modules/.deps-stamp
    if [ ! -f "$stamp" ] || [ tests/package-lock.json -nt "$stamp" ]; then
        (cd tests && npm ci --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    fi
fi
