# Followup: every target can be run again safely, and works on a fresh machine with only
# Python 3.11+, Node 20+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
ASSETS := src/followup/static/govuk/followup.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test lint bench clean

install: $(INSTALLED) $(ASSETS)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODE_INSTALLED) frontend/followup.scss scripts/build-assets.mjs
	node scripts/build-assets.mjs

demo: install
	$(BIN)/followup demo
	@echo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a username above."
	$(BIN)/followup serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/followup serve --host $(HOST) --port $(PORT)

test: install
	bash scripts/test.sh

# The vulnerability audit asks pip-audit's service about every installed package; where that
# service cannot be reached it is skipped with the reason printed (scripts/audit.py).
lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src tests bench
	$(BIN)/python scripts/audit.py

# Benchmarks are never part of make test. The peers they compare with are installed in their
# own environment, never in the project's.
BENCH_VENV := .venv-bench
bench: install
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . controlchartspy==0.1.3 pyqicharts==2.0.0 vl-convert-python==1.9.0.post1
	$(BENCH_VENV)/bin/python bench/signals.py
	$(BENCH_VENV)/bin/python bench/charts.py
	$(BIN)/python bench/indicators.py --database sqlite
	$(BIN)/python bench/indicators.py --database postgresql
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) .venv-bench node_modules src/followup/static/govuk .pytest_cache .mypy_cache .ruff_cache
