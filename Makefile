# Every target installs what it needs into its own virtualenv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test test-postgres lint bench e2e chromium clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: start the web app on http://127.0.0.1:8000 (SQLite in ./instance, demo peer pool)
run: $(STAMP)
	$(BIN)/citydip serve

## test: lint, check the rulebook (every text in the six languages), run its worked cases,
## the whole suite on SQLite (browser included), then the storage, web, network and API
## tests again on a throw-away PostgreSQL
test: $(STAMP) chromium lint
	$(BIN)/citydip rules check --languages en,fr,de,es,it,pl
	$(BIN)/citydip rules test
	$(BIN)/python -m pytest
	.ci/with-postgres $(BIN)/python -m pytest tests/web

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## test-postgres: only the PostgreSQL run of the web tests
test-postgres: $(STAMP)
	.ci/with-postgres $(BIN)/python -m pytest tests/web

## chromium: the browser tests drive Debian's Chromium; install it with apt when missing
chromium:
	@.ci/install-chromium

## e2e: run only the browser tests; screenshots go to docs/screenshots/
e2e: $(STAMP) chromium
	$(BIN)/python -m pytest -m e2e tests/e2e

## bench: run the performance benchmarks and rewrite their sections of docs/performance.md
bench: $(STAMP)
	$(BIN)/python perf/bench_scoring.py
	$(BIN)/python perf/bench_peers.py
	$(BIN)/python perf/bench_http.py
	$(BIN)/python perf/bench_startup.py

clean:
	rm -rf $(VENV) build *.egg-info

## translations: extract the interface's messages into web/translations/messages.pot and
## update every language's catalog (then translate what is new; the tests check it)
translations: $(STAMP)
	$(BIN)/pybabel extract -F web/translations/babel.cfg -k _ -k gettext -k ngettext:1,2 -k _l -k lazy_gettext \
		-k phrase -k plural_phrase:1,2 \
		--no-location --sort-output --project citydip -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations \
		--no-fuzzy-matching --ignore-obsolete
