"""The grader on a small demo question set: scores, feedback, hostile submissions, reports."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import companion
from grader.cli import main
from course_check import make_checker
from grader import grade_notebook
from course_check.judge import compare, describe_inputs, forbidden_in_source, warning_hints
from grader.notebook import parse_cells
from course_check.spec import Case, Question
from grading_fixtures import build, demo_questions

DEMO = {"demo": demo_questions.QUESTIONS}
FIXTURE = Path(__file__).parent / "grading_fixtures" / "demo.ipynb"
PACKAGE = Path(companion.__file__).parent


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def _by_id(result) -> dict:
    return {q.id: q for q in result.questions}


# ------------------------------------------------------------------ solutions and exercises
def test_demo_solution_earns_full_marks_and_warnings_become_hints():
    result = grade_notebook(FIXTURE, questions=DEMO)
    assert (result.score, result.max_score) == (7.0, 7.0)
    assert all(q.passed for q in result.questions)
    assert "numerically stable" in _by_id(result)["q2"].feedback   # np.exp overflowed at z=-1000


def test_untouched_exercise_earns_zero_with_not_implemented(tmp_path, capsys):
    from grader.exercises import make_exercise

    exercise = build.write(make_exercise(build.solution_notebook()), tmp_path / "demo.ipynb")
    assert main([str(exercise), "--json", str(tmp_path / "g.json")], questions=DEMO) == 0
    report = json.loads((tmp_path / "g.json").read_text())
    assert report["score"] == 0 and report["max_score"] == 7
    assert [q["feedback"] for q in report["questions"]] == ["not implemented yet"] * 4
    assert "not implemented yet" in capsys.readouterr().out


# ------------------------------------------------------------------ hostile submissions
@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Two hostile notebooks graded in one run (3 s per question); returns (results, output, victim)."""
    folder = tmp_path_factory.mktemp("class")
    victim = folder.parent / "victim.txt"
    victim.write_text("keep me")
    a = build.solution_notebook({
        "q1": "    while True:\n        pass\n",
        "q2": "    np.allclose = lambda *a, **k: True\n"
              "    np.testing.assert_allclose = lambda *a, **k: None\n"
              "    return z * 0.0\n",
        "q3": "    print('x' * (50 * 2**20))\n    return float(np.mean(x)), float(np.std(x))\n",
    }, extra=[build.code("%matplotlib inline\n!ls\nimport builtins\nbuiltins.AssertionError = Exception\n")])
    # a syntax error in q4's answer cell
    for cell in a["cells"]:
        if cell["metadata"].get("companion", {}).get("question") == "q4" and cell["cell_type"] == "code" \
                and "solution" in json.dumps(cell["metadata"]):
            cell["source"] = "def unit(v):\n    return v /\n"
    b = build.solution_notebook({
        "q1": "    from companion.activations import relu\n    return relu(z)\n",
        "q2": "    big = np.ones(6 * 10**9 // 8)\n    return big[:0]\n",
        "q3": ("    import os, shutil\n"
               f"    shutil.rmtree({str(PACKAGE)!r}, ignore_errors=True)\n"
               f"    for path in ({str(victim)!r}, {str(PACKAGE / 'pwned.py')!r}):\n"
               "        try:\n            os.remove(path)\n        except OSError:\n            pass\n"
               "        try:\n            open(path, 'w').write('pwned')\n        except OSError:\n            pass\n"
               "    return float(np.mean(x)), float(np.std(x))\n"),
    })
    b["cells"] = [c for c in b["cells"] if "def unit" not in "".join(c["source"])]   # q4 missing
    build.write(a, folder / "a_demo.ipynb")
    build.write(b, folder / "b_demo.ipynb")
    (folder / "c_demo.ipynb").write_text('{"cells": [ this is not json')
    build.write(build.solution_notebook({"q1": "    z[z < 0] = 0\n    return z\n"}), folder / "d_demo.ipynb")
    before = _tree_digest(PACKAGE)
    code = main([str(folder), "--timeout", "3", "--json", str(folder / "g.json"),
                 "--csv", str(folder / "g.csv")], questions=DEMO)
    after = _tree_digest(PACKAGE)
    report = json.loads((folder / "g.json").read_text())
    return {"code": code, "report": report, "victim": victim, "before": before, "after": after,
            "folder": folder}


def _q(hostile, name, qid):
    nb = next(r for r in hostile["report"] if r["notebook"].endswith(name))
    return next(q for q in nb["questions"] if q["id"] == qid)


def test_hostile_run_exits_zero_and_reports_every_notebook(hostile):
    assert hostile["code"] == 0
    assert [Path(r["notebook"]).name for r in hostile["report"]] == ["a_demo.ipynb", "b_demo.ipynb",
                                                                     "c_demo.ipynb", "d_demo.ipynb"]


def test_infinite_loop_costs_only_its_question(hostile):
    q1 = _q(hostile, "a_demo.ipynb", "q1")
    assert q1["score"] == 0 and "3 s time limit exceeded in my_relu()" in q1["feedback"]
    assert _q(hostile, "a_demo.ipynb", "q3")["passed"]          # 50 MB printed, right answer


def test_patching_numpy_comparisons_does_not_pass_a_wrong_answer(hostile):
    q2 = _q(hostile, "a_demo.ipynb", "q2")
    assert not q2["passed"] and "largest absolute error" in q2["feedback"]


def test_syntax_error_in_answer_says_function_missing(hostile):
    q4 = _q(hostile, "a_demo.ipynb", "q4")
    assert q4["score"] == 0
    assert "unit() is not defined" in q4["feedback"] and "SyntaxError" in q4["feedback"]


def test_using_the_reference_implementation_earns_nothing(hostile):
    q1 = _q(hostile, "b_demo.ipynb", "q1")
    assert q1["score"] == 0 and "uses companion.activations.relu" in q1["feedback"]


def test_huge_allocation_hits_the_memory_limit(hostile):
    q2 = _q(hostile, "b_demo.ipynb", "q2")
    assert q2["score"] == 0 and "memory limit" in q2["feedback"]


def test_files_outside_scratch_and_the_package_are_untouched(hostile):
    assert _q(hostile, "b_demo.ipynb", "q3")["passed"]
    assert hostile["before"] == hostile["after"]
    assert hostile["victim"].read_text() == "keep me"
    assert not (PACKAGE / "pwned.py").exists()


def test_missing_function_is_named(hostile):
    q4 = _q(hostile, "b_demo.ipynb", "q4")
    assert q4["score"] == 0 and "unit() is not defined" in q4["feedback"]


def test_corrupt_notebook_gets_zero_and_a_clear_message(hostile):
    c = next(r for r in hostile["report"] if r["notebook"].endswith("c_demo.ipynb"))
    assert c["score"] == 0 and c["max_score"] == 7
    assert "is not a valid notebook (broken JSON" in c["questions"][0]["feedback"]


JSON_KEYS = {"notebook", "score", "max_score", "questions"}          # docs/architecture.md §7
JSON_EXTRA = {"error", "assignment", "student", "sha256", "raw_score", "percentage", "submitted",
              "days_late", "penalty", "warnings", "language"}         # docs/instructors.md
QUESTION_KEYS = {"id", "score", "max_score", "passed", "feedback"}
QUESTION_EXTRA = {"title", "function", "cases_passed", "cases_total", "hint"}


def test_json_report_has_exactly_the_documented_keys(hostile):
    for nb in hostile["report"]:
        assert set(nb) == JSON_KEYS | JSON_EXTRA
        for q in nb["questions"]:
            assert set(q) == QUESTION_KEYS | QUESTION_EXTRA


def test_csv_gradebook_one_row_per_notebook(hostile):
    with open(hostile["folder"] / "g.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [Path(r["notebook"]).name for r in rows] == ["a_demo.ipynb", "b_demo.ipynb", "c_demo.ipynb",
                                                     "d_demo.ipynb"]
    assert list(rows[0])[:4] == ["student", "assignment", "notebook", "sha256"]
    assert rows[1]["demo q3: Mean and standard deviation [/1]"] == "1"
    assert rows[1]["demo q1: ReLU [/2]"] == "0"
    assert [r["student"] for r in rows] == ["a", "b", "c", "d"]


def test_csv_rerun_skips_unchanged_and_regrades_changed(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    build.write(build.solution_notebook(), folder / "one_demo.ipynb")
    build.write(build.solution_notebook(), folder / "two_demo.ipynb")
    gradebook = tmp_path / "grades.csv"
    assert main([str(folder), "--csv", str(gradebook)], questions=DEMO) == 0
    build.write(build.solution_notebook({"q3": "    return 0.0, 0.0\n"}), folder / "two_demo.ipynb")
    capsys.readouterr()
    assert main([str(folder), "--csv", str(gradebook)], questions=DEMO) == 0
    out = capsys.readouterr().out
    assert "unchanged since the last run" in out and out.count("unchanged since the last run") == 1
    rows = {Path(r["notebook"]).name: r for r in csv.DictReader(open(gradebook, newline=""))}
    assert rows["one_demo.ipynb"]["score"] == "7" and rows["two_demo.ipynb"]["score"] == "6"


def test_single_notebook_json_is_an_object(tmp_path):
    out = tmp_path / "one.json"
    assert main([str(FIXTURE), "--json", str(out)], questions=DEMO) == 0
    assert json.loads(out.read_text())["score"] == 7.0


@pytest.mark.parametrize("argv, message", [
    (["no/such/notebook.ipynb"], "no such file or folder: no/such/notebook.ipynb"),
    ([str(FIXTURE), "--timeout", "-1"], "--timeout must be a positive number of seconds, got -1"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv, questions=DEMO)
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_folder_without_notebooks_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main([str(tmp_path)], questions=DEMO)
    assert info.value.code == 2 and "no .ipynb files found" in capsys.readouterr().err


def test_unknown_notebook_name_is_explained(tmp_path, capsys):
    path = build.write(build.notebook([build.code("x = 1\n")]), tmp_path / "essay.ipynb")
    path.write_text(path.read_text().replace('"chapter": "demo"', '"chapter": "other"'))
    assert main([str(path)], questions=DEMO) == 0
    assert "no questions are defined for essay.ipynb" in capsys.readouterr().out


# ------------------------------------------------------------------ in-notebook check
def test_check_passes_prints_and_fails_with_feedback(capsys):
    namespace = {"my_relu": lambda z: np.maximum(z, 0.0), "my_sigmoid": lambda z: z}
    check = make_checker("demo", namespace, questions=DEMO)
    check("q1")
    assert "q1 ReLU: 2 visible case(s) passed" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="largest absolute error"):
        check("q2")


def test_check_not_implemented_missing_and_forbidden(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def not_yet(x):
        raise NotImplementedError()

    from companion.activations import relu

    def lazy(z):
        return relu(z)

    check = make_checker("demo", {"mean_std": not_yet, "my_relu": lazy}, questions=DEMO)
    check("q3")
    assert "not implemented yet" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"define a function named unit\(\)"):
        check("q4")
    with pytest.raises(AssertionError, match="uses companion.activations.relu"):
        check("q1")


def test_check_rejects_unknown_notebook_and_question():
    with pytest.raises(ValueError, match="notebook must be one of"):
        make_checker("99_nothing", {}, questions=DEMO)
    with pytest.raises(ValueError, match=r"qid must be one of \['q1', 'q2', 'q3', 'q4'\]"):
        make_checker("demo", {}, questions=DEMO)("q9")


# ------------------------------------------------------------------ comparisons and feedback
ARRAY_Q = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x)
TUPLE_Q = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, output="tuple")


def test_compare_reports_shape_dtype_and_first_mismatch():
    assert compare(np.ones((2, 3)), np.ones((2, 3)), ARRAY_Q) is None
    assert "expected shape (2, 3), got shape (3, 2)" in compare(np.ones((3, 2)), np.ones((2, 3)), ARRAY_Q)
    assert "expected floating-point numbers (float64), got integers" in \
        compare(np.ones(3, dtype=int), np.ones(3), ARRAY_Q)
    got = np.array([[1.0, 2.0], [3.0, 5.0]])
    message = compare(got, np.array([[1.0, 2.0], [3.0, 4.0]]), ARRAY_Q)
    assert "1 of 4 values differ" in message and "first mismatch at index (1, 1)" in message
    assert "largest absolute error 1" in message and "largest relative error 0.25" in message


def test_relative_error_is_not_reported_against_zero_expected_values():
    message = compare(np.array([0.5, 0.0]), np.array([0.0, 0.0]), ARRAY_Q)
    assert "relative error undefined (the expected values there are 0)" in message
    assert "e+307" not in message


def test_changing_the_input_in_place_fails_with_a_clear_message(hostile):
    feedback = _q(hostile, "d_demo.ipynb", "q1")["feedback"]
    assert "changed its input in place (`z`)" in feedback and "w = w + …" in feedback
    assert _q(hostile, "d_demo.ipynb", "q2")["passed"]


def test_check_reports_an_input_changed_in_place():
    namespace = {}
    exec("import numpy as np\ndef relu(z):\n    z[z < 0] = 0\n    return z\n", namespace)
    with pytest.raises(AssertionError):
        make_checker("demo", namespace, questions=DEMO)("q1")


def test_nan_is_never_equal_and_integral_floats_match_integers():
    assert "contains NaN" in compare(np.array([np.nan]), np.array([np.nan]), ARRAY_Q)
    assert compare(np.array([1.0, 0.0]), np.array([1, 0]), ARRAY_Q) is None


def test_tuple_outputs_are_compared_item_by_item():
    assert compare((np.ones(2), 1.0), (np.ones(2), 1.0), TUPLE_Q) is None
    assert "expected 2 items, got 1" in compare((np.ones(2),), (np.ones(2), 1.0), TUPLE_Q)
    assert compare((np.ones(2), 2.0), (np.ones(2), 1.0), TUPLE_Q).startswith("[1]: ")


def test_warning_hints_and_input_description():
    hints = warning_hints(["RuntimeWarning: overflow encountered in exp",
                           "RuntimeWarning: divide by zero encountered in log"])
    assert hints[0].startswith("hint: np.exp overflowed") and "log(0)" in hints[1]
    assert describe_inputs(Case((np.zeros((5, 4)), 2), {"eta": 0.5})) == "(array(5, 4) float64, 2, eta=0.5)"


@pytest.mark.parametrize("source", [
    "from companion.activations import relu as r\ndef f(z):\n    return r(z)\n",
    "import companion.activations as ca\ndef f(z):\n    return ca.relu(z) + 0\n",
    "import companion\ndef f(z):\n    return companion.activations.relu(z)\n",
    "from companion.activations import relu\nf = relu\n",
])
def test_forbidden_use_is_found_in_the_source(source):
    trees = parse_cells([source])
    assert forbidden_in_source(trees, "f", ("companion.activations.relu",)) == ["companion.activations.relu"]


def test_forbidden_import_used_elsewhere_is_allowed():
    trees = parse_cells(["from companion.activations import relu\n",
                         "def f(z):\n    return np.maximum(z, 0)\n", "print(relu(1.0))\n"])
    assert forbidden_in_source(trees, "f", ("companion.activations.relu",)) == []


def test_a_broken_question_specification_is_reported_not_raised():
    def cases():
        raise RuntimeError("seed table missing")

    broken = {"demo": [Question("q1", "Broken", "my_relu", 1, cases, reference=lambda z: z)]}
    result = grade_notebook(FIXTURE, questions=broken)
    assert result.questions[0].score == 0
    assert "could not be graded (RuntimeError: seed table missing)" in result.questions[0].feedback


# ================================================================== regression tests (issue 11)
def _nb_with(tmp_path, name, overrides=None, extra=None, before=None):
    nb = build.solution_notebook(overrides, extra=extra)
    if before:   # cells inserted right after the set-up cell
        nb["cells"][2:2] = [build.code(src) for src in before]
        nb = build.notebook(nb["cells"])
    return build.write(nb, tmp_path / name)


def _scores(report: dict) -> dict:
    return {q["id"]: q["score"] for q in report["questions"]}


# ---- defect 1: feedback survives re-runs and resumes
def test_rerun_and_resume_keep_every_feedback_string(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    _nb_with(folder, "a_demo.ipynb", {"q3": "    return 0.0, 0.0\n"})
    _nb_with(folder, "b_demo.ipynb")
    args = [str(folder), "--csv", str(tmp_path / "g.csv"), "--json", str(tmp_path / "g.json")]
    assert main(args, questions=DEMO) == 0
    first = json.loads((tmp_path / "g.json").read_text())
    # "interrupt": forget the JSON and one notebook's row, then resume twice
    (tmp_path / "g.json").unlink()
    assert main(args, questions=DEMO) == 0
    assert main(args, questions=DEMO) == 0
    again = json.loads((tmp_path / "g.json").read_text())
    assert [[q["feedback"] for q in r["questions"]] for r in again] == \
        [[q["feedback"] for q in r["questions"]] for r in first]
    assert "earlier run" not in json.dumps(again)


# ---- defect 2: one slow or looping cell costs only its own answer
@pytest.fixture(scope="module")
def slow_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slow")
    _nb_with(folder, "stray_demo.ipynb", before=["import time\ntime.sleep(60)\n"])
    _nb_with(folder, "demo_call_demo.ipynb",
             {"q3": "    import time\n    time.sleep(60)\n    return float(np.mean(x)), float(np.std(x))\n"},
             extra=[build.code("print(mean_std(np.arange(3.0)))\n")])
    loop = build.solution_notebook()
    for cell in loop["cells"]:
        if cell["metadata"].get("companion", {}).get("question") == "q1" and "BEGIN SOLUTION" in cell["source"]:
            cell["source"] = "while True:\n    pass\n" + cell["source"]
    build.write(loop, folder / "loop_demo.ipynb")
    out = folder / "g.json"
    main([str(folder), "--timeout", "3", "--cell-timeout", "2", "--json", str(out)], questions=DEMO)
    return {Path(r["notebook"]).name: r for r in json.loads(out.read_text())}


def test_a_stray_sleeping_cell_costs_nothing(slow_class):
    assert slow_class["stray_demo.ipynb"]["score"] == 7


def test_a_demo_cell_calling_a_slow_answer_costs_only_that_answer(slow_class):
    report = slow_class["demo_call_demo.ipynb"]
    assert _scores(report) == {"q1": 2, "q2": 3, "q3": 0, "q4": 1}
    assert "time limit exceeded in mean_std()" in report["questions"][2]["feedback"]


def test_a_looping_first_answer_cell_costs_only_that_answer(slow_class):
    report = slow_class["loop_demo.ipynb"]
    assert _scores(report) == {"q1": 0, "q2": 3, "q3": 1, "q4": 1}
    assert "time limit" in report["questions"][0]["feedback"]


# ---- defect 3: float32 answers are judged by their precision, and told so
def test_float32_answers_are_judged_with_their_own_precision():
    tight = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, atol=1e-12)
    x = np.random.default_rng(0).normal(size=(4, 3)) * 1e-3
    assert compare(x.astype(np.float32), x, tight) is None
    strict = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, atol=1e-12, dtype="float64")
    message = compare(x.astype(np.float32), x, strict)
    assert "your result is float32; the reference is float64" in message


def test_mismatch_shows_enough_digits_to_see_the_difference():
    tight = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, rtol=1e-9, atol=1e-15)
    message = compare(np.array([0.00112883012]), np.array([0.00112883391]), tight)
    expected, got = message.split("expected ")[-1].split(", got ")
    assert expected.strip() != got.split(";")[0].strip()


# ---- defect 4: in-place changes inside lists, tuples and dicts are found
def _nested_questions():
    def cases():
        return [Case((np.ones((2, 2)), [np.ones(2), np.zeros(3)], {"b": np.arange(3.0)}))]
    return {"demo": [Question("q1", "Sum", "total", 1, cases,
                              reference=lambda X, ws, d: float(X.sum() + sum(w.sum() for w in ws)),
                              output="scalar")]}


NESTED = {
    "element": "def total(X, ws, d):\n    ws[0] -= 1.0\n    return float(X.sum() + 2 + sum(w.sum() for w in ws))\n",
    "shape": "def total(X, ws, d):\n    ws[1].shape = (3, 1)\n    return float(X.sum() + sum(w.sum() for w in ws))\n",
    "replace": "def total(X, ws, d):\n    s = float(X.sum() + sum(w.sum() for w in ws))\n    ws[0] = None\n    return s\n",
    "dict": "def total(X, ws, d):\n    d['b'] += 1\n    return float(X.sum() + sum(w.sum() for w in ws))\n",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_nested_in_place_changes_fail_in_check_and_grader(kind, tmp_path):
    namespace = {"np": np}
    exec(NESTED[kind], namespace)
    check = make_checker("demo", namespace, questions=_nested_questions())
    with pytest.raises(AssertionError, match="changed its input in place"):
        check("q1")
    path = build.write(build.notebook([build.code("import numpy as np\n" + NESTED[kind])]),
                       tmp_path / "demo.ipynb")
    result = grade_notebook(path, questions=_nested_questions())
    assert result.score == 0 and "changed its input in place" in result.questions[0].feedback


# ---- defect 5: signals end every sandboxed process and remove the scratch folders
def _descendants(pid: int) -> set[int]:
    import os
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_slow_grader(tmp_path):
    import os
    import subprocess
    import sys
    import time
    nb = _nb_with(tmp_path, "slow_demo.ipynb", {q: "    import time\n    time.sleep(120)\n" for q in "q1 q2 q3 q4".split()})
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONPATH=str(Path(__file__).parent))
    code = ("import sys\nfrom grader.cli import main\nfrom grading_fixtures import demo_questions\n"
            f"sys.exit(main([{str(nb)!r}, '--timeout', '100'], questions={{'demo': demo_questions.QUESTIONS}}))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("companion-grade-" in p.name for p in scratch.iterdir()):
        time.sleep(0.2)
    time.sleep(2.0)   # the sandboxed children are running learner code now
    return proc, scratch


@pytest.mark.parametrize("signals", [("SIGTERM",), ("SIGINT",), ("SIGINT", "SIGINT")])
def test_signals_leave_no_process_or_scratch_folder(signals, tmp_path):
    import os
    import signal
    import time
    proc, scratch = _start_slow_grader(tmp_path)
    children = _descendants(proc.pid)
    try:
        assert children, "the grader should be running sandboxes"
        start = time.monotonic()
        for name in signals:
            proc.send_signal(getattr(signal, name))
            time.sleep(0.1)
        out, err = proc.communicate(timeout=20)
        assert time.monotonic() - start < 10
        time.sleep(0.5)
        assert [p for p in children if _alive(p)] == []
        assert [p.name for p in scratch.iterdir()] == []
        assert "Traceback" not in err and "Traceback" not in out
        if "SIGINT" in signals:
            assert len([line for line in (out + err).splitlines() if "interrupted" in line]) == 1
    finally:   # never leave this test's processes behind, even when it fails
        for pid in [proc.pid, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.wait()


# ---- defect 6: gradebook rows are keyed by the resolved path
def test_same_file_under_another_path_is_not_graded_twice(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    _nb_with(folder, "alice_demo.ipynb")
    book = tmp_path / "g.csv"
    assert main([str(folder), "--csv", str(book)], questions=DEMO) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["class/alice_demo.ipynb", "--csv", "g.csv"], questions=DEMO) == 0
    assert "unchanged since the last run" in capsys.readouterr().out
    assert len(list(csv.DictReader(open(book, newline="")))) == 1


# ---- defect 7: an unidentified assignment is recorded, and can be named
def test_unknown_assignment_is_recorded_and_can_be_named(tmp_path):
    nb = build.solution_notebook()
    del nb["metadata"]["companion"]
    path = build.write(nb, tmp_path / "Untitled.ipynb")
    assert main([str(path), "--json", str(tmp_path / "a.json"), "--csv", str(tmp_path / "a.csv")],
                questions=DEMO) == 0
    report = json.loads((tmp_path / "a.json").read_text())
    assert "no questions are defined for Untitled.ipynb" in report["error"]
    row = next(csv.DictReader(open(tmp_path / "a.csv", newline="")))
    assert "no questions are defined" in row["error"]
    assert main([str(path), "--assignment", "demo", "--json", str(tmp_path / "b.json")], questions=DEMO) == 0
    assert json.loads((tmp_path / "b.json").read_text())["score"] == 7


# ---- defect 8: check() speaks briefly, lets Run All go on, and judges a stated dtype
def test_check_failure_is_short_and_unimplemented_does_not_stop_the_notebook(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def not_yet(x):
        raise NotImplementedError()

    check = make_checker("demo", {"mean_std": not_yet, "my_sigmoid": lambda z: z}, questions=DEMO)
    check("q3")   # does not raise: Run All goes on
    assert "not implemented yet" in capsys.readouterr().out
    with pytest.raises(AssertionError) as info:
        check("q2")
    rendered = "\n".join(info.value._render_traceback_())
    assert "largest absolute error" in rendered and "checker.py" not in rendered
    assert "Traceback" not in rendered
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")   # nbgrader must still see the failure
    with pytest.raises(AssertionError):
        check("q3")


def test_a_stated_integer_dtype_rejects_booleans(tmp_path):
    step = {"demo": [Question("q1", "Step", "step", 1, lambda: [Case((np.array([-1.0, 2.0]),))],
                              reference=lambda z: (z > 0).astype(np.int64), dtype="int")]}
    namespace = {"step": lambda z: z > 0}
    with pytest.raises(AssertionError, match="integers"):
        make_checker("demo", namespace, questions=step)("q1")
    path = build.write(build.notebook([build.code("def step(z):\n    return z > 0\n")]), tmp_path / "demo.ipynb")
    assert grade_notebook(path, questions=step).score == 0


# ================================================================== instructor features (issue 11)
def test_partial_credit_gives_points_per_passing_case(tmp_path):
    def cases():
        return [Case((np.array([-1.0, 2.0]),)), Case((np.array([3.0]),)), Case((np.array([-4.0]),), hidden=True)]

    table = {"demo": [Question("q1", "ReLU", "my_relu", 3, cases, reference=lambda z: np.maximum(z, 0.0),
                               partial_credit=True),
                      Question("q2", "ReLU again", "my_relu", 3, cases, reference=lambda z: np.maximum(z, 0.0))]}
    path = build.write(build.notebook([build.code("import numpy as np\ndef my_relu(z):\n    return np.abs(z)\n")]),
                       tmp_path / "demo.ipynb")
    q1, q2 = grade_notebook(path, questions=table).questions
    assert (q1.score, q1.cases_passed, q1.cases_total, q1.passed) == (1.0, 1, 3, False)
    assert q2.score == 0.0 and "2 of 3 cases failed" in q2.feedback


def test_partial_credit_keeps_cases_finished_before_a_time_out(tmp_path):
    def cases():
        return [Case((1.0,)), Case((2.0,)), Case((-1.0,))]

    table = {"demo": [Question("q1", "Slow", "f", 3, cases, reference=lambda x: x, output="scalar",
                               partial_credit=True, timeout=3)]}
    source = "import time\ndef f(x):\n    if x < 0:\n        time.sleep(60)\n    return x\n"
    path = build.write(build.notebook([build.code(source)]), tmp_path / "demo.ipynb")
    (q1,) = grade_notebook(path, questions=table).questions
    assert q1.score == 2.0 and "time limit exceeded in f()" in q1.feedback


def _class(tmp_path, same=("alice", "bob")):
    folder = tmp_path / "class"
    for student in ("alice", "bob", "dan"):
        (folder / student).mkdir(parents=True)
        overrides = None if student in same else {"q3": "    return 0.0, 0.0\n"}
        _nb_with(folder / student, "demo.ipynb", overrides)
    return folder


def test_roster_lms_columns_identical_submissions_and_reports(tmp_path):
    folder = _class(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nalice,Alice A\nbob,Bob B\ncarol,Carol C\ndan,Dan D\n")
    book = tmp_path / "grades.csv"
    assert main([str(folder), "--csv", str(book), "--roster", str(roster)], questions=DEMO) == 0
    rows = {r["student"]: r for r in csv.DictReader(open(book, newline=""))}
    assert sorted(rows) == ["alice", "bob", "carol", "dan"]
    assert rows["alice"]["assignment"] == "demo" and rows["alice"]["percentage"] == "100"
    assert rows["dan"]["score"] == "6" and rows["dan"]["percentage"] == "85.71"
    assert rows["alice"]["identical_to"] == "bob" and rows["dan"]["identical_to"] == ""
    assert rows["carol"]["error"] == "no submission found"
    assert "demo q3: Mean and standard deviation [/1]" in rows["dan"]
    reports = tmp_path / "grades-reports"
    assert sorted(p.name for p in reports.iterdir()) == ["alice__demo.md", "bob__demo.md", "dan__demo.md"]
    text = (reports / "dan__demo.md").read_text()
    assert "6 / 7" in text and "q3: Mean and standard deviation" in text and "largest absolute error" in text


def test_hints_policy_off_and_after_attempts(tmp_path):
    nb = _nb_with(tmp_path, "x_demo.ipynb", {"q1": "    return z\n"})
    assert main([str(nb), "--json", str(tmp_path / "off.json"), "--hints", "off"], questions=DEMO) == 0
    assert "hint:" not in json.loads((tmp_path / "off.json").read_text())["questions"][0]["feedback"]
    args = [str(nb), "--csv", str(tmp_path / "g.csv"), "--json", str(tmp_path / "a.json"),
            "--hints", "after-1-attempts"]
    assert main(args, questions=DEMO) == 0
    first = json.loads((tmp_path / "a.json").read_text())["questions"][0]
    assert "hint:" not in first["feedback"] and first["hint"] == ""
    _nb_with(tmp_path, "x_demo.ipynb", {"q1": "    return z * 1.0\n"})     # second, still wrong attempt
    assert main(args, questions=DEMO) == 0
    second = json.loads((tmp_path / "a.json").read_text())["questions"][0]
    assert "hint: ReLU keeps positive values" in second["feedback"]


def test_due_date_late_penalty_from_mtime_and_submissions_csv(tmp_path):
    import os
    from datetime import datetime, timezone
    folder = _class(tmp_path)
    due = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc).timestamp()
    os.utime(folder / "alice" / "demo.ipynb", (due - 60, due - 60))          # on time
    os.utime(folder / "bob" / "demo.ipynb", (due + 1.5 * 86400,) * 2)         # 2 days (started) late
    os.utime(folder / "dan" / "demo.ipynb", (due + 9 * 86400,) * 2)           # past the limit
    out = tmp_path / "g.json"
    assert main([str(folder), "--json", str(out), "--due", "2026-11-01T12:00", "--late-penalty", "10",
                 "--late-limit", "7"], questions=DEMO) == 0
    report = {r["student"]: r for r in json.loads(out.read_text())}
    assert (report["alice"]["score"], report["alice"]["days_late"]) == (7, 0)
    assert (report["bob"]["score"], report["bob"]["days_late"], report["bob"]["raw_score"]) == (5.6, 2, 7)
    assert report["dan"]["score"] == 0 and report["dan"]["raw_score"] == 6
    times = tmp_path / "submitted.csv"
    times.write_text("notebook,submitted\n" + "".join(
        f"{folder / s / 'demo.ipynb'},2026-11-01T11:00:00+00:00\n" for s in ("alice", "bob", "dan")))
    assert main([str(folder), "--json", str(out), "--due", "2026-11-01T12:00", "--submissions", str(times)],
                questions=DEMO) == 0
    assert all(r["penalty"] == 0 for r in json.loads(out.read_text()))


def test_jobs_give_identical_results(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    _nb_with(folder, "a_demo.ipynb")
    _nb_with(folder, "b_demo.ipynb", {"q1": "    return z\n", "q3": "    return 0.0, 0.0\n"})
    _nb_with(folder, "c_demo.ipynb", {"q2": "    raise NotImplementedError\n"})
    (folder / "d_demo.ipynb").write_text("{ broken")
    reports = []
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"j{jobs}.json"
        assert main([str(folder), "--json", str(out), "--jobs", jobs], questions=DEMO) == 0
        reports.append(json.loads(out.read_text()))
    assert reports[0] == reports[1] == reports[2]
    assert [r["score"] for r in reports[0]] == [7, 4, 4, 0]


# ================================================================== nbgrader
# The nbgrader round trip of every practice notebook, in an environment of its own: test_nbgrader.py.


# ================================================================== more adversarial meta-tests
def test_float32_answers_end_to_end(tmp_path):
    path = _nb_with(tmp_path, "f32_demo.ipynb", {"q1": "    return np.maximum(z, 0.0).astype(np.float32)\n"})
    q1 = _by_id(grade_notebook(path, questions=DEMO))["q1"]
    assert q1.passed and "your result is float32; the reference is float64" in q1.feedback
    strict = {"demo": [replace_dtype(q, "float64") for q in demo_questions.QUESTIONS]}
    q1 = _by_id(grade_notebook(path, questions=strict))["q1"]
    assert not q1.passed and "your result is float32; the reference is float64" in q1.feedback


def replace_dtype(question, dtype):
    from dataclasses import replace
    return replace(question, dtype=dtype)


def test_resume_after_a_real_interrupt_loses_no_feedback(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    folder = tmp_path / "class"
    folder.mkdir()
    _nb_with(folder, "a_demo.ipynb", {"q3": "    return 0.0, 0.0\n"})
    _nb_with(folder, "b_demo.ipynb", {q: "    import time\n    time.sleep(120)\n" for q in "q1 q2 q3 q4".split()})
    book, out = tmp_path / "g.csv", tmp_path / "g.json"
    code = ("import sys\nfrom grader.cli import main\nfrom grading_fixtures import demo_questions\n"
            f"sys.exit(main([{str(folder)!r}, '--csv', {str(book)!r}, '--json', {str(out)!r}, '--timeout', '100',"
            f" '--jobs', '2'], questions={{'demo': demo_questions.QUESTIONS}}))\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (book.is_file() and "a_demo" in book.read_text()):
            time.sleep(0.2)
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert "a_demo" in book.read_text() and "b_demo" not in book.read_text()
    _nb_with(folder, "b_demo.ipynb")                      # the slow student fixes the notebook
    assert main([str(folder), "--csv", str(book), "--json", str(out)], questions=DEMO) == 0
    resumed = {Path(r["notebook"]).name: r for r in json.loads(out.read_text())}
    fresh = grade_notebook(folder / "a_demo.ipynb", questions=DEMO)
    assert [q["feedback"] for q in resumed["a_demo.ipynb"]["questions"]] == [q.text() for q in fresh.questions]
    assert resumed["b_demo.ipynb"]["score"] == 7


# ================================================================== practice file names
# Practice notebooks are named NN_slug_practice.ipynb (so JupyterLab never shows a chapter and its
# practice notebook in two tabs with the same title); copies downloaded under the earlier name
# NN_slug.ipynb must still grade as the same assignment.
SOLUTION_01 = Path(__file__).resolve().parents[2] / "solutions" / "01_neurons_practice.ipynb"


@pytest.mark.parametrize("name", ["01_neurons_practice", "alice_01_neurons_practice", "01_neurons",
                                  "alice_01_neurons", "alice-01_neurons_practice (1)"])
def test_old_and_new_practice_file_names_select_the_chapter(name):
    from grader.notebook import chapter_of
    from grader.questions import QUESTIONS
    assert chapter_of({}, f"class/{name}.ipynb", list(QUESTIONS)) == "01_neurons"


def test_every_practice_file_name_selects_its_own_chapter():
    from grader.notebook import chapter_of
    from grader.questions import QUESTIONS
    known = list(QUESTIONS)
    picked = {key: (chapter_of({}, f"{key}_practice.ipynb", known), chapter_of({}, f"bob_{key}.ipynb", known))
              for key in known}
    assert picked == {key: (key, key) for key in known}


@pytest.mark.parametrize("name", ["alice_01_neurons_practice.ipynb", "alice_01_neurons.ipynb",
                                  "01_neurons_practice_alice.ipynb"])
def test_student_named_in_old_and_new_practice_file_names(tmp_path, name):
    from grader.cli import identify_student
    assert identify_student(tmp_path / name, [tmp_path], "01_neurons", []) == "alice"


def test_old_and_new_practice_file_names_grade_end_to_end(tmp_path):
    """A solution saved under both names, without metadata.companion (the name alone decides)."""
    if not SOLUTION_01.is_file():
        pytest.skip("solutions/01_neurons_practice.ipynb is missing")
    nb = json.loads(SOLUTION_01.read_text(encoding="utf-8"))
    del nb["metadata"]["companion"]
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice_01_neurons.ipynb", "bob_01_neurons_practice.ipynb"):
        build.write(nb, folder / name)
    book = tmp_path / "g.csv"
    assert main([str(folder), "--csv", str(book)]) == 0
    rows = {r["student"]: r for r in csv.DictReader(open(book, newline=""))}
    assert sorted(rows) == ["alice", "bob"]
    for row in rows.values():
        assert row["assignment"] == "01_neurons" and not row.get("error")
        assert float(row["score"]) == float(row["max_score"]) > 0


def test_no_two_grading_threads_parse_at_once(tmp_path, monkeypatch):
    """ast.parse is not thread-safe in CPython 3.11 (SystemError "AST constructor recursion depth
    mismatch" when two threads parse at once): the grader's threads parse learner cells and read
    .npy headers (ast.literal_eval) one at a time."""
    import ast
    import threading
    import time

    parse, inside, overlaps, lock = ast.parse, [0], [], threading.Lock()

    def slow_parse(*args, **kwargs):      # widens the window in which two parses could overlap
        with lock:
            inside[0] += 1
            overlaps.append(inside[0] > 1)
        try:
            time.sleep(0.002)
            return parse(*args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(ast, "parse", slow_parse)
    for name in ("a_demo.ipynb", "b_demo.ipynb", "c_demo.ipynb", "d_demo.ipynb"):
        build.write(build.solution_notebook(), tmp_path / name)
    assert main([str(tmp_path), "--jobs", "2", "--json", str(tmp_path / "g.json")], questions=DEMO) == 0
    assert overlaps and not any(overlaps)
    assert [r["score"] for r in json.loads((tmp_path / "g.json").read_text())] == [7, 7, 7, 7]
