# QA Portal: the two commands a newcomer needs are `make run` and `make test`.
# Everything else here is what those two stand on.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help install frontend migrate run test test-fast lint format bench deploy-check clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

# The venv is rebuilt whenever the lock changes.
$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(BIN)/.installed  ## create the venv and install the locked Python packages

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/.built: node_modules/.package-lock.json $(shell find frontend -type f 2>/dev/null)
	npm run --silent build
	@touch $@

frontend: static/.built  ## install npm packages and build the CSS and JavaScript

migrate: install
	DEBUG=$${DEBUG:-true} $(MANAGE) migrate --no-input

run: install frontend  ## the app with demo data on http://127.0.0.1:8000, with a Celery worker and beat
	DEBUG=$${DEBUG:-true} bin/run-dev

# The suite runs in one process per core (pytest-xdist), each with its own test database and Redis
# database; a test module stays on one worker, so what it builds once (catalogue_once, cast_once) is
# built once. TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= auto
PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadfile)

test: install frontend  ## the whole suite (SQLite and an in-process broker unless DATABASE_URL/CELERY_BROKER_URL say otherwise)
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-fast: install  ## the suite without the browser tests
	$(BIN)/python -m pytest $(PARALLEL) -m "not browser" $(PYTEST_ARGS)

lint: install  ## ruff, and the layering contract (import-linter: apps import only the apps below them, no cycles)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

deploy-check: install frontend  ## Django's deployment checks with production-like settings
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-deploy-check-$$(date +%s)-not-a-real-secret-key-0123456789abcdef} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-qa-portal.example.org} CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/1} \
	$(MANAGE) check --deploy --fail-level WARNING

bench: install  ## print benchmark figures as JSON lines (set DATABASE_URL for PostgreSQL)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:  ## remove build output and the development database (keeps the venv)
	rm -rf static staticfiles var test-results
