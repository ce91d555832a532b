#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when WENKU_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p test-artifacts

echo "==> tests on SQLite"
# The browser tests must run, not skip; each run checks it is on the database it names.
WENKU_DATA_DIR="$PWD/var/test-sqlite" DATABASE_URL="" WENKU_REQUIRE_BROWSER=1 \
  WENKU_EXPECT_DATABASE=sqlite pytest -p no:cacheprovider "$@"

if [ -n "${WENKU_TEST_DATABASE_URL:-}" ]; then
  # The second run happens at 23:30 UTC by the clock of every process it starts (libfaketime
  # shifts them all by one offset): past 16:00 UTC the site's day (Asia/Shanghai) is already
  # tomorrow, the hours in which a test once compared the wrong days.
  offset=$(( $(date -u -d "today 23:30" +%s) - $(date -u +%s) ))
  sign=""
  if [ "$offset" -ge 0 ]; then sign="+"; fi  # faketime's offsets are "+N" or "-N" seconds
  clock=()
  if command -v faketime >/dev/null; then
    clock=(faketime -f "${sign}${offset}s")
  fi
  echo "==> tests on PostgreSQL ($WENKU_TEST_DATABASE_URL), clock at 23:30 UTC"
  # The browser tests exercise the same code over HTTP; once is enough.
  WENKU_DATA_DIR="$PWD/var/test-postgres" DATABASE_URL="$WENKU_TEST_DATABASE_URL" \
    WENKU_EXPECT_DATABASE=postgresql "${clock[@]}" pytest -p no:cacheprovider -m "not browser" "$@"
fi
