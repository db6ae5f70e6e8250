# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  ?= 2026-11-01
EXAMPLES := $(sort $(dir $(wildcard examples/*/csplan.yaml)))

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@rm -rf out && mkdir -p out
	@set -e; for ws in $(EXAMPLES); do \
	  name=$$(basename $$ws); \
	  echo; echo "== $$name: validate"; \
	  $(BIN)/csplan validate -w $$ws; \
	  echo; echo "== $$name: score --all --as-of $(AS_OF)"; \
	  $(BIN)/csplan score --all -w $$ws --as-of $(AS_OF) --sort gap --trend; \
	  $(BIN)/csplan score --all -w $$ws --as-of $(AS_OF) --trend --format json > out/$$name.scores.json; \
	  $(BIN)/csplan score --all -w $$ws --as-of $(AS_OF) --format csv > out/$$name.scores.csv; \
	  echo; echo "== $$name: render"; \
	  for fmt in html md; do for aud in customer internal; do \
	    $(BIN)/csplan render --all -w $$ws --as-of $(AS_OF) --format $$fmt --audience $$aud -o out/$$name > /dev/null; \
	  done; done; \
	  echo "wrote out/$$name/ ($$(ls out/$$name | wc -l) files), out/$$name.scores.json, out/$$name.scores.csv"; \
	done
	@echo; echo "Open out/acme-mail/index.customer.html (plans) and out/acme-mail/index.internal.html (portfolio review)."

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache build src/*.egg-info
