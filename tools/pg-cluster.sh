#!/bin/sh
# tools/pg-cluster.sh - a throwaway PostgreSQL cluster for the tests and benches.
#   tools/pg-cluster.sh start DIR   initdb in DIR, start it on a Unix socket in DIR
#                                   (and 127.0.0.1:PORT), print the libpq URI of
#                                   its superuser role "tsumiki" to stdout
#   tools/pg-cluster.sh stop DIR    stop it and remove DIR
# PostgreSQL refuses to run as root: as root, DIR belongs to the postgres user and
# the server runs as them. The cluster trades durability for speed (fsync=off):
# it holds test data only. PORT: $PG_PORT, or the first of 25432... that is free.
set -eu
cmd=${1:?start or stop}
dir=${2:?a folder}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=${PG_PORT:-25432}
last=$((port + 40))

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

case $cmd in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_pg "'$bin/initdb' -D '$dir/db' -U tsumiki --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    cat >> "$dir/db/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 256MB
include_if_exists 'port.conf'
EOF
    # another cluster (a developer's, another run's) may hold the port: the next one
    while [ "$port" -le "$last" ]; do
        echo "port = $port" > "$dir/db/port.conf"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/db/port.conf"
        if as_pg "'$bin/pg_ctl' -D '$dir/db' -l '$dir/log' -w start" >/dev/null 2>&1; then
            echo "postgresql://tsumiki@127.0.0.1:$port/postgres"
            exit 0
        fi
        port=$((port + 1))
    done
    echo "pg-cluster: no free port up to $last (see $dir/log)" >&2
    exit 1
    ;;
stop)
    [ -d "$dir/db" ] && as_pg "'$bin/pg_ctl' -D '$dir/db' -m immediate -w stop" >/dev/null || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
