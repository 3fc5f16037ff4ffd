#!/usr/bin/env bash
# Runs the whole test suite: `bash scripts/test.sh`.
#
# The suite uses, besides Rust: poppler-utils (pdftotext, pdftoppm) to read generated PDFs,
# Chromium + ChromeDriver for the browser tests, Python's openpyxl to cross-check XLSX files,
# Tesseract with its simplified-Chinese model and Pillow to make and read scanned copies, and
# a PostgreSQL server on 127.0.0.1:5432 (trust auth, database `test`) for the PostgreSQL backend.
# When run as root on Debian it installs what is missing; otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || tesseract --list-langs 2>/dev/null | grep -qx chi_sim || need_apt+=(tesseract-ocr-chi-sim)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "!! missing Debian packages: ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
  fi
fi

for module in openpyxl:openpyxl PIL:Pillow; do
  if ! python3 -c "import ${module%%:*}" >/dev/null 2>&1; then
    echo "== installing ${module#*:}"
    python3 -m pip install -q "${module#*:}" || echo "!! pip install ${module#*:} failed" >&2
  fi
done

# PostgreSQL: start the local cluster if it is installed but not running.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

cargo test --workspace --locked
