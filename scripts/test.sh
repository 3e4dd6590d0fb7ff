#!/usr/bin/env bash
# The whole suite on SQLite with branch coverage, then again on PostgreSQL when DATABASE_URL is
# set; each run's duration is printed, and the critical modules' coverage checked.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# Compiled modules are written and kept (__pycache__ folders, which git ignores) even where
# PYTHONDONTWRITEBYTECODE is set: with it set, each pytest-xdist process rewrote the assertions
# of all 160 test modules again on every run, 13 s instead of 7 s under coverage.
unset PYTHONDONTWRITEBYTECODE

if [ -x /usr/lib/chromium/chromium-headless-shell ]; then
  echo "Browser tests: using Debian's Chromium headless shell at /usr/lib/chromium/chromium-headless-shell."
else
  echo "Browser tests: SKIPPED, no Chromium at /usr/lib/chromium/chromium-headless-shell (apt-get install chromium-headless-shell)."
fi

# Two workers: the suite's half of the time on a 2-core machine (pytest-xdist).
WORKERS=(-n "${TEST_WORKERS:-2}" --dist worksteal)

durations=()
timed() {
  # timed LABEL COMMAND...: run the command, print and remember how long it took.
  local label=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  local took=$((SECONDS - start))
  durations+=("$label suite: $((took / 60))m$(printf '%02d' $((took % 60)))s")
  echo "${durations[-1]}"
  return "$status"
}

# Coverage is measured on the SQLite run, which is the whole suite: the PostgreSQL run repeats
# the same tests less the database-free ones, so it is not measured twice.
rm -f .coverage .coverage.*
COVERAGE=(--cov --cov-report=)

pg_url="${DATABASE_URL:-}"
if [ -n "$pg_url" ]; then
  echo "== Test suite on SQLite, with branch coverage =="
  timed SQLite env -u DATABASE_URL "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" "${COVERAGE[@]}" "$@"
else
  echo "== Test suite on SQLite, with branch coverage (set DATABASE_URL to run it on PostgreSQL too) =="
  timed SQLite "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" "${COVERAGE[@]}" "$@"
fi

echo "== Branch coverage =="
"$BIN/coverage" json -q -o coverage.json
coverage_status=0
if [ $# -eq 0 ]; then
  # A module below its bar fails the run, after the PostgreSQL run has run and been timed.
  "$BIN/python" scripts/coverage_check.py coverage.json || coverage_status=$?
else
  # Part of the suite (arguments were given) covers part of the code: report, do not judge.
  "$BIN/python" scripts/coverage_check.py coverage.json || echo "(a partial run: not a failure)"
fi

if [ -n "$pg_url" ]; then
  # followup.spc and followup.agreement are numpy-only libraries that never touch a database:
  # their tests (and their commands' refusals) ran above and are not repeated on PostgreSQL.
  # Nor are the browser tests (marked "browser"): they check what Chromium shows and runs (axe,
  # scripts, layout at two widths), which no database changes; every server path they reach is
  # tested on PostgreSQL through Django's test client by each app's own tests. On PostgreSQL
  # each loaded the demo afresh, since its live server cannot see the test's transaction: about
  # three minutes of the run on a 2-core machine.
  echo "== Test suite on PostgreSQL ($pg_url), without the database-free tests/spc and tests/agreement, nor the browser tests =="
  timed PostgreSQL env DATABASE_URL="$pg_url" "$BIN/pytest" -p no:cacheprovider "${WORKERS[@]}" \
    --ignore=tests/spc --ignore=tests/agreement -m "not browser" "$@"
fi

printf '%s\n' "${durations[@]}"
exit "$coverage_status"
