# earlyhelp: `make demo` builds and runs everything on embedded defaults; `make test` tests it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data
export EARLYHELP_DATA_DIR ?= $(DATA)
# The demo council's records end in December 2025: January 2026 is its next monthly run.
DEMO_MONTH ?= 2026-01
DEMO_PREVIOUS_MONTH ?= 2025-12

.PHONY: setup lock demo test lint bench clean

setup: $(STAMP)

# Installs the exact versions (and hashes) of requirements-dev.lock, then earlyhelp itself;
# `pip check` fails if pyproject.toml gained a dependency the lock lacks (run `make lock`).
$(STAMP): pyproject.toml requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

# Refresh the locks from pyproject.toml's ranges, keeping existing pins;
# `make lock LOCK_FLAGS=--upgrade` moves every pin to the newest release in range.
LOCK_FLAGS ?=
COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-find-links \
	--no-emit-index-url $(LOCK_FLAGS)
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	$(COMPILE) --output-file requirements.lock pyproject.toml
	$(COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml

demo: setup
	$(BIN)/earlyhelp synth --residents 20000 --seed 1 --mess standard --out $(DATA)/council
	$(BIN)/earlyhelp ingest --sources config/sources.yaml --data $(DATA)/council
	$(BIN)/earlyhelp link
	$(BIN)/earlyhelp link report --truth $(DATA)/council/truth --output $(DATA)/reports/linkage.json
	$(BIN)/earlyhelp train --truth $(DATA)/council/truth
	for outcome in safeguarding homelessness youth_asb debt; do \
	  latest=$$(ls $(DATA)/models/$$outcome | grep -E '^v[0-9]+$$' | sort -V | tail -1); \
	  $(BIN)/earlyhelp models promote $$outcome $$latest --by "make demo" \
	    --reason "demo council: the version just trained is put into use to show the monthly run" \
	    --override-approver "make demo" --override-role "demo council (synthetic data)" \
	    --override-reason "demo only: a failing fairness audit is shown on the card, not acted on" || exit 1; \
	done
	for outcome in safeguarding homelessness youth_asb debt; do $(BIN)/earlyhelp models card $$outcome || exit 1; done
	$(BIN)/earlyhelp run --month $(DEMO_PREVIOUS_MONTH) --by "make demo" --replace --reason "make demo: models retrained"
	$(BIN)/earlyhelp run --month $(DEMO_MONTH) --by "make demo" --replace --reason "make demo: models retrained"
	$(BIN)/earlyhelp backtest --from 2023-01 --to 2024-12 --truth $(DATA)/council/truth \
	  --json $(DATA)/reports/backtest.json --plot $(DATA)/reports/backtest.png

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/synth_council.py --residents 176000
	$(BIN)/python benchmarks/ingest_link.py --residents 176000
	$(BIN)/earlyhelp synth --residents 176000 --seed 1 --out $(DATA)/bench/council
	EARLYHELP_DATA_DIR=$(DATA)/bench $(BIN)/earlyhelp ingest --sources config/sources.yaml --data $(DATA)/bench/council
	EARLYHELP_DATA_DIR=$(DATA)/bench $(BIN)/earlyhelp link
	$(BIN)/python benchmarks/train_models.py --warehouse $(DATA)/bench/warehouse.duckdb --truth $(DATA)/bench/council/truth

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
