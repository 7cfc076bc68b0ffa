# Two commands matter: `make demo` and `make test`. Each builds its own virtualenv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest simulate clean

# The demo needs only what boardbot runs on; the tests add linters, type checks and a browser driver.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP)

# The sandbox: boardbot's web app, a stand-in Slack and a Slack-like page on 127.0.0.1.
demo: $(STAMP)
	$(BIN)/boardbot sandbox --port $(PORT)

PORT ?= 8000

# The year of the rutland protocol as a table, without Slack.
simulate: $(STAMP)
	$(BIN)/boardbot demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
