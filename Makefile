# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Exact versions of every dependency: what passes here passes on the next machine.
LOCK   := requirements/constraints.txt
# A second environment with the newest versions pyproject.toml allows (no lock).
LATEST := .venv-latest
AS_OF  ?= 2026-11-01
DIFF_FROM ?= 2026-09-30
EXAMPLES := $(sort $(dir $(wildcard examples/*/csplan.yaml)))

.PHONY: demo test test-fast test-latest lint lock bench bench-sources clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade -c $(LOCK) pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test]'
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
	  echo; echo "== $$name: diff --from $(DIFF_FROM) --to $(AS_OF) (what moved in October)"; \
	  $(BIN)/csplan diff --all -w $$ws --from $(DIFF_FROM) --to $(AS_OF); \
	  $(BIN)/csplan diff --all -w $$ws --from $(DIFF_FROM) --to $(AS_OF) --format markdown > out/$$name.diff.md; \
	  echo; echo "== $$name: backtest --lead 30,90,180 (does the score predict renewal?)"; \
	  $(BIN)/csplan backtest -w $$ws --lead 30,90,180; \
	  $(BIN)/csplan backtest -w $$ws --lead 30,90,180 --format html -o out/$$name.backtest.html; \
	  echo; echo "== $$name: render"; \
	  for fmt in html md; do for aud in customer internal; do \
	    $(BIN)/csplan render --all -w $$ws --as-of $(AS_OF) --format $$fmt --audience $$aud -o out/$$name > /dev/null; \
	  done; done; \
	  echo "wrote out/$$name/ ($$(ls out/$$name | wc -l) files), out/$$name.scores.json, out/$$name.scores.csv, out/$$name.diff.md, out/$$name.backtest.html"; \
	done
	@echo; echo "Open out/acme-mail/index.customer.html (plans) and out/acme-mail/index.internal.html (portfolio review)."
	@echo "out/replyhub-crm/ is a portfolio read from a CRM export and Parquet usage files (examples/replyhub-crm/sources.yaml)."

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q tests

# Everything but the real-browser tests: seconds instead of minutes.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not browser" tests

# The same suite against the newest releases pyproject.toml allows, upgraded on
# every run, so a dependency's new release turns CI red before a newcomer hits it.
test-latest:
	test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	@echo "Versions that differ from $(LOCK) (< locked, > latest):"
	@$(LATEST)/bin/python -m pip freeze --all --exclude-editable \
	  | grep -v -E '^(setuptools|wheel|distribute)==' | diff $(LOCK) - | grep '^[<>] [^#]' || echo "  none"
	$(LATEST)/bin/python -m pytest -q tests

# Refresh the lock from scratch: a throwaway venv with the newest allowed
# versions, frozen. Review the diff, run `make test`, commit both.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '/^#/p' $(LOCK); \
	  .venv-lock/bin/python -m pip freeze --all --exclude-editable \
	    | grep -v -E '^(setuptools|wheel|distribute)=='; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Data sources (SPEC section 8): 10,000 CRM rows and 8,000,000 usage rows through DuckDB.
bench-sources: $(STAMP)
	$(BIN)/python bench/sources.py

clean:
	rm -rf $(VENV) $(LATEST) .venv-lock out .pytest_cache .ruff_cache .mypy_cache build src/*.egg-info
