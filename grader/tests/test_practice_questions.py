"""The practice notebooks and their question specifications agree, and the judges are sound.

- every question of ``grader.questions`` has an answer cell and a graded test cell in
  ``solutions/`` (same points), and its exercise keeps the signature but not the answer;
- the solutions pass every case, hidden ones included (run in-process with the grader's own
  comparison; the sandboxed end-to-end run is ``python -m companion.grade solutions/*.ipynb``);
- the property judges reject typical wrong answers with a message that says what is wrong.
"""
from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_check.judge import judge_case
from grader.notebook import strip_magics
from grader.questions import QUESTIONS
from grader.questions import ch01, ch02, ch04, ch05, ch06

ROOT = Path(__file__).resolve().parents[2]
STEMS = sorted(QUESTIONS)


def _cells(folder: str, stem: str) -> list[dict]:
    return json.loads((ROOT / folder / f"{stem}_practice.ipynb").read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _namespace(stem: str) -> dict:
    """Run the solution's code cells that are not graded test cells, like the grader does."""
    namespace: dict = {"__name__": "__main__"}
    for k, cell in enumerate(_cells("solutions", stem)):
        if cell["cell_type"] == "code" and not cell["metadata"].get("nbgrader", {}).get("grade"):
            exec(compile(strip_magics(_source(cell)), f"<{stem} cell {k}>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module", params=STEMS)
def solution(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return request.param, _namespace(request.param)


@pytest.mark.parametrize("stem", STEMS)
def test_every_question_has_an_answer_cell_and_a_test_cell_with_its_points(stem):
    cells = _cells("solutions", stem)
    for question in QUESTIONS[stem]:
        tagged = [c for c in cells if c["metadata"].get("companion", {}).get("question") == question.id]
        answers = [c for c in tagged if c["metadata"]["nbgrader"]["solution"]]
        tests = [c for c in tagged if c["metadata"]["nbgrader"]["grade"]]
        assert len(answers) == 1 and len(tests) == 1, f"{stem} {question.id}"
        assert f"def {question.function}(" in _source(answers[0])
        assert tests[0]["metadata"]["nbgrader"]["points"] == question.points
        assert _source(tests[0]).startswith(f'check("{question.id}")')


@pytest.mark.parametrize("stem", STEMS)
def test_exercise_keeps_each_signature_and_hides_each_answer(stem):
    exercise = {c["metadata"].get("companion", {}).get("question"): _source(c)
                for c in _cells("exercises", stem)
                if c["metadata"].get("nbgrader", {}).get("solution")}
    for question in QUESTIONS[stem]:
        text = exercise[question.id]
        assert f"def {question.function}(" in text
        assert "raise NotImplementedError()" in text and "BEGIN SOLUTION" not in text


def test_solutions_pass_every_case_including_hidden_ones(solution):
    stem, namespace = solution
    for question in QUESTIONS[stem]:
        for k, case in enumerate(question.cases()):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                # each call gets its own copy of the inputs, as in the grader (a random Generator
                # argument would otherwise be consumed by the first call)
                got = namespace[question.function](*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            expected = None if question.reference is None else question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            assert judge_case(got, expected, case, question) is None, f"{stem} {question.id} case {k}"


def test_cases_are_deterministic():
    for stem in STEMS:
        for question in QUESTIONS[stem]:
            first, second = question.cases(), question.cases()
            for a, b in zip(first, second):
                for x, y in zip(a.args, b.args):
                    if isinstance(x, np.ndarray):
                        np.testing.assert_array_equal(x, y)


def _question(module, qid):
    return next(q for q in module.QUESTIONS if q.id == qid)


# ------------------------------------------------------------------ judges reject wrong answers
def test_perceptron_judge_rejects_weights_that_misclassify():
    q = _question(ch01, "q3")
    case = q.cases()[0]                                   # AND
    ok, message = q.judge((np.zeros(2), 0.0), case)
    assert not ok and message == "(w, b) misclassifies 1 of 4 training examples"
    ok, message = q.judge((np.zeros(3), 0.0), case)
    assert not ok and message == "w should have shape (2,), got (3,)"
    ok, message = q.judge(None, case)
    assert not ok and message.startswith("expected a pair (w, b)")
    assert q.judge((np.array([1.0, 1.0]), -1.5), case) == (True, "all training examples classified correctly")


def test_xor_judge_needs_every_output_within_a_tenth():
    q = _question(ch02, "q4")
    case = q.cases()[0]
    W1, b1 = np.array([[20.0, 20.0], [-20.0, -20.0]]), np.array([-10.0, 30.0])
    ok, _ = q.judge(([W1, np.array([[20.0, 20.0]])], [b1, np.array([-30.0])]), case)
    assert ok
    ok, message = q.judge(([W1, np.array([[2.0, 2.0]])], [b1, np.array([-3.0])]), case)
    assert not ok and "each must be within 0.1 of XOR" in message
    ok, message = q.judge(([W1], [b1]), case)
    assert not ok and message.startswith("expected 2 layers (2-2-1)")
    ok, message = q.judge(([W1.T[:1], np.ones((1, 2))], [b1, np.zeros(1)]), case)
    assert not ok and message.startswith("expected shapes W1 (2, 2)")


def test_minibatch_judge_checks_sizes_coverage_and_shuffling():
    q = _question(ch04, "q4")
    case = q.cases()[0]                                   # n = 10, batch_size = 3
    ok, message = q.judge([np.arange(0, 3), np.arange(3, 6), np.arange(6, 9), np.arange(9, 10)], case)
    assert not ok and message.startswith("the indices are in order")
    ok, message = q.judge([np.array([0, 1, 2]), np.array([3, 4, 5]), np.array([6, 7, 8]), np.array([8])], case)
    assert not ok and message == "the batches together must hold each index 0..9 exactly once"
    ok, message = q.judge([np.arange(5), np.arange(5, 10)], case)
    assert not ok and message.startswith("batch sizes [5, 5] differ from [3, 3, 3, 1]")
    ok, message = q.judge([np.array([0.0, 1.0, 2.0])], case)
    assert not ok and message == "each batch must be an array of integer indices"
    order = np.random.default_rng(0).permutation(10)
    assert q.judge([order[:3], order[3:6], order[6:9], order[9:]], case)[0]


def test_backprop_judge_agrees_with_finite_differences_and_catches_a_missing_one_over_n():
    q = _question(ch05, "q5")
    case = q.cases()[1]                                   # 3-4-2 network, 5 examples
    X, Y, weights, biases = case.args
    fd_w, fd_b = ch05._finite_differences(X, Y, weights, biases)
    assert q.judge((fd_w, fd_b), case)[0]                 # finite differences pass as an answer
    ok, message = q.judge(([5 * g for g in fd_w], [5 * g for g in fd_b]), case)
    assert not ok and message.startswith("weight gradients and the reference disagree in layer 1")
    ok, message = q.judge((fd_w, fd_b[:1]), case)
    assert not ok and message == "expected 2 weight gradients and 2 bias gradients, got 2 and 1"
    ok, message = q.judge(([g.T for g in fd_w], fd_b), case)
    assert not ok and message.startswith("grad_weights[0] should have the shape of W1")


def test_smooth_function_gradient_matches_central_differences():
    f, x, h = ch05.SmoothFunction(2.0), np.array([0.3, -1.2, 0.8]), 1e-5
    numeric = np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(numeric, f.gradient(x), rtol=1e-8)


def test_quadratic_gradient_is_the_gradient_of_its_cost():
    g = ch04.QuadraticGradient(np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -1.0]))
    x, h = np.array([0.4, -0.7]), 1e-6
    numeric = np.array([(g.cost(x + h * e) - g.cost(x - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(numeric, g(x), rtol=1e-7)


def test_digit_judge_accepts_labels_or_scores_and_states_the_target():
    q = _question(ch06, "q4")
    case = q.cases()[0]
    y_test = ch06.digits_split(0)[3]
    assert q.judge(y_test, case) == (True, "test accuracy 100.0% (target 90%)")
    assert q.judge(np.eye(10)[y_test], case)[0]
    ok, message = q.judge(np.zeros_like(y_test), case)
    assert not ok and message.endswith("is below the target 90%")
    ok, message = q.judge(y_test[:10], case)
    assert not ok and message.startswith("expected 400 predicted labels")


def test_digit_split_holds_out_400_images_the_training_set_never_sees():
    X_train, y_train, X_test, y_test = ch06.digits_split(1)
    assert X_train.shape == (1397, 64) and X_test.shape == (400, 64) and y_test.shape == (400,)
    train_rows = {row.tobytes() for row in X_train}
    assert sum(row.tobytes() in train_rows for row in X_test) < 5   # the data has a few duplicate images
