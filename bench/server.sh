# bench/server.sh - sourced by the bench scripts: build, then start a server on
# a fresh data folder ($DATA) with 20 staff accounts; sets BIN and PID.
#   needs DATA, PORT, PW
make -s all
BIN=build/default/tsumiki
for i in $(seq -w 1 20); do
    TSUMIKI_ADMIN_PASSWORD=$PW TSUMIKI_PASSWORD=staff-password-1 $BIN user add "staff$i" --data "$DATA" >/dev/null
done
# the loopback is a trusted proxy: the public-form bench sends each answer "from" its own address
TSUMIKI_ADMIN_PASSWORD=$PW $BIN serve --data "$DATA" --port "$PORT" --trusted-proxy 127.0.0.1 2>"$DATA/server.log" &
PID=$!
