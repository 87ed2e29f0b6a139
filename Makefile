# civic311: the README's commands. `make run` starts everything; `make test` runs every test.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run setup install test lint format bench clean

run: setup ## set up (first time), serve the site on http://127.0.0.1:8000 and send its emails
	$(BIN)/civic311 run

setup: install ## create .venv, install, migrate, load the Chicago catalogue and demo data
	$(BIN)/civic311 setup

install: $(STAMP)

$(STAMP): pyproject.toml
	@py=$$(scripts/find-python) || exit 1; \
	 echo "Using $$py ($$($$py --version))"; \
	 [ -x $(BIN)/python ] || $$py -m venv $(VENV) || exit 1
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

test: install ## run the whole suite on SQLite and on PostgreSQL, plus ruff
	$(BIN)/python scripts/run_tests.py $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ROWS ?= 1000000
bench: install ## benchmark the Open311 API on SQLite and PostgreSQL (make bench ROWS=10000000)
	$(BIN)/python -m bench --rows $(ROWS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
