# StoreOps XL — `make demo` runs the main job on the embedded demo store, `make test` runs the tests.
# Both create a local .venv with pinned versions (constraints.txt); nothing else is needed by hand.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench build clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23.2"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	@echo "编译重算加速模块（只需一次）/ compiling the recalc kernels (once)"
	@cp workbook/StoreOps.xlsm $(VENV)/warm.xlsm && $(PY) -m storeops.cli recalc --no-progress $(VENV)/warm.xlsm >/dev/null && rm -f $(VENV)/warm.xlsm
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/storeops demo --out out

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 -q

build: $(STAMP)
	$(VENV)/bin/storeops build workbook/StoreOps.xlsm

bench: $(STAMP)
	$(PY) bench/functions.py
	$(PY) bench/judgements.py
	$(PY) bench/recalc.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis .mypy_cache build dist
