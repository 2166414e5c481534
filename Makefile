# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint layers typecheck pytest clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(DEVSTAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,skops]"
	touch $(STAMP) $(DEVSTAMP)

demo: $(STAMP)
	$(VENV)/bin/tension demo

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check tension tests experiments benchmarks

# the layers contract in pyproject.toml: no upward import, no cycle between layers
layers: $(DEVSTAMP)
	$(VENV)/bin/lint-imports

typecheck: $(DEVSTAMP)
	$(VENV)/bin/mypy tension

pytest: $(DEVSTAMP)
	$(VENV)/bin/pytest -q

test: lint layers typecheck pytest

clean:
	rm -rf out build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
