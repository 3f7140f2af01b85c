# Every target installs what it needs into its own virtualenv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint check-rules bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: score the example assessment
run: $(STAMP)
	$(BIN)/citydip score examples/answers-established.yaml

## test: lint, check the rulebook, run its worked cases and the test suite
test: $(STAMP) lint
	$(BIN)/citydip rules check
	$(BIN)/citydip rules test
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: run the performance benchmarks and rewrite docs/performance.md
bench: $(STAMP)
	$(BIN)/python perf/bench_scoring.py

clean:
	rm -rf $(VENV) build *.egg-info
