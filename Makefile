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

# Browser tests (tests/e2e): Playwright drives Debian's Chromium at /usr/bin/chromium
# (`apt-get install -y chromium`); `playwright install` is never run. The e2e tests are part of
# the default `pytest` run; these targets install their Python packages and run them alone.
E2E_STAMP := $(VENV)/.installed-e2e
E2E_PACKAGES := 'playwright>=1.65' 'axe-playwright-python>=0.1.8'

.PHONY: e2e e2e-deps

$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet $(E2E_PACKAGES)
	touch $(E2E_STAMP)

## e2e-deps: install Playwright and axe-core for the browser tests (no browser download)
e2e-deps: $(E2E_STAMP)

## e2e: run only the browser tests against `citydip serve`; screenshots go to docs/screenshots/
e2e: $(E2E_STAMP)
	$(BIN)/python -m pytest -m e2e tests/e2e
