# cucm.trust - the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export PYTHONDONTWRITEBYTECODE := 1
# Integration tests mostly wait on SSH and the lab's clock: run them side by side (pytest-xdist).
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist load

.PHONY: help setup collection demo lab lab-stop test unit sanity lint integration clean

help:
	@echo "make demo   - set up, start a 3-node CUCM lab; trust report, mixed mode on/off, ITL reset, nightly backup"
	@echo "make test   - set up and run everything CI runs (sanity, lint, unit, integration)"
	@echo "make lab    - keep a 3-node CUCM lab running in lab-state/ to run playbooks by hand (docs/lab.md); make lab-stop"
	@echo "make unit | sanity | lint | integration | collection | clean"

setup:
	@./scripts/setup.sh

collection: setup
	@./scripts/build-collection.sh

demo: setup
	@./scripts/demo.sh

# LAB_OPTIONS: other `cucm_lab serve` options, e.g. LAB_OPTIONS="--release 14 --security-mode mixed".
lab: setup
	@./scripts/lab.sh stop lab-state
	@rm -rf lab-state
	@./scripts/lab.sh start lab-state --nodes 3 --release 12.5 --base-port 0 --cluster lab --time-scale 0.1 \
		--max-runtime 28800 $(LAB_OPTIONS)
	@echo "lab running; from this directory: .venv/bin/ansible-playbook playbooks/trust_report.yml (docs/lab.md)"

lab-stop:
	@./scripts/lab.sh stop lab-state

sanity: setup
	@./scripts/sanity.sh

lint: setup
	@./scripts/lint.sh

unit: setup
	$(PY) -m pytest tests/unit -q

integration: setup
	$(PY) -m pytest tests/integration -q $(PYTEST_PARALLEL)

# Sanity and lint first; the pytest run (unit + integration) prints the closing summary.
test: setup
	@./scripts/sanity.sh
	@./scripts/lint.sh
	$(PY) -m pytest tests/unit tests/integration -q $(PYTEST_PARALLEL)

clean:
	rm -rf .build .tmp tests/output
