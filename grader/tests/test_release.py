"""The learner's edition (`make release`): no answer key in it, and everything a learner needs works.

One build of the edition, then: a scan finds no line of any answer (other than lines the chapters
or the learner package already show) and no hidden case; it installs with pip; the untouched
exercises run with the grader absent; the right answers pasted into its exercises pass every
check(); and the instructor's grader gives those notebooks full marks.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import grade_notebook, release
from grader.notebook import cell_source, is_grade_cell, strip_magics
from grader.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
pytestmark = pytest.mark.skipif(not SOLUTIONS, reason="solutions/ is empty")

_REGION = re.compile(r"^[ \t]*###\s*BEGIN (SOLUTION|HIDDEN TESTS)\s*$(.*?)^[ \t]*###\s*END \1\s*$", re.M | re.S)
MIN_LENGTH = 16          # shorter lines (`return x, y`, `pass`) say nothing about an answer


def _norm(line: str) -> str:
    return " ".join(line.split("#", 1)[0].split()) if not line.strip().startswith("#") else ""


def _notebook_text(path: Path, outputs: bool = True) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append(cell_source(cell))
        for out in cell.get("outputs", []) if outputs else []:
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            parts.append(text if isinstance(text, str) else "".join(text))
    return "\n".join(parts)


def _reference_bodies(path: Path) -> list[str]:
    """Source lines of the reference implementations of a key module (bodies, docstrings left out)."""
    import ast

    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    names = {kw.value.id for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg == "reference" and isinstance(kw.value, ast.Name)}
    lines = text.splitlines()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (node.name in names or node.name.endswith("_ref")):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if body:
                found += lines[body[0].lineno - 1: node.end_lineno]
    return found


def answer_lines() -> set[str]:
    """Distinctive lines of every answer: solution regions, hidden tests, reference implementations."""
    lines = set()
    for path in SOLUTIONS:
        for match in _REGION.finditer(_notebook_text(path, outputs=False)):
            lines |= {_norm(line) for line in match.group(2).splitlines()}
    for path in (ROOT / "grader" / "questions").glob("ch*.py"):
        lines |= {_norm(line) for line in _reference_bodies(path)}
    return {line for line in lines if len(line) >= MIN_LENGTH}


def shown_lines() -> set[str]:
    """Lines learners see anyway: the chapters, the learner package and its unit tests, and what the practice notebooks
    show outside their answers and hidden tests (set-up and demo cells, as their author wrote them)."""
    lines = set()
    for path in (ROOT / "chapters").glob("*.ipynb"):
        lines |= {_norm(line) for line in _notebook_text(path).splitlines()}
    for path in [*(ROOT / "companion").rglob("*.py"), *(ROOT / "tests").glob("test_*.py")]:
        # the learner package and its own unit tests (which ship with it)
        lines |= {_norm(line) for line in path.read_text(encoding="utf-8").splitlines()}
    for path in SOLUTIONS:
        lines |= {_norm(line) for line in _REGION.sub("", _notebook_text(path, outputs=False)).splitlines()}
    return lines


def _texts(folder: Path):
    for path in sorted(folder.rglob("*")):
        if {"build", "dist"} & set(path.relative_to(folder).parts) or ".egg-info" in str(path):
            continue
        if path.suffix == ".ipynb":
            yield path, _notebook_text(path)
        elif path.suffix in (".py", ".md", ".json", ".toml", ".cfg", ".txt", ".yml") or path.name == "Makefile":
            yield path, path.read_text(encoding="utf-8", errors="replace")


def _drawn(value) -> bool:
    """An array drawn at random (not a literal like [1., 1.] that any case may share)."""
    if not isinstance(value, np.ndarray) or value.size < 2 or value.dtype.kind != "f":
        return False
    with np.errstate(all="ignore"):
        return bool(np.any(np.abs(value * 1000 - np.round(value * 1000)) > 1e-6))


def scan(folder: Path) -> dict:
    """What of the answer key the folder holds: answer lines, hidden cases, forbidden files."""
    secret_lines = answer_lines() - shown_lines()
    found_lines = sorted({(str(p.relative_to(folder)), _norm(line)) for p, text in _texts(folder)
                          for line in text.splitlines() if _norm(line) in secret_lines})
    stored = set()
    for npz in folder.rglob("*.npz"):
        with np.load(npz, allow_pickle=False) as data:
            stored |= {hashlib.sha256(data[k].tobytes()).hexdigest() for k in data.files if data[k].size > 1}
    hidden, leaked = 0, []
    digest = lambda a: hashlib.sha256(a.tobytes()).hexdigest()  # noqa: E731
    for stem, questions in QUESTIONS.items():
        for q in questions:
            cases = q.cases()
            public = {digest(v) for c in cases if not c.hidden for v in [*c.args, *c.kwargs.values()]
                      if isinstance(v, np.ndarray)}
            for k, case in enumerate(cases):
                if not case.hidden:
                    continue
                for value in [*case.args, *case.kwargs.values()]:
                    if _drawn(value) and digest(value) not in public:
                        hidden += 1
                        if digest(value) in stored:
                            leaked.append(f"{stem} {q.id} case {k + 1}")
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                   if p.name in ("solutions", "grader") or "BEGIN SOLUTION" in (p.read_text(errors="replace")
                                                                               if p.is_file() and p.suffix in (".ipynb", ".py") else ""))
    return {"answer_lines": found_lines, "secret_lines": len(secret_lines), "hidden_arrays": hidden,
            "hidden_leaked": leaked, "forbidden_files": files,
            "text_files": sum(1 for _ in _texts(folder))}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return release.build(tmp_path_factory.mktemp("edition") / "release")


def test_the_edition_holds_what_a_learner_needs_and_no_key(edition):
    for name in ("chapters", "exercises", "companion", "course_check", "README.md", "Makefile", "pyproject.toml"):
        assert (edition / name).exists(), name
    assert not (edition / "solutions").exists() and not (edition / "grader").exists()
    assert sorted(p.name for p in (edition / "exercises").glob("*.ipynb")) == [p.name for p in SOLUTIONS]
    readme = (edition / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
    makefile = (edition / "Makefile").read_text(encoding="utf-8")
    assert "\nlab:" in makefile and "\ntest:" in makefile
    assert 'include = ["companion*", "course_check*"]' in (edition / "pyproject.toml").read_text(encoding="utf-8")


def test_the_edition_carries_the_chinese_chapters_and_exercises_only(edition):
    """zh/chapters and zh/exercises ship; zh/solutions and the catalogs (which hold the solutions'
    text) never do. The scan below reads the zh notebooks too."""
    for folder in ("chapters", "exercises"):
        names = sorted(p.name for p in (edition / "zh" / folder).glob("*.ipynb"))
        assert names and names == sorted(p.name for p in (edition / folder).glob("*.ipynb")), folder
    assert sorted(p.name for p in (edition / "zh").iterdir()) == ["chapters", "exercises"]
    for path in (edition / "zh" / "exercises").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["companion"]["language"] == "zh"
        assert "BEGIN SOLUTION" not in path.read_text(encoding="utf-8")
    assert "zh/chapters/00_start_here.ipynb" in (edition / "README.md").read_text(encoding="utf-8")
    assert (edition / "course_check" / "data" / "zh" / "phrases.json").is_file()


def test_a_scan_finds_no_answer_and_no_hidden_case(edition):
    found = scan(edition)
    assert found["secret_lines"] > 100 and found["hidden_arrays"] > 50 and found["text_files"] > 50
    assert found["answer_lines"] == [], found["answer_lines"][:20]
    assert found["hidden_leaked"] == [] and found["forbidden_files"] == []


def test_it_installs_with_pip_without_the_grader(edition, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(edition)], check=True, capture_output=True)
    assert (target / "companion" / "activations.py").is_file()
    assert sorted(p.name for p in (target / "course_check" / "data").glob("*.json"))
    assert not (target / "grader").exists()


RUN_CELLS = r"""
import io, json, sys, contextlib, traceback
sys.modules["grader"] = None                      # the learner's edition has no grader
import matplotlib
matplotlib.use("Agg")
cells = json.load(open(sys.argv[1]))
namespace, report = {"__name__": "__main__"}, []
for kind, source in cells:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, "<cell>", "exec"), namespace)
        error = None
    except BaseException as exc:
        error = type(exc).__name__ + ": " + str(exc)[:300]
    report.append({"kind": kind, "stdout": out.getvalue()[-2000:], "error": error})
json.dump(report, sys.stdout)
"""


def _run(edition: Path, nb: dict, tmp_path: Path, name: str, folder: str = "exercises") -> list[dict]:
    cells = [("check" if is_grade_cell(c) else "answer" if c.get("metadata", {}).get("nbgrader", {}).get("solution")
              else "other", strip_magics(cell_source(c))) for c in nb["cells"] if c["cell_type"] == "code"]
    job = tmp_path / f"{name}.json"
    job.write_text(json.dumps(cells), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(edition), MPLBACKEND="Agg")
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([sys.executable, "-c", RUN_CELLS, str(job)], cwd=edition / folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_untouched_exercises_run_and_check_skips_unanswered_questions(edition, tmp_path):
    for path in sorted((edition / "exercises").glob("*.ipynb")):
        report = _run(edition, json.loads(path.read_text(encoding="utf-8")), tmp_path, path.stem)
        assert report[0]["error"] is None, (path.name, report[0])
        for entry in report:
            if entry["kind"] == "check":
                assert entry["error"] is None and "not implemented yet" in entry["stdout"], (path.name, entry)
                assert "hint" not in entry["stdout"]
            elif entry["error"]:
                assert entry["error"].split(":")[0] in ("NotImplementedError", "NameError"), (path.name, entry)


def _pasted(edition: Path, solution: Path, folder: str = "exercises") -> dict:
    """The edition's exercise with the solution's answer cells pasted in (matched by cell id)."""
    answers = {c["id"]: c["source"] for c in json.loads(solution.read_text(encoding="utf-8"))["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = json.loads((edition / folder / solution.name).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["id"] in answers:
            cell["source"] = answers[cell["id"]]
    return nb


@pytest.mark.slow
def test_right_answers_pass_every_check_and_earn_full_marks(edition, tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    for solution in SOLUTIONS:
        nb = _pasted(edition, solution)
        report = _run(edition, nb, tmp_path, solution.stem)
        checks = [e for e in report if e["kind"] == "check"]
        assert checks and all(e["error"] is None and "passed" in e["stdout"] for e in checks), \
            (solution.name, [e for e in checks if e["error"] or "passed" not in e["stdout"]])
        (folder / solution.name).write_text(json.dumps(nb), encoding="utf-8")
    for path in sorted(folder.glob("*.ipynb")):
        result = grade_notebook(path)
        failed = {q.id: q.feedback for q in result.questions if not q.passed}
        assert failed == {} and result.score == result.max_score > 0, (path.name, failed)


@pytest.mark.slow
def test_a_zh_exercise_checks_in_chinese_without_the_grader(edition, tmp_path):
    """In the edition's zh/exercises (no grader installed) check() speaks Chinese: a question not
    answered yet, then the right answers."""
    solution = ROOT / "zh" / "solutions" / "01_neurons_practice.ipynb"
    untouched = json.loads((edition / "zh" / "exercises" / solution.name).read_text(encoding="utf-8"))
    checks = [e for e in _run(edition, untouched, tmp_path, "zh_untouched", "zh/exercises") if e["kind"] == "check"]
    assert checks and all(e["error"] is None and "尚未实现" in e["stdout"] for e in checks), checks
    answered = _pasted(edition, solution, "zh/exercises")
    checks = [e for e in _run(edition, answered, tmp_path, "zh_answered", "zh/exercises") if e["kind"] == "check"]
    assert checks and all(e["error"] is None and "个可见用例全部通过" in e["stdout"] for e in checks), checks
    assert not any("passed" in e["stdout"] for e in checks)


def test_the_scan_finds_a_planted_answer_and_hidden_case(tmp_path):
    line = sorted(answer_lines() - shown_lines())[0]
    (tmp_path / "notes.py").write_text(f"x = 1\n    {line}\n", encoding="utf-8")
    question = QUESTIONS["07_optimizers"][0]
    hidden = next(c for c in question.cases() if c.hidden)
    np.savez(tmp_path / "cases.npz", a0=hidden.args[0])
    found = scan(tmp_path)
    assert [entry[1] for entry in found["answer_lines"]] == [line]
    assert found["hidden_leaked"] == ["07_optimizers q1 case 3"]
