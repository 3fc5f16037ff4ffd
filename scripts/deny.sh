#!/usr/bin/env bash
# Supply-chain checks with cargo-deny, offline: licences, bans (duplicates, wildcards) and
# sources (crates.io only) against deny.toml; advisories too when a local advisory database
# exists (this script never fetches one: these machines reach no git host).
#
# Installs cargo-deny from crates.io first if it is missing (a few minutes on 2 cores).
# Usage: scripts/deny.sh        Env: CARGO_DENY_VERSION (default below), ADVISORY_DB (the folder
# holding advisory databases; default: $CARGO_HOME/advisory-dbs, where cargo-deny keeps them).
# Exits non-zero when a check fails.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
version="${CARGO_DENY_VERSION:-0.20.2}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
advisory_db="${ADVISORY_DB:-$cargo_home/advisory-dbs}"

if ! cargo deny --version >/dev/null 2>&1; then
    echo "== installing cargo-deny $version"
    start=$(date +%s)
    cargo install cargo-deny --locked --version "$version"
    echo "== installed cargo-deny in $(($(date +%s) - start)) s"
fi
echo "== $(cargo deny --version)"

cd "$repo"
# `cargo deny --offline` reads `cargo metadata`, which needs the sources of every locked crate,
# those of other platforms too (windows-sys…), in the local registry cache: a fresh machine has
# only what its own builds downloaded. Fetch them from crates.io first (the one network use).
echo "== cargo fetch --locked (every platform's crates, for cargo metadata)"
cargo fetch --locked
status=0
echo "== cargo deny --offline check licenses bans sources"
cargo deny --offline check licenses bans sources || status=1

# An advisory database is a git checkout of RustSec's advisory-db under $advisory_db.
if find "$advisory_db" -mindepth 2 -maxdepth 2 -name crates -type d 2>/dev/null | grep -q .; then
    echo "== cargo deny --offline check advisories (local database in $advisory_db)"
    cargo deny --offline check advisories || status=1
else
    echo "== advisories NOT checked: no local advisory database in $advisory_db"
    echo "   (on a machine with network: cargo deny fetch db, then rerun this script)"
fi

if [ "$status" -ne 0 ]; then
    echo "== cargo-deny: FAILED" >&2
else
    echo "== cargo-deny: ok"
fi
exit "$status"
