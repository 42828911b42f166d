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

# Reproducible notebook outputs (docs/architecture.md §5–6): fixed hash seed, one BLAS thread so float text is stable.
TEST_ENV := PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: help lab lab-zh test test-fast test-portability exercises translations execute bench mutants site upgrade normalize clean release gradescope

help:
	@echo "make lab        set up (first time) and open the course in JupyterLab (LAB_ARGS=--no-browser …)"
	@echo "make lab-zh     the same, on the Chinese start page zh/chapters/00_start_here.ipynb (中文版);"
	@echo "                JupyterLab's own menus in Chinese: Settings → Language → 中文 (简体, 中国)"
	@echo "make test       set up (first time) and run every test: notebooks, real browser, website"
	@echo "make test-fast  unit tests only (no notebook re-execution, browser or website)"
	@echo "make test-portability  re-run every notebook as on an AVX2-only and an SSE4.2-only CPU (NumPy's SIMD dispatch forced down)"
	@echo "make site       build the course as a static website in _build/site/html (offline)"
	@echo "make exercises  regenerate exercises/ from solutions/ (and check()'s visible cases from the answer key)"
	@echo "make translations  bring zh/catalogs up to date with the English notebooks, then regenerate zh/ (docs/translating.md)"
	@echo "make release    the learner's edition in _build/release/: no solutions, answer key or hidden cases"
	@echo "make gradescope the Gradescope autograder, _build/gradescope/autograder.zip (holds the answer key)"
	@echo "make execute NB=chapters/01_neurons.ipynb   re-run a notebook in a fresh kernel and save it"
	@echo "make normalize  store every notebook the way JupyterLab would (no unsaved-changes dot on open)"
	@echo "make upgrade    move constraints.txt to the newest releases and re-execute every notebook"
	@echo "make bench      speed benchmarks (see benchmarks/)"
	@echo "make mutants    mutation testing of the maths modules (slow; MODULES=\"schedules classic/rbm\" for some)"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.12 …")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_CONSTRAINTS) -e ".[dev]"
	@touch $(STAMP)

# JupyterLab refuses root unless told; containers and some cloud machines run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Opens on the rendered start page (a notebook with the course map and clickable links); PAGE= another one.
PAGE ?= chapters/00_start_here.ipynb
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) $(PAGE)

# The Chinese edition's start page (中文版). JupyterLab's menus switch to Chinese under Settings → Language
# (the language pack is in the `dev` extra).
lab-zh:
	$(MAKE) lab PAGE=zh/chapters/00_start_here.ipynb

test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest

test-fast: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -p no:nbval -o addopts="-p no:cacheprovider -rs" -m "not slow" tests grader/tests

# Every notebook of chapters/ and solutions/ re-run with NumPy's SIMD dispatch forced down (NPY_DISABLE_CPU_FEATURES),
# once per variant this CPU can emulate, two notebooks at a time; the kernel itself confirms the targets are off.
# Extra pytest arguments: make test-portability PYTEST_ARGS="-n 1 chapters/05_backpropagation.ipynb"
test-portability: $(STAMP)
	$(TEST_ENV) $(PY) tools/cpu_portability.py $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

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
	$(PY) -m grader.exercises
	$(PY) -m grader.visible

# The Chinese edition (docs/translating.md): new or changed English markdown cells get catalog entries
# (update), then zh/chapters, zh/solutions and zh/exercises are written from the English notebooks plus
# the catalogs (build). `$(PY) tools/translations.py check` writes nothing and names what is out of sync.
translations: $(STAMP)
	$(PY) tools/translations.py

release: $(STAMP)
	$(PY) -m grader.release _build/release

# One autograder for the whole course (docs/instructors.md, "Grading on Gradescope"): the grader, the
# answer key, the course secret if set, and wheels of the dependencies pinned by constraints.txt.
# GRADESCOPE_PYTHON_VERSION=3.12 builds for another CPython (default 3.11, see grader/gradescope.py).
gradescope: $(STAMP)
	$(PY) -m grader.gradescope build _build/gradescope $(if $(GRADESCOPE_PYTHON_VERSION),--python $(GRADESCOPE_PYTHON_VERSION))

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

# Mutation testing (docs/architecture.md §6): not part of `make test` or CI. mutmut is installed here,
# pinned, and in no extra or constraints file; each module is mutated in a scratch copy of the tree.
MUTMUT_VERSION := 2.5.1
mutants: $(STAMP)
	$(PY) -m pip install --quiet mutmut==$(MUTMUT_VERSION)
	$(TEST_ENV) nice -n 5 $(PY) tools/mutants.py $(MODULES)

clean:
	rm -rf $(VENV) $(SITE_VENV) build _build test-output *.egg-info .pytest_cache .hypothesis
