"""Comparing a learner's outputs with reference outputs, and wording the feedback.

Used by both the sandboxed grader (outputs decoded from the child's files) and the in-notebook
``check()`` (outputs computed in-process), so both say the same thing.
"""
from __future__ import annotations

import ast
import re
import warnings

import numpy as np

from course_check.spec import Case, Question

__all__ = ["compare", "judge_case", "warning_hints", "describe_inputs", "forbidden_in_source",
           "modified_text", "precision_note", "format_pair", "KIND_NAMES", "show", "no_negative_zero"]

KIND_NAMES = {"b": "booleans", "i": "integers", "u": "integers", "f": "floating-point numbers",
              "c": "complex numbers"}

# (substring of a NumPy warning, hint for the learner)
WARNING_HINTS = [
    ("overflow encountered in exp",
     "np.exp overflowed: use a numerically stable form (e.g. a numerically stable sigmoid that "
     "branches on the sign of z and only computes exp(-|z|), or subtract the row maximum before "
     "a softmax)"),
    ("divide by zero encountered in log",
     "log(0) happened: keep probabilities away from 0 (clip them) or combine softmax and "
     "cross-entropy in one stable step"),
    ("invalid value encountered",
     "a NaN was produced (0/0, inf - inf or log of a negative number): check the formula "
     "for extreme inputs"),
    ("divide by zero",
     "a division by zero happened: check denominators (add a small epsilon where the "
     "formula allows it)"),
    ("overflow encountered",
     "a value overflowed to infinity: rescale the computation or use a stable formula"),
]


def warning_hints(messages: list[str]) -> list[str]:
    """Turn captured warning messages into hints (each hint once)."""
    hints = []
    for message in messages:
        for needle, hint in WARNING_HINTS:
            if needle in message:
                if f"hint: {hint}" not in hints:
                    hints.append(f"hint: {hint}")
                break
        else:
            text = f"note: a warning was raised: {message[:200]}"
            if text not in hints:
                hints.append(text)
    return hints


_NEGATIVE_ZERO = re.compile(r"(?<![\w.])-(0(?:\.0*)?)(?![\w.])")


def no_negative_zero(text: str) -> str:
    """``text`` with every printed ``-0``, ``-0.`` or ``-0.000`` written without its sign."""
    return _NEGATIVE_ZERO.sub(r"\1", text)


def show(value, precision: int = 6) -> str:
    """A value as one readable line: arrays in full rows (never wrapped), no ``-0``."""
    if isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and value
                                         and all(isinstance(v, (int, float, np.number)) for v in value)):
        array = _as_array(value)
        if array is not None:
            with np.printoptions(precision=precision, linewidth=10**6, threshold=50, edgeitems=3):
                text = np.array2string(array + 0 if array.dtype.kind == "f" else array, separator=", ")
            text = re.sub(r"\[\s+", "[", re.sub(r"\s+\]", "]", " ".join(text.split())))
            return no_negative_zero(text.replace(" ,", ","))
    if isinstance(value, (float, np.floating)):
        return no_negative_zero(f"{float(value) + 0.0:.{precision}g}")
    text = repr(value)
    return no_negative_zero(" ".join(text.split()))


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)):
        return no_negative_zero(f"{float(value) + 0.0:.6g}")
    return str(value)


def modified_text(names: list) -> str | None:
    """Feedback when the learner's function changed its inputs in place (None when it did not).

    ``names`` are positions counted from 0 or keyword names, optionally followed by the place
    inside a list/tuple/dict argument, e.g. ``"2[0]"``.
    """
    from course_check.protocol import changed_text

    return changed_text([str(n) for n in names])


def describe_inputs(case: Case, limit: int = 3, names: list[str] | None = None) -> str:
    """Short description of a case's inputs: arrays by shape and dtype, small values shown.

    With ``names`` (the function's parameter names) each positional input is shown as
    ``name=value``, e.g. ``(theta=[1., -2.], lr=0.1)``.
    """
    def one(value) -> str:
        if isinstance(value, np.ndarray):
            if value.size <= 6:
                return show(value, precision=4)
            return f"array{value.shape} {value.dtype}"
        if isinstance(value, (list, tuple)) and len(value) > limit:
            return f"{type(value).__name__} of {len(value)}"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(one(v) for v in value) + "]"
        text = no_negative_zero(repr(value + 0.0 if isinstance(value, float) else value))
        return text if len(text) <= 40 else type(value).__name__
    names = list(names or [])
    parts = [f"{names[i]}={one(a)}" if i < len(names) else one(a) for i, a in enumerate(case.args)]
    parts += [f"{k}={one(v)}" for k, v in case.kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _as_array(value):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return array if array.dtype.kind in "biufc" else None


FLOAT32_SLACK = 100   # a lower-precision answer may differ by this many of its own epsilons


def _pair(e, g) -> tuple[str, str]:
    """Expected and got as text, with just enough digits to see them differ (6 to 17)."""
    for digits in range(6, 18):
        a, b = (no_negative_zero(f"{complex(e) if np.iscomplexobj(e) else float(e) + 0.0:.{digits}g}"),
                no_negative_zero(f"{complex(g) if np.iscomplexobj(g) else float(g) + 0.0:.{digits}g}"))
        if a != b:
            return a, b
    return a, b


def format_pair(expected, got) -> tuple[str, str]:
    """Expected and got as text with just enough digits (6 to 17) to see that they differ."""
    return _pair(expected, got)


def _kind_ok(dtype: np.dtype, required: str) -> bool:
    kinds = {"float": "f", "int": "iu", "integer": "iu", "bool": "b", "complex": "c"}
    if required in kinds:
        return dtype.kind in kinds[required]
    try:
        return dtype == np.dtype(required)
    except TypeError:
        return True   # an unknown requirement is a specification error: do not punish the learner


def _dtype_problem(array: np.ndarray, expected: np.ndarray, required: str | None, what: str,
                   scalar: bool = False) -> str | None:
    ek, gk = expected.dtype.kind, array.dtype.kind
    if required is not None:
        if _kind_ok(array.dtype, required):
            return None
        if scalar and gk in "iu" and _kind_ok(np.dtype(np.float64), required):
            return None   # "a number": an exact integer is a number too (13 as well as 13.0)
        if gk == "f" and ek == "f" and array.dtype != expected.dtype:
            return (f"{what}your result is {array.dtype}; the reference is {expected.dtype}: keep the "
                    f"computation in {expected.dtype} (no astype({array.dtype}) or {array.dtype} inputs)")
        return (f"{what}expected {KIND_NAMES.get(ek, ek)} ({required}), "
                f"got {KIND_NAMES.get(gk, gk)} ({array.dtype})")
    integral = gk == "f" and bool(np.all(np.isfinite(array)) and np.all(array == np.round(array)))
    # Integers and booleans are interchangeable; an integral float answers an integer question, and an
    # integer answers a question asking for "a number" (13 as well as 13.0; arrays keep their kind).
    lenient = {ek, gk} <= {"b", "i", "u"} or (ek in "biu" and integral) or (scalar and ek == "f" and gk in "iu")
    if ek != gk and not lenient:
        return (f"{what}expected {KIND_NAMES.get(ek, ek)} ({expected.dtype}), "
                f"got {KIND_NAMES.get(gk, gk)} ({array.dtype})")
    return None


def _tolerances(array: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    """Tolerances widened to the precision of a lower-precision float answer (float32 vs float64)."""
    if array.dtype.kind == "f" and expected.dtype.kind == "f" and array.dtype.itemsize < expected.dtype.itemsize:
        eps = float(np.finfo(array.dtype).eps) * FLOAT32_SLACK
        with np.errstate(all="ignore"):
            scale = float(np.nanmax(np.abs(expected), initial=0.0)) if expected.size else 0.0
        scale = scale if np.isfinite(scale) and scale > 0 else 1.0
        return max(rtol, eps), max(atol, eps * scale)
    return rtol, atol


def precision_note(got, expected) -> str | None:
    """A note when a float output has less precision than the reference (None otherwise)."""
    pairs = [(got, expected)]
    while pairs:
        g, e = pairs.pop()
        if isinstance(g, (list, tuple)) and isinstance(e, (list, tuple)):
            pairs += list(zip(g, e))
            continue
        a, b = _as_array(g), _as_array(e)
        if a is not None and b is not None and a.dtype.kind == b.dtype.kind == "f" \
                and a.dtype.itemsize < b.dtype.itemsize:
            return (f"note: your result is {a.dtype}; the reference is {b.dtype}. It was judged with "
                    f"{a.dtype} precision; compute in {b.dtype} to match the reference fully")
    return None


def _compare_arrays(got, expected, rtol: float, atol: float, label: str, scalar: bool,
                    required: str | None = None) -> str | None:
    expected = np.asarray(expected)
    array = _as_array(got)
    what = f"{label}: " if label else ""
    if array is None:
        return f"{what}expected numbers, got {type(got).__name__}"
    if scalar and array.size == 1 and expected.size == 1:
        array, expected = array.reshape(()), expected.reshape(())
    if array.shape != expected.shape:
        return f"{what}expected shape {expected.shape}, got shape {array.shape}"
    problem = _dtype_problem(array, expected, required, what, array.ndim == 0)
    if problem or array.size == 0:
        return problem
    rtol, atol = _tolerances(array, expected, rtol, atol)
    ek, gk = expected.dtype.kind, array.dtype.kind
    g = array.astype(np.complex128 if "c" in (ek, gk) else np.float64)
    e = expected.astype(g.dtype)
    with np.errstate(all="ignore"):
        both_inf = np.isinf(g) & np.isinf(e) & (g == e)
        diff = np.abs(g - e)
        bad = ~((diff <= atol + rtol * np.abs(e)) | both_inf)
        bad |= np.isnan(g) | np.isnan(e)
    if not bad.any():
        return None
    text = _mismatch_text(what, g, e, diff, bad, expected.shape)
    if array.dtype.kind == "f" and expected.dtype.kind == "f" and array.dtype.itemsize < expected.dtype.itemsize:
        text += (f"; your result is {array.dtype}; the reference is {expected.dtype} (judged with "
                 f"{array.dtype} precision, rtol {rtol:.2g}): compute in {expected.dtype}")
    return text


def _mismatch_text(what, g, e, diff, bad, shape) -> str:
    finite = np.where(np.isfinite(diff), diff, np.inf)
    # A relative error means nothing where the expected value is 0: report it over the others only.
    nonzero = bad & (e != 0)
    with np.errstate(all="ignore"):
        rel = np.max(finite[nonzero] / np.abs(e[nonzero])) if nonzero.any() else None
    rel_text = (f"largest relative error {_fmt(rel)}" if rel is not None
                else "relative error undefined (the expected values there are 0)")
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if shape else ()
    idx = first if len(first) != 1 else first[0]
    lines = [f"{what}{int(bad.sum())} of {bad.size} values differ",
             f"largest absolute error {_fmt(np.max(finite))}, {rel_text}",
             "first mismatch at index {}: expected {}, got {}".format(idx, *_pair(e[first], g[first]))]
    if np.isnan(g).any():
        lines.append("your output contains NaN")
    return "; ".join(lines)


def compare(got, expected, question: Question, label: str = "") -> str | None:
    """None when ``got`` matches ``expected`` within the question's tolerances, else a message."""
    if question.output == "tuple" or (isinstance(expected, (list, tuple))
                                      and question.output != "array"):
        if not isinstance(got, (list, tuple)):
            return f"{label + ': ' if label else ''}expected a tuple of {len(expected)} items, got {type(got).__name__}"
        if len(got) != len(expected):
            return f"{label + ': ' if label else ''}expected {len(expected)} items, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            sub = question if isinstance(e, (list, tuple)) else _as_array_question(question)
            message = compare(g, e, sub, f"{label}[{i}]")
            if message:
                return message
        return None
    return _compare_arrays(got, expected, question.rtol, question.atol, label,
                           question.output == "scalar", getattr(question, "dtype", None))


def _as_array_question(question: Question) -> Question:
    from dataclasses import replace
    return replace(question, output="array") if question.output == "tuple" else question


def judge_case(got, expected, case: Case, question: Question) -> str | None:
    """Reference comparison and/or property judge for one case; None when it passes."""
    compared = question.reference is not None or getattr(question, "compared", False)
    if compared:
        message = compare(got, expected, question)
        if message:
            return message
    if not compared and getattr(question, "dtype", None):
        message = _required_dtype_everywhere(got, question.dtype)
        if message:
            return message
    if question.judge is not None:
        try:
            ok, message = question.judge(got, case)
        except Exception as exc:  # noqa: BLE001 - the output may be of any (wrong) kind
            return f"the output could not be checked ({type(exc).__name__}: {exc})"
        if not ok:
            return no_negative_zero(message or "the output does not have the required property")
    return None


def _required_dtype_everywhere(got, required: str) -> str | None:
    """Check the dtype requirement on every array inside an output judged by a property only."""
    items = [got]
    while items:
        item = items.pop()
        if isinstance(item, (list, tuple)):
            items += list(item)
            continue
        array = _as_array(item)
        if array is not None and not isinstance(item, (int, float, bool)) and not _kind_ok(array.dtype, required):
            if array.dtype.kind == "f" and required.startswith("float"):
                return (f"your result is {array.dtype}; the reference is {required}: keep the computation "
                        f"in {required} (no astype({array.dtype}) or {array.dtype} inputs)")
            return f"expected {required} arrays, got {array.dtype}"
    return None


def _aliases(trees: list[ast.Module]) -> dict[str, str]:
    """name bound by an import -> dotted origin (``sp`` -> ``companion.activations.sigmoid_prime``)."""
    names = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        names[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def forbidden_in_source(trees: list[ast.Module], function: str, forbidden: tuple[str, ...]) -> list[str]:
    """Forbidden dotted names that the definition of ``function`` uses (read from the source).

    Looks inside every ``def function`` (and at an assignment/import that binds ``function``
    directly), resolving names through the imports made anywhere in the notebook.
    """
    if not forbidden:
        return []
    aliases = _aliases(trees)
    used: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
                used.update(_resolved_names(node, aliases))
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == function for t in node.targets):
                used.update(_resolved_names(node.value, aliases))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if (alias.asname or alias.name) == function:
                        used.add(_aliases([ast.Module(body=[node], type_ignores=[])]).get(function, ""))
    hits = [name for name in forbidden
            if any(u == name or u.endswith("." + name.rsplit(".", 1)[-1]) and u.startswith("companion")
                   for u in used)]
    return sorted(set(hits))


def _resolved_names(node: ast.AST, aliases: dict[str, str]) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Attribute, ast.Name)):
            dotted = _dotted(sub)
            if dotted:
                head, _, rest = dotted.partition(".")
                origin = aliases.get(head, head)
                found.add(f"{origin}.{rest}" if rest else origin)
    return found
