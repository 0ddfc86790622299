#!/usr/bin/env bash
# README command 1: set up and start the portal with demo data on the embedded
# defaults (SQLite and files under var/, database task queue, captured e-mail/SMS).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
export LOG_FORMAT="${LOG_FORMAT:-text}"
scripts/system-deps.sh runtime
scripts/bootstrap.sh
.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python manage.py load_demo
exec .venv/bin/python manage.py serve
