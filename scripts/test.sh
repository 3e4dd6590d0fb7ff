#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ -x /usr/bin/chromium ]; then
  echo "Browser tests: using Debian's Chromium at /usr/bin/chromium."
else
  echo "Browser tests: SKIPPED, no Chromium at /usr/bin/chromium (apt-get install chromium)."
fi

# Two workers: the suite's half of the time on a 2-core machine (pytest-xdist).
WORKERS=(-n "${TEST_WORKERS:-2}" --dist worksteal)

pg_url="${DATABASE_URL:-}"
if [ -n "$pg_url" ]; then
  echo "== Test suite on SQLite =="
  env -u DATABASE_URL "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" "$@"
  # followup.spc is a numpy-only library that never touches a database: its 570 tests ran
  # above and are not repeated on PostgreSQL.
  echo "== Test suite on PostgreSQL ($pg_url), without the database-free tests/spc =="
  DATABASE_URL="$pg_url" "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" --ignore=tests/spc "$@"
else
  echo "== Test suite on SQLite (set DATABASE_URL to run it on PostgreSQL too) =="
  "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" "$@"
fi
