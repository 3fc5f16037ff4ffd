#!/usr/bin/env bash
# Province-scale benchmark (issue 17, docs/benchmarks/scale.md): a province's data set made by
# `jixiao demo generate` on PostgreSQL, grown step by step, with the reviewer's, the province's
# and the public's requests measured at each step and the plans of the slow statements logged.
#
#   scripts/scale-bench.sh [UNITS...]          # default: 500 5000 20000
#   JIXIAO_SCALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test   (default)
#   JIXIAO_SCALE_SCHEMA=scale      the schema; kept, so a later run resumes the generation
#   JIXIAO_SCALE_FRESH=1           drop the schema first
#   PORTAL_CLIENTS=200 PORTAL_SECONDS=20 YEARS=3
#   JIXIAO_SCALE_DATA=DIR          the embedded SQLite in DIR instead of PostgreSQL (a county:
#                                  scripts/scale-bench.sh 500); no plans, the file's size
#
# Each step grows the data set to UNITS units in regions of 500 (codes 420101, 420102, …, all
# under the province 420000 演示省), each unit with a form for each of YEARS years through the
# storage code, then ANALYZEs, starts a release server on it (no demo data) and runs
# crates/jixiao-server/examples/scalebench.rs: the 500-unit region's reviewer (list, search,
# board, summary workbooks), the province's reviewer (the streamed CSV summary of every region)
# and the portal under PORTAL_CLIENTS clients. The server's connections load PostgreSQL's
# auto_explain (the connecting role must be a superuser), so every statement slower than 20 ms is
# logged with its EXPLAIN ANALYZE plan; the script copies those plans out of the PostgreSQL log
# (it must be readable: run as root or as postgres). Results go to target/scale/ (one file per
# step: timings, generation time, table sizes, the server's peak RSS, the plans).
set -euo pipefail
STEPS=("$@")
[[ ${#STEPS[@]} -gt 0 ]] || STEPS=(500 5000 20000)
DB=${JIXIAO_SCALE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
SCHEMA=${JIXIAO_SCALE_SCHEMA:-scale}
YEARS=${YEARS:-3}
CLIENTS=${PORTAL_CLIENTS:-200}
SECS=${PORTAL_SECONDS:-20}
export PGOPTIONS='--client-min-messages=warning'
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT="$TARGET/scale"
mkdir -p "$OUT"
SQLITE=${JIXIAO_SCALE_DATA:-}
if [[ -z "$SQLITE" ]]; then
  command -v psql >/dev/null || { echo "missing: psql (Debian: postgresql-client)" >&2; exit 1; }
  PGLOG=${JIXIAO_SCALE_PGLOG:-$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -1 || true)}
else
  PGLOG=""
  OUT="$OUT/sqlite"
  mkdir -p "$OUT"
fi

cargo build --release -p jixiao -p jixiao-server --bin jixiao --example scalebench >&2
BIN="$TARGET/release/jixiao"

if [[ -n "$SQLITE" ]]; then
  [[ -n "${JIXIAO_SCALE_FRESH:-}" ]] && rm -rf "$SQLITE"
  mkdir -p "$SQLITE"
  STORE=(--data "$SQLITE")
  SERVE_STORE=(--data "$SQLITE")
  q() { python3 -c 'import sqlite3, sys; r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$SQLITE/jixiao.db" "$1"; }
else
  [[ -n "${JIXIAO_SCALE_FRESH:-}" ]] && psql "$DB" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >&2
  psql "$DB" -qc "CREATE SCHEMA IF NOT EXISTS $SCHEMA" >&2
  SEP='?'; [[ "$DB" == *\?* ]] && SEP='&'
  URL="${DB}${SEP}options=-c%20search_path%3D${SCHEMA}"
  EXPLAIN_OPTS="%20-c%20session_preload_libraries%3Dauto_explain%20-c%20auto_explain.log_min_duration%3D20%20-c%20auto_explain.log_analyze%3Don%20-c%20auto_explain.log_buffers%3Don"
  STORE=(--database-url "$URL")
  SERVE_STORE=(--database-url "${URL}${EXPLAIN_OPTS}")
  q() { psql "$DB" -Atqc "SET search_path TO $SCHEMA; $1"; }
fi

SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

for UNITS in "${STEPS[@]}"; do
  REPORT="$OUT/step-$UNITS.txt"
  : > "$REPORT"
  REGIONS=$(( (UNITS + 499) / 500 ))
  GEN_START=$(date +%s.%N)
  for r in $(seq 1 "$REGIONS"); do
    CODE=$(printf '4201%02d' "$r")
    "$BIN" demo generate --units 500 --years "$YEARS" --region-code "$CODE" \
      --region-name "演示县$(printf '%02d' "$r")" --parent-code 420000 --parent-name 演示省 \
      --seed "$r" "${STORE[@]}" 2>&1 | tail -1 | tee -a "$REPORT" >&2
  done
  GEN_END=$(date +%s.%N)
  q "ANALYZE" >/dev/null || true
  {
    echo "step: $UNITS units ($REGIONS regions of 500), $YEARS years"
    echo "generation this step: $(echo "$GEN_END - $GEN_START" | bc) s"
    echo "units: $(q 'SELECT count(*) FROM units'), forms: $(q 'SELECT count(*) FROM forms'), versions: $(q 'SELECT count(*) FROM form_versions'), indicator rows: $(q 'SELECT count(*) FROM indicators'), audit rows: $(q 'SELECT count(*) FROM audit_log')"
    if [[ -n "$SQLITE" ]]; then
      echo "database file: $(du -sh "$SQLITE" | cut -f1)"
    else
      echo "sizes: $(q "SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)), ', ' ORDER BY pg_total_relation_size(c.oid) DESC) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$SCHEMA' AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 1048576")"
      echo "schema total: $(q "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$SCHEMA' AND c.relkind = 'r'")"
    fi
  } | tee -a "$REPORT" >&2

  LOG_FROM=0
  [[ -n "$PGLOG" && -r "$PGLOG" ]] && LOG_FROM=$(stat -c %s "$PGLOG")
  WORK=$(mktemp -d /tmp/jixiao-scale.XXXXXX)
  DATA_ARGS=(--data "$WORK")
  [[ -n "$SQLITE" ]] && DATA_ARGS=()
  JIXIAO_LOGIN_RATE=0 JIXIAO_PUBLIC_RATE=0 "$BIN" serve --listen 127.0.0.1:0 "${DATA_ARGS[@]}" \
    "${SERVE_STORE[@]}" > "$WORK/server.out" 2> "$WORK/server.err" &
  SERVER=$!
  PORT=""
  for _ in $(seq 1 300); do
    PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/server.out" 2>/dev/null | head -1 | cut -d: -f3 || true)
    [[ -n "$PORT" ]] && break
    kill -0 "$SERVER" || { cat "$WORK/server.err" >&2; exit 1; }
    sleep 0.2
  done
  [[ -n "$PORT" ]] || { echo "server did not start" >&2; exit 1; }
  ( while kill -0 "$SERVER" 2>/dev/null; do
      awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || true
      sleep 0.5
    done ) > "$WORK/rss.txt" &
  SAMPLER=$!
  "$TARGET/release/examples/scalebench" "$PORT" 420101 420000 2026 "$CLIENTS" "$SECS" | tee -a "$REPORT"
  echo "server peak RSS: $(( $(sort -n "$WORK/rss.txt" | tail -1) / 1024 )) MiB" | tee -a "$REPORT"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  kill "$SAMPLER" 2>/dev/null || true
  if [[ -n "$PGLOG" && -r "$PGLOG" ]]; then
    tail -c +"$((LOG_FROM + 1))" "$PGLOG" | grep -v 'LOG:  could not receive data\|incomplete startup packet' > "$OUT/plans-$UNITS.log" || true
    echo "statements slower than 20 ms (auto_explain): $(grep -c 'duration:' "$OUT/plans-$UNITS.log" || true), plans in $OUT/plans-$UNITS.log" | tee -a "$REPORT"
  elif [[ -z "$SQLITE" ]]; then
    echo "PostgreSQL log not readable: no plans" | tee -a "$REPORT"
  fi
  rm -rf "$WORK"
done
echo "results in $OUT" >&2
