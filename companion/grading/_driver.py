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
import traceback
import types
import warnings

# Running as `python -m companion.grading._driver` has already imported the package.
from companion.grading.notebook import strip_magics

MAX_TEXT = 2000          # characters kept of any message
MAX_STREAM = 64 * 1024   # characters of printed output kept per stream
_QUIET = (ResourceWarning, DeprecationWarning, PendingDeprecationWarning, ImportWarning)


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


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …"


def _status(text: str) -> None:
    """Record what the sandbox is doing, so a timeout can say where it happened."""
    try:
        with open("status.txt", "w") as fh:
            fh.write(text)
    except OSError:
        pass


def _error(exc: BaseException, filename_prefix: str = "<cell") -> dict:
    lineno = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.startswith(filename_prefix):
            lineno = (frame.f_code.co_filename, line)
    where = f"{lineno[0]} line {lineno[1]}" if lineno else ""
    return {"type": type(exc).__name__, "message": _short(exc), "where": where}


def _run_cells(cells: list, namespace: dict) -> list:
    errors = []
    for index, source in cells:
        _status(f"cell {index}")
        name = f"<cell {index}>"
        try:
            code = compile(strip_magics(source), name, "exec")
        except SyntaxError as exc:
            errors.append({"cell": index, "type": "SyntaxError",
                           "message": _short(f"{exc.msg} (line {exc.lineno})"), "where": name})
            continue
        try:
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
            errors.append({"cell": index, **_error(exc)})
    return errors


def _resolve(dotted: str):
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


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
            owner = _resolve(dotted.rsplit(".", 1)[0])
            leaf = dotted.rsplit(".", 1)[1]
            original = getattr(owner, leaf)
            originals[dotted] = original
            if not isinstance(original, types.FunctionType):
                continue                     # classes are found by the code and source checks
            setattr(owner, leaf, _Tripwire(original, calls, dotted))
        except Exception:  # noqa: BLE001 - a forbidden name that does not resolve is skipped
            continue
    return originals


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            yield from _code_objects(const)


def _uses(function, targets: dict) -> list:
    """Forbidden names the function (or its nested code) refers to through globals or closures."""
    found = set()
    code = getattr(function, "__code__", None)
    seen = [function, getattr(function, "__wrapped__", None)]
    if code is not None:
        names = set()
        for c in _code_objects(code):
            names.update(c.co_names)
        glob = getattr(function, "__globals__", {})
        values = [glob[n] for n in names if n in glob]
        values += [cell.cell_contents for cell in (function.__closure__ or ())
                   if _has_contents(cell)]
        for value in values:
            seen.append(value)
            for attr in names:
                inner = getattr(value, attr, None) if _safe_attr(value) else None
                seen.append(inner)
                for attr2 in names:
                    seen.append(getattr(inner, attr2, None) if _safe_attr(inner) else None)
    for dotted, target in targets.items():
        if any(item is target or getattr(item, "__wrapped__", None) is target for item in seen):
            found.add(dotted)
    return sorted(found)


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _safe_attr(value) -> bool:
    import types

    return isinstance(value, (types.ModuleType, type))


def _encode(value, store: list, depth: int = 0):
    """Turn an output into a JSON tree; arrays go to ``store`` and are saved as .npy files."""
    import numpy as np

    if depth > 6:
        return {"t": "other", "type": "deeply nested"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, int, float, complex, np.generic)) and not isinstance(value, str):
        store.append(np.asarray(value))
        return {"t": "array", "i": len(store) - 1, "py": type(value).__name__}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            try:
                value = value.astype(float)
            except (TypeError, ValueError):
                return {"t": "other", "type": f"array of {value.dtype}"}
        store.append(np.ascontiguousarray(value))
        return {"t": "array", "i": len(store) - 1, "py": "ndarray"}
    if isinstance(value, (list, tuple)):
        return {"t": "seq", "kind": type(value).__name__,
                "items": [_encode(v, store, depth + 1) for v in value[:10000]]}
    if isinstance(value, str):
        return {"t": "str", "v": _short(value)}
    if isinstance(value, dict):
        return {"t": "dict", "items": {str(k)[:100]: _encode(v, store, depth + 1)
                                        for k, v in list(value.items())[:1000]}}
    return {"t": "other", "type": _short(type(value).__name__)}


def _array_snapshot(args, kwargs) -> dict:
    """Copies of the array arguments, keyed by position or keyword name."""
    import numpy as np

    named = {str(i): a for i, a in enumerate(args)} | {str(k): v for k, v in kwargs.items()}
    return {k: np.array(v, copy=True) for k, v in named.items() if isinstance(v, np.ndarray)}


def _changed(before: dict, after: dict) -> list:
    import numpy as np

    return sorted(k for k, v in before.items()
                  if k not in after or after[k].shape != v.shape or not np.array_equal(after[k], v, equal_nan=True))


def _call_cases(function, cases: list, calls: set) -> tuple[list, list]:
    import numpy as np

    results, store = [], []
    for k, (args, kwargs) in enumerate(cases):
        _status(f"case {k + 1}")
        calls.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            before = _array_snapshot(args, kwargs)
            try:
                with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                    value = function(*args, **kwargs)
                entry = {"ok": True, "value": _encode(value, store),
                         "modified": _changed(before, _array_snapshot(args, kwargs))}
            except BaseException as exc:  # noqa: BLE001
                entry = {"ok": False, "error": _error(exc)}
        entry["warnings"] = sorted({_short(f"{w.category.__name__}: {w.message}")
                                    for w in caught if not issubclass(w.category, _QUIET)})[:10]
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
    manifest = {"cell_errors": _run_cells(job["cells"], namespace)}
    function = namespace.get(job["function"])
    if function is None:
        manifest["missing"] = True
    elif not callable(function):
        manifest["not_callable"] = type(function).__name__
    else:
        manifest["uses"] = _uses(function, originals)
        manifest["cases"], store = _call_cases(function, cases, calls)
        _status("saving")
        _save(manifest, store)
        return
    _save(manifest, [])


if __name__ == "__main__":
    main(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)
