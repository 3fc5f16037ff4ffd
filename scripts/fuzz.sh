#!/usr/bin/env bash
# Builds one cargo-fuzz target (nightly, optimised as released: `-O`, no debug assertions) and runs it for SECONDS
# on its corpus (fuzz/corpus/TARGET), with a -max_len and -rss_limit_mb that suit the target.
# One fuzzer process, one job: the machine is shared. Crashes land in fuzz/artifacts/TARGET.
#
#     scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#     scripts/fuzz.sh target_value 120
#
# Targets: target_value, import_json, import_xlsx, lifecycle_xlsx, import_text, import_pdf, ocr_page.
# Set NICE=0 to run at normal priority (default: nice -n 10).
# Set SANITIZER=none to build without AddressSanitizer (in fuzz/target-nosan, beside the default
# build): jixiao forbids unsafe code, so what the fuzzers look for (panics, hangs, memory blow-ups)
# is found either way, and the text target replays its corpus five times as fast without it.
set -euo pipefail

usage() {
    echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
    echo "targets: target_value import_json import_xlsx lifecycle_xlsx import_text import_pdf ocr_page" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]*) echo "SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac

# Inputs the importers accept are bounded (20 MB files), but a fuzzer finds more per second with
# small inputs; the limits below are just above the largest seed of each corpus.
case $target in
    target_value) max_len=256; rss=1024 ;;
    import_json) max_len=65536; rss=2048 ;;
    import_text) max_len=65536; rss=2048 ;;
    import_xlsx | lifecycle_xlsx) max_len=131072; rss=2048 ;;
    # PDF: the fixture PDFs are 90–840 KB, but at -max_len=1000000 a run makes 5 executions a
    # second; at 16 KB (the hand-built seeds of pdf_seeds.py, and the start of each fixture)
    # 186 a second, with the same coverage after 20 s (5,936 against 5,977 edges).
    import_pdf) max_len=16384; rss=2048 ;;
    # OCR: images up to 256 × 256 pixels and the TSV after them (fuzz_targets/ocr_page.rs).
    ocr_page) max_len=70000; rss=2048 ;;
    *) echo "unknown target '$target'" >&2; usage ;;
esac

if ! command -v rustup >/dev/null 2>&1; then
    echo "rustup is not installed; cargo-fuzz needs it to use a nightly toolchain. See https://rustup.rs, then:" >&2
    echo "    rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 1
fi
if ! rustup toolchain list | grep -q '^nightly'; then
    echo "A nightly Rust toolchain is needed (cargo-fuzz uses -Z sanitizer flags). Install it with:" >&2
    echo "    rustup toolchain install nightly" >&2
    exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed. Install it with:" >&2
    echo "    cargo install cargo-fuzz --locked" >&2
    exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_dir=$root/fuzz
corpus=$fuzz_dir/corpus/$target
mkdir -p "$corpus" "$fuzz_dir/artifacts/$target"
nice=(nice -n "${NICE:-10}")
build=(--fuzz-dir "$fuzz_dir" -O)
case ${SANITIZER:-address} in
    address) ;;
    none) build+=(-s none --target-dir "$fuzz_dir/target-nosan") ;;
    *) echo "SANITIZER must be address (the default) or none, not '$SANITIZER'" >&2; exit 2 ;;
esac

"${nice[@]}" cargo +nightly fuzz build "${build[@]}" "$target"
# With -jobs=1 -workers=1 libFuzzer runs exactly one child fuzzer and writes its output to
# fuzz-0.log in the working directory: run from a scratch directory and show that log.
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$target.XXXXXX")
log=$work/fuzz-0.log
echo "fuzzing $target for ${seconds}s (corpus fuzz/corpus/$target, -max_len=$max_len, -rss_limit_mb=$rss); log: $log"
status=0
(cd "$work" && "${nice[@]}" cargo +nightly fuzz run "${build[@]}" "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb="$rss" \
    -jobs=1 -workers=1 -timeout=30 -print_final_stats=1 "$@") || status=$?
[ -f "$log" ] && tail -n 40 "$log"

# The summary: executions, speed, coverage at the end.
echo
echo "== $target: $(date -u +%FT%TZ), ${seconds}s =="
grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|stat::new_units_added)' "$log" || true
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)"
echo "crashes: $(find "$fuzz_dir/artifacts/$target" -type f | wc -l) file(s) in fuzz/artifacts/$target"
if [ "$status" -ne 0 ]; then
    echo "the fuzzer stopped with status $status: see fuzz/artifacts/$target and $log" >&2
fi
exit "$status"
