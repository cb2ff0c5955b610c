# wirewash — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
EXTRAS ?= embedded,test,bench

.PHONY: help venv run test unit integration soak lint typecheck schemas check-schemas bench eval rules config-table readme up down clean lock

help:
	@echo "make run         install, start the embedded broker and a worker, publish seeds/, show the results"
	@echo "make test        install, then lint, type-check and run the whole suite (integration included)"
	@echo "make bench       throughput / latency benchmarks against in-run baselines (not part of make test)"
	@echo "make soak        SIGKILL, SIGTERM and broker-restart tests in a loop, lost/duplicated per round (ROUNDS=30)"
	@echo "make eval        score the core on ../shared/corpus/dev (if present)"
	@echo "make schemas     export schemas/*.v1.json from the pydantic models"
	@echo "make up / down   Apache Kafka (KRaft) + worker with Docker Compose (deploy/docker-compose.yml)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# the development install is pure Python (WIREWASH_COMPILE=0): doctests run and edits apply at once;
# `pip install .` and the image compile the event extractor with mypyc (setup.py)
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

eval: $(STAMP)
	$(VENV)/bin/wirewash eval ../shared/corpus/dev

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
