# Every target bootstraps its own environment: on a fresh clone `make lab` and `make test` just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

# Reproducible notebook outputs (DESIGN §5–6): fixed hash seed, one BLAS thread so float text is stable.
TEST_ENV := PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: help lab test test-fast exercises execute bench clean

help:
	@echo "make lab        set up (first time) and open the course in JupyterLab (LAB_ARGS=--no-browser …)"
	@echo "make test       set up (first time) and run every test, notebooks included"
	@echo "make test-fast  unit tests only (no notebook re-execution)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make execute NB=chapters/01_neurons.ipynb   re-run a notebook in a fresh kernel and save it"
	@echo "make bench      speed benchmarks (see benchmarks/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.12 …")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# JupyterLab refuses root unless told; containers and some cloud machines run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) README.md

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest

test-fast: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -p no:nbval -o addopts="" tests

exercises: $(STAMP)
	$(PY) -m companion.exercises

execute: $(STAMP)
	$(TEST_ENV) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace $(NB)

bench: $(STAMP)
	$(PY) benchmarks/backprop_speed.py
	$(PY) benchmarks/train_speed.py
	$(PY) benchmarks/conv_speed.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
