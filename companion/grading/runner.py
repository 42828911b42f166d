"""Grade a learner's notebook question by question: sandboxed run, judged here."""
from __future__ import annotations

import copy
import hashlib
import os
import signal
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from companion.grading import notebook as nbmod
from companion.grading.judge import forbidden_in_source, judge_case, modified_text, warning_hints
from companion.grading.sandbox import MEMORY_MIB, SandboxResult, run_in_sandbox
from companion.grading.spec import Case, Question

__all__ = ["QuestionResult", "NotebookResult", "grade_notebook", "grade_question", "file_hash",
           "collect_notebooks", "decode"]

MAX_FEEDBACK = 1500


@dataclass
class QuestionResult:
    """The grade of one question (the ``questions`` entries of the JSON report)."""

    id: str
    title: str
    function: str
    score: float
    max_score: float
    passed: bool
    feedback: str

    def to_json(self) -> dict:
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "passed": self.passed, "feedback": self.feedback}


@dataclass
class NotebookResult:
    """The grade of one notebook (one object of the JSON report)."""

    notebook: str
    chapter: str | None
    questions: list[QuestionResult] = field(default_factory=list)
    error: str = ""
    sha256: str = ""

    @property
    def score(self) -> float:
        return float(sum(q.score for q in self.questions))

    @property
    def max_score(self) -> float:
        return float(sum(q.max_score for q in self.questions))

    def to_json(self) -> dict:
        return {"notebook": self.notebook, "score": self.score, "max_score": self.max_score,
                "questions": [q.to_json() for q in self.questions]}


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies an already graded submission)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _default_table() -> dict[str, list[Question]]:
    from companion.grading.questions import QUESTIONS
    return QUESTIONS


def grade_notebook(path: str | Path, timeout: float | None = None,
                   questions: dict[str, list[Question]] | None = None,
                   workers: int = 2) -> NotebookResult:
    """Grade one notebook; never raises for problems of the submission itself.

    Parameters
    ----------
    path : str or Path
        The learner's ``.ipynb``.
    timeout : float, optional
        Wall-clock seconds per question; default: each question's own ``timeout``.
    questions : dict, optional
        Notebook stem -> questions; default :data:`companion.grading.questions.QUESTIONS`.
    workers : int
        Questions sandboxed at the same time.
    """
    table = _default_table() if questions is None else questions
    path = Path(path)
    result = NotebookResult(notebook=str(path), chapter=None)
    try:
        result.sha256 = file_hash(path)
        nb = nbmod.read_notebook(path)
    except (OSError, nbmod.NotebookError) as exc:
        result.error = str(exc)
        result.chapter = nbmod.chapter_of({}, path, list(table))
        result.questions = [_zero(q, f"not graded: {exc}") for q in table.get(result.chapter, [])]
        return result
    result.chapter = nbmod.chapter_of(nb, path, list(table))
    if result.chapter is None:
        result.error = (f"no questions are defined for {path.name}: name it like one of "
                        f"{', '.join(sorted(table))} (or set metadata.companion.chapter)")
        return result
    cells = nbmod.code_cells_to_run(nb)
    trees = nbmod.parse_cells([source for _, source in cells])
    jobs = table[result.chapter]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1))) as pool:
        futures = [pool.submit(grade_question, path, cells, trees, q, timeout) for q in jobs]
        result.questions = [f.result() for f in futures]
    return result


def _zero(question: Question, feedback: str) -> QuestionResult:
    return QuestionResult(question.id, question.title, question.function, 0.0,
                          float(question.points), False, feedback[:MAX_FEEDBACK])


def _expected(question: Question, cases: list[Case]) -> list:
    if question.reference is None:
        return [None] * len(cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [question.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]


def grade_question(path: Path, cells: list, trees: list, question: Question,
                   timeout: float | None = None) -> QuestionResult:
    """Run one question in the sandbox and judge what came back."""
    limit = float(timeout if timeout is not None else question.timeout)
    try:
        cases = question.cases()
        expected = _expected(question, cases)
        run = run_in_sandbox(path, cells, question.function, [(c.args, c.kwargs) for c in cases],
                             timeout=limit, forbidden=question.forbidden)
    except Exception as exc:  # noqa: BLE001 - a fault of the question specification, not the learner
        return _zero(question, f"this question could not be graded ({type(exc).__name__}: {exc}); "
                               f"please tell the course maintainers")
    try:
        feedback, passed = _judge_run(run, question, cases, expected, trees, limit)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        feedback, passed = f"the sandbox returned malformed results ({type(exc).__name__})", False
    score = float(question.points) if passed else 0.0
    return QuestionResult(question.id, question.title, question.function, score,
                          float(question.points), passed, feedback[:MAX_FEEDBACK])


def _where(run: SandboxResult, function: str) -> str:
    where = run.where.strip()
    if where.startswith("case"):
        return f"in {function}() ({where})"
    if where.startswith("cell"):
        return f"while running {where} of the notebook, before {function}() was called"
    return f"while starting or finishing the run of {function}()"


def _sandbox_failure(run: SandboxResult, function: str, limit: float) -> str:
    place = _where(run, function)
    if run.status == "timeout":
        return f"{limit:g} s time limit exceeded {place}"
    if run.status == "cpu":
        return f"CPU time limit ({int(limit) + 1} s) exceeded {place}"
    rc = run.returncode or 0
    if rc < 0 or rc > 128:
        number = -rc if rc < 0 else rc - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        memory = " (often: the memory limit)" if name in ("SIGKILL", "SIGSEGV") else ""
        return f"the run was stopped by {name}{memory} {place}"
    return f"your code ended the process (exit status {rc}) {place}; don't call exit() in a notebook"


def _judge_run(run: SandboxResult, question: Question, cases: list[Case], expected: list,
               trees: list, limit: float) -> tuple[str, bool]:
    fn = question.function
    if run.status != "ok":
        return _with_hint(_sandbox_failure(run, fn, limit), question), False
    manifest = run.manifest
    if manifest.get("missing"):
        return _missing(fn, manifest.get("cell_errors", [])), False
    if manifest.get("not_callable"):
        return f"{fn} is a {str(manifest['not_callable'])[:60]}, not a function", False
    entries = manifest["cases"]
    if not isinstance(entries, list) or len(entries) != len(cases):
        return "the sandbox returned malformed results", False
    used = set(forbidden_in_source(trees, fn, question.forbidden))
    used |= {str(u) for u in manifest.get("uses", []) if str(u) in question.forbidden}
    for entry in entries:
        used |= {str(u) for u in entry.get("forbidden_calls", []) if str(u) in question.forbidden}
    if used:
        return _forbidden_text(fn, sorted(used)), False
    problems, messages = [], []
    for k, (entry, case, exp) in enumerate(zip(entries, cases, expected)):
        messages += [str(w)[:300] for w in entry.get("warnings", [])][:10]
        problem = _case_problem(entry, case, exp, question, run, k)
        if problem:
            problems.append(problem)
    hints = warning_hints(messages)
    if problems and all(p == "not implemented yet" for p in problems):
        return "not implemented yet", False
    if problems:
        text = problems[0] if len(problems) == 1 else \
            f"{len(problems)} of {len(cases)} cases failed; first: {problems[0]}"
        return _with_hint("\n".join([text, *hints]), question), False
    return "\n".join([f"all {len(cases)} cases passed", *hints]), True


def _missing(fn: str, cell_errors: list) -> str:
    lines = [f"function {fn}() is not defined: write it in the answer cell (keep its name)"]
    for err in cell_errors[:3]:
        if isinstance(err, dict):
            lines.append(f"cell {err.get('cell')} raised {str(err.get('type'))[:40]}: "
                         f"{str(err.get('message'))[:200]}")
    return "\n".join(lines)


def _forbidden_text(fn: str, names: list[str]) -> str:
    return (f"no points: {fn}() uses {', '.join(names)}, the course library's own version of "
            f"what this question asks you to write. Write it yourself with NumPy.")


def _with_hint(text: str, question: Question) -> str:
    return f"{text}\nhint: {question.hint}" if question.hint else text


def _case_problem(entry: dict, case: Case, exp, question: Question, run: SandboxResult,
                  k: int) -> str | None:
    label = f"hidden case {k + 1}" if case.hidden else f"case {k + 1}"
    if not entry.get("ok"):
        err = entry.get("error", {})
        kind, message = str(err.get("type"))[:60], str(err.get("message"))[:300]
        if kind == "NotImplementedError":
            return "not implemented yet"
        if kind == "MemoryError":
            return f"the {MEMORY_MIB // 1024} GiB memory limit was exceeded in {question.function}() ({label})"
        where = f" at {err['where']}" if err.get("where") else ""
        return f"{label} raised {kind}: {message}{where}"
    got = decode(entry.get("value"), run.arrays)
    problem = modified_text(entry.get("modified") or []) or judge_case(got, exp, case, question)
    if problem is None:
        return None
    if not case.hidden:
        from companion.grading.judge import describe_inputs
        return f"{label} {describe_inputs(case)}: {problem}"
    return f"{label}: {problem}"


class Opaque:
    """Stands for an output the sandbox could not send back (e.g. an arbitrary object)."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


def decode(node, arrays: list, depth: int = 0):
    """Rebuild an output from the child's JSON tree and its arrays (no code is run)."""
    if not isinstance(node, dict) or depth > 8:
        return Opaque("unreadable")
    kind = node.get("t")
    if kind == "none":
        return None
    if kind == "array":
        array = arrays[int(node["i"])]
        if array is None:
            return Opaque("unreadable array")
        py = node.get("py")
        if py in ("float", "int", "bool", "complex") and array.shape == ():
            return array.item()
        return array if py == "ndarray" else array[()]
    if kind == "seq":
        items = [decode(v, arrays, depth + 1) for v in node.get("items", [])]
        return tuple(items) if node.get("kind") == "tuple" else items
    if kind == "dict":
        return {str(k): decode(v, arrays, depth + 1) for k, v in dict(node.get("items", {})).items()}
    if kind == "str":
        return str(node.get("v", ""))
    return Opaque(str(node.get("type", "unknown"))[:60])


def collect_notebooks(paths: list[str | Path]) -> list[Path]:
    """Every .ipynb named or found (sorted, recursively) under the named folders."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        else:
            found.append(p)
    seen, unique = set(), []
    for p in found:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
