# Two commands: `make run` (embedded default, demo data, http://127.0.0.1:8000) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup venv lint format messages browser-deps clean-db worker bench

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

setup: $(STAMP)
	@mkdir -p var
	@$(MANAGE) compile_translations
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) load_reference --working-group > /dev/null
	@$(MANAGE) load_indicators > /dev/null
	@$(MANAGE) load_demo --quiet-logins

run: setup
	@$(MANAGE) load_demo
	@echo "Portal on http://127.0.0.1:$(PORT)/ (embedded default: SQLite, Celery tasks in-process)"
	@$(MANAGE) runserver 127.0.0.1:$(PORT)

browser-deps:
	@bash .ci/browser-deps.sh

test: $(STAMP) browser-deps
	@$(MANAGE) compile_translations
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy portal indicators forum meetings tests
	$(BIN)/bandit -q -r portal indicators forum meetings -x '*/migrations/*' --severity-level medium

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	for app in portal indicators forum meetings; do \
	  (cd $$app && DJANGO_SETTINGS_MODULE=portal.settings.local PYTHONPATH=.. ../$(BIN)/django-admin makemessages -l es --no-obsolete --add-location file --ignore 'static/*' --ignore 'engine/*' > /dev/null); done
	$(MANAGE) makemessages -l es --no-obsolete --add-location file --ignore '.venv/*' --ignore './portal/*' --ignore './indicators/*' \
	  --ignore './forum/*' --ignore './meetings/*' --ignore './tests/*' --ignore './bench/*' --ignore './data/*' > /dev/null

worker: $(STAMP)
	$(BIN)/celery -A portal worker -l info

clean-db:
	rm -f var/portal.sqlite3
