# The two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run serve test test-postgres test-browser-deps lint stress bench bench-large migrate import index clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-bench.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

import: migrate
	$(BIN)/python manage.py import_articles fixtures/

index: migrate
	$(BIN)/python manage.py rebuild_index

run: import index
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
test-browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup test-browser-deps
	$(BIN)/python -m pytest

# The house rules: ruff's lint and format checks (pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite again against a real PostgreSQL server started for the run (scripts/with-postgres), with
# the PostgreSQL search engine (tests of the Whoosh engine's own internals still run on Whoosh).
test-postgres: setup test-browser-deps
	ARCHIVE_SEARCH_BACKEND=postgres scripts/with-postgres $(BIN)/python -m pytest

# Long trials: exports of 20,000 generated articles, 8 searching clients during an import, 20 SIGKILLs during
# 2,000-article imports.
stress: setup
	$(BIN)/python -m stress.exports --articles 20000
	$(BIN)/python -m stress.harness load --articles 2000 --clients 8 --requests 50
	$(BIN)/python -m stress.harness crash --articles 2000 --kills 20

# The archive against SQLite FTS5 and django-haystack + Whoosh on a synthetic corpus (default 100,000
# articles; `make bench N=20000` for a quick run). Builds are cached under var/bench/ by N and seed.
# Each kind of query is also timed at N = 20,000 (cached), for its growth with N beside FTS5's. The
# PostgreSQL engine answers the same queries over the same corpus on a server started for the run.
N ?= 100000
bench: setup
	scripts/with-postgres $(BIN)/python -m bench.run --n $(N)

# Not in CI: 300,000 articles against 100,000 (about an hour more from nothing; no haystack, no import).
bench-large: setup
	$(BIN)/python -m bench.run --n 300000 --growth-from 100000 --no-haystack --import-articles 0 --results var/bench/results-300000.json

# Production serving: gunicorn + whitenoise with config/settings/prod.py. Needs SECRET_KEY and ALLOWED_HOSTS
# (and DATABASE_URL for PostgreSQL) in the environment; see the README's deployment section.
serve: setup
	DJANGO_SETTINGS_MODULE=config.settings.prod $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.prod $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=config.settings.prod $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $${WORKERS:-3} --access-logfile -

clean:
	rm -rf var/ test-artifacts/ .pytest_cache
