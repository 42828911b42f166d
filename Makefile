# Every target bootstraps its own environment: on a fresh clone `make lab` and `make test` just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# `make site` needs only the `site` extra (Sphinx, myst-nb, the theme, MathJax): its own small venv with
# those alone (the build imports neither the course package nor NumPy), not the 689 MB of the dev set.
SITE_VENV  ?= .venv-site
SITE_STAMP := $(SITE_VENV)/.installed-stamp

# Exact, tested versions of every dependency (see `make upgrade`). `make test CONSTRAINTS=` tests the
# open ranges of pyproject.toml instead (CI's optional job does).
CONSTRAINTS ?= constraints.txt
PIP_CONSTRAINTS := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))

# Reproducible notebook outputs (DESIGN §5–6): fixed hash seed, one BLAS thread so float text is stable.
TEST_ENV := PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: help lab test test-fast exercises execute bench site upgrade normalize clean

help:
	@echo "make lab        set up (first time) and open the course in JupyterLab (LAB_ARGS=--no-browser …)"
	@echo "make test       set up (first time) and run every test: notebooks, real browser, website"
	@echo "make test-fast  unit tests only (no notebook re-execution, browser or website)"
	@echo "make site       build the course as a static website in _build/site/html (offline)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make execute NB=chapters/01_neurons.ipynb   re-run a notebook in a fresh kernel and save it"
	@echo "make normalize  store every notebook the way JupyterLab would (no unsaved-changes dot on open)"
	@echo "make upgrade    move constraints.txt to the newest releases and re-execute every notebook"
	@echo "make bench      speed benchmarks (see benchmarks/)"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.12 …")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_CONSTRAINTS) -e ".[dev]"
	@touch $(STAMP)

# JupyterLab refuses root unless told; containers and some cloud machines run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Opens on the rendered start page (a notebook with the course map and clickable links).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) chapters/00_start_here.ipynb

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest

test-fast: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -p no:nbval -o addopts="-p no:cacheprovider -rs" -m "not slow" tests

$(SITE_STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.12 …")'
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) tools/pins.py extra site > $(SITE_VENV)/requirements.txt
	$(SITE_VENV)/bin/python -m pip install --quiet $(PIP_CONSTRAINTS) -r $(SITE_VENV)/requirements.txt
	@touch $(SITE_STAMP)

site: $(SITE_STAMP)
	$(SITE_VENV)/bin/python tools/build_site.py _build/site
	@echo "open _build/site/html/index.html"

exercises: $(STAMP)
	$(PY) -m companion.exercises

execute: $(STAMP)
	$(TEST_ENV) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 $(NB)
	$(PY) tools/normalize_notebooks.py $(NB)

normalize: $(STAMP)
	$(PY) tools/normalize_notebooks.py chapters/*.ipynb solutions/*.ipynb exercises/*.ipynb

# One deliberate step forward: newest releases within pyproject's ranges, written to constraints.txt,
# then every notebook re-executed with them. Review `git diff`, run `make test`, commit together.
upgrade:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/python -m pip install --quiet --upgrade pip
	.venv-upgrade/bin/python -m pip install --quiet -e ".[dev]"
	.venv-upgrade/bin/python tools/pins.py freeze .venv-upgrade/bin/python > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-upgrade $(VENV)
	$(MAKE) $(STAMP)
	$(PY) tools/pins.py environment > environment.yml
	for nb in chapters/*.ipynb solutions/*.ipynb; do $(MAKE) execute NB=$$nb || exit 1; done
	$(MAKE) exercises
	@echo "constraints.txt, environment.yml and the notebooks moved forward: review git diff, run make test, commit"

bench: $(STAMP)
	$(PY) benchmarks/backprop_speed.py
	$(PY) benchmarks/train_speed.py
	$(PY) benchmarks/classic_speed.py
	$(PY) benchmarks/grade_speed.py
	$(PY) benchmarks/conv_speed.py

clean:
	rm -rf $(VENV) $(SITE_VENV) build _build test-output *.egg-info .pytest_cache .hypothesis
