"""The grader on a small demo question set: scores, feedback, hostile submissions, reports."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import companion
from companion.grade import main
from companion.grading import grade_notebook, make_checker
from companion.grading.judge import compare, describe_inputs, forbidden_in_source, warning_hints
from companion.grading.notebook import parse_cells
from companion.grading.spec import Case, Question
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
    from companion.exercises import make_exercise

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


def test_json_report_has_exactly_the_documented_keys(hostile):
    for nb in hostile["report"]:
        assert set(nb) == {"notebook", "score", "max_score", "questions"}
        for q in nb["questions"]:
            assert set(q) == {"id", "score", "max_score", "passed", "feedback"}


def test_csv_gradebook_one_row_per_notebook(hostile):
    with open(hostile["folder"] / "g.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [Path(r["notebook"]).name for r in rows] == ["a_demo.ipynb", "b_demo.ipynb", "c_demo.ipynb",
                                                     "d_demo.ipynb"]
    assert list(rows[0])[:5] == ["notebook", "chapter", "sha256", "score", "max_score"]
    assert rows[1]["q3"] == "1" and rows[1]["q1"] == "0"


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


def test_check_not_implemented_missing_and_forbidden():
    def not_yet(x):
        raise NotImplementedError()

    from companion.activations import relu

    def lazy(z):
        return relu(z)

    check = make_checker("demo", {"mean_std": not_yet, "my_relu": lazy}, questions=DEMO)
    with pytest.raises(AssertionError, match="not implemented yet"):
        check("q3")
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
    assert "changed its input in place (argument 1)" in feedback and "w = w + …" in feedback
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
