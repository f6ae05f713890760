# CoPractice — `make run` serves the app with a worker and beat; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install catalogues messages run test lint format migrations-check bench clean backup restore

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

install: $(BIN)/.installed catalogues

# The translations (locale/fr/LC_MESSAGES/django.po) compiled for Django, in Python: no GNU
# gettext needed. Only a changed catalogue is written.
catalogues: $(BIN)/.installed
	@DEBUG=true $(MANAGE) compile_catalogues

# After marking new strings: add them to the French catalogue (GNU gettext's xgettext needed:
# apt-get install gettext), translate them there (locale/GLOSSARY.md), then `make install`.
messages: $(BIN)/.installed
	DEBUG=true $(MANAGE) makemessages --locale=fr --add-location=file --no-obsolete \
		--ignore=build --ignore=tests --ignore=bench --ignore=var --ignore=docs --ignore=staticfiles
	@DEBUG=true $(MANAGE) compile_catalogues

# Local settings, written once: DEBUG on, a random SECRET_KEY of this clone's own, e-mail written
# to var/mail/ (three slashes: relative to this folder). settings.py reads .env, so manage.py
# commands work as well as `make run`; an existing .env is never overwritten (not in git).
.env:
	@umask 077 && { \
		echo "# Local settings for make run and manage.py, written once by make (not in git)."; \
		echo "DEBUG=true"; \
		echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
		echo "EMAIL_URL=filemail:///var/mail"; \
	} > $@
	@echo "Wrote .env: DEBUG=true, a random local SECRET_KEY, e-mail to var/mail/."

# Local use: settings from .env, SQLite in var/, the filesystem broker. Links in e-mails point at
# the address served (unless SITE_URL is set in the environment or .env).
# The demo lets a newcomer try every role at once, so nobody must set up a second factor first
# (`make run MFA_REQUIRED_ROLES=coordinator,site_admin` to try that). A deployment requires it.
MFA_REQUIRED_ROLES ?= none
RUN_ENV = DEFAULT_SITE_URL=http://$(HOST):$(PORT) MFA_REQUIRED_ROLES=$(MFA_REQUIRED_ROLES)

run: install .env
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker and beat; e-mail goes to var/mail/."
	@echo "Ctrl-C stops everything."
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(RUN_ENV) $(BIN)/celery -A copractice worker --beat --pool=solo --loglevel=INFO \
		--schedule=var/celerybeat-schedule & \
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# Back up the database of .env / DATABASE_URL (the embedded SQLite file by default) into
# var/backups/, safe while `make run` serves (SQLite's online backup API). `make restore
# FILE=var/backups/copractice-….sqlite3` puts one back (it asks first). On PostgreSQL both use
# pg_dump/pg_restore (postgresql-client).
backup: install .env
	@mkdir -p var
	$(MANAGE) backup_database

restore: install .env
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/copractice-….sqlite3"; exit 2; }
	$(MANAGE) restore_database "$(FILE)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

# Mozilla's ical.js (Thunderbird's parser) reads the calendars in the tests; installed from the
# npm registry when npm is here (tests that need it say so and skip otherwise, but not in CI).
ICALJS := tests/icaljs/node_modules/ical.js/package.json

$(ICALJS): tests/icaljs/package.json tests/icaljs/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/icaljs --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the tests that read calendars with ical.js will be skipped"; fi

# The whole suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database
# and Redis database (tests/conftest.py). --dist load hands each worker tests in the order
# pytest-django gives them, as Django does: the tests on the migrated data first, then those that
# empty the database after them (transactional); per file (loadfile) a worker would run one
# file's emptying tests before another file's. `make test PYTEST_ARGS="tests/meetings -x"` runs
# what it names in one process; add TEST_WORKERS=3 to spread that over three as well.
TEST_WORKERS ?= $(if $(PYTEST_ARGS),0,3)

test: lint migrations-check $(ICALJS)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

# Load benchmark (bench/run.py): seeds PostgreSQL once per size, serves the app with gunicorn,
# drives the busiest pages with wrk. BENCH_SIZES=campus runs one size; BENCH_DURATION=10 shortens.
bench: install
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@timeout 2 bash -c "</dev/tcp/127.0.0.1/5432" 2>/dev/null || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	@for _ in $$(seq 30); do timeout 2 bash -c "</dev/tcp/127.0.0.1/5432" 2>/dev/null && break; sleep 1; done
	@timeout 2 bash -c "</dev/tcp/127.0.0.1/6379" 2>/dev/null || redis-server --daemonize yes >/dev/null
	$(BIN)/python bench/run.py

clean:
	rm -rf var staticfiles
