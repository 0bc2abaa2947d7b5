# Torget: `make run` serves the demo on SQLite, `make test` runs the whole suite.
# Torget's data lives in ./var (or TORGET_DATA_DIR); `./torget` runs its command from here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
EARK   := .venv-eark

.PHONY: install run test lint messages openapi clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Torget needs Python 3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

## install: everything Torget needs at run time, the snapshot validator's environment included
install: $(BIN)/.installed $(EARK)/bin/.installed

## run: install, migrate, load the demo if empty, serve web + worker at http://127.0.0.1:$(PORT)
run: install
	$(BIN)/torget run --port $(PORT)

# eark-validator pins an older lxml than Torget's, so it gets a virtual environment of its own;
# torget.preservation.validate runs it there as a subprocess (through eark_offline.py).
$(EARK)/bin/.installed:
	$(PYTHON) -m venv $(EARK)
	$(EARK)/bin/pip install --quiet --upgrade pip
	$(EARK)/bin/pip install --quiet 'eark-validator==1.1.3'
	@touch $@

## test: the whole suite on SQLite, then on PostgreSQL when reachable (required in CI)
test: install
	@bash scripts/test.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check .

## messages: refresh the Swedish translation catalogue after changing user-facing text
messages: $(BIN)/.installed
	cd src/torget && ../../$(BIN)/torget makemessages -l sv --no-location
	msgfmt --check -o src/torget/locale/sv/LC_MESSAGES/django.mo src/torget/locale/sv/LC_MESSAGES/django.po

## openapi: refresh the committed API schema after changing the API
openapi: $(BIN)/.installed
	$(BIN)/torget openapi > docs/openapi.json

clean:
	rm -rf $(VENV) $(EARK) var test-artifacts .pytest_cache
