# wirewash — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
EXTRAS ?= embedded,test,bench,train

.PHONY: help venv run test unit integration soak lint typecheck schemas check-schemas bench bench-compare corpus eval eval-cross train rules config-table readme up down clean lock

help:
	@echo "make run         install, start the embedded broker and a worker, publish seeds/, show the results"
	@echo "make test        install, then lint, type-check and run the whole suite (integration included)"
	@echo "make bench       throughput / latency benchmarks against in-run baselines (not part of make test)"
	@echo "make bench-compare REF=<commit>   the core's CPU per article at REF and in the work tree, same run (COMPILED=1: the mypyc builds)"
	@echo "make soak        SIGKILL, SIGTERM and broker-restart tests in a loop, lost/duplicated per round (ROUNDS=30)"
	@echo "make eval        score the core on the gold corpus (CORPUS=../shared/corpus/dev, not shipped)"
	@echo "make eval-cross  the same, each family scored by a boilerplate scorer trained without it"
	@echo "make train       retrain the boilerplate scorer (pipeline/data/chrome_model.json) from tests/cases/chrome"
	@echo "make schemas     export schemas/*.v1.json from the pydantic models"
	@echo "make up / down   Apache Kafka (KRaft) + worker with Docker Compose (deploy/docker-compose.yml)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# the development install is pure Python (WIREWASH_COMPILE=0): doctests run and edits apply at once;
# `pip install .` and the image compile the core with mypyc (setup.py)
$(STAMP): pyproject.toml setup.py | $(PY)
	WIREWASH_COMPILE=0 $(PIP) install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/wirewash demo seeds/

test: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests bench setup.py
	$(VENV)/bin/ruff format --check pipeline tests bench setup.py
	$(VENV)/bin/mypy
	$(VENV)/bin/wirewash schemas --check
	$(VENV)/bin/pytest -q

unit: $(STAMP)
	$(VENV)/bin/pytest -q tests/unit pipeline

integration: $(STAMP)
	$(VENV)/bin/pytest -q tests/integration

# not part of make test: ~4 min a round on 2 cores
ROUNDS ?= 30
soak: $(STAMP)
	$(PY) -m tests.soak --rounds $(ROUNDS)

lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline tests bench setup.py
	$(VENV)/bin/ruff format --check pipeline tests bench setup.py

typecheck: $(STAMP)
	$(VENV)/bin/mypy

schemas: $(STAMP)
	$(VENV)/bin/wirewash schemas

bench: $(STAMP)
	$(PY) bench/run.py

# the core's cost at another commit and in the work tree, same run, same records (REF=<commit>)
REF ?= 2ee2752
bench-compare: $(STAMP)
	$(PY) bench/compare.py $(REF) $(if $(COMPILED),--compiled)

CORPUS ?= ../shared/corpus/dev

# checked before anything is installed: without gold files there is nothing to score
corpus:
	@test -d "$(CORPUS)" || { echo "no gold corpus at $(CORPUS): make eval and make eval-cross score the cleaner against gold-annotated articles (JSON files with raw_body, boilerplate and gold_clean_body, like the development corpus, which is not part of the repository); point CORPUS=DIR at a directory of them" >&2; exit 2; }

eval: corpus $(STAMP)
	$(VENV)/bin/wirewash eval $(CORPUS)

eval-cross: corpus $(STAMP)
	$(VENV)/bin/wirewash eval --cross-family -q $(CORPUS)

# the shipped weights: the repository's own cases (tests/cases/chrome, lines.json) and, where it is
# present, the gold corpus (the shipped file was trained with ../shared/corpus/dev; without it the
# command trains on the own cases alone and says so)
train: $(STAMP)
	@if [ -d $(CORPUS) ]; then $(VENV)/bin/wirewash train --corpus $(CORPUS); \
	else echo "no gold corpus at $(CORPUS): training on the repository's own cases alone"; $(VENV)/bin/wirewash train; fi

rules: $(STAMP)
	$(VENV)/bin/wirewash rules

config-table: $(STAMP)
	$(VENV)/bin/wirewash config --markdown

readme: $(STAMP)
	$(PY) -m pipeline.readme README.md

lock: $(STAMP)
	$(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file deploy/requirements.lock pyproject.toml

up:
	docker compose -f deploy/docker-compose.yml up -d --build

down:
	docker compose -f deploy/docker-compose.yml down -v

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .wirewash build *.egg-info
