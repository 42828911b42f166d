"""The in-notebook quick check: ``check("q3")`` right after an answer.

It runs the visible cases of a question in the notebook's own process and compares them with
the same rules as the grader, for immediate feedback. The expected outputs are data stored with
this package (:mod:`course_check.visible`), so ``check()`` works the same in the learner's edition,
which has no answer key. It is NOT tamper-proof (the learner's code runs in the same process and
could change anything): the grade comes from the instructor's grader (``python -m companion.grade``),
which runs each question in a sandbox, with hidden cases.

A question's hint is shown only after a wrong attempt, never for an answer not written yet.

Everything it prints or raises is in the notebook's language: in a notebook marked
``metadata.companion.language == "zh"`` (the Chinese edition) the English message is rendered in
Chinese by :func:`course_check.i18n.translate`, the same function the grader uses.
"""
from __future__ import annotations

import copy
import os
import types
import warnings
from typing import Callable

from course_check import feedback, i18n
from course_check.judge import describe_inputs, judge_case, modified_text, warning_hints
from course_check.protocol import resolve, run_case, uses
from course_check.spec import Question
from course_check.visible import VisibleQuestion, load, notebooks

__all__ = ["make_checker", "CheckFailed", "show_hint"]


def _question(stem: str, qid: str, questions: list[Question]) -> Question:
    for question in questions:
        if question.id == qid:
            return question
    ids = [q.id for q in questions]
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


def _expected(question: Question, k: int, case):
    if isinstance(question, VisibleQuestion):
        return question.expected[k]
    if question.reference is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def _run_case(function, k: int, case, question: Question) -> tuple[str | None, list[str], object]:
    """(problem or None, warnings, output) of one case."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    entry = run_case(function, args, kwargs)
    if not entry["ok"]:
        err = entry["error"]
        if err["type"] == "NotImplementedError":
            return feedback.NOT_IMPLEMENTED, [], None
        if err["type"] in ("KeyboardInterrupt", "SystemExit"):
            raise KeyboardInterrupt
        return f"raised {err['type']}: {err['message']}", entry["warnings"], None
    modified = modified_text(entry["modified"])
    if modified:
        return modified, [], None
    value = entry["value"]
    return judge_case(value, _expected(question, k, case), case, question), entry["warnings"], value


def _strict() -> bool:
    """Under nbgrader's autograder or validator every failure must raise, or it would score it."""
    return os.environ.get("NBGRADER_EXECUTION", "").lower() in ("autograde", "validate")


def _fail(message: str, attempts: dict, question: Question, hints: str, language: str = "en") -> None:
    """A wrong attempt: counted, and answered with the hint when the policy allows it."""
    attempts[question.id] = attempts.get(question.id, 0) + 1
    hint = feedback.pick_hint(question, message)
    if hint and show_hint(hints, attempts[question.id]):
        message = feedback.with_hint(message, hint)
    raise CheckFailed(i18n.translate(message, language))


def show_hint(policy: str, failed_attempts: int) -> bool:
    """Whether a hints policy (``"on"``, ``"off"``, ``"after-N-attempts"``) shows the hint now."""
    if policy == "on":
        return True
    if policy == "off":
        return False
    n = int(policy.split("-")[1])
    return failed_attempts > n


def _parameters(function) -> list[str]:
    """The learner's positional parameter names (feedback names inputs by them)."""
    import inspect

    try:
        return [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def _check(question: Question, namespace: dict, attempts: dict, hints: str, language: str = "en") -> None:
    say = lambda text: i18n.translate(text, language)   # noqa: E731 - the notebook's language
    function = namespace.get(question.function)
    if not callable(function):
        raise CheckFailed(say(feedback.define_function(question.id, question.function)))
    used = _forbidden_used(function, question) if isinstance(function, types.FunctionType) else []
    if used:
        raise CheckFailed(say(f"{question.id}: " + feedback.forbidden(question.function, used)))
    cases = [c for c in question.cases() if not c.hidden]
    messages: list[str] = []
    outputs: list = []
    for k, case in enumerate(cases):
        problem, caught, value = _run_case(function, k, case, question)
        messages += caught
        if problem == feedback.NOT_IMPLEMENTED:
            if _strict():        # nbgrader scores it as failed; nothing was tried, so no hint
                raise CheckFailed(say(f"{question.id} {question.title}: {feedback.NOT_IMPLEMENTED}"))
            print(say(feedback.not_implemented_line(question.id, question.title)))
            return
        if problem:
            warned = "".join(f"\n  {h}" for h in warning_hints(caught))
            inputs = describe_inputs(case, names=_parameters(function))
            _fail(f"{question.id} {question.title}: case {k + 1} {inputs}: {problem}{warned}",
                  attempts, question, hints, language)
        outputs.append(value)
    together = getattr(question, "together", None)
    if together is not None and outputs:
        ok, message = together(outputs, cases)
        if not ok:
            _fail(f"{question.id} {question.title}: the visible cases together: {message}", attempts, question,
                  hints, language)
    hints_text = "".join(f"\n  {h}" for h in warning_hints(messages))
    note = ("\n  (the grader also checks properties of your answer on more cases)"
            if getattr(question, "property_judged", False) and question.judge is None else "")
    print(say(feedback.passed_line(question.id, question.title, len(cases)) + hints_text + note))


def _with_key_judges(stem: str, questions: list[VisibleQuestion]) -> list[Question]:
    """Where the grading package is installed (the full repository), property checks come from it;
    the learner's edition has none, and ``check()`` compares the stored outputs only. Inside the
    grader's sandbox the key is never touched (its guard would count that against the answers)."""
    import sys

    guarded = getattr(sys.modules.get("grader.guard"), "ACTIVE", False)
    if guarded or not any(q.property_judged for q in questions):
        return questions
    try:
        from grader.questions import QUESTIONS as key
        judges = {q.id: (q.judge, q.together) for q in key[stem]}
    except (ImportError, KeyError):
        return questions
    from dataclasses import replace
    return [replace(q, judge=judges[q.id][0], together=judges[q.id][1])
            if q.property_judged and q.id in judges else q for q in questions]


def make_checker(notebook: str, namespace: dict,
                 questions: dict[str, list[Question]] | None = None,
                 hints: str = "on", language: str | None = None) -> Callable[[str], None]:
    """Return ``check(qid)`` for a practice notebook (use ``globals()`` as ``namespace``).

    ``check("q1")`` looks up the function question ``q1`` asks for in ``namespace``, runs the
    visible cases in this process, prints one line when they pass and raises
    :class:`CheckFailed` (an ``AssertionError`` that a notebook shows as its message, without a
    traceback) when one fails. An answer that is not written yet (``NotImplementedError``) only
    prints a line, so "Run All" goes on; under nbgrader (``NBGRADER_EXECUTION`` set) it raises
    too, so nbgrader scores it as failed. Its messages follow the notebook's language
    (:func:`course_check.i18n.kernel_language`: English or Chinese). This is a quick self-check,
    NOT tamper-proof; the grade comes from the instructor's ``python -m companion.grade``
    (sandboxed, with hidden cases).

    Parameters
    ----------
    notebook : str
        Notebook stem, e.g. ``"01_neurons"``.
    namespace : dict
        Where the learner's functions live, normally ``globals()`` of the notebook.
    questions : dict, optional
        Notebook stem -> questions; default: the visible cases stored with this package
        (:func:`course_check.visible.load`).
    hints : str
        ``"on"`` (default: after every wrong attempt), ``"off"``, or ``"after-N-attempts"``: the
        question's hint is shown from the (N+1)-th wrong attempt at that question on. An answer
        not written yet is not an attempt and never shows a hint.
    language : str, optional
        ``"en"`` or ``"zh"``; default: the language of the notebook this kernel runs.
    """
    if hints != "on" and hints != "off" and not _valid_policy(hints):
        raise ValueError(f"hints must be 'on', 'off' or 'after-N-attempts', got {hints!r}")
    if language is None:
        language = i18n.kernel_language(notebook)
    elif language not in i18n.LANGUAGES:
        raise ValueError(f"language must be one of {list(i18n.LANGUAGES)}, got {language!r}")
    attempts: dict[str, int] = {}
    if questions is None:
        if notebook not in notebooks():
            raise ValueError(f"notebook must be one of {notebooks()}, got {notebook!r}")
        table: list = []       # the stored cases are read at the first check(), not before
    elif notebook not in questions:
        raise ValueError(f"notebook must be one of {sorted(questions)}, got {notebook!r}")
    else:
        table = list(questions[notebook])
    _guard_demo_cells(notebook, table, language)

    def check(qid: str) -> None:
        """Run the visible cases of question ``qid``; raise AssertionError on failure."""
        if questions is None and not table:
            table[:] = _with_key_judges(notebook, load(notebook))
        try:
            question = _question(notebook, qid, table)
        except ValueError as exc:
            raise ValueError(i18n.translate(str(exc), language)) from None
        _check(question, namespace, attempts, hints, language)

    return check


def _guard_demo_cells(notebook: str, table: list, language: str = "en") -> None:
    """In a notebook, a demo cell that needs an unanswered function prints one line (Run All goes on)."""
    import json

    from course_check import demo
    from course_check.visible import DATA

    if table:
        functions = {q.function: q.id for q in table}
    else:
        try:
            spec = json.loads((DATA / f"{notebook}.json").read_text(encoding="utf-8"))
            functions = {q["function"]: q["id"] for q in spec["questions"]}
        except (OSError, ValueError, KeyError):
            functions = {}
    demo.install(functions, language)


def _valid_policy(text: str) -> bool:
    parts = str(text).split("-")
    return len(parts) == 3 and parts[0] == "after" and parts[1].isdigit() and parts[2] == "attempts"
