# Two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-firma

.PHONY: demo test install install-dev system-deps lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	bash scripts/system-deps.sh

demo: install
	bash scripts/system-deps.sh report
	bash scripts/demo.sh $(DEMO_DIR)

test: install-dev system-deps
	$(BIN)/pytest -q

lint: install-dev
	$(BIN)/ruff check .

# docs/cli.md: the --help of every command (tests/test_docs.py fails when it is out of date)
docs: install
	$(BIN)/python scripts/cli_reference.py

bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -e '.[bench-ydata]'
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .venv-bench $(DEMO_DIR) .pytest_cache
