#!/usr/bin/env bash
# Set up xlreport on a fresh Debian/Ubuntu machine: system packages (LibreOffice for
# report recalculation and PDF, the Carlito font, poppler for page images, PostgreSQL for
# the store tests, faketime for the time-travel tests),
# then a virtual environment in .venv with the package and its test tools.
# Safe to run again: every step is idempotent. Set XLREPORT_SKIP_APT=1 to skip apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${XLREPORT_SKIP_APT:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  need=()
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  # Carlito: metric-compatible with Calibri, for LibreOffice's printing and the report's
  # row heights (xlreport.report.textfit)
  [ -e /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf ] || need+=(fonts-crosextra-carlito)
  # the time-travel tests run whole processes under a fake clock (libfaketime)
  ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1 || need+=(faketime)
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
echo "setup: done (.venv/bin/xlreport $(.venv/bin/xlreport --version | cut -d' ' -f2))"
