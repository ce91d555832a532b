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
  echo "==> tests on PostgreSQL ($WENKU_TEST_DATABASE_URL)"
  # The browser tests exercise the same code over HTTP; once is enough.
  WENKU_DATA_DIR="$PWD/var/test-postgres" DATABASE_URL="$WENKU_TEST_DATABASE_URL" \
    WENKU_EXPECT_DATABASE=postgresql pytest -p no:cacheprovider -m "not browser" "$@"
fi
