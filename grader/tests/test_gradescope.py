"""The Gradescope autograder (`make gradescope`), run here the way Gradescope runs it.

One build of autograder.zip (with a course secret set, so the secret must travel in the zip), unpacked
into a temporary Gradescope root (AUTOGRADER_ROOT); setup.sh builds a fresh virtual environment from
the zip's wheels alone (pip with --no-index really runs; only the interpreter is given, through
GRADESCOPE_PYTHON, so no apt is needed). Then run_autograder grades a correct, a wrong and an
untouched submission of two chapters: results.json must follow Gradescope's schema and give, question
by question, the local grader's scores and feedback. A submission that reaches for the answer key, an
empty one and unreadable ones get a result that says so.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader import gradescope, grade_notebook
from grader.notebook import answer_sources
from grader.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ("01_neurons", "02_forward_propagation")
SECRET = "gradescope test secret"
SCHEMA = json.loads((ROOT / "grader" / "gradescope_files" / "results.schema.json").read_text(encoding="utf-8"))
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Gradescope runs on Linux")]


def _base_python() -> str:
    """The Python setup.sh builds its environment with: the system's own Python 3.11 when there is
    one (as deadsnakes installs it on Gradescope: under /usr, readable by every user), else this
    interpreter outside any virtual environment."""
    system = Path("/usr/bin/python3.11")
    if system.is_file() and subprocess.run([str(system), "-c", "import ensurepip, venv"],
                                           capture_output=True).returncode == 0:
        return str(system)
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def _readable_by_everyone(path: str) -> bool:
    """Every folder above ``path`` can be traversed by other users (then the sandbox needs no mounts)."""
    parts = Path(os.path.realpath(path)).parents
    return all(os.stat(p).st_mode & 0o001 for p in parts)


def _clean_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "COURSE_SECRET", "VIRTUAL_ENV",
                                                                    "PYTHON"))}
    env.update(AUTOGRADER_ROOT=str(root), GRADESCOPE_PYTHON=_base_python())
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(zip path, Gradescope root with setup.sh run, seconds setup.sh took)."""
    out = tmp_path_factory.mktemp("gradescope")
    cached = ROOT / "_build" / "gradescope" / "wheels"
    if cached.is_dir():                  # a rebuild reuses the wheels of `make gradescope` (offline)
        shutil.copytree(cached, out / "wheels")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_SECRET", SECRET)
        try:
            zip_path = gradescope.build(out)
        except SystemExit as exc:
            pytest.skip(f"the wheels could not be downloaded: {str(exc)[:300]}")
    # like /autograder, its parents can be traversed by every user (pytest's own folders cannot)
    root = Path(tempfile.mkdtemp(prefix="gradescope-root-"))
    os.chmod(root, 0o755)
    (root / "source").mkdir()
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):       # zipfile does not restore modes; Gradescope runs them with bash
        os.chmod(root / "source" / name, 0o755)
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root / "source", env=_clean_env(root),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "autograder ready" in done.stdout
    yield zip_path, root
    # ~300 MB in ~15,000 files: removed in the background, so a busy disk does not slow the tests down
    subprocess.Popen(["rm", "-rf", str(root)], start_new_session=True, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


@pytest.fixture()
def course_secret(monkeypatch):
    monkeypatch.setenv("COURSE_SECRET", SECRET)      # the local grader, to compare with
    monkeypatch.delenv("COURSE_SECRET_FILE", raising=False)


# run_autograder's last line, with the sandbox told that unshare does not work here
NO_NAMESPACES = ("import sys, grader.sandbox as s; s._unshare_prefix = lambda: ((), False); "
                 "from grader import gradescope; sys.exit(gradescope.main([\"run\"]))")


def run_autograder(root: Path, files: dict[str, bytes | str], metadata: dict | None = None,
                   namespaces: bool = True) -> dict:
    """Lay out submission/ with ``files``, run run_autograder, return the schema-checked results.json."""
    for name in ("submission", "results"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    meta = root / "submission_metadata.json"
    meta.unlink(missing_ok=True)
    if metadata is not None:
        meta.write_text(json.dumps(metadata), encoding="utf-8")
    script = (root / "source" / "run_autograder").read_text(encoding="utf-8")
    if not namespaces:
        script = script.replace("-m grader.gradescope run", f"-c {shlex.quote(NO_NAMESPACES)}")
        assert "_unshare_prefix" in script
    (root / "run_autograder").write_text(script, encoding="utf-8")                 # as Gradescope does
    os.chmod(root / "run_autograder", 0o755)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=_clean_env(root),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, SCHEMA)
    return results


# ------------------------------------------------------------------ submissions
def _notebook(chapter: str) -> dict:
    return json.loads((ROOT / "exercises" / f"{chapter}_practice.ipynb").read_text(encoding="utf-8"))


def correct(chapter: str) -> dict:
    """The learner's exercise notebook with the solutions' answers pasted in (matched by cell id)."""
    solution = json.loads((ROOT / "solutions" / f"{chapter}_practice.ipynb").read_text(encoding="utf-8"))
    answers = {c["id"]: c["source"] for c in solution["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = _notebook(chapter)
    for cell in nb["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    return nb


def _answer_cell(nb: dict, qid: str) -> dict:
    return [c for c in nb["cells"] if c["cell_type"] == "code"
            and c.get("metadata", {}).get("companion", {}).get("question") == qid
            and c.get("metadata", {}).get("nbgrader", {}).get("solution")][-1]


def _append(cell: dict, code: str) -> None:
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    cell["source"] = source + "\n\n" + code


def wrong(chapter: str) -> dict:
    """Right answers, except the first question's function, which returns zeros."""
    nb = correct(chapter)
    first = QUESTIONS[chapter][0]
    _append(_answer_cell(nb, first.id), f"def {first.function}(*args, **kwargs):\n    return 0\n")
    assert answer_sources(nb, first.id)
    return nb


def untouched(chapter: str) -> dict:
    return _notebook(chapter)


def _dump(nb: dict) -> str:
    return json.dumps(nb, indent=1)


# ------------------------------------------------------------------ the zip
def test_the_zip_holds_gradescopes_layout_and_only_what_grading_needs(built):
    zip_path, _ = built
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        requirements = zf.read("requirements.txt").decode().split()
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
        assert zf.read("course/secret").decode().strip() == SECRET
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    assert modes["setup.sh"] & 0o100 and modes["run_autograder"] & 0o100
    assert "course/grader/questions/ch01.py" in names and "course/companion/__init__.py" in names
    assert not [n for n in names if "/tests/" in n or "__pycache__" in n or n.startswith("course/grader/gradescope_files")]
    wheels = [n for n in names if n.startswith("wheels/")]
    assert wheels and all(n.endswith(".whl") for n in wheels)
    for wheel in wheels:                 # CPython 3.11 on manylinux x86-64, or pure Python
        tags = wheel[:-4].split("-")[-3:]
        assert tags[2] == "any" or ("manylinux" in tags[2] and tags[2].endswith("x86_64")), wheel
        assert tags[1] in ("none", "abi3", "cp311"), wheel
    pins = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
            for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line}
    names_pinned = {r.split("==")[0] for r in requirements}
    assert {"numpy", "matplotlib", "tqdm", "ipywidgets"} <= names_pinned
    assert not names_pinned & {"jupyterlab", "notebook", "jupyter-server", "nbclient", "ipykernel", "pytest"}
    for r in requirements:
        name, version = r.split("==")
        assert pins[name] == version, r


# ------------------------------------------------------------------ scores equal the local grader's
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_results_equal_the_local_graders_question_by_question(built, course_secret, tmp_path, chapter):
    _, root = built
    for kind, make in (("correct", correct), ("wrong", wrong), ("untouched", untouched)):
        name = f"{chapter}_practice.ipynb"
        text = _dump(make(chapter))
        results = run_autograder(root, {name: text})
        local_path = tmp_path / kind / name
        local_path.parent.mkdir()
        local_path.write_text(text, encoding="utf-8")
        local = grade_notebook(local_path)
        assert not local.error
        scored = [t for t in results["tests"] if t["visibility"] == "visible"]
        hidden = [t for t in results["tests"] if t["visibility"] == "after_published"]
        assert len(scored) == len(hidden) == len(local.questions) == len(QUESTIONS[chapter]), kind
        for test, details, q in zip(scored, hidden, local.questions):
            assert test["name"].startswith(q.id + " ") and q.title in test["name"]
            assert (test["score"], test["max_score"]) == (q.score, q.max_score), (kind, q.id, test["output"], q.feedback)
            assert test["output"] == q.text(), (kind, q.id)
            assert details["score"] == details["max_score"] == 0 and details["name"].startswith(test["name"])
        assert results["score"] == pytest.approx(local.score)
        total = sum(q.max_score for q in local.questions)
        if kind == "correct":
            assert results["score"] == total > 0
            assert any("hidden case" in t["output"] and "expected" in t["output"] for t in hidden)
        elif kind == "wrong":
            # (later questions may call the first one's function, so they can lose points too)
            assert scored[0]["score"] < scored[0]["max_score"] and 0 < results["score"] < total
        else:
            assert results["score"] == 0 and all(t["status"] == "failed" for t in scored)


def test_two_notebooks_in_one_submission_are_both_graded(built):
    _, root = built
    results = run_autograder(root, {f"{c}_practice.ipynb": _dump(correct(c)) for c in CHAPTERS})
    total = sum(q.points for c in CHAPTERS for q in QUESTIONS[c])
    assert results["score"] == total
    assert len([t for t in results["tests"] if t["visibility"] == "visible"]) == sum(len(QUESTIONS[c]) for c in CHAPTERS)
    assert all(t["name"].startswith(CHAPTERS) for t in results["tests"])


def test_a_zh_submission_is_graded_alike_with_chinese_feedback(built):
    """One autograder serves both editions: a notebook of zh/ gets the same scores, with its test
    names, feedback and hidden-case details in Chinese."""
    _, root = built
    chapter = "01_neurons"
    for folder in ("solutions", "exercises"):
        text = (ROOT / "zh" / folder / f"{chapter}_practice.ipynb").read_text(encoding="utf-8")
        results = run_autograder(root, {f"{chapter}_practice.ipynb": text})
        scored = [t for t in results["tests"] if t["visibility"] == "visible"]
        hidden = [t for t in results["tests"] if t["visibility"] == "after_published"]
        total = sum(q.points for q in QUESTIONS[chapter])
        assert len(scored) == len(hidden) == len(QUESTIONS[chapter])
        assert results["score"] == (total if folder == "solutions" else 0)
        for test, details in zip(scored, hidden):
            assert re.search(r"[\u4e00-\u9fff]", test["name"]) and re.search(r"[\u4e00-\u9fff]", test["output"])
            assert "隐藏用例" in details["name"] and "个用例通过" in details["output"]
            assert not re.search(r"\b(passed|hidden case|expected|not implemented)\b", test["output"] + details["output"])
        if folder == "exercises":
            assert {t["output"] for t in scored} == {"尚未实现"}


# ------------------------------------------------------------------ the key stays out of reach
def test_the_key_is_root_only_and_a_submission_cannot_open_it(built):
    _, root = built
    key = root / "source" / "course" / "grader" / "questions" / "ch01.py"
    secret = root / "source" / "course" / "secret"
    readable = root / "source" / "course" / "grader" / "__init__.py"
    assert key.is_file() and secret.is_file()
    assert (key.parent.stat().st_mode & 0o077) == 0 and (secret.stat().st_mode & 0o077) == 0
    if os.geteuid() == 0:              # as Gradescope: the sandboxed user cannot read them, even bypassing the sandbox
        nobody = pwd.getpwnam("nobody")

        def drop():
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
        for path, allowed in ((key, False), (secret, False), (readable, True)):
            done = subprocess.run(["/bin/cat", str(path)], preexec_fn=drop, capture_output=True)
            assert (done.returncode == 0) == allowed, (path, done.stderr)

    nb = correct("01_neurons")
    # q1: Python's open() of the key is refused (the guard), and the question earns nothing
    _append(_answer_cell(nb, "q1"), f"try:\n    open({str(key)!r}).read()\nexcept Exception:\n    pass\n")
    # q2: another program reading the key or the secret finds nothing; the answer stays if it found nothing
    _append(_answer_cell(nb, "q2"), "import subprocess\n"
            f"if any(subprocess.run(['/bin/cat', p], capture_output=True).stdout for p in ({str(key)!r}, {str(secret)!r})):\n"
            "    del perceptron_update\n")
    # q3: ...while the same program reads an ordinary file (so q2's check is not vacuous)
    _append(_answer_cell(nb, "q3"), "import subprocess\n"
            f"if not subprocess.run(['/bin/cat', {str(readable)!r}], capture_output=True).stdout:\n"
            "    del train_perceptron\n")
    text = _dump(nb)
    # with this machine's namespaces (the key is also covered by an empty mount), and without them, as in
    # a container that may not create mount namespaces (the key's permissions and the guard alone)
    for namespaces in (True, False) if _readable_by_everyone(_base_python()) else (True,):
        results = run_autograder(root, {"01_neurons_practice.ipynb": text}, namespaces=namespaces)
        scored = {t["name"].split()[0]: t for t in results["tests"] if t["visibility"] == "visible"}
        assert scored["q1"]["score"] == 0 and "answer key" in scored["q1"]["output"], (namespaces, scored["q1"])
        assert scored["q2"]["score"] == scored["q2"]["max_score"], (namespaces, scored["q2"])
        assert scored["q3"]["score"] == scored["q3"]["max_score"], (namespaces, scored["q3"])
        assert SECRET not in json.dumps(results)


# ------------------------------------------------------------------ submissions that cannot be graded
def test_an_empty_submission_says_so(built):
    _, root = built
    results = run_autograder(root, {})
    assert results["score"] == 0 and results["tests"] == []
    assert "No notebook" in results["output"] and "empty" in results["output"]
    # the assignment's title names the chapter: its questions are listed with 0 points
    results = run_autograder(root, {"notes.txt": "my answers"}, {"assignment": {"title": "Chapter 2 practice"}})
    assert "notes.txt" in results["output"]
    scored = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert [t["name"].split()[0] for t in scored] == [q.id for q in QUESTIONS["02_forward_propagation"]]
    assert all(t["score"] == 0 and "No notebook" in t["output"] for t in scored)


def test_an_unreadable_notebook_gets_an_explanation_not_a_crash(built):
    _, root = built
    results = run_autograder(root, {"01_neurons_practice.ipynb": b"\x00\xff not a notebook"})
    assert results["score"] == 0 and "01_neurons_practice.ipynb" in results["output"]
    scored = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert [t["name"].split()[0] for t in scored] == [q.id for q in QUESTIONS["01_neurons"]]
    assert all(t["score"] == 0 and "not graded" in t["output"] for t in scored)
    # a notebook of no known assignment, and a link pointing at the key
    nb = untouched("01_neurons")
    nb["metadata"].pop("companion", None)
    results = run_autograder(root, {"my_homework.ipynb": _dump(nb)})
    assert results["score"] == 0 and "no questions are defined" in results["output"]
    shutil.rmtree(root / "submission")
    (root / "submission").mkdir()
    os.symlink(root / "source" / "course" / "grader" / "questions" / "ch01.py", root / "submission" / "01_neurons_practice.ipynb")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=_clean_env(root), capture_output=True, text=True)
    assert done.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "No notebook" in results["output"]
