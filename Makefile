# make run: set everything up and start the service with demo data on SQLite.
# make test: set everything up and run the whole test suite.
# make screenshots: run the browser tests and write docs/screenshots/*.png.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := yoi_welfare/static/css/application.css
export FLASK_APP := wsgi

.PHONY: run test screenshots install assets lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

$(ASSETS): node_modules/.package-lock.json assets/scss/application.scss assets/build.mjs assets/js/application.mjs
	npm run --silent build

install: $(STAMP) $(ASSETS)

assets: $(ASSETS)

run: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data
	$(BIN)/honcho start -f Procfile.dev

# The suite runs on two processes (pytest-xdist): each test has a database of its own.
test: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Pictures of the main pages for the README, taken by the browser tests (needs Chromium).
screenshots: install
	SCREENSHOTS=1 $(BIN)/pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules yoi_welfare/static/css yoi_welfare/static/js yoi_welfare/static/assets
