"""nbgrader, proven: every practice notebook through nbgrader's round trip (docs/instructors.md).

nbgrader (pinned in ``constraints-nbgrader.txt``) lives in an environment of its own, created by
this test on first use and cached: ``$NBGRADER_ENV`` or ``.cache/nbgrader-env`` in the checkout
(git-ignored). It is never installed in the ``.venv`` that ``make lab`` opens for learners: it
pulls in ``notebook`` 7 and its extensions.

For the twelve practice notebooks, in one nbgrader course: ``generate_assignment``, then
``autograde`` of a correct submission (the solution), a wrong one (the solution with Q1's function
replaced by one that returns nothing) and an untouched one (the released exercise), then
``generate_feedback`` and ``export``. Correct earns every point, untouched none, wrong less than
all. The time of the whole round trip is printed (``-s``) and written to
``test-output/nbgrader_round_trip.txt``.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*_practice.ipynb"))
CONSTRAINTS = ROOT / "constraints-nbgrader.txt"
REGION = re.compile(r"^\s*###\s*(BEGIN|END)\s+SOLUTION\s*$", re.MULTILINE)
HIDDEN = re.compile(r"^\s*###\s*(BEGIN|END)\s+HIDDEN TESTS\s*$", re.MULTILINE)


# ------------------------------------------------------------------ static: solution regions
@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_every_solution_region_is_in_an_nbgrader_solution_cell(path):
    """nbgrader clears solutions only in cells marked ``solution: true`` (a markdown one must also be
    graded): a region anywhere else would reach learners through nbgrader's release, or make
    ``nbgrader generate_assignment`` fail."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    wrong = []
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell.get("source", ""))
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if REGION.search(source):
            if not meta.get("solution"):
                wrong.append(f"cell {i} ({cell.get('id')}): solution region outside an nbgrader solution cell")
            elif cell["cell_type"] == "markdown" and not meta.get("grade"):
                wrong.append(f"cell {i} ({cell.get('id')}): a markdown solution cell must be graded for nbgrader")
        if HIDDEN.search(source) and not (meta.get("grade") and not meta.get("solution")):
            wrong.append(f"cell {i} ({cell.get('id')}): hidden tests outside an nbgrader test cell")
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------ the environment
def _env_folder() -> Path:
    return Path(os.environ.get("NBGRADER_ENV") or ROOT / ".cache" / "nbgrader-env")


def _stamp() -> str:
    digest = hashlib.sha256(CONSTRAINTS.read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def nbgrader_bin() -> Path:
    folder = _env_folder()
    stamp = folder / ".installed-stamp"
    bin_dir = folder / "bin"
    if not (stamp.is_file() and stamp.read_text().strip() == _stamp() and (bin_dir / "nbgrader").is_file()):
        start = time.perf_counter()
        if not (bin_dir / "python").is_file():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        done = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS),
                               "nbgrader", "-e", str(ROOT)], capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            message = f"could not install nbgrader in {folder}: {done.stderr[-1500:]}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        stamp.write_text(_stamp() + "\n")
        print(f"\nnbgrader environment created in {time.perf_counter() - start:.0f} s: {folder}")
    return bin_dir


# ------------------------------------------------------------------ the round trip
def _wrong(solution: dict) -> dict:
    """The solution with Q1's function replaced by one that returns nothing."""
    nb = json.loads(json.dumps(solution))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution") and meta.get("grade_id") == "q1-answer":
            source = "".join(cell["source"])
            name = re.search(r"^def (\w+)\(", source, re.MULTILINE).group(1)
            cell["source"] = source + f"\n\n\ndef {name}(*args, **kwargs):\n    return None\n"
            return nb
    raise AssertionError("no q1-answer cell")


@pytest.mark.slow
def test_nbgrader_round_trip_for_every_practice_notebook(nbgrader_bin, tmp_path):
    course = tmp_path / "course"
    assignments = {}
    for path in SOLUTIONS:
        assignment = "ps" + path.name[:2]
        assignments[assignment] = path
        (course / "source" / assignment).mkdir(parents=True)
        shutil.copy(path, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'course'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ExecutePreprocessor.timeout = 300\n", encoding="utf-8")
    env = dict(os.environ, PATH=f"{nbgrader_bin}{os.pathsep}{os.environ.get('PATH', '')}",
               OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    env.pop("VIRTUAL_ENV", None)
    log = []

    def nbgrader(*args):
        start = time.perf_counter()
        done = subprocess.run([str(nbgrader_bin / "nbgrader"), *args], cwd=course, env=env,
                              capture_output=True, text=True, timeout=1800)
        log.append((" ".join(args), time.perf_counter() - start, done.stderr))
        assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    start = time.perf_counter()
    for assignment in assignments:
        nbgrader("generate_assignment", assignment, "--force")
    for assignment, path in assignments.items():
        released = course / "release" / assignment / path.name
        assert released.is_file()
        assert not REGION.search(released.read_text(encoding="utf-8")), f"{released.name} kept a solution"
        solution = json.loads(path.read_text(encoding="utf-8"))
        for student, nb in (("correct", solution), ("wrong", _wrong(solution)),
                            ("untouched", json.loads(released.read_text(encoding="utf-8")))):
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            (folder / path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    nbgrader("autograde", "ps*", "--create")       # nbgrader globs assignment ids: one process for all
    nbgrader("generate_feedback", "ps*")
    nbgrader("export")
    seconds = time.perf_counter() - start

    rows = list(csv.DictReader(open(course / "grades.csv", newline="", encoding="utf-8")))
    scores = {(r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"])) for r in rows}
    problems = []
    for assignment in assignments:
        score, maximum = scores[(assignment, "correct")]
        if not (maximum > 0 and score == maximum):
            problems.append(f"{assignment}: the solution earns {score} of {maximum}")
        if scores[(assignment, "untouched")][0] != 0:
            problems.append(f"{assignment}: the untouched exercise earns {scores[(assignment, 'untouched')][0]}")
        if not scores[(assignment, "wrong")][0] < maximum:
            problems.append(f"{assignment}: a wrong Q1 still earns every point")
        for student in ("correct", "wrong", "untouched"):
            if not list((course / "feedback" / student / assignment).glob("*.html")):
                problems.append(f"{assignment}: no feedback for {student}")
    table = "\n".join(f"{a}\t{scores[(a, 'correct')][1]:g}\t" + "\t".join(
        f"{scores[(a, s)][0]:g}" for s in ("correct", "wrong", "untouched")) for a in assignments)
    report = (f"nbgrader round trip for {len(assignments)} practice notebooks: {seconds:.0f} s\n"
              "assignment\tmax\tcorrect\twrong\tuntouched\n" + table + "\n"
              + "\n".join(f"{what}\t{t:.1f} s" for what, t, _ in log) + "\n")
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / "nbgrader_round_trip.txt").write_text(report, encoding="utf-8")
    print("\n" + report)
    assert not problems, "\n".join(problems)
