"""Judging that matches the question text (issue 24): numbers, edge cases, seeds, hints, feedback wording."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course_check import feedback
from course_check.checker import CheckFailed, make_checker
from course_check.judge import describe_inputs, judge_case, no_negative_zero, show
from course_check.protocol import run_case
from course_check.spec import Case, Question
from grader.questions import QUESTIONS


def _question(stem: str, qid: str) -> Question:
    return next(q for q in QUESTIONS[stem] if q.id == qid)


# ------------------------------------------------------------------ "a number" accepts int and float
@pytest.mark.parametrize("stem, qid", [(stem, q.id) for stem in QUESTIONS for q in QUESTIONS[stem]
                                       if q.output == "scalar" and q.reference is not None])
def test_a_number_may_be_an_int_or_a_float(stem, qid):
    """Where the reference is a whole number, the learner's int and float both pass (and vice versa)."""
    question = _question(stem, qid)
    for case in question.cases():
        expected = question.reference(*case.args, **case.kwargs)
        value = float(np.asarray(expected, dtype=float).reshape(()))
        if not math.isfinite(value) or value != round(value):
            continue
        for answer in (int(round(value)), float(value), np.int64(round(value)), np.float64(value)):
            assert judge_case(answer, expected, case, question) is None, (stem, qid, answer)


def test_int_for_float_and_float_for_int():
    q = Question("q", "t", "f", 1, lambda: [Case(())], reference=lambda: np.float64(13.0), output="scalar")
    assert judge_case(13, np.float64(13.0), Case(()), q) is None
    assert judge_case(13.0, np.float64(13.0), Case(()), q) is None
    assert judge_case(14, np.float64(13.0), Case(()), q) is not None
    q_int = Question("q", "t", "f", 1, lambda: [Case(())], reference=lambda: 13, output="scalar")
    assert judge_case(13.0, 13, Case(()), q_int) is None
    assert judge_case(13.5, 13, Case(()), q_int) is not None
    required = Question("q", "t", "f", 1, lambda: [Case(())], reference=lambda: 2.0, output="scalar",
                        dtype="float64")
    assert judge_case(2, np.float64(2.0), Case(()), required) is None


# ------------------------------------------------------------------ edge cases
def _restarts_floor_plus_one(p, target):
    return math.floor(math.log(1 - target) / math.log(1 - p)) + 1


def _restarts_ceil(p, target):
    return max(1, math.ceil(math.log(1 - target) / math.log(1 - p)))


def test_restarts_needed_has_a_whole_number_ratio():
    question = _question("08_local_minima", "q5")
    cases = question.cases()
    assert all(judge_case(_restarts_ceil(*c.args), None, c, question) is None for c in cases)
    assert any(judge_case(_restarts_floor_plus_one(*c.args), None, c, question) is not None for c in cases)


def test_bumps_needed_has_a_whole_number_case():
    question = _question("09_representation_power", "q4")
    cases = question.cases()

    def floor_plus_one(L, eps, kappa):
        c = 1 + 2 * math.exp(-kappa / 2) / (1 - math.exp(-kappa))
        return math.floor(L * c / eps) + 1

    assert any(judge_case(floor_plus_one(*c.args), question.reference(*c.args), c, question) is not None
               for c in cases)


def _kfold(n, k, seed):
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), f) for i, f in enumerate(folds)]


def test_kfold_folds_must_follow_the_seed():
    question = _question("10_regularization", "q5")
    cases = question.cases()
    assert all(judge_case(_kfold(*c.args), None, c, question) is None for c in cases)
    assert question.together([_kfold(*c.args) for c in cases], cases)[0]
    ignores_seed = [_kfold(n, k, 0) for n, k, _ in (c.args for c in cases)]
    assert all(judge_case(o, None, c, question) is None for o, c in zip(ignores_seed, cases))
    ok, message = question.together(ignores_seed, cases)
    assert not ok and "seed" in message
    rng = np.random.default_rng()
    unseeded = [_kfold(n, k, int(rng.integers(10**9))) for n, k, _ in (c.args for c in cases)]
    assert not question.together(unseeded, cases)[0]


def test_kfold_seed_is_checked_by_check_too():
    """check() runs the visible cases together: a seedless answer fails in the notebook, not only at grading."""
    namespace = {"kfold_indices": lambda n, k, seed: _kfold(n, k, 0)}
    check = make_checker("10_regularization", namespace)
    with pytest.raises(CheckFailed, match="seed"):
        check("q5")
    namespace["kfold_indices"] = _kfold
    check("q5")


# ------------------------------------------------------------------ hints by kind of failure
def test_failure_kind():
    assert feedback.failure_kind("case 1: 3 of 4 values differ; your output contains NaN") == "nonfinite"
    assert feedback.failure_kind("case 1: 1 of 2 values differ\nhint: np.exp overflowed: …") == "nonfinite"
    assert feedback.failure_kind("case 2: expected shape (3,), got shape (3, 1)") == "shape"
    assert feedback.failure_kind("case 1 raised ValueError: boom") == "error"
    assert feedback.failure_kind("case 1: 2 of 2 values differ; largest absolute error 3") == "values"


def test_rbm_free_energy_hint_follows_the_failure():
    question = _question("11_classic_networks", "q7")
    sign_error = "hidden case 3: 4 of 10 values differ; largest absolute error 12.5, largest relative error 2"
    overflow = sign_error + "\nhint: np.exp overflowed: use a numerically stable form"
    assert "overflow" not in feedback.pick_hint(question, sign_error)
    assert "sign" in feedback.pick_hint(question, sign_error)
    assert "overflow" in feedback.pick_hint(question, overflow)


def test_check_shows_the_hint_of_the_failure_kind():
    def wrong_sign(V, W, b, c):
        return V @ b + np.logaddexp(0, V @ W.T + c).sum(axis=1)

    check = make_checker("11_classic_networks", {"rbm_free_energy": wrong_sign})
    with pytest.raises(CheckFailed) as info:
        check("q7")
    assert "sign" in str(info.value) and "overflow" not in str(info.value)


# ------------------------------------------------------------------ wording
def test_changed_inputs_are_named_by_parameter():
    def step(theta, v, grads):
        theta += 1.0
        grads[0] *= 2
        return theta

    entry = run_case(step, (np.zeros(2), np.zeros(2), [np.ones(2)]), {})
    assert entry["modified"] == ["theta", "grads[0]"]
    text = feedback.changed_input(["`theta`", "`grads`[0]"])
    assert "argument" not in text
    from course_check.protocol import changed_text
    assert "`theta`" in changed_text(entry["modified"]) and "argument 1" not in changed_text(entry["modified"])


def test_no_negative_zero_anywhere():
    assert no_negative_zero("expected -0, got 1; [-0., 2.] -0.000 -0.5 1e-05 -0.01") == \
        "expected 0, got 1; [0., 2.] 0.000 -0.5 1e-05 -0.01"
    q = Question("q", "t", "f", 1, lambda: [Case(())], reference=lambda: np.array([-0.0, 1.0]), atol=0, rtol=0)
    message = judge_case(np.array([1.0, 1.0]), np.array([-0.0, 1.0]), Case(()), q)
    assert "-0" not in message and "expected 0, got 1" in message
    assert "-0" not in describe_inputs(Case((np.array([-0.0, 1.0]), -0.0)))


def test_arrays_print_on_one_line_without_broken_numbers():
    nested = np.random.default_rng(0).normal(size=(3, 4)) * 1e3
    text = show(nested)
    assert "\n" not in text and text.startswith("[[") and text.count("], [") == 2
    for piece in text.replace("[", "").replace("]", "").split(", "):
        float(piece)   # every number whole
    short = describe_inputs(Case((np.array([[1.0, -2.0], [3.0, 4.5]]),)))
    assert short == "([[1., -2.], [3., 4.5]])"


# ------------------------------------------------------------------ question-set versions
def test_every_question_set_has_a_version_in_key_and_notebook():
    import json
    from pathlib import Path

    from grader.questions import version

    root = Path(__file__).resolve().parents[2]
    changelog = (root / "docs" / "question-changes.md").read_text(encoding="utf-8")
    for stem in QUESTIONS:
        assert version(stem)
        for folder in ("exercises", "solutions"):
            nb = json.loads((root / folder / f"{stem}_practice.ipynb").read_text(encoding="utf-8"))
            assert nb["metadata"]["companion"]["question_set"] == version(stem), (folder, stem)
        if version(stem) != "1":
            assert f"## Version {version(stem)}" in changelog and stem in changelog


def test_a_submission_from_another_version_is_graded_with_a_warning():
    from grader.questions import version
    from grader.runner import question_set_warning

    stem = "10_regularization"
    current = {"metadata": {"companion": {"chapter": stem, "question_set": version(stem)}}}
    old = {"metadata": {"companion": {"chapter": stem, "question_set": "1"}}}
    assert question_set_warning(current, stem, QUESTIONS) == ""
    warning = question_set_warning(old, stem, QUESTIONS)
    assert "version 1" in warning and f"version {version(stem)}" in warning
    assert "question-changes.md" in warning


def test_rbm_free_energy_must_stay_finite_for_large_weights():
    """The question says so: a hidden case overflows a log(1 + e^z) written as is, and the hint says why."""
    question = _question("11_classic_networks", "q7")
    naive = lambda V, W, b, c: -V @ b - np.log(1 + np.exp(V @ W.T + c)).sum(axis=1)   # noqa: E731
    failed = []
    for case in question.cases():
        with np.errstate(all="ignore"):
            got = naive(*case.args)
        problem = judge_case(got, question.reference(*case.args), case, question)
        if problem:
            failed.append(problem)
    assert failed and all(feedback.failure_kind(p) == "nonfinite" for p in failed)
    assert "overflow" in feedback.pick_hint(question, failed[0])
    assert feedback.failure_kind("expected 1.5, got -inf") == "nonfinite"
    assert feedback.failure_kind("the information is wrong") == "values"


def test_art1_update_has_a_tie_the_lowest_index_wins():
    question = _question("11_classic_networks", "q3")

    def highest_index_wins(x, P, rho, alpha):
        x, P = np.asarray(x), np.array(P, dtype=int)
        overlap = (P & x).sum(axis=1)
        T = np.where(overlap / x.sum() >= rho, overlap / (alpha + P.sum(axis=1)), -np.inf)
        if not np.isfinite(T).any():
            return np.vstack([P, x])
        j = len(T) - 1 - int(np.argmax(T[::-1]))
        P[j] &= x
        return P

    cases = question.cases()
    assert any(judge_case(highest_index_wins(*c.args), question.reference(*c.args), c, question)
               for c in cases)


def test_check_names_the_inputs_by_parameter():
    def momentum_step(theta, v, grad, lr, mu):
        return theta, v          # wrong: no step

    check = make_checker("07_optimizers", {"momentum_step": momentum_step})
    with pytest.raises(CheckFailed) as info:
        check("q1")
    text = str(info.value)
    assert "theta=[1., -2.]" in text and "lr=0.1" in text and "mu=0.9" in text
    assert describe_inputs(Case((np.array([1.0]), 0.5)), names=["w"]) == "(w=[1.], 0.5)"


def test_property_judges_never_print_negative_zero():
    q = Question("q", "t", "f", 1, lambda: [Case(())], judge=lambda out, case: (False, f"got {-0.0:.4f} and -0"))
    assert judge_case(1.0, None, Case(()), q) == "got 0.0000 and 0"


def test_the_grader_names_a_visible_case_inputs_by_parameter(tmp_path):
    """The sandboxed grader reads the parameter names in the learner's process and words feedback with them."""
    import json as _json
    from pathlib import Path

    from grader.runner import grade_notebook

    root = Path(__file__).resolve().parents[2]
    nb = _json.loads((root / "solutions" / "07_optimizers_practice.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q1-answer":
            cell["source"] = "def momentum_step(theta, v, grad, lr, mu):\n    return theta, v\n"
    path = tmp_path / "07_optimizers_practice.ipynb"
    path.write_text(_json.dumps(nb), encoding="utf-8")
    q1 = next(q for q in grade_notebook(path).questions if q.id == "q1")
    assert not q1.passed and "theta=[1., -2.]" in q1.feedback and "mu=0.9" in q1.feedback, q1.feedback
