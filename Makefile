# Two commands for everyone: `make book` and `make test`. Each creates .venv on first use
# with the exact versions in requirements.lock (pinned from pyproject.toml's lists), and
# re-installs only when the lock or pyproject.toml changed.
# Both run the labs in the quick profile unless you set LAB_PROFILE=full. They share one
# execution of each notebook (tools/execute_notebooks.py, two notebooks at a time in the
# quick profile): `make test` runs the notebooks into the book's execution cache, and
# `make book` then only reads it.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export LAB_PROFILE ?= quick
BOOK_OUTPUT := _build/$(LAB_PROFILE)
# `make lock` only: the resolver that writes requirements.lock (make itself installs with pip).
UV_VERSION := 0.13.9
LOCK_TARGET := --python-version 3.11.7 --python-platform x86_64-manylinux_2_28

.PHONY: book test slides lint lock clean help
help:
	@echo "make book   build the HTML book (executes every notebook, LAB_PROFILE=$(LAB_PROFILE))"
	@echo "make test   run the unit tests and every notebook in the quick profile"
	@echo "make slides one reveal.js deck per chapter notebook, from the book's executed notebooks"
	@echo "make lint   check the code and the notebooks with ruff"
	@echo "make lock   re-resolve requirements.lock after a change to pyproject.toml (needs PyPI)"
	@echo "make clean  remove builds, caches and .venv"

# A fresh .venv from the lock: --no-deps because the lock already lists everything, and
# `pip check` confirms it is complete and consistent. labutils is installed editable
# without build isolation (setuptools is in the lock), so nothing else is downloaded.
# --no-compile: Python compiles only the modules it imports, on first import (saves ~30 s).
$(INSTALLED): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 is needed (requirements.lock is resolved for it), found " + sys.version.split()[0])'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --no-compile -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	$(BIN)/python -m pip check
	touch $@

# tools/check_rendering.py opens every page in headless Chromium at 1280 and 768 px and
# fails on a cut table or figure or an untypeset equation (it says SKIPPED without Chromium).
# tools/execute_notebooks.py runs what the execution cache lacks (nothing after `make
# test`) and removes this profile's build when labutils or the lock changed, so no page
# is stale. jupyter-book then only reads the cache: if it executed a notebook itself, the
# two would disagree about the cache, and the build fails rather than run twice.
book: $(INSTALLED)
	$(BIN)/python tools/execute_notebooks.py --profile $(LAB_PROFILE)
	set -o pipefail; $(BIN)/jupyter-book build . --path-output $(BOOK_OUTPUT) --warningiserror --nitpick 2>&1 \
		| tee $(BOOK_OUTPUT)/build.log
	@if grep -q "Executing notebook" $(BOOK_OUTPUT)/build.log; then \
		echo "jupyter-book executed notebooks that tools/execute_notebooks.py had cached: see $(BOOK_OUTPUT)/build.log"; exit 1; fi
	$(BIN)/python tools/check_links.py $(BOOK_OUTPUT)/_build/html
	$(BIN)/python tools/check_rendering.py $(BOOK_OUTPUT)/_build/html
	@if [ -n "$$(ls -A $(BOOK_OUTPUT)/_build/html/reports 2>/dev/null)" ]; then \
		echo "execution reports are not empty: $(BOOK_OUTPUT)/_build/html/reports"; exit 1; fi
	@echo "The book is in $(BOOK_OUTPUT)/_build/html/index.html"

# The notebooks run (tools/execute_notebooks.py, two at a time, into the cache the book reads)
# while the unit tests run: on two cores the notebooks leave about a tenth of the CPU idle,
# which the mostly single-threaded unit tests fill, about 200 s sooner than one after the
# other. tests/test_notebooks.py then finds every notebook in the cache, or runs the one that
# failed again and reports its error; the log of the background run is printed when it failed.
NOTEBOOK_LOG := _build/execute-notebooks-quick.log
test: $(INSTALLED)
	@mkdir -p _build
	@$(BIN)/python tools/execute_notebooks.py --profile quick > $(NOTEBOOK_LOG) 2>&1 & notebooks=$$!; \
	$(BIN)/python -m pytest --ignore=tests/test_notebooks.py; unit=$$?; \
	if ! wait $$notebooks; then echo "the notebooks' run failed: $(NOTEBOOK_LOG)"; tail -n 40 $(NOTEBOOK_LOG); fi; \
	grep -E "executed|cached" $(NOTEBOOK_LOG) || true; \
	$(BIN)/python -m pytest tests/test_notebooks.py && exit $$unit

# Slides show the same executed notebooks as the book (cells tagged by tools/tag_slides.py).
slides: book
	$(BIN)/python tools/make_slides.py $(BOOK_OUTPUT)/_build/jupyter_execute/notebooks $(BOOK_OUTPUT)/slides
	@echo "The slides are in $(BOOK_OUTPUT)/slides/"

# ruff comes from the lock: no download. The notebooks use notebooks/ruff.toml (88 columns).
lint: $(INSTALLED)
	$(BIN)/ruff check labutils tests benchmarks tools notebooks

# Keeps every pin it can; `make lock UPGRADE=1` moves everything to the newest versions.
lock:
	$(PYTHON) -m venv _build/uv
	_build/uv/bin/python -m pip install --quiet uv==$(UV_VERSION)
	_build/uv/bin/uv pip compile pyproject.toml --extra dev $(LOCK_TARGET) -o requirements.lock $(if $(UPGRADE),--upgrade)

clean:
	rm -rf _build logs .pytest_cache $(VENV)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
