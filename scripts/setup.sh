#!/usr/bin/env bash
# Set up xlreport on a fresh Debian/Ubuntu machine: system packages (LibreOffice for
# report recalculation and PDF, poppler for page images, PostgreSQL for the store tests,
# Chromium + chromedriver and Node.js for the Office add-in's tests), then a virtual
# environment in .venv with the package and its test tools, and the add-in's JavaScript
# test tools (npm ci in addin-tests/).
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
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
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
# the distribution was called "xlreport" before it took its PyPI name, xlreport-plans
if .venv/bin/python -m pip show -q xlreport >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y xlreport
fi
.venv/bin/python -m pip install -q -e ".[dev]"
if [ ! -d addin-tests/node_modules/office-addin-mock ] || \
   [ addin-tests/package-lock.json -nt addin-tests/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in addin-tests (the Office add-in's JavaScript tests)"
  (cd addin-tests && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: done (.venv/bin/xlreport $(.venv/bin/xlreport --version | cut -d' ' -f2))"
