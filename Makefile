# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint layers typecheck pytest clean
# the modules setup.py compiles (tension/_native.py COMPILED, C_MODULES): an edit rebuilds them in place,
# so `make demo` and `make test` run the compiled path of the current source; without a
# compiler (or with TENSION_PURE=1) the build says so and the pure source runs, same output
HOT := tension/read/_text.py tension/read/_clean.py tension/extract/_actors.py \
	tension/extract/_signals.py tension/extract/_sentclf.py tension/model/_dyads.py \
	tension/_ccore.c
NATIVE := tension/_native.sha256

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# the install compiles the hot path (or says why not), so it leaves $(NATIVE) up to date
$(STAMP): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(STAMP) $(NATIVE)

$(DEVSTAMP): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,skops]"
	touch $(STAMP) $(DEVSTAMP) $(NATIVE)

# an edited hot module: the same isolated build as the install (mypy and numpy come with it)
$(NATIVE): $(HOT) | $(STAMP)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(NATIVE)

demo: $(STAMP) $(NATIVE)
	$(VENV)/bin/tension demo

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check tension tests experiments benchmarks

# the layers contract in pyproject.toml: no upward import, no cycle between layers
layers: $(DEVSTAMP)
	$(VENV)/bin/lint-imports

typecheck: $(DEVSTAMP)
	$(VENV)/bin/mypy tension

pytest: $(DEVSTAMP) $(NATIVE)
	$(VENV)/bin/pytest -q

test: lint layers typecheck pytest

clean:
	rm -rf out build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -f tension/*.so tension/*/*.so $(NATIVE)
