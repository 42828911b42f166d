"""The course's grader on Gradescope: ``make gradescope`` builds the autograder, ``run_autograder`` grades.

Two commands::

    python -m grader.gradescope build [FOLDER]     # FOLDER/autograder.zip (make gradescope: _build/gradescope)
    python -m grader.gradescope run [--root DIR]   # what run_autograder calls inside Gradescope's container

``build`` writes one zip for the whole course; the question set of each submitted notebook is chosen
from the notebook, as ``python -m companion.grade`` does. The zip holds, at its top level (Gradescope
unpacks it into ``/autograder/source``):

- ``setup.sh`` and ``run_autograder`` (from :file:`grader/gradescope_files/`);
- ``wheels/`` and ``requirements.txt``: the learner package's dependencies (NumPy, matplotlib, tqdm,
  ipywidgets and theirs) as manylinux x86-64 wheels for CPython :data:`PYTHON_VERSION`, at the
  versions of ``constraints.txt`` — nothing the grader does not import (no JupyterLab, no kernel:
  the sandbox runs the cells itself);
- ``course/``: the packages ``companion``, ``course_check`` and ``grader`` (with the answer key,
  without the grader's tests);
- ``course/secret``: the course secret, when one is set where the zip is built (:mod:`grader.secret`).

The key travels only inside this zip. ``setup.sh`` makes the key and the secret readable by root
alone; the sandbox runs learner code as ``nobody`` (:mod:`grader.sandbox`), which also mounts an empty
folder over the key where the platform allows and guards it with an audit hook (:mod:`grader.guard`).

``run`` writes ``results/results.json`` in Gradescope's format (its schema is
:file:`grader/gradescope_files/results.schema.json`): per question one visible test scored like the
local grader, whose ``output`` is the feedback learners get from it, and one 0-point test visible
``after_published`` with the hidden cases' inputs and expected outputs; the total ``score``; a
general ``output`` that says what went wrong when the submission holds no gradable notebook. It
never fails on a submission: whatever happens, results.json is written. A notebook of the Chinese
edition (``metadata.companion.language == "zh"``) gets its tests' names, feedback and details in
Chinese; what is said when there is no notebook at all is said in both languages.

``AUTOGRADER_ROOT`` moves Gradescope's root (``/autograder``), so tests can lay it out anywhere.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import tomllib
import traceback
import warnings
import zipfile
from pathlib import Path

from course_check import i18n

__all__ = ["PYTHON_VERSION", "PLATFORMS", "ROOT_ENV", "build", "run", "results_for", "main"]

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).resolve().parent / "gradescope_files"
#: the Python setup.sh installs and the wheels are built for (Gradescope's Ubuntu images ship an older one)
PYTHON_VERSION = "3.11"
#: manylinux tags accepted for the wheels (Gradescope's Ubuntu 22.04 images have glibc 2.35)
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
             "manylinux2014_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64")
ROOT_ENV = "AUTOGRADER_ROOT"
#: what learners are told when their submission holds no notebook the grader can use
NO_NOTEBOOK = ("No notebook (.ipynb) was found in your submission{found}. Upload your practice notebook, "
               "e.g. 05_backpropagation_practice.ipynb, as it is saved by Jupyter.\n"
               # with no notebook there is no language to follow: learners of both editions read this
               "提交中没有找到笔记本（.ipynb）。请上传 Jupyter 保存的练习笔记本，例如 05_backpropagation_practice.ipynb。")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "tests", "gradescope_files")


# ------------------------------------------------------------------ build
def _requirements() -> list[str]:
    """The learner package's own dependencies (pyproject's [project] dependencies), by name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"]]


def _download(wheels: Path, constraints: Path, python: str = PYTHON_VERSION) -> None:
    """The requirements and their dependencies as wheels for Gradescope's Python and Linux.

    Wheels already in ``wheels`` are used without an index when they suffice (a rebuild works offline).
    """
    common = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
              "--only-binary=:all:", "--implementation", "cp", "--python-version", python,
              "--abi", "cp" + python.replace(".", ""), *[a for p in PLATFORMS for a in ("--platform", p)],
              "--constraint", str(constraints), "--dest", str(wheels), *_requirements()]
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull)     # this machine's pip settings are not Gradescope's
    offline = subprocess.run([*common, "--no-index", "--find-links", str(wheels)], env=env,
                             capture_output=True, text=True)
    if offline.returncode == 0:
        return
    done = subprocess.run(common, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pip download failed:\n{done.stderr[-3000:]}")


def _pins(wheels: Path, constraints: Path) -> list[str]:
    """``name==version`` of every wheel in ``wheels``, each checked against constraints.txt."""
    pinned = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pinned[_norm(name)] = version.strip()
    pins = []
    for wheel in sorted(wheels.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        if pinned.get(_norm(name)) not in (None, version):
            raise SystemExit(f"{wheel.name} is not the version of constraints.txt ({pinned[_norm(name)]}); "
                             f"delete {wheels} and build again")
        pins.append(f"{_norm(name)}=={version}")
    return sorted(set(pins))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _stale_wheels(wheels: Path, constraints: Path, python: str) -> None:
    """Remove the cached wheels when constraints.txt no longer pins their versions or they are for
    another Python."""
    tag = "cp" + python.replace(".", "")
    other = [w for w in wheels.glob("*.whl") if re.search(r"-cp3\d+-", w.name) and f"-{tag}-" not in w.name
             and "-abi3-" not in w.name]
    try:
        _pins(wheels, constraints)
    except SystemExit:
        other.append(wheels)
    if other:
        shutil.rmtree(wheels)


def build(out: Path | str = ROOT / "_build" / "gradescope", constraints: Path | str = ROOT / "constraints.txt",
          python: str = PYTHON_VERSION) -> Path:
    """Write ``out/autograder.zip`` for CPython ``python`` (wheels are cached in ``out/wheels``);
    returns the zip's path."""
    if not re.fullmatch(r"3\.1[1-9]", python):
        raise SystemExit(f"the course needs CPython 3.11 or newer, got {python!r}")
    from grader import secret

    out, constraints = Path(out), Path(constraints)
    wheels = out / "wheels"
    if wheels.is_dir():
        _stale_wheels(wheels, constraints, python)
    wheels.mkdir(parents=True, exist_ok=True)
    _download(wheels, constraints, python)
    stage = out / "autograder"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in ("setup.sh", "run_autograder"):
        text = (FILES / name).read_text(encoding="utf-8").replace("@PYTHON_VERSION@", python)
        (stage / name).write_text(text, encoding="utf-8")
    (stage / "requirements.txt").write_text("\n".join(_pins(wheels, constraints)) + "\n", encoding="utf-8")
    shutil.copytree(wheels, stage / "wheels")
    for package in ("companion", "course_check", "grader"):
        shutil.copytree(ROOT / package, stage / "course" / package, ignore=_IGNORE)
    shutil.copy2(FILES / "results.schema.json", stage / "results.schema.json")
    text = secret.secret()
    if text is not None:
        (stage / "course" / "secret").write_text(text + "\n", encoding="utf-8")
    zip_path = out / "autograder.zip"
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, path.relative_to(stage).as_posix())
                executable = path.name in ("setup.sh", "run_autograder")
                info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.date_time = (2020, 1, 1, 0, 0, 0)        # the same course gives the same zip
                zf.writestr(info, path.read_bytes())
    tmp.replace(zip_path)
    shutil.rmtree(stage)
    return zip_path


# ------------------------------------------------------------------ results
def _short(value) -> str:
    """A value as learners see case inputs described (arrays by shape and dtype when large)."""
    from course_check.judge import describe_inputs
    from course_check.spec import Case

    try:
        return describe_inputs(Case(args=(value,)))[1:-1]
    except Exception:  # noqa: BLE001 - a description only
        return type(value).__name__


#: the lines of the hidden cases' details in Chinese (English: the format strings of _hidden_details)
_HIDDEN_ZH = {"passed": "{passed} / {total} 个用例通过（可见用例与隐藏用例合计）。", "feedback": "反馈：{feedback}",
              "none": "本题没有隐藏用例。", "case": "隐藏用例 {k}：{call}", "expected": " -> 应为 {value}",
              "failed": "（无法描述隐藏用例：{kind}）"}
_HIDDEN_EN = {"passed": "{passed} of {total} cases passed (visible and hidden together).",
              "feedback": "Feedback: {feedback}", "none": "This question has no hidden cases.",
              "case": "hidden case {k}: {call}", "expected": " -> expected {value}",
              "failed": "(the hidden cases could not be described: {kind})"}


def _hidden_details(question, result) -> str:
    """The hidden cases of a question: inputs and expected output, for after grades are published
    (in the submission's language)."""
    from grader import secret
    from course_check.judge import describe_inputs

    words = _HIDDEN_ZH if getattr(result, "language", "en") == "zh" else _HIDDEN_EN
    lines = [words["passed"].format(passed=result.cases_passed, total=result.cases_total),
             words["feedback"].format(feedback=result.feedback)]
    try:
        cases = secret.cases_of(question)
        hidden = [(k, c) for k, c in enumerate(cases) if c.hidden]
        if not hidden:
            lines.append(words["none"])
        for k, case in hidden:
            line = words["case"].format(k=k + 1, call=f"{question.function}{describe_inputs(case)}")
            if question.reference is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    expected = question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                line += words["expected"].format(value=_short(expected))
            lines.append(line)
    except Exception as exc:  # noqa: BLE001 - details only: never cost the grade
        lines.append(words["failed"].format(kind=type(exc).__name__))
    return i18n.translate("\n".join(lines), getattr(result, "language", "en"))


def results_for(notebooks: list, table=None, prefix_names: bool = False) -> dict:
    """Gradescope's results for graded notebooks (:class:`~grader.results.NotebookResult` objects),
    each notebook's tests worded in its language."""
    if table is None:
        from grader.questions import QUESTIONS as table
    tests, outputs = [], []
    for nb in notebooks:
        where = f"{Path(nb.notebook).name}: " if prefix_names else ""
        if nb.error:
            outputs.append(f"{Path(nb.notebook).name}: {nb.error}")
        specs = {q.id: q for q in table.get(nb.chapter, [])} if nb.chapter else {}
        for q in nb.questions:
            name = f"{where}{q.id} {q.shown_title()}".strip()
            # no "number": Gradescope then lists the tests in this order, question by question
            tests.append({"name": name, "score": q.score, "max_score": q.max_score,
                          "status": "passed" if q.passed else "failed", "output": q.text(),
                          "visibility": "visible"})
            spec = specs.get(q.id)
            if spec is not None:
                tests.append({"name": f"{name} — {i18n.label('hidden cases', nb.language)}",
                              "score": 0.0, "max_score": 0.0,
                              "status": "passed" if q.passed else "failed",
                              "output": _hidden_details(spec, q), "visibility": "after_published"})
    score = round(sum(nb.score for nb in notebooks), 4)
    lines = [f"{Path(nb.notebook).name} ({nb.chapter or i18n.label('unknown assignment', nb.language)}): "
             f"{nb.score:g} / {nb.max_score:g}" for nb in notebooks]
    return {"score": score, "output": "\n".join([*outputs, *lines]), "tests": tests,
            "visibility": "visible", "stdout_visibility": "hidden"}


def _assignment_hint(root: Path, table) -> str | None:
    """The question set that Gradescope's assignment title names (``… 05 …`` or a chapter's stem)."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        title = str(meta.get("assignment", {}).get("title", ""))
    except (OSError, ValueError, AttributeError):
        return None
    for key in table:
        if key in title.replace(" ", "_").lower():
            return key
    numbers = set(re.findall(r"(?<!\d)(\d{1,2})(?!\d)", title))
    found = [key for key in table if key[:2] in numbers or key[:2].lstrip("0") in numbers]
    return found[0] if len(found) == 1 else None


def _no_notebook(root: Path, submission: Path, table) -> dict:
    """Results for a submission without any notebook: what was found, and 0 for the assignment's questions."""
    from grader.results import NotebookResult, QuestionResult

    try:
        names = sorted(p.relative_to(submission).as_posix() for p in submission.rglob("*") if p.is_file())
    except OSError:
        names = []
    found = f" (it holds {', '.join(names[:10])}{' …' if len(names) > 10 else ''})" if names else " (it is empty)"
    message = NO_NOTEBOOK.format(found=found)
    chapter = _assignment_hint(root, table)
    results = results_for([NotebookResult(notebook="(no notebook)", chapter=chapter, questions=[
        QuestionResult(q.id, q.title, q.function, 0.0, float(q.points), False, f"not graded: {message}")
        for q in (table[chapter] if chapter else [])])], table)
    results["output"] = message
    return results


def grade_submission(root: Path, table=None) -> dict:
    """Grade every notebook of ``root/submission`` and give Gradescope's results."""
    from grader.runner import collect_notebooks, grade_notebook

    if table is None:
        from grader.questions import QUESTIONS as table
    submission = root / "submission"
    try:
        inside = os.path.realpath(submission) + os.sep
        # regular files inside the submission only: a link to the key is not a notebook to read as root
        notebooks = [p for p in collect_notebooks([submission]) if not p.is_symlink() and p.is_file()
                     and os.path.realpath(p).startswith(inside)] if submission.is_dir() else []
    except OSError:
        notebooks = []
    if not notebooks:
        return _no_notebook(root, submission, table)
    hint = _assignment_hint(root, table)
    graded = []
    for path in notebooks:
        result = grade_notebook(path, questions=table)
        if result.chapter is None and hint is not None and not result.questions:
            result = grade_notebook(path, questions=table, assignment=hint)
        graded.append(result)
    counted, notes = _one_per_assignment(graded)
    results = results_for(counted, table, prefix_names=len(counted) > 1)
    results["output"] = "\n".join([results["output"], *notes]).strip()
    return results


def _one_per_assignment(graded: list) -> tuple[list, list[str]]:
    """Each assignment counts once: of several notebooks of the same chapter (a copy, an older
    version), the best scored one (the first among equals); the others are named in the output."""
    best: dict[str, object] = {}
    for result in graded:
        if result.chapter and not result.error and (result.chapter not in best
                                                    or result.score > best[result.chapter].score):
            best[result.chapter] = result
    counted, notes = [], []
    for result in graded:
        keep = best.get(result.chapter)
        if keep is None or keep is result:
            counted.append(result)
        elif result.language == "zh":
            notes.append(f"{Path(result.notebook).name}（{result.score:g} / {result.max_score:g}）不计分："
                         f"{Path(keep.notebook).name} 属于同一作业 {result.chapter}，得分"
                         f"{'更高' if keep.score > result.score else '相同'}")
        else:
            notes.append(f"{Path(result.notebook).name} ({result.score:g} / {result.max_score:g}) is not counted: "
                         f"{Path(keep.notebook).name} is of the same assignment, {result.chapter}, and scored "
                         f"{'more' if keep.score > result.score else 'as much'}")
    return counted, notes


def run(root: Path | str | None = None) -> dict:
    """Grade the submission under Gradescope's root and write ``results/results.json``; never raises."""
    root = Path(root or os.environ.get(ROOT_ENV) or "/autograder")
    start = time.monotonic()
    try:
        results = grade_submission(root)
    except Exception as exc:  # noqa: BLE001 - Gradescope must get a result, whatever went wrong here
        traceback.print_exc()
        results = {"score": 0.0, "tests": [], "stdout_visibility": "hidden",
                   "output": f"The autograder could not grade this submission ({type(exc).__name__}: {exc}). "
                             f"This is not your fault: please tell your instructor.\n"
                             f"自动评分程序无法为这次提交评分。这不是你的错：请告诉你的老师。"}
    results["execution_time"] = round(time.monotonic() - start, 1)
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "results.json.tmp"
    tmp.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / "results.json")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write FOLDER/autograder.zip (default _build/gradescope)")
    b.add_argument("folder", nargs="?", default=str(ROOT / "_build" / "gradescope"))
    b.add_argument("--constraints", default=str(ROOT / "constraints.txt"))
    b.add_argument("--python", default=PYTHON_VERSION, metavar="3.X",
                   help=f"the CPython setup.sh installs and the wheels are for (default {PYTHON_VERSION})")
    r = sub.add_parser("run", help="grade $AUTOGRADER_ROOT/submission into results/results.json")
    r.add_argument("--root", default=None, help=f"Gradescope's root (default ${ROOT_ENV} or /autograder)")
    args = parser.parse_args(argv)
    if args.command == "build":
        from grader import secret

        path = build(args.folder, args.constraints, args.python)
        if secret.secret() is None:
            print("no course secret is set: the hidden cases are those of the key's own seeds "
                  "(see docs/instructors.md, 'The course secret')")
        with zipfile.ZipFile(path) as zf:
            n = len(zf.namelist())
            wheels = sum(1 for name in zf.namelist() if name.startswith("wheels/"))
        print(f"{path}: {path.stat().st_size / 2**20:.1f} MiB, {n} files ({wheels} wheels for CPython "
              f"{args.python}, manylinux x86-64); upload it as the assignment's autograder")
        return 0
    try:      # for the instructor, in Gradescope's (hidden) stdout: which protections this container allows
        from grader.sandbox import isolation_report

        print("sandbox — " + "; ".join(f"{k}: {v}" for k, v in isolation_report().items()), flush=True)
    except Exception:  # noqa: BLE001 - informative only; run() reports real failures in results.json
        traceback.print_exc()
    results = run(args.root)
    print(f"score {results['score']:g}; {len(results.get('tests', []))} test(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
