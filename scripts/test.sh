#!/usr/bin/env bash
# README command 2: install the test dependencies (Debian packages when missing,
# see scripts/system-deps.sh) and run the whole suite: lint, migrations, translations, then the tests
# on SQLite and, when a PostgreSQL server answers on 127.0.0.1:5432 (always in CI),
# on PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-deps.sh test
scripts/bootstrap.sh test
py=.venv/bin/python
export VAR_DIR="${TEST_VAR_DIR:-$PWD/var/test}"
mkdir -p "$VAR_DIR"

echo "== lint"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The layering contract ([tool.importlinter] in pyproject.toml, docs/architecture.md).
PYTHONPATH=src .venv/bin/lint-imports --no-cache
echo "== migrations and translations"
$py manage.py makemigrations --check --dry-run --verbosity 0
# New interface strings land in the English catalogue; the translations test then
# fails listing any left untranslated. A run that finds none leaves the file as it was.
po=src/gosportal/locale/en/LC_MESSAGES/django.po
cp "$po" "$VAR_DIR/django.po.before"
$py manage.py makemessages --locale en --no-location --no-obsolete --verbosity 0
if diff -q -I '^"POT-Creation-Date' "$VAR_DIR/django.po.before" "$po" >/dev/null; then
  cp "$VAR_DIR/django.po.before" "$po"
fi
$py manage.py compile_translations --verbosity 0

workers="${PYTEST_WORKERS:-2}"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/gosportal}"
pg_up=no
if $py - "$pg_url" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
then
  pg_up=yes
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $pg_url, and CI must test on it." >&2
  exit 1
fi

# Each test runs once where one database is enough:
# - browser tests drive the same views as the HTTP tests, so they run on SQLite (the
#   embedded default a newcomer starts with) unless E2E_ON_POSTGRES=1 repeats them;
# - tests that start other processes (crash and kill tests, `check --deploy`, the RQ
#   worker) run on PostgreSQL, the production database, whose locks they exercise;
#   without a PostgreSQL server they run on SQLite instead.
sqlite_marks=()
pg_marks=(-m "not e2e")
if [ "$pg_up" = yes ]; then
  sqlite_marks=(-m "not subprocess")
  [ "${E2E_ON_POSTGRES:-}" = "1" ] && pg_marks=()
fi

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$VAR_DIR/db.sqlite3" .venv/bin/pytest -n "$workers" "${sqlite_marks[@]}" "$@"

if [ "$pg_up" = yes ]; then
  echo "== tests on PostgreSQL"
  DATABASE_URL="$pg_url" .venv/bin/pytest -n "$workers" "${pg_marks[@]}" "$@"
else
  echo "== PostgreSQL not reachable at $pg_url: skipped (CI always runs it)"
fi
