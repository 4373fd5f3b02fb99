# leadapp — `make run` sets everything up and serves http://localhost:3000; `make test` runs the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools/node_modules/.bin
PORT ?= 3000
export PATH := $(CURDIR)/$(TOOLS):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export PYTHONUNBUFFERED := 1

.PHONY: run test setup db seed unit unit-pg browser bench migration clean fmt check

# DEMO=0: no demo brokerage; an empty database starts with the first-run setup page.
DEMO ?= 1
run: setup db
	@if [ "$(DEMO)" != "0" ]; then $(BIN)/leadapp seed --if-empty; \
	else echo "DEMO=0: no demo data; an empty database opens the first-run setup page"; fi
	@echo "Serving leadapp at http://localhost:$(PORT)"
	$(BIN)/reflex run --env prod --single-port --backend-port $(PORT)

setup: $(VENV)/.installed $(TOOLS)/bun $(TOOLS)/pyright

$(VENV)/.installed: requirements.lock.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(TOOLS)/bun:
	mkdir -p .tools
	npm install --prefix .tools --no-audit --no-fund node@22 bun
	test -x $(TOOLS)/bun && test -x $(TOOLS)/node

$(TOOLS)/pyright: $(TOOLS)/bun
	npm install --prefix .tools --no-audit --no-fund pyright@1
	test -x $(TOOLS)/pyright

# Format the tree (ruff); `make check` is what `make test` runs first.
fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(TOOLS)/pyright --warnings

db: setup
	$(BIN)/leadapp db upgrade

test: setup
	@bash scripts/ensure_test_tools.sh
	@$(BIN)/python scripts/run_tests.py

unit: setup
	$(BIN)/python -m pytest -q tests/unit

unit-pg: setup
	LEADAPP_TEST_PG=1 $(BIN)/python -m pytest -q tests/unit

browser: setup
	$(BIN)/python -m pytest -q tests/browser

bench: setup
	$(BIN)/leadapp bench

migration: setup
	rm -f /tmp/leadapp-migration.db
	REFLEX_DB_URL=sqlite:////tmp/leadapp-migration.db $(BIN)/alembic -c alembic/alembic.ini upgrade head
	REFLEX_DB_URL=sqlite:////tmp/leadapp-migration.db $(BIN)/alembic -c alembic/alembic.ini revision --autogenerate -m "$(MSG)"

clean:
	rm -rf .web .states data/leadapp.db* screenshots test-results
