# casegrip: the one entry point. `make demo` and `make test` set up whatever is missing first,
# on a machine that has only Python 3.11+, pip, node and npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
BIN := .venv/bin
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/casegrip

.PHONY: help setup demo test test-sqlite test-postgres check format assets bench clean

help:
	@echo "make demo    set up, then run the demo on http://127.0.0.1:8000"
	@echo "make test    set up, then run the whole test suite (SQLite, PostgreSQL, browser)"
	@echo "make check   formatting, lint, lock files and migrations"
	@echo "make assets  build the page styles and scripts"
	@echo "make bench   run the benchmarks in bench/"

# uv itself, when the machine has none: a private copy from PyPI.
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(if $(shell command -v uv 2>/dev/null),,.tools/bin/uv)
	$(UV) sync --locked
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup: .venv/.synced node_modules/.package-lock.json

assets: node_modules/.package-lock.json
	npm run --silent build

demo: setup assets
	$(BIN)/casegrip demo

test: setup assets
	scripts/ensure-chromium
	scripts/ensure-java
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest

# The same suite on PostgreSQL as Django's database, less the browser journeys and the engine
# tests (those already ran on DuckDB, PostgreSQL and Spark above, whatever Django's database).
# It skips when PostgreSQL does not answer, unless CASEGRIP_REQUIRE_POSTGRES=1 (as in CI).
test-postgres:
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -m "not browser and not engines"

check: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(UV) lock --check
	npm ci --dry-run --no-audit --no-fund >/dev/null
	DJANGO_SETTINGS_MODULE=casegrip.web.settings.test $(BIN)/django-admin makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf .venv .tools node_modules src/casegrip/web/static/dist
