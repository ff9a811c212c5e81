# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= $(or $(INBOX_DB),data/inbox.duckdb)
DEMO_CONTACTS ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench install dev chromium postgres clean-demo mutate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# tools/install_deps.py: uv with pip's settings when it can (seconds), else pip (minutes).
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python tools/install_deps.py requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python tools/install_deps.py requirements-dev.txt
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

ifeq ($(findstring ://,$(DB)),)
$(DB): | $(VENV)/.installed
	@echo "building the demo database $(DB) ($(DEMO_CONTACTS) contacts)…"
	$(BIN)/python -m inbox demo --contacts $(DEMO_CONTACTS) --db $(DB) \
	  || (rm -rf $(DB) $(DB).wal $(basename $(DB))-attachments; exit 1)
endif

# (a postgresql:// INBOX_DB is not a file to build: the app migrates it when it opens it)
run: $(VENV)/.installed $(if $(findstring ://,$(DB)),,$(DB))
	INBOX_DB='$(DB)' $(BIN)/python -m streamlit run app.py --server.port 8501

# Debian's Chromium for the real-browser tests, installed when missing and we can (root + apt).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "warning: $(CHROMIUM) is missing and cannot be installed here: browser tests will be skipped (CI fails instead)"; fi

# Debian's PostgreSQL server binaries for the PostgreSQL tests (each test process starts its own throw-away
# server with tools/pg_sandbox.py), installed when missing and we can (root + apt).
postgres: $(VENV)/.installed
	@if $(BIN)/python tools/pg_sandbox.py check >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's postgresql for the PostgreSQL tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null; \
	else echo "warning: $$($(BIN)/python tools/pg_sandbox.py check): PostgreSQL tests will be skipped (CI fails instead)"; fi

# Style and types (settings in pyproject.toml): ruff on everything, mypy strict on inbox/, validation/, api/.
lint: $(VENV)/.dev-installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy

# Lint first (ruff, ruff format, mypy strict on inbox/, validation/ and api/); then unit, AppTest and API tests
# on every core (at most 4 workers, pytest-xdist); then the real-browser tests two modules at a time (each
# module drives its own Streamlit server over its own copy of the demo workspace). On this 2-core machine, from a
# fresh clone: set-up and lint about 2.5 min, 3,587 tests 7 min, 40 browser tests 8 min (three workers: 8.5 min).
# Tests that need PostgreSQL start their own throw-away server (tools/pg_sandbox.py; `postgres` installs it).
# Tests keep bytecode (__pycache__/, ignored by git) even where PYTHONDONTWRITEBYTECODE is set, as on this
# machine: the workers, servers and CLI processes of a run then compile the project and the tests once.
test: $(VENV)/.dev-installed chromium postgres lint
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --maxprocesses 4 --ignore=tests/browser
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2 --dist loadfile tests/browser

bench: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench.run

# Mutation testing (mutmut, settings in setup.cfg) of the modules that protect data; not part of `make test`.
# One module: `make mutate MODULES=inbox/users.py` (or a short name: users, checks, files, deletion…).
mutate: $(VENV)/.dev-installed
	$(BIN)/python -m tests.mutation.run $(MODULES)
