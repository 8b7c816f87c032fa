# Targets by intent. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: install demo serve test test-fast lint fmt typecheck migrate docs bench system-deps clean

$(STAMP): pyproject.toml scripts/vendor-assets.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	bash scripts/vendor-assets.sh
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install Centricity with its dev tools

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
