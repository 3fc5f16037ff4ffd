#!/usr/bin/env bash
# Load test of `jixiao serve` on loopback, against a release build.
#
#   scripts/loadtest.sh [CLIENTS] [SECONDS]            # SQLite in a temporary data directory
#   JIXIAO_LOADTEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/loadtest.sh
#                                                       # PostgreSQL, in a fresh schema (needs psql)
#
# Starts the server with --demo, runs crates/jixiao-server/examples/loadtest.rs (view phase, then
# save+validate phase, CLIENTS keep-alive connections each), samples the server's RSS every
# 0.2 s, prints the results and stops the server. Results go to docs/benchmarks/server.md by hand.
set -euo pipefail
CLIENTS=${1:-100}
SECONDS_PER_PHASE=${2:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

cargo build --release -p jixiao -p jixiao-server --bin jixiao --example loadtest >&2
DATA=$(mktemp -d /tmp/jixiao-loadtest.XXXXXX)
ARGS=(serve --demo --listen 127.0.0.1:0 --data "$DATA")
SCHEMA=""
if [[ -n "${JIXIAO_LOADTEST_DATABASE_URL:-}" ]]; then
  SCHEMA="loadtest_$$"
  psql "$JIXIAO_LOADTEST_DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA" >&2
  SEP='?'; [[ "$JIXIAO_LOADTEST_DATABASE_URL" == *\?* ]] && SEP='&'
  ARGS+=(--database-url "${JIXIAO_LOADTEST_DATABASE_URL}${SEP}options=-c%20search_path%3D${SCHEMA}")
fi

"$TARGET/release/jixiao" "${ARGS[@]}" > "$DATA/server.out" 2> "$DATA/server.err" &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  [[ -n "$SCHEMA" ]] && psql "$JIXIAO_LOADTEST_DATABASE_URL" -qc "DROP SCHEMA $SCHEMA CASCADE" >&2 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

PORT=""
for _ in $(seq 1 300); do   # up to 60 s for the start-up line
  PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$DATA/server.out" 2>/dev/null | head -1 | cut -d: -f3 || true)
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER" || { cat "$DATA/server.err" >&2; exit 1; }
  sleep 0.2
done
[[ -n "$PORT" ]] || { echo "server did not start" >&2; exit 1; }

MAXRSS=0
( while kill -0 "$SERVER" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || true
    sleep 0.2
  done ) > "$DATA/rss.txt" &
SAMPLER=$!

"$TARGET/release/examples/loadtest" "$PORT" "$CLIENTS" "$SECONDS_PER_PHASE"
kill "$SAMPLER" 2>/dev/null || true
MAXRSS=$(sort -n "$DATA/rss.txt" | tail -1)
echo "server peak RSS: $((MAXRSS / 1024)) MiB"
if [[ -z "$SCHEMA" ]]; then
  ls -l "$DATA"/jixiao.db* | awk '{print "db file: " $NF " " $5 " bytes"}'
fi
