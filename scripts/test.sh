#!/usr/bin/env bash
# The whole test suite: lint and migration checks, then pytest on SQLite, then on PostgreSQL.
#
# TORGET_TEST_DATABASE_URL  the PostgreSQL to test on (default postgres://postgres@127.0.0.1:5432/test;
#                           pytest-django creates and drops a "test_" database beside it)
# TORGET_REQUIRE_POSTGRES=1 fail when it cannot be reached, instead of running on SQLite only
# TORGET_REQUIRE_BROWSER=1  fail when Chromium is missing, instead of skipping the browser tests
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${TORGET_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
DATA_DIR="$(mktemp -d)"
trap 'rm -rf "$DATA_DIR"' EXIT
export TORGET_DATA_DIR="$DATA_DIR" TORGET_SECRET_KEY="test-only-secret-key"
mkdir -p test-artifacts

echo "== Lint (ruff) and migrations check =="
$BIN/ruff check . || exit 1
TORGET_DATABASE_URL="sqlite:///$DATA_DIR/check.sqlite3" \
  $BIN/torget makemigrations --check --dry-run >/dev/null || {
  echo "Models changed without a migration: run 'torget makemigrations'."; exit 1; }

ran=()
echo
echo "== Tests on SQLite =="
TORGET_DATABASE_URL="sqlite:///$DATA_DIR/torget.sqlite3" TORGET_TEST_DB_LABEL=sqlite \
  $BIN/pytest "$@"
status=$?
[ $status -eq 0 ] && ran+=("SQLite: passed") || ran+=("SQLite: FAILED")

echo
if $BIN/python scripts/pg_reachable.py "$PG_URL"; then
  echo "== Tests on PostgreSQL ($PG_URL) =="
  TORGET_DATABASE_URL="$PG_URL" TORGET_TEST_DB_LABEL=postgresql $BIN/pytest "$@"
  pg_status=$?
  [ $pg_status -eq 0 ] && ran+=("PostgreSQL: passed") || ran+=("PostgreSQL: FAILED")
  [ $pg_status -ne 0 ] && status=$pg_status
elif [ "${TORGET_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (TORGET_REQUIRE_POSTGRES=1) but $PG_URL cannot be reached."
  ran+=("PostgreSQL: NOT REACHABLE")
  status=1
else
  echo "PostgreSQL not reachable at $PG_URL: the suite ran on SQLite only."
  ran+=("PostgreSQL: not run (not reachable)")
fi

echo
echo "== Databases the suite ran on =="
printf '  %s\n' "${ran[@]}"
exit $status
