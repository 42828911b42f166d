"""The in-notebook quick check: ``check("q3")`` right after an answer.

It runs the visible cases of a question in the notebook's own process and compares them with
the same rules as the grader, for immediate feedback. It is NOT tamper-proof (the learner's code
runs in the same process and could change anything): the grade comes from
``python -m companion.grade``, which runs each question in a sandbox.
"""
from __future__ import annotations

import copy
import types
import warnings
from typing import Callable

import numpy as np

from companion.grading.judge import describe_inputs, judge_case, modified_text, warning_hints
from companion.grading.spec import Question

__all__ = ["make_checker"]


def _question(stem: str, qid: str, table: dict[str, list[Question]]) -> Question:
    if stem not in table:
        raise ValueError(f"notebook must be one of {sorted(table)}, got {stem!r}")
    for question in table[stem]:
        if question.id == qid:
            return question
    ids = [q.id for q in table[stem]]
    raise ValueError(f"qid must be one of {ids} for notebook {stem!r}, got {qid!r}")


def _forbidden_used(function, question: Question) -> list[str]:
    from companion.grading._driver import _resolve, _uses

    targets = {}
    for dotted in question.forbidden:
        try:
            targets[dotted] = _resolve(dotted)
        except (ImportError, AttributeError):
            continue
    return _uses(function, targets)


def _changed_arguments(case, args, kwargs) -> list[str]:
    """Positions/names of array arguments that differ from the case's pristine inputs."""
    pairs = [(str(i), a, b) for i, (a, b) in enumerate(zip(case.args, args))]
    pairs += [(k, case.kwargs[k], kwargs[k]) for k in case.kwargs]
    return [k for k, a, b in pairs if isinstance(a, np.ndarray)
            and (np.shape(b) != a.shape or not np.array_equal(a, b, equal_nan=True))]


def _run_case(function, case, question: Question) -> tuple[str | None, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
            with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                got = function(*args, **kwargs)
        except NotImplementedError:
            return "not implemented yet", []
    modified = modified_text(_changed_arguments(case, args, kwargs))
    if modified:
        return modified, []
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    expected = None
    if question.reference is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    return judge_case(got, expected, case, question), messages


def _check(question: Question, namespace: dict) -> None:
    function = namespace.get(question.function)
    if not callable(function):
        raise AssertionError(f"{question.id}: define a function named {question.function}() "
                             f"and run its cell first")
    used = _forbidden_used(function, question) if isinstance(function, types.FunctionType) else []
    if used:
        raise AssertionError(f"{question.id}: {question.function}() uses {', '.join(used)}, the "
                             f"library's own version of what you are asked to write: no points")
    cases = [c for c in question.cases() if not c.hidden]
    messages: list[str] = []
    for k, case in enumerate(cases, 1):
        problem, caught = _run_case(function, case, question)
        messages += caught
        if problem:
            hint = f"\nhint: {question.hint}" if question.hint else ""
            where = "" if problem == "not implemented yet" else f" case {k} {describe_inputs(case)}:"
            raise AssertionError(f"{question.id} {question.title}:{where} {problem}{hint}")
    hints = "".join(f"\n  {h}" for h in warning_hints(messages))
    print(f"{question.id} {question.title}: {len(cases)} visible case(s) passed{hints}")


def make_checker(notebook: str, namespace: dict,
                 questions: dict[str, list[Question]] | None = None) -> Callable[[str], None]:
    """Return ``check(qid)`` for a practice notebook (use ``globals()`` as ``namespace``).

    ``check("q1")`` looks up the function question ``q1`` asks for in ``namespace``, runs the
    visible cases in this process, prints one line when they pass and raises ``AssertionError``
    with the feedback when one fails. This is a quick self-check, NOT tamper-proof; the grade
    comes from ``python -m companion.grade`` (sandboxed, with hidden cases).

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"01_neurons"``.
    namespace : dict
        Where the learner's functions live, normally ``globals()`` of the notebook.
    questions : dict, optional
        Notebook stem -> questions; default :data:`companion.grading.questions.QUESTIONS`.
    """
    if questions is None:
        from companion.grading.questions import QUESTIONS as questions
    if notebook not in questions:
        raise ValueError(f"notebook must be one of {sorted(questions)}, got {notebook!r}")
    table = questions

    def check(qid: str) -> None:
        """Run the visible cases of question ``qid``; raise AssertionError on failure."""
        _check(_question(notebook, qid, table), namespace)

    return check
