# learnloop: `make run` serves the demo, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint typecheck contracts unit screenshots bench clean install wrk messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/learnloop run

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -n 2  # two workers, one a core (pytest-xdist)

test: lint typecheck contracts unit

# The peers we measure against (pyBKT needs numpy<2 and scikit-learn<1.7; catsim) get a venv of their own.
.bench-venv/.installed:
	$(PYTHON) -m venv .bench-venv
	.bench-venv/bin/python -m pip install --quiet --upgrade pip
	.bench-venv/bin/python -m pip install --quiet "pyBKT==1.4.3" "numpy<2" "scikit-learn<1.7" "pandas<3" "catsim==0.21.0"
	touch $@

# The fsrs package's own optimizer (the spaced-review peer) needs PyTorch: a venv of its own too.
.bench-fsrs-venv/.installed:
	$(PYTHON) -m venv .bench-fsrs-venv
	.bench-fsrs-venv/bin/python -m pip install --quiet "torch==2.13.0" "fsrs[optimizer]==6.3.2"
	touch $@

# Ralph, the Python LRS the xAPI store is measured against (its file-system backend; requests is
# a dependency 5.1.0 forgets). wrk, the load generator, comes from Debian's packages.
.bench-ralph-venv/.installed:
	$(PYTHON) -m venv .bench-ralph-venv
	.bench-ralph-venv/bin/python -m pip install --quiet "ralph-malph[lrs]==5.1.0" requests
	touch $@

wrk:
	@command -v wrk >/dev/null || apt-get install -y wrk

bench: $(STAMP) .bench-venv/.installed .bench-fsrs-venv/.installed .bench-ralph-venv/.installed wrk
	$(BIN)/python benchmarks/run_all.py

# Brings src/learnloop/locales/*/LC_MESSAGES/messages.po up to date with the source.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
