"""Gradescope's results.json from the grader, in this process (fast; the built zip is tested in
test_gradescope.py): schema, one scored test and one after-published test per question, the same
scores and feedback as the local grader, and a result that explains a submission it cannot grade."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from grader import gradescope, grade_notebook
from grader.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "grader" / "gradescope_files" / "results.schema.json").read_text(encoding="utf-8"))


def _run(root: Path, files: dict[str, bytes], title: str | None = None) -> dict:
    (root / "submission").mkdir(parents=True)
    for name, content in files.items():
        (root / "submission" / name).write_bytes(content)
    if title is not None:
        (root / "submission_metadata.json").write_text(json.dumps({"assignment": {"title": title}}))
    gradescope.run(root)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, SCHEMA)
    return results


def test_a_solution_gets_the_local_graders_scores_and_feedback(tmp_path):
    solution = ROOT / "solutions" / "01_neurons_practice.ipynb"
    results = _run(tmp_path / "gs", {solution.name: solution.read_bytes()})
    local = grade_notebook(solution)
    scored = [t for t in results["tests"] if t["visibility"] == "visible"]
    details = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert [(t["score"], t["max_score"], t["output"]) for t in scored] == \
        [(q.score, q.max_score, q.text()) for q in local.questions]
    assert [t["name"] for t in scored] == [f"{q.id} {q.title}" for q in QUESTIONS["01_neurons"]]
    assert all(t["score"] == t["max_score"] == 0 and "hidden case" in t["output"] for t in details)
    assert results["score"] == local.score == local.max_score > 0
    # each question's details follow its scored test
    assert [t["name"] for t in results["tests"][1::2]] == [f"{t['name']} — hidden cases" for t in scored]


@pytest.mark.parametrize("files, title, said", [
    ({}, None, "it is empty"),
    ({"answers.py": b"x = 1"}, "Chapter 1: neurons", "answers.py"),
    ({"01_neurons_practice.ipynb": b"{ broken"}, None, "not a valid notebook"),
])
def test_a_submission_that_cannot_be_graded_gets_an_explanation(tmp_path, files, title, said):
    results = _run(tmp_path / "gs", files, title)
    assert results["score"] == 0 and said in results["output"]
    scored = [t for t in results["tests"] if t["visibility"] == "visible"]
    if files:                            # the assignment is known: its questions are listed with 0
        assert [t["name"].split()[0] for t in scored] == [q.id for q in QUESTIONS["01_neurons"]]
        assert all(t["score"] == 0 for t in scored)


def test_the_assignment_title_chooses_a_question_set_only_when_it_is_unambiguous(tmp_path):
    for title, expected in (("05 Backpropagation", "05_backpropagation"), ("Chapter 5", "05_backpropagation"),
                            ("HW 12", "12_toward_deep_learning"), ("Week 3 and 4", None), ("Practice", None)):
        folder = tmp_path / title.replace(" ", "_")
        folder.mkdir()
        (folder / "submission_metadata.json").write_text(json.dumps({"assignment": {"title": title}}))
        assert gradescope._assignment_hint(folder, QUESTIONS) == expected, title
    assert gradescope._assignment_hint(tmp_path / "missing", QUESTIONS) is None


def test_a_failure_of_the_autograder_still_writes_a_result(tmp_path, monkeypatch):
    def broken(root, table=None):
        raise RuntimeError("disk full")
    monkeypatch.setattr(gradescope, "grade_submission", broken)
    results = gradescope.run(tmp_path)
    written = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert written == results and results["score"] == 0 and "disk full" in results["output"]
    jsonschema.validate(written, SCHEMA)
    shutil.rmtree(tmp_path / "results")


@pytest.mark.slow       # builds a virtual environment (10–20 s)
def test_setup_sh_installs_python_from_the_deadsnakes_ppa_when_the_image_has_none(tmp_path):
    """setup.sh's apt branch, with apt-get and add-apt-repository stubbed (no network, no root change):
    it asks for the PPA and the Python, then builds the environment with that Python."""
    import os
    import subprocess
    import sys

    real = Path("/usr/bin/python3.11")
    if not (real.is_file() and subprocess.run([str(real), "-c", "import ensurepip"]).returncode == 0):
        real = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    if gradescope.PYTHON_VERSION != "%d.%d" % sys.version_info[:2]:
        pytest.skip("this Python is not the one the autograder is built for")
    stubs, root = tmp_path / "bin", tmp_path / "autograder"
    stubs.mkdir()
    log = tmp_path / "apt.log"
    stub = f"""#!/bin/bash
echo "${{0##*/}} $*" >> {log}
if [[ "${{0##*/}}" == apt-get && " $* " == *" python{gradescope.PYTHON_VERSION} "* ]]; then
    /bin/ln -sf {real} {stubs}/python{gradescope.PYTHON_VERSION}
fi
"""
    for name in ("apt-get", "add-apt-repository"):
        (stubs / name).write_text(stub)
        (stubs / name).chmod(0o755)
    (stubs / "chmod").symlink_to(shutil.which("chmod"))
    source = root / "source"
    (source / "course" / "grader" / "questions").mkdir(parents=True)
    (source / "wheels").mkdir()
    (source / "requirements.txt").write_text("# nothing: the stubbed image has no wheels to install\n")
    (source / "run_autograder").write_text("")
    text = (gradescope.FILES / "setup.sh").read_text().replace("@PYTHON_VERSION@", gradescope.PYTHON_VERSION)
    (source / "setup.sh").write_text(text)
    env = {"PATH": str(stubs), "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)}
    done = subprocess.run(["/bin/bash", str(source / "setup.sh")], cwd=source, env=env, capture_output=True,
                          text=True, timeout=300)
    calls = log.read_text().splitlines()
    v = gradescope.PYTHON_VERSION
    assert calls[0] == "apt-get update -q" and calls[-1].startswith("apt-get install") and \
        calls[-1].endswith(f" python{v} python{v}-venv"), calls
    assert "add-apt-repository -y ppa:deadsnakes/ppa" in calls, calls
    # the environment was built with the installed Python; the final check then finds no NumPy
    assert (root / "venv" / "bin" / "python").exists(), done.stderr[-2000:]
    assert done.returncode != 0 and "numpy" in done.stderr, done.stderr[-2000:]


def test_two_notebooks_of_one_assignment_count_once(tmp_path):
    solution = ROOT / "solutions" / "01_neurons_practice.ipynb"
    untouched = ROOT / "exercises" / "01_neurons_practice.ipynb"
    results = _run(tmp_path / "gs", {"a_01_neurons_practice.ipynb": untouched.read_bytes(),
                                     "b_01_neurons_practice.ipynb": solution.read_bytes()})
    full = sum(q.points for q in QUESTIONS["01_neurons"])
    assert results["score"] == full
    assert len([t for t in results["tests"] if t["visibility"] == "visible"]) == len(QUESTIONS["01_neurons"])
    assert f"a_01_neurons_practice.ipynb (0 / {full:g}) is not counted" in results["output"]
