# Nivaran: `make run` serves the demo; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PROFILE ?= haryana
export NIVARAN_VAR_DIR ?= $(CURDIR)/var
RUN_DB ?= sqlite:///$(NIVARAN_VAR_DIR)/$(PROFILE).sqlite3
RUN_ENV := NIVARAN_DEMO_MODE=1 DEBUG=1 NIVARAN_PROFILE=$(PROFILE) DATABASE_URL=$(RUN_DB)

.PHONY: run test setup manage lint typecheck pytest assets browser-deps messages schema clean bench bench-faults \
  bench-load scale-demo

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

setup: $(VENV)/.installed assets

## Serve the platform with demo data on SQLite, with the background worker.
run: setup
	@mkdir -p "$(NIVARAN_VAR_DIR)"
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(RUN_ENV) $(BIN)/python manage.py setup_demo --profile $(PROFILE)
	@$(RUN_ENV) PORT=$(PORT) VENV=$(VENV) bash scripts/serve.sh

## Run a management command against the database `make run` uses: make manage ARGS="..."
manage: setup
	@$(RUN_ENV) $(BIN)/python manage.py $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	NIVARAN_TESTING=1 $(BIN)/mypy .

browser-deps:
	@bash scripts/browser-deps.sh

## Every check: lint, types, the test suite on SQLite, and on PostgreSQL when DATABASE_URL is set
## (there the router's tests start a streaming replica on :5433, scripts/pg-replica.sh, and
## the pooling test PgBouncer on :6432, scripts/pgbouncer.sh, installed here when missing).
test: setup browser-deps lint typecheck
	env -u DATABASE_URL NIVARAN_TESTING=1 $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== again on $$DATABASE_URL"; \
	  bash scripts/pgbouncer.sh install; \
	  NIVARAN_TESTING=1 $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); \
	fi

bench: setup
	NIVARAN_TESTING=1 $(BIN)/python bench/run.py $(ARGS)

## Registrations against gunicorn while a web worker and the Celery worker are killed (PostgreSQL).
bench-faults: setup
	$(BIN)/python bench/faults.py $(ARGS)

## The load test against gunicorn + Celery on a bench database (PostgreSQL, DATABASE_URL):
## make bench-load ARGS="--count 200000 -- --concurrency 8 --duration 30 --mix register=1"
bench-load: setup
	$(BIN)/python bench/serve.py $(ARGS)

## Primary, replica, PgBouncer, gunicorn and two Celery workers, then the load test (ARGS: serve.py's).
scale-demo: setup
	bash scripts/scale-demo.sh $(ARGS)

## Extract and compile translations (needs GNU gettext).
messages: setup
	cd nivaran && PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=nivaran.settings NIVARAN_TESTING=1 \
	  ../$(BIN)/django-admin makemessages -l hi --no-obsolete -i 'testing/*'
	cd nivaran && PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=nivaran.settings NIVARAN_TESTING=1 \
	  ../$(BIN)/django-admin compilemessages

schema: setup
	env -u DATABASE_URL NIVARAN_TESTING=1 $(BIN)/python manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

clean:
	rm -rf $(VENV) node_modules var
