# One-command jobs for the book. `make book` builds the site, `make test` runs every check.
# A fresh machine needs python3 (>= 3.11) and npm; .ci/run installs Chromium and npm for CI.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
# Tools that the tests start by name (jupyter kernels, nbgrader's alembic) come from the venv too.
export PATH := $(abspath $(BIN)):$(PATH)
SITE := _build/html
NOTEBOOKS := $(wildcard front/*.ipynb chapters/*.ipynb)
# Stamps make the setup idempotent: redo it only when the pins change.
PY_STAMP := $(VENV)/.requirements-installed
JS_STAMP := node_modules/.package-lock.json

.PHONY: book serve test setup report lighthouse screenshots student outputs clean

setup: $(PY_STAMP) $(JS_STAMP)

$(PY_STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing pinned Python packages into $(VENV)"
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(JS_STAMP): package.json package-lock.json
	@echo "installing pinned JavaScript (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

book: setup
	@mkdir -p _build
	@start=$$(date +%s); \
	if ! $(BIN)/jupyter-book build --all . -n -W --keep-going > _build/book-build.log 2>&1; then \
	  echo "$$(( $$(date +%s) - start )) (that build failed)" > _build/build-seconds.txt; \
	  grep -v "Kernel is running over TCP" _build/book-build.log | tail -n 60; \
	  echo "book build FAILED (warnings are errors); full log: _build/book-build.log"; exit 1; \
	fi; \
	echo $$(( $$(date +%s) - start )) > _build/build-seconds.txt; \
	echo "built in $$(cat _build/build-seconds.txt) s, $$(grep -c 'WARNING:' _build/book-build.log || true) warnings (log: _build/book-build.log)"; \
	echo "open file://$(CURDIR)/$(SITE)/index.html"; \
	echo "or run 'make serve' and visit http://127.0.0.1:$(PORT)/"

report:
	@$(BIN)/python scripts/site_report.py --write docs/site-report.md > /dev/null
	@echo "wrote docs/site-report.md"

# Lighthouse (npm, pinned) on the landing page and every chapter, mobile and desktop presets,
# offline, served with gzip; the figures go to docs/site-report.md. Needs `make book` first.
lighthouse: setup
	@$(BIN)/python scripts/lighthouse_report.py --write docs/site-report.md > /dev/null
	@echo "wrote the Lighthouse section of docs/site-report.md"

# Phone-width screenshots (light and dark) of the landing page and every chapter, into docs/screenshots/.
screenshots: setup
	@$(BIN)/python scripts/screenshots.py

# Student notebooks and an nbgrader course, derived from the chapters (see front/instructors.md).
student: setup
	@$(BIN)/python scripts/student_edition.py

# Re-execute notebooks in place after a model or text change (NB=chapters/x.ipynb for one).
outputs: setup
	@$(BIN)/python scripts/execute_notebooks.py $(NB)

serve:
	@test -f $(SITE)/index.html || { echo "no site yet: run 'make book'"; exit 1; }
	@echo "serving $(SITE) on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

# Every step runs even when an earlier one fails, so one run shows every problem.
test: setup
	@failed=""; \
	echo "== lint (ruff)"; \
	$(BIN)/ruff check . || failed="$$failed lint"; \
	echo "== unit, property and tooling tests"; \
	$(BIN)/python -m pytest -q -m "not book and not browser" tests || failed="$$failed unit"; \
	echo "== nbval: every notebook against its stored outputs"; \
	if [ -n "$(NOTEBOOKS)" ]; then \
	  PYTHONPATH=scripts $(BIN)/python -m pytest -q -p nbval_summary --nbval \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS) || failed="$$failed nbval"; \
	else echo "no notebooks under front/ or chapters/"; fi; \
	echo "== the book"; \
	if $(MAKE) --no-print-directory book; then \
	  echo "== the built site: browser test and page weights"; \
	  REQUIRE_SITE=1 $(BIN)/python -m pytest -q -s -m "book or browser" tests || failed="$$failed site"; \
	else failed="$$failed book"; fi; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi; \
	echo "all checks passed"

clean:
	rm -rf _build test-artifacts
