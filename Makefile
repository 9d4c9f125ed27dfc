# Everyday commands. `make run` needs nothing but Python 3.11+; `make test`
# provisions PostgreSQL, Redis and Chromium on this machine if it can
# (scripts/ensure-test-services.sh). See `make help`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# pytest-xdist workers: one per logical CPU by default (`auto` would count physical cores:
# one on a VM whose two vCPUs are one core's threads); PYTEST_WORKERS=0 runs in this one process.
PYTEST_WORKERS ?= logical

.DEFAULT_GOAL := help
.PHONY: help install run test lint format assets clean

help:
	@echo "make install  create $(VENV) and install the project with its dev extras, and the DfE"
	@echo "              CIN census validator in its own venv (var/cin-validator-venv)"
	@echo "make run      migrate, seed demo data, run a Celery worker+beat and runserver on 127.0.0.1:8000"
	@echo "make test     check the import layers (lint-imports), start/install PostgreSQL, Redis and"
	@echo "              Chromium if needed, then pytest on every core (PYTEST_WORKERS=, PYTEST_ARGS=...)"
	@echo "make lint     ruff check + ruff format --check + lint-imports"
	@echo "make format   ruff check --fix + ruff format"
	@echo "make assets   refresh static/ from the pinned npm packages (needs npm; the result is committed)"
	@echo "make clean    remove var/, $(VENV) and node_modules/"

install: $(STAMP)
	@PYTHON=$(PYTHON) scripts/ensure-cin-validator.sh

# Re-installs only when pyproject.toml changes (or the venv is new).
$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	    $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	        || { echo "Python 3.11+ is required; set PYTHON=/path/to/python3.11" >&2; exit 1; }; \
	    echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
	    if ! $(PYTHON) -m venv $(VENV); then \
	        rm -rf $(VENV); \
	        if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	            echo "Installing python3-venv (Debian splits venv/ensurepip out)"; \
	            apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv \
	                && $(PYTHON) -m venv $(VENV); \
	        else \
	            echo "Could not create $(VENV): install python3-venv (apt-get install python3-venv)" >&2; \
	            exit 1; \
	        fi; \
	    fi; \
	fi
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: install
	scripts/run-dev.sh

# Import layers first: a lower app importing a higher one fails here (docs/adr/0010-layers.md).
test: install
	$(BIN)/lint-imports --no-cache
	scripts/ensure-test-services.sh
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

assets:
	scripts/build-assets.sh

clean:
	rm -rf var $(VENV) node_modules
