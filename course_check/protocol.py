"""What the sandboxed driver and the in-notebook check share: running one case, and the wire format.

Running a case (one call of the learner's function) is written once, here, and used by both
the sandbox driver (:mod:`grader._driver`, inside the child process) and the quick
``check()`` (:mod:`course_check.checker`, in the learner's kernel), so both see the same
warnings, the same time limit and the same in-place changes.

The wire format between the child and the grading process is also defined once: :func:`encode`
turns an output into a JSON tree whose arrays are stored apart (saved as ``.npy`` files by the
child), and :func:`decode` rebuilds it in the grading process without running any code.
"""
from __future__ import annotations

import signal
import threading
import types
import warnings
from contextlib import contextmanager

import numpy as np

__all__ = ["TimeLimit", "time_limit", "snapshot", "changed", "changed_text", "run_case", "error_record",
           "encode", "decode", "Opaque", "resolve", "uses", "short", "MAX_TEXT"]

MAX_TEXT = 2000          # characters kept of any message
QUIET = (ResourceWarning, DeprecationWarning, PendingDeprecationWarning, ImportWarning)


def short(text) -> str:
    """``text`` cut to :data:`MAX_TEXT` characters."""
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …"


# ------------------------------------------------------------------ time limits
class TimeLimit(BaseException):
    """Raised inside learner code when its time is up (a BaseException, like KeyboardInterrupt)."""


def _raise_time_limit(signum, frame):
    raise TimeLimit()


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` of wall-clock time by raising :class:`TimeLimit`.

    Works like Jupyter's interrupt: the signal arrives between two Python instructions, also
    during ``time.sleep``. Without a limit, off the main thread or off Unix, it does nothing.
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_time_limit)
    signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ in-place changes
def snapshot(value, depth: int = 0):
    """A copy of the arrays in ``value``, looking inside lists, tuples and dicts (for :func:`changed`)."""
    if isinstance(value, np.ndarray):
        return ("array", np.array(value, copy=True))
    if depth < 4 and isinstance(value, (list, tuple)):
        return (type(value).__name__, len(value), [snapshot(v, depth + 1) for v in value])
    if depth < 4 and isinstance(value, dict):
        return ("dict", {k: snapshot(v, depth + 1) for k, v in value.items()})
    return ("other", id(value))


def _label(path: str) -> str:
    head, _, rest = path.partition("[")
    name = f"argument {int(head) + 1}" if head.isdigit() else f"`{head}`"
    return name + (f"[{rest}" if rest else "")


def parameter_names(function, names: list[str]) -> list[str]:
    """Changed-argument paths with positions replaced by the function's parameter names.

    ``"0"`` becomes ``"theta"`` and ``"2[0]"`` becomes ``"grads[0]"`` for ``def f(theta, v, grads)``;
    a position the signature cannot name (``*args``) stays a number.
    """
    import inspect

    try:
        params = [p.name for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return names
    out = []
    for path in names:
        head, bracket, rest = path.partition("[")
        if head.isdigit() and int(head) < len(params):
            head = params[int(head)]
        out.append(head + bracket + rest)
    return out


def _differs(before, value) -> list[str]:
    """Where ``value`` no longer matches its snapshot (relative paths like ``[0]``, ``['b']``)."""
    kind = before[0]
    if kind == "array":
        same = (isinstance(value, np.ndarray) and value.shape == before[1].shape
                and np.array_equal(value, before[1], equal_nan=True))
        return [] if same else [""]
    if kind in ("list", "tuple"):
        if not isinstance(value, (list, tuple)) or len(value) != before[1]:
            return [""]
        return [f"[{i}]{p}" for i, (b, v) in enumerate(zip(before[2], value)) for p in _differs(b, v)]
    if kind == "dict":
        if not isinstance(value, dict) or set(value) != set(before[1]):
            return [""]
        return [f"[{k!r}]{p}" for k, b in before[1].items() for p in _differs(b, value[k])]
    return [] if id(value) == before[1] else [""]


def changed(before: dict, args: tuple, kwargs: dict) -> list[str]:
    """Arguments (positions counted from 0, or keyword names) changed since ``before``.

    ``before`` is ``{name: snapshot(value)}`` taken before the call; changes inside lists, tuples
    and dicts of arrays are reported with their place, e.g. ``"2[0]"`` (``weights[0]``).
    """
    named = {str(i): a for i, a in enumerate(args)} | {str(k): v for k, v in kwargs.items()}
    return [f"{name}{path}" for name, snap in before.items() for path in _differs(snap, named.get(name))]


def changed_text(names: list[str]) -> str | None:
    """Feedback when the learner's function changed its inputs in place (None when it did not)."""
    if not names:
        return None
    from course_check.feedback import changed_input

    return changed_input([_label(str(n)) for n in names[:5]])


# ------------------------------------------------------------------ one case
def run_case(function, args: tuple, kwargs: dict, seconds: float | None = None) -> dict:
    """Call ``function(*args, **kwargs)`` as the grader does; never raises for learner errors.

    Returns ``{"ok": True, "value": output, "modified": [...], "warnings": [...]}`` or
    ``{"ok": False, "error": {"type", "message", "where"}, "warnings": [...]}``; a time limit
    gives the error type ``"TimeLimit"``. NumPy overflow, division and invalid-value problems
    are turned into warnings (recorded, never raised); underflow is ignored.
    """
    before = {str(i): snapshot(a) for i, a in enumerate(args)} | {str(k): snapshot(v) for k, v in kwargs.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"), time_limit(seconds):
                value = function(*args, **kwargs)
            entry = {"ok": True, "value": value,
                     "modified": parameter_names(function, changed(before, args, kwargs))}
        except TimeLimit:
            entry = {"ok": False, "error": {"type": "TimeLimit", "message": f"{seconds:g} s", "where": ""}}
        except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
            entry = {"ok": False, "error": error_record(exc)}
    entry["warnings"] = sorted({short(f"{w.category.__name__}: {w.message}")
                                for w in caught if not issubclass(w.category, QUIET)})[:10]
    return entry


def error_record(exc: BaseException, filename_prefix: str = "<cell") -> dict:
    """``{"type", "message", "where"}`` of an exception; ``where`` is the last notebook line involved."""
    import traceback

    lineno = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.startswith(filename_prefix):
            lineno = (frame.f_code.co_filename, line)
    where = f"{lineno[0]} line {lineno[1]}" if lineno else ""
    return {"type": type(exc).__name__, "message": short(exc), "where": where}


# ------------------------------------------------------------------ wire format
def encode(value, store: list, depth: int = 0):
    """Turn an output into a JSON tree; arrays go to ``store`` (the child saves them as .npy files)."""
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
                "items": [encode(v, store, depth + 1) for v in value[:10000]]}
    if isinstance(value, str):
        return {"t": "str", "v": short(value)}
    if isinstance(value, dict):
        return {"t": "dict", "items": {str(k)[:100]: encode(v, store, depth + 1)
                                        for k, v in list(value.items())[:1000]}}
    return {"t": "other", "type": short(type(value).__name__)}


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


# ------------------------------------------------------------------ forbidden names
def resolve(dotted: str):
    """The object a dotted name refers to (``companion.activations.sigmoid``), importing as needed."""
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


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            yield from _code_objects(const)


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _attrs(value, names: set) -> list:
    if not isinstance(value, (types.ModuleType, type)):
        return []
    found = []
    for attr in names:
        try:
            found.append(getattr(value, attr, None))
        except Exception:  # noqa: BLE001 - a module may refuse an attribute (the grader's key guard)
            continue
    return found


def uses(function, targets: dict) -> list[str]:
    """Forbidden names the function (or its nested code) refers to through globals or closures.

    ``targets`` maps a dotted name to the object it names; a name counts when the function reaches
    that object through a global, a closure cell, or up to two attribute look-ups on a module/class.
    """
    seen = [function, getattr(function, "__wrapped__", None)]
    code = getattr(function, "__code__", None)
    if code is not None:
        names = set()
        for c in _code_objects(code):
            names.update(c.co_names)
        glob = getattr(function, "__globals__", {})
        values = [glob[n] for n in names if n in glob]
        values += [cell.cell_contents for cell in (function.__closure__ or ()) if _has_contents(cell)]
        for value in values:
            seen.append(value)
            for inner in _attrs(value, names):
                seen.append(inner)
                seen.extend(_attrs(inner, names))
    return sorted(dotted for dotted, target in targets.items()
                  if any(item is target or getattr(item, "__wrapped__", None) is target for item in seen))

