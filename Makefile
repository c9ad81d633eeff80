# earlyhelp: `make demo` builds and runs everything on embedded defaults; `make test` tests it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data
export EARLYHELP_DATA_DIR ?= $(DATA)

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/earlyhelp synth --residents 20000 --seed 1 --mess standard --out $(DATA)/council
	$(BIN)/earlyhelp ingest --sources config/sources.yaml --data $(DATA)/council
	$(BIN)/earlyhelp link
	$(BIN)/earlyhelp link report --truth $(DATA)/council/truth --output $(DATA)/reports/linkage.json
	$(BIN)/earlyhelp train --truth $(DATA)/council/truth

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
