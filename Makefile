# Two commands do all the set-up on a fresh machine with python3:
#   make site   builds the example site into site/ (creates .venv and installs papersite)
#   make test   runs the whole test suite (installs the test tools, the semantic extra, and chromium
#               where it can)
#   make semantic  installs the optional semantic extra (CPU torch first, then papersite[semantic])
PYTHON ?= python3
# The CPU build of torch (this file lies on disk here; a plain `torch` from PyPI is a multi-GB CUDA build).
TORCH ?= torch==2.13.0
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint serve bench bench-topics bench-scale clean browser semantic

site: $(VENV)/.installed
	$(BIN)/papersite build

serve: $(VENV)/.installed
	$(BIN)/papersite serve

test: $(VENV)/.installed-test $(VENV)/.installed-semantic browser lint
	PAPERSITE_REQUIRE_SEMANTIC=1 $(BIN)/python -m pytest

# Lint and formatting (configured in pyproject.toml); part of make test, so CI fails on either.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

semantic: $(VENV)/.installed-semantic

bench: $(VENV)/.installed-test
	@for script in bench/build.py bench/read_bib.py bench/topics.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

bench-topics: $(VENV)/.installed-test $(VENV)/.installed-semantic
	$(BIN)/python bench/topics.py

# Scale: synthetic collections of 2,000 and 10,000 papers (SCALE_ARGS=--large adds 50,000); minutes, not part of make test.
bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/scale.py --labels $(SCALE_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-semantic: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[semantic]"
	touch $@

# The browser tests drive Debian's chromium; install it when we can (root with apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found and cannot be installed here: the browser tests will be skipped"; \
	  fi; }

clean:
	rm -rf site build *.egg-info
