#!/usr/bin/env bash
# Backup and restore drill (docs/deploy.md): backs up while saves run, restores, starts jixiao on
# the copy and compares every form version. Outside CI (it needs a release build).
#
#     scripts/backup-drill.sh [sqlite] [postgres]      # both by default
#
# Env: JIXIAO_BIN (default target/release/jixiao, built when missing), JIXIAO_DRILL_PG (the
# PostgreSQL server, default postgres://postgres@127.0.0.1:5432; the drill creates and drops
# two databases on it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${JIXIAO_BIN:-target/release/jixiao}
if [ ! -x "$bin" ]; then
    cargo build --release --locked -p jixiao
fi
JIXIAO_BIN=$bin exec python3 scripts/backup-drill.py "$@"
