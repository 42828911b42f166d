"""The wording of feedback a learner reads: one home for the grader's and ``check()``'s messages.

The comparison of outputs words its own findings (:mod:`course_check.judge`); everything else a
learner is told about an answer is written here. Its Chinese rendering is in
:mod:`course_check.i18n`.
"""
from __future__ import annotations

import signal

__all__ = ["NOT_IMPLEMENTED", "not_implemented_line", "passed_line", "define_function", "forbidden", "key_access",
           "missing_function", "case_error", "sandbox_failure", "with_hint", "changed_input",
           "failure_kind", "pick_hint"]

NOT_IMPLEMENTED = "not implemented yet"


def not_implemented_line(qid: str, title: str) -> str:
    """What ``check()`` prints for an answer not written yet (no hint: nothing was tried)."""
    return f"{qid} {title}: {NOT_IMPLEMENTED} (this check is skipped; the notebook goes on)"


def passed_line(qid: str, title: str, n_cases: int) -> str:
    """What ``check()`` prints when a question's visible cases pass."""
    return f"{qid} {title}: {n_cases} visible case(s) passed"


def define_function(qid: str, function: str) -> str:
    return f"{qid}: define a function named {function}() and run its cell first"


def forbidden(function: str, names: list[str]) -> str:
    """An answer that uses the library's own version of what it must write."""
    return (f"no points: {function}() uses {', '.join(names)}, the course library's own version of "
            f"what this question asks you to write. Write it yourself with NumPy.")


def key_access(function: str, attempts: list[str]) -> str:
    """An answer that reached for the answer key (the grading package or its files)."""
    listed = "; ".join(attempts[:3]) + (" …" if len(attempts) > 3 else "")
    return (f"no points: the code behind {function}() reached for the course's answer key "
            f"({listed}). The grader's reference answers and hidden cases are not available to "
            f"submissions; write the answer yourself.")


def failure_kind(text: str) -> str:
    """What kind of failure a feedback text describes, for choosing a hint.

    ``"nonfinite"`` (inf or NaN in the output, or an overflow/invalid-value warning), ``"shape"``,
    ``"dtype"``, ``"error"`` (the call raised or was stopped) or ``"values"`` (wrong numbers).
    """
    import re

    low = text.lower()
    if re.search(r"(?<![a-z])(nan|[-+]?inf|infinity)(?![a-z])", low) or "overflow" in low \
            or "invalid value" in low:
        return "nonfinite"
    if "expected shape" in low or "expected a tuple" in low or " items, got " in low:
        return "shape"
    if "expected floating" in low or "expected integers" in low or "expected booleans" in low \
            or "your result is float" in low:
        return "dtype"
    if " raised " in low or "time limit" in low or "memory limit" in low:
        return "error"
    return "values"


def pick_hint(question, text: str) -> str:
    """The question's hint for the kind of failure ``text`` describes (its general hint otherwise)."""
    specific = dict(getattr(question, "hints", ()) or ())
    return specific.get(failure_kind(text), question.hint)


def with_hint(message: str, hint: str) -> str:
    return f"{message}\nhint: {hint}" if hint else message


def changed_input(labels: list[str]) -> str:
    return (f"your function changed its input in place ({', '.join(labels)}); build a new array instead "
            "(write w = w + … rather than w += …), so the caller's data stays as it was")


def missing_function(fn: str, cell_errors: list) -> str:
    lines = [f"function {fn}() is not defined: write it in the answer cell (keep its name)"]
    for err in cell_errors[:3]:
        if not isinstance(err, dict):
            continue
        kind, message = str(err.get("type"))[:40], str(err.get("message"))[:200]
        if kind == "TimeLimit":
            lines.append(f"cell {err.get('cell')} was interrupted: its time limit was exceeded ({message})")
        elif kind == "NotRun":
            lines.append(f"cell {err.get('cell')} {message}")
        else:
            lines.append(f"cell {err.get('cell')} raised {kind}: {message}")
    return "\n".join(lines)


def case_error(err: dict, function: str, label: str, limit: float, memory_mib: int) -> str:
    """A case whose call raised (or was stopped)."""
    kind, message = str(err.get("type"))[:60], str(err.get("message"))[:300]
    if kind == "NotImplementedError":
        return NOT_IMPLEMENTED
    if kind == "MemoryError":
        return f"the {memory_mib // 1024} GiB memory limit was exceeded in {function}() ({label})"
    if kind == "TimeLimit":
        return f"{limit:g} s time limit exceeded in {function}() ({label})"
    if kind == "NotRun":
        return f"{label} not run: the {limit:g} s for this question were used up by earlier cases"
    where = f" at {err['where']}" if err.get("where") else ""
    return f"{label} raised {kind}: {message}{where}"


def _place(where: str, function: str) -> str:
    where = where.strip()
    if where.startswith("case"):
        return f"in {function}() ({where})"
    if where.startswith("cell"):
        return f"while running {where} of the notebook, before {function}() was called"
    return f"while starting or finishing the run of {function}()"


def sandbox_failure(status: str, where: str, returncode: int | None, function: str) -> str | None:
    """What went wrong with the sandboxed process itself (None when it returned results)."""
    if status == "ok":
        return None
    place = _place(where, function)
    if status == "timeout":
        return f"time limit exceeded {place} (the code did not stop when interrupted)"
    if status == "cpu":
        return f"CPU time limit exceeded {place}"
    rc = returncode or 0
    if rc < 0 or rc > 128:
        number = -rc if rc < 0 else rc - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        memory = " (often: the memory limit)" if name in ("SIGKILL", "SIGSEGV") else ""
        return f"the run was stopped by {name}{memory} {place}"
    return f"your code ended the process (exit status {rc}) {place}; don't call exit() in a notebook"
