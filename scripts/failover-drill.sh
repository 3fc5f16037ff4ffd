#!/usr/bin/env bash
# Failover drill: two app servers on one PostgreSQL behind nginx (Debian's package), simulated
# users saving forms through nginx, and the first app server killed (SIGKILL) halfway through.
#
#   scripts/failover-drill.sh [USERS] [FORMS] [SECONDS] [THINK_MS]     (default 2000 50 60 2000)
#   JIXIAO_DRILL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test   (default)
#   JIXIAO_DRILL_KEEP=1 keeps the servers' and nginx's logs (the directory is printed)
#
# Builds the release binary and crates/jixiao-server/examples/failover.rs, makes a fresh schema,
# starts server A with --demo (it migrates and loads the demo) and then server B on the same
# database, writes an nginx configuration into a temporary directory (upstream of both,
# least_conn, the next server tried on an error, a timeout, 502 or 503 for every method: a save
# carries the version it was based on, so a save retried after the dead server had committed it
# gets 409 stale_version instead of being stored twice) and starts nginx on it. Every second it samples each server's RSS and CPU time and PostgreSQL's
# connections. Prints what the client saw (see failover.rs) and the samples; the numbers go to
# docs/benchmarks/scale.md by hand. Needs nginx and psql (Debian: nginx-light, postgresql-client).
set -euo pipefail
USERS=${1:-2000}
FORMS=${2:-50}
SECS=${3:-60}
THINK=${4:-2000}
DB=${JIXIAO_DRILL_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export PGOPTIONS='--client-min-messages=warning'
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
for tool in nginx psql; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (Debian: nginx-light, postgresql-client)" >&2; exit 1; }
done

cargo build --release -p jixiao -p jixiao-server --bin jixiao --example failover >&2
WORK=$(mktemp -d /tmp/jixiao-failover.XXXXXX)
SCHEMA="failover_$$"
psql "$DB" -qc "CREATE SCHEMA $SCHEMA" >&2
SEP='?'; [[ "$DB" == *\?* ]] && SEP='&'
URL="${DB}${SEP}options=-c%20search_path%3D${SCHEMA}"
PIDS=()
cleanup() {
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$DB" -qc "DROP SCHEMA $SCHEMA CASCADE" >&2 || true
  if [[ -n "${JIXIAO_DRILL_KEEP:-}" ]]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Logins come from nginx's address: no per-address login limit inside the drill.
export JIXIAO_LOGIN_RATE=0
start_server() { # NAME [--demo]
  local name=$1; shift
  "$TARGET/release/jixiao" serve "$@" --listen 127.0.0.1:0 --data "$WORK/$name" --database-url "$URL" \
    > "$WORK/$name.out" 2> "$WORK/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  local port=""
  for _ in $(seq 1 300); do
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/$name.out" 2>/dev/null | head -1 | cut -d: -f3 || true)
    [[ -n "$port" ]] && break
    kill -0 "$pid" || { cat "$WORK/$name.err" >&2; exit 1; }
    sleep 0.2
  done
  [[ -n "$port" ]] || { echo "server $name did not start" >&2; exit 1; }
  echo "$pid $port"
}
mkdir -p "$WORK/a" "$WORK/b"
read -r PID_A PORT_A < <(start_server a --demo)
read -r PID_B PORT_B < <(start_server b)
PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  upstream jixiao {
    least_conn;
    server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=10s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    client_max_body_size 21m;
    # Bodies and answers stay in memory: nginx's workers cannot write to the drill's directory.
    client_body_buffer_size 2m;
    proxy_buffers 64 64k;
    proxy_max_temp_file_size 0;
    location / {
      proxy_pass http://jixiao;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }
  }
}
EOF
nginx -c "$WORK/nginx.conf" -p "$WORK"
echo "servers: A pid $PID_A port $PORT_A, B pid $PID_B port $PORT_B; nginx on $PROXY_PORT" >&2

# Samples: RSS (MiB) and CPU seconds of each server, PostgreSQL connections to this database.
( while true; do
    line="$(date +%s)"
    for p in "$PID_A" "$PID_B"; do
      if [[ -r /proc/$p/stat ]]; then
        rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$p/status")
        cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/hz}' "/proc/$p/stat")
        line+=" $rss $cpu"
      else
        line+=" - -"
      fi
    done
    conns=$(psql "$DB" -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()" 2>/dev/null || echo "?")
    echo "$line $conns"
    sleep 1
  done ) > "$WORK/samples.txt" &
SAMPLER=$!
PIDS+=("$SAMPLER")

"$TARGET/release/examples/failover" "$PROXY_PORT" "$USERS" "$FORMS" "$SECS" "$THINK" > "$WORK/client.txt" &
CLIENT=$!
# The users log in first; kill A halfway through the save phase.
until grep -q "sessions logged in" "$WORK/client.txt" 2>/dev/null; do
  kill -0 "$CLIENT" 2>/dev/null || break
  sleep 0.2
done
sleep $((SECS / 2))
echo "killing server A (pid $PID_A) at $(date +%T)" >&2
KILLED_AT=$(date +%s)
kill -9 "$PID_A"
wait "$CLIENT"
kill "$SAMPLER" 2>/dev/null || true

cat "$WORK/client.txt"
echo
echo "server A killed (SIGKILL) at unix time $KILLED_AT"
echo "samples: time, A RSS MiB, A CPU s, B RSS MiB, B CPU s, PostgreSQL connections"
awk -v k="$KILLED_AT" '{ mark = ($1 >= k && !done) ? "  <- A killed" : ""; if (mark != "") done = 1; print $0 mark }' "$WORK/samples.txt"
echo
echo "nginx errors (first 5):"
head -5 "$WORK/nginx-error.log" || true
