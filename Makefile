# Two commands for everyone: `make book` and `make test`. Each creates .venv on first use
# and re-installs requirements only when requirements.txt or pyproject.toml changed.
# Both run the labs in the quick profile unless you set LAB_PROFILE=full.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export LAB_PROFILE ?= quick
BOOK_OUTPUT := _build/$(LAB_PROFILE)

.PHONY: book test slides lint clean help
help:
	@echo "make book   build the HTML book (executes every notebook, LAB_PROFILE=$(LAB_PROFILE))"
	@echo "make test   run the unit tests and every notebook in the quick profile"
	@echo "make slides one reveal.js deck per chapter notebook, from the book's executed notebooks"
	@echo "make lint   check the code with ruff"
	@echo "make clean  remove builds, caches and .venv"

$(INSTALLED): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

# A built page cannot redraw a progress bar in place: TQDM_MININTERVAL makes tqdm print
# only its first and last state there (Colab and terminals keep live bars).
book: $(INSTALLED) $(BOOK_OUTPUT)/.labutils-stamp
	TQDM_MININTERVAL=3600 $(BIN)/jupyter-book build . --path-output $(BOOK_OUTPUT) --warningiserror --nitpick
	$(BIN)/python tools/check_links.py $(BOOK_OUTPUT)/_build/html
	@if [ -n "$$(ls -A $(BOOK_OUTPUT)/_build/html/reports 2>/dev/null)" ]; then \
		echo "execution reports are not empty: $(BOOK_OUTPUT)/_build/html/reports"; exit 1; fi
	@echo "The book is in $(BOOK_OUTPUT)/_build/html/index.html"

# Sphinx and the execution cache only notice changed notebooks: when labutils or the
# installed requirements change, rebuild this profile from scratch so no page is stale.
$(BOOK_OUTPUT)/.labutils-stamp: $(wildcard labutils/*.py) $(INSTALLED)
	rm -rf $(BOOK_OUTPUT)/_build
	mkdir -p $(BOOK_OUTPUT)
	touch $@

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Slides show the same executed notebooks as the book (cells tagged by tools/tag_slides.py).
slides: book
	$(BIN)/python tools/make_slides.py $(BOOK_OUTPUT)/_build/jupyter_execute/notebooks $(BOOK_OUTPUT)/slides
	@echo "The slides are in $(BOOK_OUTPUT)/slides/"

lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet "ruff>=0.5"
	$(BIN)/ruff check labutils tests benchmarks tools

clean:
	rm -rf _build logs .pytest_cache $(VENV)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
