# Two commands do everything on a machine with only Python 3.11 and pip:
#   make demo   -- create .venv, install the library and the bundled plugins, run the main example
#   make test   -- the same set-up, then lint, type-check and the whole suite
#   make fuzz   -- 10,000 generated inputs per public entry point (fuzz/run.py), a table
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install lint typecheck pytest bench fuzz clean

$(STAMP): pyproject.toml plugins/ningxia/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[all,test]' -e plugins/ningxia
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) examples/october_2022_emergency.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict src plugins/ningxia/src

pytest: $(STAMP)
	$(VENV)/bin/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) benchmarks/settle_region.py

# FUZZ_EXAMPLES examples per target (default 10,000); prints tried / accepted / rejected /
# crashes per target and fails on any crash or any input taking over 1 s (fuzz/targets.py)
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) fuzz/run.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
