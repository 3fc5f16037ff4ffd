#!/usr/bin/env bash
# Side-by-side: `jixiao export --format pdf` (typst, embedded font) against LibreOffice headless printing an
# XLSX of the same form to PDF (what units do today). Each run is a fresh process, so jixiao's
# time includes parsing the embedded font.
#
# Needs: hyperfine and libreoffice-calc-nogui (soffice), from Debian. Usage:
#   scripts/bench-pdf.sh [FORM.json]        (default: fixtures/seed/seed.form.json)
# Env: CARGO_TARGET_DIR (where the release binary is built), JIXIAO_BIN (a jixiao binary to time
# instead of building one), RUNS (default 20).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
form="${1:-$repo/fixtures/seed/seed.form.json}"
target="${CARGO_TARGET_DIR:-$repo/target}"
runs="${RUNS:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in hyperfine soffice; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

if [ -n "${JIXIAO_BIN:-}" ]; then
    bin="$JIXIAO_BIN"
else
    echo "== building jixiao (release)"
    (cd "$repo" && cargo build --release --locked -p jixiao --quiet)
    bin="$target/release/jixiao"
fi

echo "== the same form as XLSX (jixiao export), for LibreOffice"
xlsx="$work/form.xlsx"
"$bin" export "$form" --format xlsx -o "$xlsx"

lo_profile="file://$work/lo-profile"
echo "== hyperfine ($runs runs each after a warm-up run, which also creates LibreOffice's profile)"
# -N: each command is started directly, not through a shell whose start-up would be timed too.
hyperfine -N --runs "$runs" --warmup 1 --export-markdown "$work/result.md" \
    -n "jixiao export --format pdf" "$bin export '$form' --format pdf --private -o '$work/jixiao.pdf'" \
    -n "LibreOffice XLSX→PDF" "soffice -env:UserInstallation=$lo_profile --headless --convert-to pdf --outdir '$work/lo' '$xlsx'"
cat "$work/result.md"
echo
echo "pages: jixiao $(pdfinfo "$work/jixiao.pdf" 2>/dev/null | awk '/^Pages/{print $2}'), LibreOffice $(pdfinfo "$work/lo/form.pdf" 2>/dev/null | awk '/^Pages/{print $2}')"
ls -l "$work/jixiao.pdf" "$work/lo/form.pdf" | awk '{print $5, $9}'
