"""Trusted driver run inside the grading sandbox (one fresh process per question).

Usage (by :mod:`companion.grading.sandbox` only)::

    python -s -P -m companion.grading._driver JOB.json

The driver limits its own resources, drops privileges when started as root, executes the
learner's code cells in a fresh namespace, calls the question's function on every case and
writes what came back (arrays as ``.npy`` files plus a JSON manifest) into its scratch
directory. It never sees reference outputs: the grading process judges the results.
Everything it writes is treated as untrusted by the grading process.
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
import time
import types

# Running as `python -m companion.grading._driver` has already imported the package.
from companion.grading.notebook import strip_magics
from companion.grading.protocol import TimeLimit, encode, error_record, resolve, run_case, short, time_limit, uses

MAX_STREAM = 64 * 1024   # characters of printed output kept per stream


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
        resource.RLIMIT_AS: job["memory_mib"] * mib,
        resource.RLIMIT_CPU: job["cpu_seconds"],
        resource.RLIMIT_FSIZE: job["file_mib"] * mib,
        resource.RLIMIT_CORE: 0,
    }
    if job.get("uid") is not None:
        limits[resource.RLIMIT_NPROC] = job["nproc"]
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # oversized writes fail instead of killing us


def _drop_privileges(job: dict) -> None:
    if job.get("uid") is None:
        return
    os.setgroups([])
    os.setgid(job["gid"])
    os.setuid(job["uid"])


def _status(text: str) -> None:
    """Record what the sandbox is doing, so a timeout can say where it happened."""
    try:
        with open("status.txt", "w") as fh:
            fh.write(text)
    except OSError:
        pass


def _run_cell(index: int, source: str, namespace: dict, seconds: float | None) -> dict | None:
    """Execute one cell (interrupted after ``seconds``); the error record, or None when it ran."""
    _status(f"cell {index}")
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


def _run_cells(cells: list, namespace: dict, cell_seconds: float | None,
               notebook_seconds: float | None) -> list:
    """Run the cells in order; each has ``cell_seconds``, all together ``notebook_seconds``."""
    errors, deadline = [], None if notebook_seconds is None else time.monotonic() + notebook_seconds
    for index, source in cells:
        budget = cell_seconds
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                errors.append({"cell": index, "type": "NotRun", "where": f"<cell {index}>",
                               "message": f"not run: the notebook's {notebook_seconds:g} s were used up"})
                continue
            budget = left if budget is None else min(budget, left)
        error = _run_cell(index, source, namespace, budget)
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


def _call_cases(function, cases: list, calls: set, seconds: float | None) -> tuple[list, list]:
    """Every case in turn, all of them within ``seconds``; cases after a time-out are not run."""
    results, store = [], []
    deadline = None if seconds is None else time.monotonic() + seconds
    for k, (args, kwargs) in enumerate(cases):
        _status(f"case {k + 1}")
        calls.clear()
        left = None if deadline is None else deadline - time.monotonic()
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


def _save(manifest: dict, store: list) -> None:
    import numpy as np

    for i, array in enumerate(store):
        np.save(f"out_{i}.npy", array, allow_pickle=False)
    manifest["arrays"] = len(store)
    with open("manifest.tmp", "w") as fh:
        json.dump(manifest, fh)
    os.replace("manifest.tmp", "manifest.json")


def main(job_path: str) -> None:
    with open(job_path) as fh:
        job = json.load(fh)
    with open(job["cases_file"], "rb") as fh:
        cases = pickle.load(fh)     # written by the trusted grading process
    _limit(job)
    _drop_privileges(job)
    sys.stdout = _CappedStream(os.fdopen(1, "wb", buffering=0, closefd=False))
    sys.stderr = _CappedStream(os.fdopen(2, "wb", buffering=0, closefd=False))
    import numpy as np  # noqa: F401  - imported before learner code, like a notebook kernel

    calls: set = set()
    originals = _install_tripwires(job["forbidden"], calls)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    manifest = {"cell_errors": _run_cells(job["cells"], namespace, job.get("cell_seconds"),
                                          job.get("notebook_seconds"))}
    function = namespace.get(job["function"])
    if function is None:
        manifest["missing"] = True
    elif not callable(function):
        manifest["not_callable"] = type(function).__name__
    else:
        manifest["uses"] = uses(function, originals)
        manifest["cases"], store = _call_cases(function, cases, calls, job.get("case_seconds"))
        _status("saving")
        _save(manifest, store)
        return
    _save(manifest, [])


if __name__ == "__main__":
    main(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)
