# The two commands in the README: `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PYTHON ?= python3.11
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check worker clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  The site:   http://$(HOST):$(PORT)/"
	@echo "  The admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  The portal: http://$(HOST):$(PORT)/portal/"
	@echo "  Press Ctrl-C to stop the web server and the worker."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho --procfile Procfile.dev start

test: $(VENV)/.installed
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# What CI checks besides the tests.
check: lint
	DJANGO_SETTINGS_MODULE=practice_site.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=practice_site.settings.test $(PY) manage.py check --fail-level WARNING

worker: $(VENV)/.installed
	$(PY) manage.py qcluster

clean:
	rm -rf $(VENV) test-results static_root
