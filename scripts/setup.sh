#!/usr/bin/env bash
# Set up xlreport from the repository folder (Debian/Ubuntu; elsewhere skip apt-get with
# XLREPORT_SKIP_APT=1 and bring Python 3.11+ yourself).
#
#   scripts/setup.sh         what writing reports needs: .venv with xlreport (and, on
#                            Debian, python3-venv when it is missing)
#   scripts/setup.sh --dev   also everything the tests and CI need: LibreOffice, the
#                            Carlito font, poppler, PostgreSQL, faketime (time-travel
#                            tests), Chromium +
#                            chromedriver, Node.js and npm, the Python test tools, and
#                            npm ci in addin-tests/
#
# Each step says what it does and long steps show their progress. Safe to run again:
# every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=user
case "${1:-}" in
  "" | --user) ;;
  --dev) mode=dev ;;
  *) echo "usage: scripts/setup.sh [--dev]" >&2; exit 2 ;;
esac
steps=3
[ "$mode" = dev ] && steps=4
step=0
say() {
  step=$((step + 1))
  echo "setup [$step/$steps] $*"
}

PY="${PYTHON:-python3}"
need=()
if [ "${XLREPORT_SKIP_APT:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1; then
  "$PY" -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
  if [ "$mode" = dev ]; then
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
    command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
    # Calibri's metric twin: the print tests measure text as LibreOffice lays it out
    ls /usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf >/dev/null 2>&1 \
      || need+=(fonts-crosextra-carlito)
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
    # the time-travel tests run whole processes under a fake clock (libfaketime)
    ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1 || need+=(faketime)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
    command -v node >/dev/null 2>&1 || need+=(nodejs)
    command -v npm >/dev/null 2>&1 || need+=(npm)
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  say "system packages: ${need[*]} (apt-get; a minute or more for LibreOffice and Chromium)"
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
else
  say "system packages: nothing to install"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
else
  say ".venv exists ($(.venv/bin/python --version))"
fi

extra=""
[ "$mode" = dev ] && extra="[dev]"
say "Python packages: xlreport${extra} and its dependencies into .venv (pip shows each one)"
.venv/bin/python -m pip install -q --upgrade pip
# the distribution was called "xlreport" before it took its PyPI name, xlreport-plans
if .venv/bin/python -m pip show -q xlreport >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y xlreport
fi
.venv/bin/python -m pip install --progress-bar on -e ".${extra}"

if [ "$mode" = dev ]; then
  if [ ! -d addin-tests/node_modules/office-addin-mock ] ||
    [ addin-tests/package-lock.json -nt addin-tests/node_modules/.package-lock.json ]; then
    say "npm ci in addin-tests/ (the Office add-in's JavaScript test tools)"
    (cd addin-tests && npm ci --no-audit --no-fund)
  else
    say "npm packages of addin-tests/ are installed"
  fi
fi
echo "setup: done (.venv/bin/xlreport $(.venv/bin/xlreport --version | cut -d' ' -f2)," \
  "$mode set-up)"
