# CoPractice — `make run` serves the app with a worker and beat; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrations-check bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

install: $(BIN)/.installed

# Local use: DEBUG on, SQLite in var/, the filesystem broker, e-mail written to var/mail/.
run: export DEBUG ?= true
run: export EMAIL_URL ?= filemail://$(CURDIR)/var/mail
run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker and beat; e-mail goes to var/mail/."
	@echo "Ctrl-C stops everything."
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(BIN)/celery -A copractice worker --beat --pool=solo --loglevel=INFO \
		--schedule=var/celerybeat-schedule & \
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var staticfiles
