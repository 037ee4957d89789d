# scs-kg: `make run` builds, validates, exports, queries and renders; `make test` tests.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: run test test-quick lint bench eval clean

# Catalog queries whose answers `make run` writes to $(OUT)/reports/NAME.csv (W3C SPARQL CSV).
REPORT_QUERIES := cq1-states-contesting-claims cq2-allies cq3-events-of-actor \
  cq4-quoted-statements cq5-criticism-accusation-labelling cq6-exercises cq7-claims-of \
  stance-matrix

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kg build --out $(OUT)
	$(BIN)/kg views --data $(OUT)/scs-kg.trig --focus ent:pete-hegseth --focus ent:china --out $(OUT)/views
	$(BIN)/kg ontology-doc --out $(OUT)/ontology/index.html
	mkdir -p $(OUT)/reports
	for q in $(REPORT_QUERIES); do \
	  $(BIN)/kg query $$q --data $(OUT) --format csv > $(OUT)/reports/$$q.csv || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests
	$(BIN)/mypy kg

test: $(STAMP) lint
	sh scripts/install-interop.sh $(BIN)/python
	sh scripts/install-browser.sh $(BIN)/python
	$(BIN)/pytest -n auto --dist worksteal --nbmake tests notebooks

# While you work: everything but the tests marked slow (CI and `make test` run them all).
test-quick: $(STAMP) lint
	$(BIN)/pytest -n auto --dist worksteal -m 'not slow' tests

BENCH_SIZES ?= 10k,100k,1M

bench: $(STAMP)
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES)

# The drafter's recall and precision: the article's facts, then the held-out fictional articles.
EVAL_HELD_OUT := $(dir $(wildcard tests/fixtures/draft-eval/*/facts.ttl))

eval: $(STAMP)
	$(BIN)/kg eval-draft $(foreach f,$(EVAL_HELD_OUT),--held-out $(f:/=)) --out bench/draft-eval.md
	$(BIN)/python -m bench.draft_speed
	$(BIN)/python -m bench.draft_registers --out

clean:
	rm -rf $(VENV) $(OUT) build dist
