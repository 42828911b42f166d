"""Grade a learner's notebook question by question: sandboxed run, judged here.

Time rule (what one slow or looping cell costs). A question needs the notebook's code cells from
the top down to the cell that defines its function (later cells only when they define a name the
answer uses), so demo cells after an answer never cost that answer. Each cell is interrupted
after ``cell_timeout`` seconds, like Jupyter's interrupt, and the next cell runs; the cells one
question needs get ``notebook_timeout`` seconds together. The calls of the question's function
then get the question's own ``timeout`` (all cases together); cases that passed before a
time-out keep their credit under partial credit.

One sandbox per notebook runs each cell once, top down, and answers each question in a process
forked from it as soon as the question's cells have run (:func:`run_notebook_in_sandbox`): every
question still starts from a state no other question's calls have touched, and a slow cell costs
its time once for the notebook, not once per question.

Feedback is worded in English and rendered in the submission's language at the end
(:func:`grader.results.localize`): a notebook marked ``metadata.companion.language == "zh"`` gets
Chinese feedback, graded against the same key with the same scores.
"""
from __future__ import annotations

import copy
import hashlib
import os
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

from grader import notebook as nbmod
from course_check import feedback, i18n
from course_check.judge import (describe_inputs, forbidden_in_source, judge_case, modified_text,
                                     precision_note, warning_hints)
from course_check.protocol import Opaque, decode
from grader.results import NotebookResult, QuestionResult, localize
from grader import limits, secret
from grader.limits import CELL_SECONDS, MEMORY_MIB, NOTEBOOK_SECONDS, STARTUP_SECONDS
from grader.sandbox import SandboxQuestion, SandboxResult, run_notebook_in_sandbox
from course_check.spec import Case, Question

__all__ = ["QuestionResult", "NotebookResult", "grade_notebook", "file_hash",
           "collect_notebooks", "submit_notebook", "decode", "Opaque", "CELL_SECONDS", "NOTEBOOK_SECONDS"]

MAX_FEEDBACK = 1500


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies an already graded submission)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _default_table() -> dict[str, list[Question]]:
    from grader.questions import QUESTIONS
    return QUESTIONS


def _open(path: Path, table: dict, assignment: str | None) -> tuple[NotebookResult, dict | None]:
    """Read the notebook and find its question set; the result carries the error when that fails."""
    result = NotebookResult(notebook=str(path), chapter=None)
    result.language = i18n.language_of_file(path)
    try:
        result.sha256 = file_hash(path)
        nb = nbmod.read_notebook(path)
    except (OSError, nbmod.NotebookError) as exc:
        result.error = str(exc)
        result.chapter = assignment or nbmod.chapter_of({}, path, list(table))
        result.questions = [_zero(q, f"not graded: {exc}") for q in table.get(result.chapter, [])]
        return result, None
    result.chapter = assignment or nbmod.chapter_of(nb, path, list(table))
    warning = question_set_warning(nb, result.chapter, table)
    if warning:
        result.warnings.append(warning)
    if result.chapter is None:
        result.error = (f"no questions are defined for {path.name}: name it like one of "
                        f"{', '.join(sorted(table))}, set metadata.companion.chapter, or grade it "
                        f"with --assignment NN")
        return result, None
    return result, nb


def question_set_warning(nb: dict, chapter: str | None, table) -> str:
    """A warning when the submission was made from another version of the question set ('' otherwise)."""
    from grader.questions import QUESTIONS, version

    if not chapter or table is not QUESTIONS:
        return ""
    companion = (nb.get("metadata") or {}).get("companion") or {}
    made_from = str(companion.get("question_set", "1")) if isinstance(companion, dict) else "1"
    current = version(chapter)
    if not current or made_from == current:
        return ""
    return (f"this notebook was made from version {made_from} of the {chapter} questions; it is graded with "
            f"version {current} (see docs/question-changes.md for what changed)")


def grade_notebook(path: str | Path, timeout: float | None = None,
                   questions: dict[str, list[Question]] | None = None, workers: int = 2, *,
                   assignment: str | None = None, cell_timeout: float | None = CELL_SECONDS,
                   notebook_timeout: float | None = NOTEBOOK_SECONDS,
                   executor: Executor | None = None) -> NotebookResult:
    """Grade one notebook; never raises for problems of the submission itself.

    Parameters
    ----------
    path : str or Path
        The learner's ``.ipynb``.
    timeout : float, optional
        Seconds for calling a question's function on all its cases; default: each question's own
        ``timeout``.
    questions : dict, optional
        Notebook stem -> questions; default :data:`grader.questions.QUESTIONS`.
    workers : int
        Kept for compatibility and ignored: all of a notebook's questions share one sandbox.
    assignment : str, optional
        Question set to use (a key of ``questions``), for a file whose name does not say it.
    cell_timeout, notebook_timeout : float, optional
        Seconds per cell and for all the cells a question needs (see the module docstring).
    executor : Executor, optional
        Where the questions run (shared by a whole class with ``--jobs``).
    """
    futures = submit_notebook(path, timeout, questions, assignment=assignment, cell_timeout=cell_timeout,
                              notebook_timeout=notebook_timeout, executor=executor, workers=workers)
    return futures()


def submit_notebook(path: str | Path, timeout: float | None = None,
                    questions: Mapping[str, list[Question]] | None = None, *, assignment: str | None = None,
                    cell_timeout: float | None = CELL_SECONDS, notebook_timeout: float | None = NOTEBOOK_SECONDS,
                    executor: Executor | None = None, workers: int = 2) -> Callable[[], NotebookResult]:
    """Start grading a notebook's questions on ``executor`` (parameters as :func:`grade_notebook`).

    Returns a function that waits for the questions and gives the :class:`NotebookResult`; a
    notebook that cannot be graded (unreadable, unknown assignment) is ready at once.
    """
    table = _default_table() if questions is None else questions
    path = Path(path)
    if assignment is not None and assignment not in table:
        matches = [k for k in table if k.startswith(str(assignment))]
        assignment = matches[0] if len(matches) == 1 else assignment
    result, nb = _open(path, table, assignment)
    if nb is None or result.chapter not in table:
        if nb is not None:
            result.error = f"no questions are defined for assignment {result.chapter!r}"
        return lambda: localize(result, result.language)
    trees = nbmod.parse_cells([source for _, source in nbmod.code_cells_to_run(nb)])
    own = executor is None
    pool = ThreadPoolExecutor(max_workers=1) if own else executor
    # planned once per notebook (parsing its cells), before its sandbox is queued
    cells = nbmod.code_cells_to_run(nb)
    plans = [_plan(nb, q, cells) for q in table[result.chapter]]
    owners = nbmod.cell_owners(nb, table[result.chapter])
    future = pool.submit(_grade_questions, path, cells, plans, trees, table[result.chapter], timeout,
                         cell_timeout, notebook_timeout, owners)

    def wait() -> NotebookResult:
        try:
            result.questions = future.result()
        finally:
            if own:
                pool.shutdown()
        return localize(result, result.language)
    return wait


def _plan(nb: dict, question: Question, cells: list) -> tuple[int, tuple[int, ...]]:
    """(cells to run before the question, positions of later cells only it needs)."""
    position = {index: k for k, (index, _) in enumerate(cells)}
    chosen = [position[index] for index, _ in nbmod.cells_for_question(nb, question.function, question.id)]
    prefix = 0
    while prefix < len(chosen) and chosen[prefix] == prefix:
        prefix += 1
    return prefix, tuple(chosen[prefix:])


def _grade_questions(path: Path, cells: list, plans: list, trees: list, questions: list[Question],
                     timeout: float | None, cell_timeout: float | None,
                     notebook_timeout: float | None, owners: dict | None = None) -> list[QuestionResult]:
    """Every question of one notebook: one sandboxed run of its cells, each question judged here."""
    limited = cell_timeout is not None or notebook_timeout is not None
    results: dict[int, QuestionResult] = {}
    planned = []
    for k, question in enumerate(questions):
        limit = limits.question_seconds(question, timeout)
        try:
            cases = secret.cases_of(question)
            expected = _expected(question, cases)
        except Exception as exc:  # noqa: BLE001 - a fault of the question specification, not the learner
            results[k] = _spec_fault(question, exc)
            continue
        prefix, extra = plans[k]
        planned.append((k, question, cases, expected, limit,
                        SandboxQuestion(question.function, [(c.args, c.kwargs) for c in cases],
                                        limit if limited else None, tuple(question.forbidden), prefix, extra)))
    wall = None if limited else sum(item[4] for item in planned) + STARTUP_SECONDS
    try:
        runs = run_notebook_in_sandbox(path, cells, [item[5] for item in planned], cell_timeout,
                                       notebook_timeout, wall=wall) if planned else []
    except Exception as exc:  # noqa: BLE001 - the sandbox could not start: no question can be graded
        runs = None
        for k, question, *_ in planned:
            results[k] = _spec_fault(question, exc)
    for (k, question, cases, expected, limit, job), run in zip(planned, runs or []):
        needed = {cells[p][0] for p in [*range(job.prefix), *job.extra]}
        access = _key_access(run, question, needed, owners or {})
        results[k] = (_zero(question, feedback.key_access(question.function, access)) if access
                      else _judged(run, question, cases, expected, trees, limit))
    return [results[k] for k in range(len(questions))]


def _key_access(run: SandboxResult, question: Question, needed: set, owners: dict) -> list[str]:
    """What of the answer key this question's answer reached for (empty: nothing).

    An attempt is placed in the cell whose code made it (:func:`grader.guard._code_cell`). It
    counts against a question when it happened in the question's own process (its function's
    calls, its extra cells), or in a cell it needs that is its own answer or no question's (set-up
    cells); an attempt in another question's answer cell costs only that question.
    """
    found = []
    for hit in run.manifest.get("key_access", []) if isinstance(run.manifest, dict) else []:
        if not isinstance(hit, dict):
            continue
        cell = hit.get("cell")
        mine = isinstance(cell, int) and cell in needed and question.id in owners.get(cell, {question.id})
        if bool(hit.get("own")) or mine:
            place = f"cell {cell}" if isinstance(cell, int) else f"{question.function}()"
            found.append(f"{str(hit.get('what'))[:120]} in {place}")
    return sorted(set(found))


def _spec_fault(question: Question, exc: Exception) -> QuestionResult:
    return _zero(question, f"this question could not be graded ({type(exc).__name__}: {exc}); "
                           f"please tell the course maintainers")


def _judged(run: SandboxResult, question: Question, cases: list[Case], expected: list, trees: list,
            limit: float) -> QuestionResult:
    try:
        verdict = _judge_run(run, question, cases, expected, trees, limit)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        verdict = (f"the sandbox returned malformed results ({type(exc).__name__})", 0, False)
    feedback, n_passed, hinted = verdict
    return _result(question, feedback, n_passed, len(cases), hinted)


def _zero(question: Question, feedback: str) -> QuestionResult:
    return QuestionResult(question.id, question.title, question.function, 0.0,
                          float(question.points), False, feedback[:MAX_FEEDBACK])


def _expected(question: Question, cases: list[Case]) -> list:
    if question.reference is None:
        return [None] * len(cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [question.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]


def _result(question: Question, feedback_text: str, n_passed: int, n_cases: int, hinted: bool) -> QuestionResult:
    passed = n_cases > 0 and n_passed == n_cases
    points = float(question.points)
    if passed:
        score = points
    elif getattr(question, "partial_credit", False) and n_cases:
        score = round(points * n_passed / n_cases, 2)
    else:
        score = 0.0
    hint = feedback.pick_hint(question, feedback_text) if hinted and not passed else ""
    return QuestionResult(question.id, question.title, question.function, score, points, passed,
                          feedback_text[:MAX_FEEDBACK], hint, n_passed, n_cases)


# ------------------------------------------------------------------ verdicts
def _manifest_problem(manifest: dict, fn: str, n_cases: int) -> str | None:
    """The function is missing, not callable, or the results are malformed (None when usable)."""
    if manifest.get("missing"):
        return feedback.missing_function(fn, manifest.get("cell_errors", []))
    if manifest.get("not_callable"):
        return f"{fn} is a {str(manifest['not_callable'])[:60]}, not a function"
    entries = manifest.get("cases")
    if not isinstance(entries, list) or len(entries) != n_cases:
        return "the sandbox returned malformed results"
    return None


def _forbidden_used(run: SandboxResult, trees: list, question: Question) -> str | None:
    fn = question.function
    used = set(forbidden_in_source(trees, fn, question.forbidden))
    used |= {str(u) for u in run.manifest.get("uses", []) if str(u) in question.forbidden}
    for entry in run.manifest["cases"]:
        used |= {str(u) for u in entry.get("forbidden_calls", []) if str(u) in question.forbidden}
    return feedback.forbidden(fn, sorted(used)) if used else None


def _judge_run(run: SandboxResult, question: Question, cases: list[Case], expected: list,
               trees: list, limit: float) -> tuple[str, int, bool]:
    """(feedback, number of cases passed, whether the question's hint applies)."""
    failure = feedback.sandbox_failure(run.status, run.where, run.returncode, question.function)
    if failure:
        return failure, 0, True
    problem = _manifest_problem(run.manifest, question.function, len(cases))
    if problem:
        return problem, 0, False
    forbidden = _forbidden_used(run, trees, question)
    if forbidden:
        return forbidden, 0, False
    return _case_verdicts(run, question, cases, expected, limit)


def _case_verdicts(run: SandboxResult, question: Question, cases: list[Case], expected: list,
                   limit: float) -> tuple[str, int, bool]:
    problems, messages, notes = [], [], []
    for k, (entry, case, exp) in enumerate(zip(run.manifest["cases"], cases, expected)):
        messages += [str(w)[:300] for w in entry.get("warnings", [])][:10]
        problem, note = _case_problem(entry, case, exp, question, run, k, limit)
        if problem:
            problems.append(problem)
        elif note and note not in notes:
            notes.append(note)
    hints = warning_hints(messages)
    n_passed = len(cases) - len(problems)
    if problems and all(p == feedback.NOT_IMPLEMENTED for p in problems):
        return feedback.NOT_IMPLEMENTED, 0, False
    if not problems and question.together is not None:
        outputs = [decode(entry.get("value"), run.arrays) for entry in run.manifest["cases"]]
        try:
            ok, message = question.together(outputs, cases)
        except Exception as exc:  # noqa: BLE001 - the outputs may be of any (wrong) kind
            ok, message = False, f"the outputs could not be checked together ({type(exc).__name__}: {exc})"
        if not ok:
            problems, n_passed = [f"the cases together: {message}"], 0
    if problems:
        text = problems[0] if len(problems) == 1 and len(cases) == 1 else \
            f"{len(problems)} of {len(cases)} cases failed; first: {problems[0]}"
        if problems[0].startswith("the cases together"):
            text = problems[0]
        return "\n".join([text, *notes, *hints]), n_passed, True
    return "\n".join([f"all {len(cases)} cases passed", *notes, *hints]), n_passed, False


def _case_problem(entry: dict, case: Case, exp, question: Question, run: SandboxResult,
                  k: int, limit: float) -> tuple[str | None, str | None]:
    """(problem or None, note or None) of one case."""
    label = f"hidden case {k + 1}" if case.hidden else f"case {k + 1}"
    if not entry.get("ok"):
        return feedback.case_error(entry.get("error", {}), question.function, label, limit, MEMORY_MIB), None
    got = decode(entry.get("value"), run.arrays)
    problem = modified_text(entry.get("modified") or []) or judge_case(got, exp, case, question)
    if problem is None:
        return None, precision_note(got, exp) if question.reference is not None else None
    if not case.hidden:
        names = [str(n)[:40] for n in run.manifest.get("parameters") or [] if str(n).isidentifier()]
        return f"{label} {describe_inputs(case, names=names)}: {problem}", None
    return f"{label}: {problem}", None


def collect_notebooks(paths: list[str | Path]) -> list[Path]:
    """Every .ipynb named or found (sorted, recursively) under the named folders; each file once."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        else:
            found.append(p)
    seen, unique = set(), []
    for p in found:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
