#!/usr/bin/env bash
# What the audit hash chain costs on PostgreSQL: every audited write takes the one `audit_head`
# row for update until it commits, so audited writes commit one after another. This measures a
# write step shaped like a save (a version row of ~32 KB and an audit row) with and without the
# head row, at 1, 8 and 32 concurrent clients, with pgbench against the local server.
#
# Usage: bash scripts/bench/audit_chain_pg.sh [seconds per run, default 15]
# Needs: pgbench (Debian postgresql-client), the local server on 127.0.0.1:5432, database `test`.
set -euo pipefail
secs="${1:-15}"
db="postgresql://postgres@127.0.0.1:5432/test"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"; psql -q "$db" -c "DROP SCHEMA IF EXISTS bench_audit CASCADE" >/dev/null 2>&1' EXIT

psql -q "$db" >/dev/null 2>&1 <<'SQL'
DROP SCHEMA IF EXISTS bench_audit CASCADE;
CREATE SCHEMA bench_audit;
CREATE TABLE bench_audit.versions (form_id BIGINT, body TEXT);
CREATE TABLE bench_audit.audit_log (id BIGSERIAL PRIMARY KEY, form_id BIGINT, at BIGINT, detail TEXT, seq BIGINT, hash TEXT);
CREATE TABLE bench_audit.audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO bench_audit.audit_head VALUES (1, 0, '');
SQL

# A save without the chain: a version row and an audit row.
cat > "$dir/plain.sql" <<'SQL'
\set form random(1, 5000)
BEGIN;
INSERT INTO bench_audit.versions VALUES (:form, repeat('x', 32000));
INSERT INTO bench_audit.audit_log (form_id, at, detail) VALUES (:form, 0, 'save');
COMMIT;
SQL
# The same with the chain: take the head, write the row with its sequence number and hash,
# move the head: the three statements the application sends (the SHA-256 itself is computed in
# Rust, 1–2 µs; md5 stands in for it).
cat > "$dir/chained.sql" <<'SQL'
\set form random(1, 5000)
BEGIN;
INSERT INTO bench_audit.versions VALUES (:form, repeat('x', 32000));
UPDATE bench_audit.audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq \gset
INSERT INTO bench_audit.audit_log (form_id, at, detail, seq, hash) VALUES (:form, 0, 'save', :seq, md5(:seq::text));
UPDATE bench_audit.audit_head SET hash = md5(:seq::text) WHERE id = 1;
COMMIT;
SQL

printf '%-8s %8s %12s %12s\n' clients script tps "latency ms"
for c in 1 8 32; do
  for s in plain chained; do
    j=$(( c < 2 ? c : 2 ))
    out=$(pgbench -n -c "$c" -j "$j" -T "$secs" -f "$dir/$s.sql" "$db" 2>&1)
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
    printf '%-8s %8s %12s %12s\n' "$c" "$s" "$tps" "$lat"
  done
done
