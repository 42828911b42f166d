"""Trusted driver run inside the grading sandbox (one sandbox per notebook, one process per question).

Usage (by :mod:`grader.sandbox` only)::

    python -s -P -m grader._driver JOB.json

The job's fields are defined once, in :mod:`grader.job`.

The driver limits its own resources, drops privileges when started as root and executes the
learner's code cells in a fresh namespace, each cell once, in notebook order. When the cells a
question needs have run, it forks: the copy (a fresh process that has seen no other question's
calls) runs the question's own extra cells, calls its function on every case and writes what
came back (arrays as ``.npy`` files plus a JSON manifest) into the question's folder; the driver
waits for it, at most the question's time, and goes on with the next cells. Forking from the
state the cells left means a slow or looping cell costs its time once per notebook, not once per
question, and Python, NumPy and the notebook's imports start once. The driver never sees
reference outputs: the grading process judges the results. Everything it writes is treated as
untrusted by the grading process.
"""
from __future__ import annotations

import builtins
import io
import json
import os
import pickle
import resource
import signal
import sys
import types
from os import _exit, fork as _fork, kill as _kill, waitpid as _waitpid
from time import monotonic as _monotonic, sleep as _sleep

# Running as `python -m grader._driver` has already imported the package.
from grader import guard
from grader.job import Job
from grader.notebook import strip_magics
from course_check.protocol import TimeLimit, encode, error_record, resolve, run_case, short, time_limit, uses

MAX_STREAM = 64 * 1024   # characters of printed output kept per stream
# (the os and time functions above are bound before any learner code can replace them)


class _CappedStream(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and silently drops the rest."""

    def __init__(self, raw, limit: int = MAX_STREAM):
        self._raw, self._left = raw, limit

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        if self._left > 0:
            kept = text[: self._left]
            self._left -= len(kept)
            try:
                self._raw.write(kept.encode("utf-8", "replace"))
                self._raw.flush()
            except OSError:
                self._left = 0
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _limit(job: dict) -> None:
    mib = 1024 * 1024
    limits = {
        resource.RLIMIT_AS: job.memory_mib * mib,
        resource.RLIMIT_CPU: job.cpu_seconds,
        resource.RLIMIT_FSIZE: job.file_mib * mib,
        resource.RLIMIT_CORE: 0,
    }
    if job.uid is not None:
        limits[resource.RLIMIT_NPROC] = job.nproc
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # oversized writes fail instead of killing us


def _drop_privileges(job: dict) -> None:
    if job.uid is None:
        return
    os.setgroups([])
    os.setgid(job.gid)
    os.setuid(job.uid)


def _status(path: str, text: str) -> None:
    """Record what the sandbox is doing, so a timeout can say where it happened."""
    try:
        with open(path, "w") as fh:
            fh.write(text)
    except OSError:
        pass


class _CellClock:
    """Seconds left for the cells of one question (``None``: no limit); only cell time counts."""

    def __init__(self, seconds: float | None):
        self.total, self.used = seconds, 0.0

    def left(self) -> float | None:
        return None if self.total is None else self.total - self.used

    def spend(self, seconds: float) -> None:
        self.used += seconds


def _run_cell(index: int, source: str, namespace: dict, seconds: float | None, status: str) -> dict | None:
    """Execute one cell (interrupted after ``seconds``); the error record, or None when it ran."""
    _status(status, f"cell {index}")
    guard.set_place(index)
    name = f"<cell {index}>"
    try:
        code = compile(strip_magics(source), name, "exec")
    except SyntaxError as exc:
        return {"cell": index, "type": "SyntaxError",
                "message": short(f"{exc.msg} (line {exc.lineno})"), "where": name}
    try:
        with time_limit(seconds):
            exec(code, namespace)
    except TimeLimit:
        return {"cell": index, "type": "TimeLimit", "message": f"stopped after {seconds:g} s", "where": name}
    except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
        return {"cell": index, **error_record(exc)}
    return None


def _run_cells(cells: list, namespace: dict, cell_seconds: float | None, clock: _CellClock,
               status: str) -> list:
    """Run the cells in order; each has ``cell_seconds``, all of a question's together the clock's."""
    errors = []
    for index, source in cells:
        budget, left = cell_seconds, clock.left()
        if left is not None:
            if left <= 0:
                errors.append({"cell": index, "type": "NotRun", "where": f"<cell {index}>",
                               "message": f"not run: the notebook's {clock.total:g} s were used up"})
                continue
            budget = left if budget is None else min(budget, left)
        start = _monotonic()
        error = _run_cell(index, source, namespace, budget, status)
        clock.spend(_monotonic() - start)
        if error:
            errors.append(error)
    return errors


class _Tripwire:
    """Wraps a forbidden function: behaves the same, but remembers that it was called."""

    def __init__(self, original, calls: set, name: str):
        self.__wrapped__, self._calls, self._name = original, calls, name

    def __call__(self, *args, **kwargs):
        if sys._getframe(1).f_code.co_filename.startswith("<cell"):   # called by learner code
            self._calls.add(self._name)
        return self.__wrapped__(*args, **kwargs)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return lambda *a, **k: self(instance, *a, **k)


def _install_tripwires(forbidden: list, calls: set) -> dict:
    originals = {}
    for dotted in forbidden:
        try:
            owner = resolve(dotted.rsplit(".", 1)[0])
            leaf = dotted.rsplit(".", 1)[1]
            original = getattr(owner, leaf)
            originals[dotted] = original
            if not isinstance(original, types.FunctionType):
                continue                     # classes are found by the code and source checks
            setattr(owner, leaf, _Tripwire(original, calls, dotted))
        except Exception:  # noqa: BLE001 - a forbidden name that does not resolve is skipped
            continue
    return originals


def _parameters(function) -> list:
    """The function's positional parameter names, for feedback that names the inputs."""
    import inspect

    try:
        return [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:20]
    except Exception:  # noqa: BLE001 - any object may stand in for a function
        return []


def _call_cases(function, cases: list, calls: set, seconds: float | None, status: str) -> tuple[list, list]:
    """Every case in turn, all of them within ``seconds``; cases after a time-out are not run."""
    results, store = [], []
    deadline = None if seconds is None else _monotonic() + seconds
    for k, (args, kwargs) in enumerate(cases):
        _status(status, f"case {k + 1}")
        calls.clear()
        left = None if deadline is None else deadline - _monotonic()
        if left is not None and left <= 0:
            entry = {"ok": False, "error": {"type": "NotRun", "message": "time used up", "where": ""},
                     "warnings": []}
        else:
            entry = run_case(function, args, kwargs, left)
        if entry["ok"]:
            entry["value"] = encode(entry["value"], store)
        entry["forbidden_calls"] = sorted(calls)
        results.append(entry)
    return results, store


def _save(folder: str, manifest: dict, store: list) -> None:
    import numpy as np

    for i, array in enumerate(store):
        np.save(os.path.join(folder, f"out_{i}.npy"), array, allow_pickle=False)
    manifest["arrays"] = len(store)
    with open(os.path.join(folder, "manifest.tmp"), "w") as fh:
        json.dump(manifest, fh)
    os.replace(os.path.join(folder, "manifest.tmp"), os.path.join(folder, "manifest.json"))


def _answer(question: dict, cells: list, namespace: dict, errors: list, clock: _CellClock,
            calls: set, originals: dict, cell_seconds: float | None) -> None:
    """In the question's own process: its extra cells, then its function on every case."""
    folder = question.folder
    status = os.path.join(folder, "status.txt")
    guard.set_place(None, own=True)       # from here on, whatever reaches the key is this question's
    extra = [cells[p] for p in question.extra]
    errors = errors + _run_cells(extra, namespace, cell_seconds, clock, status)
    manifest, store = {"cell_errors": errors}, []
    function = namespace.get(question.function)
    if function is None:
        manifest["missing"] = True
    elif not callable(function):
        manifest["not_callable"] = type(function).__name__
    else:
        manifest["uses"] = uses(function, {k: v for k, v in originals.items() if k in question.forbidden})
        manifest["parameters"] = _parameters(function)
        guard.set_place(None)
        manifest["cases"], store = _call_cases(function, question.cases, calls,
                                               question.case_seconds, status)
        _status(status, "saving")
    manifest["key_access"] = list(guard.HITS)
    _save(folder, manifest, store)


def _wait(pid: int, seconds: float | None) -> tuple[int, bool]:
    """(return code, whether it was killed for time) of the question's process."""
    end = None if seconds is None else _monotonic() + seconds
    while True:
        done, status = _waitpid(pid, os.WNOHANG)
        if done:
            break
        if end is not None and _monotonic() > end:
            _kill(pid, signal.SIGKILL)
            _, status = _waitpid(pid, 0)
            return -signal.SIGKILL, True
        _sleep(0.002)
    return (-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)), False


def _fork_question(question: dict, job: dict, namespace: dict, errors: list, clock: _CellClock,
                   calls: set, originals: dict) -> None:
    """Answer ``question`` in a forked copy of this process and wait for it (at most its time).

    The copy starts from the state the cells left, so the question runs in a fresh process that
    never saw another question's calls, while the cells before it ran only once.
    """
    folder = question.folder
    os.mkdir(folder, 0o700)
    pid = _fork()
    if pid == 0:       # the copy spends its own copy of the clock on its extra cells
        try:
            _answer(question, job.cells, namespace, errors, clock, calls, originals,
                    job.cell_seconds)
        except BaseException:  # noqa: BLE001 - nothing may escape into the driver's loop
            pass
        finally:
            sys.stdout.flush()
            _exit(0)
    seconds = question.case_seconds
    if seconds is not None:
        extra = clock.left() if question.extra else 0.0
        seconds += job.save_seconds + (len(question.extra) * (job.cell_seconds or 0.0)
                                   if extra is None else max(extra, 0.0))
    code, timed_out = _wait(pid, seconds)
    with open(os.path.join(folder, "ended.json"), "w") as fh:
        json.dump({"returncode": code, "timed_out": timed_out}, fh)


def main(job_path: str) -> None:
    with open(job_path) as fh:
        job = Job.loads(fh.read())
    # absolute paths from here on, since learner code may chdir (the cwd's own path may not resolve
    # inside the sandbox's mount namespace, the job file's does)
    work = os.path.join(os.path.dirname(os.path.abspath(job_path)), "work")
    questions = job.questions
    for k, question in enumerate(questions):
        with open(os.path.join(work, question.cases_file), "rb") as fh:
            question.cases = pickle.load(fh)     # written by the trusted grading process
        question.folder = os.path.join(work, question.name)
    _limit(job)
    _drop_privileges(job)
    sys.stdout = _CappedStream(os.fdopen(1, "wb", buffering=0, closefd=False))
    sys.stderr = _CappedStream(os.fdopen(2, "wb", buffering=0, closefd=False))
    import numpy as np  # noqa: F401  - imported before learner code, like a notebook kernel

    calls: set = set()
    originals = _install_tripwires(sorted({f for q in questions for f in q.forbidden}), calls)
    guard.install(job.key_dirs, job.key_modules)      # the last trusted step before learner code
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    cells, status = job.cells, os.path.join(work, "status.txt")
    clock, errors, ran = _CellClock(job.notebook_seconds), [], 0
    for question in sorted(questions, key=lambda q: q.prefix):
        errors += _run_cells(cells[ran:question.prefix], namespace, job.cell_seconds, clock, status)
        ran = max(ran, question.prefix)
        _status(status, f"waiting for {question.function}()")
        _fork_question(question, job, namespace, errors, clock, calls, originals)


if __name__ == "__main__":
    main(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)
