.PHONY: run test lint format

# README command 1: set up and start the portal with demo data on http://127.0.0.1:8000
run:
	scripts/run.sh

# README command 2: install test dependencies and run the whole suite (SQLite + PostgreSQL)
test:
	scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && PYTHONPATH=src .venv/bin/lint-imports --no-cache

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
