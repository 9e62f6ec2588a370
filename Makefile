# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test install install-dev assets test-provider migrate seed bench load lint format lock ci clean

run: install-dev assets migrate seed ## Serve the demo on http://127.0.0.1:8000 with worker and scheduler
	$(BIN)/honcho -f Procfile.dev start

# One test process per CPU (pytest-xdist); each has its own database, broker queue and cache keys.
# TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto

test: install-dev assets test-provider ## Run the whole suite (SQLite, or DATABASE_URL/REDIS_URL when set)
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist worksteal

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

static/dist/main.css: node_modules/.package-lock.json package.json $(wildcard static/src/*)
	npm run --silent build

assets: static/dist/main.css

# The OpenID provider the single sign-on tests start (tests/oidc): its own lockfile.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund

test-provider: tests/oidc/node_modules/.package-lock.json

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

bench: install ## Time every page family on a small, a young and a large history, and raise_due_reviews (PostgreSQL)
	$(BIN)/python manage.py benchmark $(BENCH_ARGS)

# The database `make load` serves: by default the large one `manage.py benchmark --keep` leaves.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/load_bench_large

load: install-dev assets ## gunicorn (production settings) under 50 locust users for 60 s: req/s, p50/p95/p99
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) BIN=$(BIN) bash loadtest/run

lint: install-dev ## ruff and the layers contract (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(BIN)/python ## Refresh constraints.txt from the ranges in pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet ".[dev]"
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/pip freeze --exclude-editable | grep -v '^socialgov'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .lock-venv

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules static/dist var/staticfiles
