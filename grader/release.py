"""Build the learner's edition: ``python -m grader.release [FOLDER]`` (``make release``).

It writes ``_build/release/`` (or FOLDER), a course a learner can clone and install with
``pip install`` without the answer key:

- ``chapters/``, ``exercises/`` (answers already replaced by prompts, hidden tests removed);
- the Chinese edition of both, ``zh/chapters/`` and ``zh/exercises/`` (the same notebooks with the
  text translated; ``check()`` and the grader answer them in Chinese);
- the learner package ``companion/`` and the checker runtime ``course_check/``, whose data holds
  the visible cases with their expected outputs (computed from the key when it is built);
- the package's own unit tests (those that need neither the grader nor solutions);
- a README for learners, a Makefile with ``make lab`` and ``make test``, a pyproject that
  packages ``companion`` and ``course_check`` only, constraints.txt, LICENSE.

Never copied: ``solutions/``, ``grader/`` (question specifications, reference implementations,
hidden cases), the instructors' guide, benchmarks and tools; of ``zh/``, never ``zh/solutions/`` and
never ``zh/catalogs/`` (the translation catalogs hold the solutions' text too). Hints ship (in the checker's data);
they follow the hints policy of docs/instructors.md.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

from grader import exercises, visible

__all__ = ["build", "main", "LEARNER_TESTS_EXCLUDE"]

ROOT = Path(__file__).resolve().parents[1]
#: a unit test is left out of the edition when its text mentions one of these (it needs what the
#: edition does not have: the grader, solutions, the website tools, a browser)
LEARNER_TESTS_EXCLUDE = re.compile(r"grader|solutions|course_check|tools|docs/|exercises|build_site|"
                                   r"constraints|playwright|ROOT")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
#: what the edition takes of the Chinese edition (never zh/solutions or zh/catalogs: they hold answers)
ZH_FOLDERS = ("zh/chapters", "zh/exercises")

README = """# Neural Networks, Derived and Verified — learner's edition

An open course, in Jupyter notebooks, on how a neural network computes and learns, where every
formula is derived and then checked in code; `companion` is the small NumPy package the notebooks
use.

This is the **learner's edition**: the chapters, the practice notebooks to fill in, the package
and the quick self-check. It holds no solutions and no answer key; your instructor grades your
practice notebooks.

## Quick start

You need Python ≥ 3.11 and `make`:

```bash
make lab     # first time: creates .venv and installs everything; then opens the course in JupyterLab
make test    # first time: same set-up; then runs the package's tests and re-executes the chapters
```

Without `make`: `python -m venv .venv && .venv/bin/pip install -c constraints.txt -e ".[dev]"`, then
`.venv/bin/jupyter lab chapters/00_start_here.ipynb`. `pip install .` installs the package alone.

## Practice notebooks

Each chapter ends with a link to its practice notebook, `exercises/NN_slug_practice.ipynb`. Write
each answer where it says `# YOUR CODE HERE`, then run the cell below it: `check("qN")` runs the
question's visible cases on your function and compares the results with the expected outputs that
ship with the course (`course_check`). It prints a line when they pass; when one fails it says
what was expected and what came, and after a wrong attempt it may add a hint. An answer you have
not written yet is simply skipped, so "Run All" always goes through.

`check()` is a quick self-check, not the grade: your instructor grades the notebook you hand in
with more (hidden) cases, in a sandbox. Functions of `companion` that a question asks you to
write yourself (e.g. `companion.optimizers.Adam` for an Adam step) earn no points when used.

## 中文版

The whole course is also in Chinese: `zh/chapters/00_start_here.ipynb` is its start page
(`make lab-zh` opens it; JupyterLab's own menus switch to Chinese under Settings → Language), and
the practice notebooks are in `zh/exercises/`. The code is the same in both editions; in a Chinese notebook `check()` and your
instructor's grader give their feedback in Chinese. Every notebook links to its twin in the other
language.

整门课程也有中文版：起始页是 `zh/chapters/00_start_here.ipynb`（运行 `make lab-zh` 即可打开），练习笔记本在 `zh/exercises/`。
两个版本的代码完全相同；在中文笔记本中，`check()` 和教师的评分程序都用中文给出反馈。
"""

MAKEFILE = """# Every target bootstraps its own environment: `make lab` and `make test` just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
CONSTRAINTS ?= constraints.txt
PIP_CONSTRAINTS := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
TEST_ENV := PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab lab-zh test test-fast clean

help:
\t@echo "make lab        set up (first time) and open the course in JupyterLab (LAB_ARGS=--no-browser …)"
\t@echo "make lab-zh     the same, on the Chinese start page (中文版)"
\t@echo "make test       set up (first time) and run the tests: the package, and the chapters re-executed"
\t@echo "make test-fast  the package's unit tests only"

$(STAMP): pyproject.toml $(CONSTRAINTS)
\t@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.12 …")'
\t$(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet --upgrade pip
\t$(PY) -m pip install --quiet $(PIP_CONSTRAINTS) -e ".[dev]"
\t@touch $(STAMP)

PAGE ?= chapters/00_start_here.ipynb
lab: $(STAMP)
\t$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) $(PAGE)

lab-zh:
\t$(MAKE) lab PAGE=zh/chapters/00_start_here.ipynb

test: $(STAMP)
\t$(TEST_ENV) $(PY) -m pytest

test-fast: $(STAMP)
\t$(TEST_ENV) $(PY) -m pytest -p no:nbval -o addopts="-p no:cacheprovider -rs" -m "not slow" tests

clean:
\trm -rf $(VENV) build _build *.egg-info .pytest_cache .hypothesis
"""

_LEARNER_DEV = ("pytest", "nbval", "hypothesis", "jupyterlab", "ipykernel", "nbclient", "nbformat", "nbconvert",
                "jupyterlab-language-pack-zh-CN")


def _toml_list(items: list[str]) -> str:
    return "[\n" + "".join(f'    "{i}",\n' for i in items) + "]"


def pyproject(source: Path = ROOT / "pyproject.toml") -> str:
    """The learner's pyproject: the course's metadata and pins, packaging companion and course_check only."""
    project = tomllib.loads(source.read_text(encoding="utf-8"))
    meta, pytest_cfg = project["project"], project["tool"]["pytest"]["ini_options"]
    dev = [d for d in meta["optional-dependencies"]["dev"] if re.split(r"[<>=!\[ ]", d)[0] in _LEARNER_DEV]
    norecurse = [d for d in pytest_cfg["norecursedirs"]]
    return f"""[build-system]
requires = {json.dumps(project["build-system"]["requires"])}
build-backend = "{project["build-system"]["build-backend"]}"

[project]
name = "{meta["name"]}"
version = "{meta["version"]}"
description = {json.dumps(meta["description"] + " (learner's edition)")}
readme = "README.md"
requires-python = "{meta["requires-python"]}"
license = {{ text = "{meta["license"]["text"]}" }}
dependencies = {_toml_list(meta["dependencies"])}

[project.optional-dependencies]
dev = {_toml_list(dev)}

[tool.setuptools.packages.find]
include = ["companion*", "course_check*"]

[tool.setuptools.package-data]
companion = ["data/*"]
course_check = ["data/*", "data/zh/*"]

[tool.pytest.ini_options]
testpaths = ["tests", "chapters", "zh/chapters"]
addopts = "{pytest_cfg["addopts"]}"
norecursedirs = {_toml_list(norecurse)}
markers = {_toml_list(pytest_cfg["markers"])}
"""


def _learner_tests(target: Path) -> list[str]:
    kept = []
    (target / "tests").mkdir()
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name.startswith("test_") and LEARNER_TESTS_EXCLUDE.search(path.read_text(encoding="utf-8")):
            continue
        shutil.copy2(path, target / "tests" / path.name)
        kept.append(path.name)
    for extra in ("nbval_sanitize.cfg",):
        if (ROOT / "tests" / extra).is_file():
            shutil.copy2(ROOT / "tests" / extra, target / "tests" / extra)
    if (ROOT / "tests" / "data").is_dir():
        shutil.copytree(ROOT / "tests" / "data", target / "tests" / "data", ignore=_IGNORE)
    return kept


def stale_zh_exercises(root: Path = ROOT) -> list[str]:
    """zh/exercises notebooks that differ from what the generator makes of zh/solutions (names)."""
    stale = []
    for solution in sorted((root / "zh" / "solutions").glob("*.ipynb")):
        nb = json.loads(solution.read_text(encoding="utf-8"))
        exercise = root / "zh" / "exercises" / solution.name
        if not exercise.is_file() or exercise.read_text(encoding="utf-8") != exercises.exercise_text_of(nb, solution.name):
            stale.append(f"zh/exercises/{solution.name}")
    return stale


def build(target: Path = ROOT / "_build" / "release", root: Path = ROOT) -> Path:
    """Write the learner's edition into ``target`` (replaced if it exists); return ``target``."""
    stale = exercises.generate(root / "solutions", root / "exercises", check=True)
    stale += visible.generate(check=True)
    stale += stale_zh_exercises(root)
    if stale:
        raise RuntimeError(f"exercises/, zh/exercises or course_check/data is out of date (run `make exercises`, "
                           f"then `make translations`): {stale}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in ("chapters", "exercises", "companion", "course_check", *ZH_FOLDERS):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, target / folder, ignore=_IGNORE)
    for name in ("LICENSE", "constraints.txt", "conftest.py"):
        if (root / name).is_file():
            shutil.copy2(root / name, target / name)
    _learner_tests(target)
    (target / "README.md").write_text(README, encoding="utf-8")
    (target / "Makefile").write_text(MAKEFILE, encoding="utf-8")
    (target / "pyproject.toml").write_text(pyproject(root / "pyproject.toml"), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.release", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "_build" / "release")
    args = parser.parse_args(argv)
    try:
        target = build(args.folder)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the learner's edition to {target} (no solutions, references or hidden cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
