#!/usr/bin/env bash
# Set up (scripts/setup.sh --dev: the test tools too), start a throwaway PostgreSQL server
# when one is installed, run the lint and type checks, then the whole test suite. Under CI
# (CI=true) the PostgreSQL tests are required.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

if [ -z "${XLREPORT_TEST_POSTGRES_URL:-}" ]; then
  if url=$(scripts/pg-test-server.sh start); then
    export XLREPORT_TEST_POSTGRES_URL="$url"
    trap 'scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
  elif [ "${CI:-}" = "true" ]; then
    echo "test: could not start PostgreSQL, which CI requires" >&2
    exit 1
  fi
fi

echo "test: ruff (lint, format) and mypy --strict on the package"
.venv/bin/ruff check xlreport tests bench
.venv/bin/ruff format --check --quiet xlreport tests bench
.venv/bin/mypy xlreport

.venv/bin/python -m pytest "$@"
