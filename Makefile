# One-command jobs for the book. `make book` builds the site, `make test` runs every check.
# A fresh machine needs python3 (>= 3.11) and make; scripts/system_packages.sh installs npm (and,
# for the tests, Chromium and iproute2) with apt-get where it can, or says what to install.
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

.PHONY: book serve test quick setup report student outputs pdf live lighthouse screenshots clean system-book system-test

setup: system-book $(PY_STAMP) $(JS_STAMP)

system-book system-test: system-%:
	@PYTHON=$(PYTHON) scripts/system_packages.sh $*

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

# The print edition: _build/pdf/the-daily-reset.pdf, copied into the site when it is built.
pdf: setup
	@$(BIN)/python scripts/print_edition.py

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

# Student edition (a course repository) and nbgrader course, derived from the chapters (see
# front/instructors.md). Standard library only: no venv, no npm. It never overwrites grading work.
student:
	@$(PYTHON) scripts/student_edition.py

# The live edition (live/*.ipynb): the book's notebooks as they read in JupyterLab and Colab.
# Regenerate after changing a chapter or its stored outputs, and commit live/.
live: setup
	@$(BIN)/python scripts/live_edition.py

# Re-execute notebooks in place after a model or text change (NB=chapters/x.ipynb for one).
outputs: setup
	@$(BIN)/python scripts/execute_notebooks.py $(NB)

serve:
	@test -f $(SITE)/index.html || { echo "no site yet: run 'make book'"; exit 1; }
	@echo "serving $(SITE) on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

# Test processes in parallel (pytest-xdist): both cores of the reference machine.
JOBS ?= 2
NBVAL := PYTHONPATH=scripts $(BIN)/python -m pytest -q -p nbval_summary --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

# Every step runs even when an earlier one fails, so one run shows every problem; each prints its time.
test: system-test setup
	@failed=""; SECONDS=0; stage=0; \
	done_stage() { echo "   ($$1: $$((SECONDS - stage)) s)"; stage=$$SECONDS; }; \
	echo "== lint (ruff)"; \
	$(BIN)/ruff check . || failed="$$failed lint"; done_stage lint; \
	echo "== types (mypy on the engine; config in pyproject.toml)"; \
	$(BIN)/python -m mypy || failed="$$failed types"; done_stage types; \
	echo "== unit, property and tooling tests ($(JOBS) processes)"; \
	$(BIN)/python -m pytest -q -n $(JOBS) --durations=6 -m "not book and not browser" tests || failed="$$failed unit"; \
	done_stage unit; \
	echo "== nbval: every notebook against its stored outputs ($(JOBS) processes, one log each)"; \
	if [ -n "$(NOTEBOOKS)" ]; then \
	  mkdir -p _build; notebooks=($(NOTEBOOKS)); pids=(); \
	  for job in $$(seq 0 $$(($(JOBS) - 1))); do \
	    share=(); for i in "$${!notebooks[@]}"; do (( i % $(JOBS) == job )) && share+=("$${notebooks[$$i]}"); done; \
	    [ $${#share[@]} -eq 0 ] && continue; \
	    $(NBVAL) "$${share[@]}" > _build/nbval-$$job.log 2>&1 & pids+=($$!); \
	  done; \
	  for job in "$${!pids[@]}"; do \
	    wait "$${pids[$$job]}" || failed="$$failed nbval"; cat _build/nbval-$$job.log; \
	  done; \
	else echo "no notebooks under front/ or chapters/"; fi; done_stage nbval; \
	echo "== the book"; \
	if $(MAKE) --no-print-directory book; then \
	  done_stage book; \
	  echo "== the print edition (PDF)"; \
	  $(MAKE) --no-print-directory pdf || failed="$$failed pdf"; \
	  done_stage pdf; \
	  echo "== the built site and the PDF: browser test, page weights, print checks"; \
	  REQUIRE_SITE=1 $(BIN)/python -m pytest -q -s --durations=6 -m "book or browser" tests || failed="$$failed site"; \
	  done_stage site; \
	else failed="$$failed book"; fi; \
	echo "total: $$SECONDS s"; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi; \
	echo "all checks passed"

# The developer loop: lint, types and every test not marked slow, book or browser, on both cores (< 60 s).
# Before a commit that touches a notebook or its page module, also run nbval on that notebook.
quick: setup
	@SECONDS=0; status=0; \
	{ $(BIN)/ruff check . && $(BIN)/python -m mypy && $(BIN)/python -m pytest -q -n $(JOBS) -m "not slow and not book and not browser" tests; } \
	  || status=$$?; \
	echo "quick checks: $$SECONDS s"; exit $$status

clean:
	rm -rf _build test-artifacts .venv-binder
