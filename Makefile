# Followup: every target can be run again safely, and works on a fresh machine with only
# Python 3.11+, Node 20+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LOCK := requirements/lock.txt
NODE_INSTALLED := node_modules/.installed
ASSETS := src/followup/static/govuk/followup.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test lint docs lock lock-upgrade bench clean

install: $(INSTALLED) $(ASSETS)

# Exactly the versions in the lock, each checked against its hashes; then Followup itself, whose
# dependencies the lock already holds. pip check fails when the lock lacks one that pyproject.toml
# asks for (a dependency added without `make lock`).
$(INSTALLED): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check || { echo "If pyproject.toml changed, run make lock, then make install."; exit 1; }
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODE_INSTALLED) frontend/followup.scss scripts/build-assets.mjs
	node scripts/build-assets.mjs

# The demo's inspector signs in with the password alone unless asked otherwise (the requirement
# of a second factor for inspectors and administrators is on everywhere else; docs/configuration.md).
demo: export FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED ?= false
demo: install
	$(BIN)/followup demo
	@echo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a username above."
	$(WITH_WORKER) $(BIN)/followup serve --host $(HOST) --port $(PORT)

serve: install
	$(WITH_WORKER) $(BIN)/followup serve --host $(HOST) --port $(PORT)

# A worker runs the background jobs (publishing, large imports) beside the server, and stops
# with it (Ctrl+C reaches both; the trap stops the worker whatever ended the server).
WITH_WORKER = $(BIN)/followup worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

test: install
	bash scripts/test.sh

# The vulnerability audit asks pip-audit's service about every installed package; where that
# service cannot be reached it is skipped with the reason printed (scripts/audit.py).
lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/audit.py

# The generated parts of docs/cli.md and docs/configuration.md, from the command's parser and the
# settings registry (followup/reference.py), the layers picture, and the API's OpenAPI document
# (docs/openapi.yaml, scripts/openapi.py); the docs tests fail while they are out of date.
docs: install
	$(BIN)/python -m followup.reference
	$(BIN)/python scripts/architecture.py --write
	$(BIN)/python scripts/openapi.py

# The lock pins every package that Followup and its development tools need, with their hashes,
# for Python 3.11 on Linux. `make lock` keeps the pins that still satisfy pyproject.toml and
# resolves only what changed; `make lock-upgrade` moves every pin to the newest allowed release.
# pip-tools runs in its own environment, never in the project's; it reads pip's own configuration
# (index, certificates), and leaves the index out of the lock.
LOCK_VENV := .venv-lock
LOCK_TOOL := pip-tools==7.6.2
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--extra dev --all-build-deps --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	--output-file $(LOCK) pyproject.toml
$(LOCK_VENV)/.installed:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet $(LOCK_TOOL)
	touch $@

lock: $(LOCK_VENV)/.installed
	mkdir -p $(dir $(LOCK))
	$(PIP_COMPILE)

lock-upgrade: $(LOCK_VENV)/.installed
	mkdir -p $(dir $(LOCK))
	$(PIP_COMPILE) --upgrade

# Benchmarks are never part of make test. The peers they compare with are installed in their
# own environment, never in the project's. bench/national.py needs DATABASE_URL (PostgreSQL):
# it keeps the generated national data in h_national_bench, so that a rerun takes minutes.
BENCH_VENV := .venv-bench
bench: install
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . controlchartspy==0.1.3 pyqicharts==2.0.0 vl-convert-python==1.9.0.post1
	$(BENCH_VENV)/bin/python bench/spc.py
	$(BENCH_VENV)/bin/python bench/charts.py
	$(BIN)/python bench/funnel.py
	$(BIN)/python bench/indicators.py --database sqlite
	$(BIN)/python bench/indicators.py --database postgresql
	$(BIN)/python bench/api_import.py
	$(BIN)/python bench/api_export.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/national.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .venv-bench $(LOCK_VENV) node_modules src/followup/static/govuk .pytest_cache .mypy_cache .ruff_cache
