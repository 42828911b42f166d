"""The in-notebook quick check: ``check("q3")`` right after an answer.

It runs the visible cases of a question in the notebook's own process and compares them with
the same rules as the grader, for immediate feedback. It is NOT tamper-proof (the learner's code
runs in the same process and could change anything): the grade comes from
``python -m companion.grade``, which runs each question in a sandbox.
"""
from __future__ import annotations

import copy
import os
import types
import warnings
from typing import Callable

from companion.grading.judge import describe_inputs, judge_case, modified_text, warning_hints
from companion.grading.protocol import resolve, run_case, uses
from companion.grading.spec import Question

__all__ = ["make_checker", "CheckFailed", "show_hint"]


def _question(stem: str, qid: str, table: dict[str, list[Question]]) -> Question:
    if stem not in table:
        raise ValueError(f"notebook must be one of {sorted(table)}, got {stem!r}")
    for question in table[stem]:
        if question.id == qid:
            return question
    ids = [q.id for q in table[stem]]
    raise ValueError(f"qid must be one of {ids} for notebook {stem!r}, got {qid!r}")


class CheckFailed(AssertionError):
    """A failed ``check()``: shown in a notebook as its message only (no traceback through the grader)."""

    def _render_traceback_(self) -> list[str]:   # IPython shows these lines instead of a traceback
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


def _forbidden_used(function, question: Question) -> list[str]:
    targets = {}
    for dotted in question.forbidden:
        try:
            targets[dotted] = resolve(dotted)
        except (ImportError, AttributeError):
            continue
    return uses(function, targets)


def _run_case(function, case, question: Question) -> tuple[str | None, list[str]]:
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    entry = run_case(function, args, kwargs)
    if not entry["ok"]:
        err = entry["error"]
        if err["type"] == "NotImplementedError":
            return "not implemented yet", []
        if err["type"] in ("KeyboardInterrupt", "SystemExit"):
            raise KeyboardInterrupt
        return f"raised {err['type']}: {err['message']}", entry["warnings"]
    modified = modified_text(entry["modified"])
    if modified:
        return modified, []
    expected = None
    if question.reference is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    return judge_case(entry["value"], expected, case, question), entry["warnings"]


def _strict() -> bool:
    """Under nbgrader's autograder or validator every failure must raise, or it would score it."""
    return os.environ.get("NBGRADER_EXECUTION", "").lower() in ("autograde", "validate")


def _fail(message: str, attempts: dict, question: Question, hints: str) -> None:
    attempts[question.id] = attempts.get(question.id, 0) + 1
    if question.hint and show_hint(hints, attempts[question.id]):
        message += f"\nhint: {question.hint}"
    raise CheckFailed(message)


def show_hint(policy: str, failed_attempts: int) -> bool:
    """Whether a hints policy (``"on"``, ``"off"``, ``"after-N-attempts"``) shows the hint now."""
    if policy == "on":
        return True
    if policy == "off":
        return False
    n = int(policy.split("-")[1])
    return failed_attempts > n


def _check(question: Question, namespace: dict, attempts: dict, hints: str) -> None:
    function = namespace.get(question.function)
    if not callable(function):
        raise CheckFailed(f"{question.id}: define a function named {question.function}() "
                          f"and run its cell first")
    used = _forbidden_used(function, question) if isinstance(function, types.FunctionType) else []
    if used:
        raise CheckFailed(f"{question.id}: {question.function}() uses {', '.join(used)}, the "
                          f"library's own version of what you are asked to write: no points")
    cases = [c for c in question.cases() if not c.hidden]
    messages: list[str] = []
    for k, case in enumerate(cases, 1):
        problem, caught = _run_case(function, case, question)
        messages += caught
        if problem == "not implemented yet" and not _strict():
            print(f"{question.id} {question.title}: not implemented yet (this check is skipped; "
                  f"the notebook goes on)")
            return
        if problem:
            where = "" if problem == "not implemented yet" else f" case {k} {describe_inputs(case)}:"
            _fail(f"{question.id} {question.title}:{where} {problem}", attempts, question, hints)
    hints_text = "".join(f"\n  {h}" for h in warning_hints(messages))
    print(f"{question.id} {question.title}: {len(cases)} visible case(s) passed{hints_text}")


def make_checker(notebook: str, namespace: dict,
                 questions: dict[str, list[Question]] | None = None,
                 hints: str = "on") -> Callable[[str], None]:
    """Return ``check(qid)`` for a practice notebook (use ``globals()`` as ``namespace``).

    ``check("q1")`` looks up the function question ``q1`` asks for in ``namespace``, runs the
    visible cases in this process, prints one line when they pass and raises
    :class:`CheckFailed` (an ``AssertionError`` that a notebook shows as its message, without a
    traceback) when one fails. An answer that is not written yet (``NotImplementedError``) only
    prints a line, so "Run All" goes on; under nbgrader (``NBGRADER_EXECUTION`` set) it raises
    too, so nbgrader scores it as failed. This is a quick self-check, NOT tamper-proof; the grade
    comes from ``python -m companion.grade`` (sandboxed, with hidden cases).

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"01_neurons"``.
    namespace : dict
        Where the learner's functions live, normally ``globals()`` of the notebook.
    questions : dict, optional
        Notebook stem -> questions; default :data:`companion.grading.questions.QUESTIONS`.
    hints : str
        ``"on"`` (default), ``"off"``, or ``"after-N-attempts"``: the question's hint is shown
        from the (N+1)-th failed check of that question on.
    """
    if hints != "on" and hints != "off" and not _valid_policy(hints):
        raise ValueError(f"hints must be 'on', 'off' or 'after-N-attempts', got {hints!r}")
    attempts: dict[str, int] = {}
    if questions is None:
        from companion.grading.questions import QUESTIONS as questions
    if notebook not in questions:
        raise ValueError(f"notebook must be one of {sorted(questions)}, got {notebook!r}")
    table = questions

    def check(qid: str) -> None:
        """Run the visible cases of question ``qid``; raise AssertionError on failure."""
        _check(_question(notebook, qid, table), namespace, attempts, hints)

    return check


def _valid_policy(text: str) -> bool:
    parts = str(text).split("-")
    return len(parts) == 3 and parts[0] == "after" and parts[1].isdigit() and parts[2] == "attempts"
