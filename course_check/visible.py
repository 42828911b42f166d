"""The visible cases of every practice question and their expected outputs, stored as data.

``course_check/data/<notebook>.json`` describes a notebook's questions (title, function, points,
tolerances, hint) and their visible cases; the arrays live beside it in ``<notebook>.npz``
(loaded without pickles). :mod:`grader.visible` writes both from the answer key (``make
exercises``); nothing here holds a reference implementation or a hidden case.

Values are stored as small JSON trees: arrays and NumPy scalars by index into the ``.npz``, Python
numbers, strings, lists, tuples and dicts as themselves, a ``numpy.random.Generator`` by its
state, and the objects a question hands to the learner's function (:mod:`course_check.fixtures`,
classes of :mod:`companion`) by class name and fields.
"""
from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path

import numpy as np

from course_check.spec import Case, Question

__all__ = ["DATA", "encode", "decode", "load", "notebooks", "VisibleQuestion"]

DATA = Path(__file__).resolve().parent / "data"
_OBJECT_HOMES = ("course_check.fixtures", "companion.")


def encode(value, store: list):
    """A JSON tree for ``value``; arrays are appended to ``store``. Raises TypeError for others."""
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
        return {"t": "py", "v": value}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, (np.ndarray, np.generic)):
        store.append(np.asarray(value))
        return {"t": "array" if isinstance(value, np.ndarray) else "scalar", "i": len(store) - 1}
    if isinstance(value, (list, tuple)):
        return {"t": type(value).__name__, "items": [encode(v, store) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "items": [[encode(k, store), encode(v, store)] for k, v in value.items()]}
    if isinstance(value, np.random.Generator):
        return {"t": "rng", "state": value.bit_generator.state}
    cls = type(value)
    if cls.__module__.startswith(_OBJECT_HOMES) and hasattr(value, "__dict__"):
        return {"t": "object", "class": f"{cls.__module__}:{cls.__qualname__}",
                "fields": {k: encode(v, store) for k, v in vars(value).items()}}
    raise TypeError(f"cannot store a {cls.__module__}.{cls.__qualname__} as data")


def decode(node: dict, arrays):
    """The value a JSON tree stands for (arrays looked up in ``arrays``)."""
    kind = node["t"]
    if kind == "none":
        return None
    if kind in ("py", "str"):
        return node["v"]
    if kind == "array":
        return np.array(arrays[f"a{node['i']}"])
    if kind == "scalar":
        return np.asarray(arrays[f"a{node['i']}"])[()]
    if kind in ("list", "tuple"):
        items = [decode(v, arrays) for v in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {decode(k, arrays): decode(v, arrays) for k, v in node["items"]}
    if kind == "rng":
        state = node["state"]
        generator = np.random.Generator(getattr(np.random, state["bit_generator"])())
        generator.bit_generator.state = state
        return generator
    if kind == "object":
        module, _, name = node["class"].partition(":")
        if not module.startswith(_OBJECT_HOMES):
            raise ValueError(f"objects of {module} are not stored here")
        obj = object.__new__(getattr(importlib.import_module(module), name))
        obj.__dict__.update({k: decode(v, arrays) for k, v in node["fields"].items()})
        return obj
    raise ValueError(f"unknown stored value kind {kind!r}")


@dataclasses.dataclass(frozen=True)
class VisibleQuestion(Question):
    """A question as ``check()`` knows it: visible cases and their expected outputs, no reference."""

    expected: tuple = ()
    compared: bool = False            # outputs are compared with the stored expected ones
    property_judged: bool = False     # the grader also checks properties no stored output can show


def notebooks() -> list[str]:
    """Notebook stems with stored visible cases."""
    return sorted(p.stem for p in DATA.glob("*.json"))


def load(stem: str) -> list[VisibleQuestion]:
    """The questions of notebook ``stem`` with their visible cases (ValueError when unknown)."""
    path = DATA / f"{stem}.json"
    if not path.is_file():
        raise ValueError(f"notebook must be one of {notebooks()}, got {stem!r}")
    spec = json.loads(path.read_text(encoding="utf-8"))
    with np.load(DATA / f"{stem}.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    questions = []
    for q in spec["questions"]:
        cases = tuple(Case(decode(c["args"], arrays), decode(c["kwargs"], arrays)) for c in q["cases"])
        expected = tuple(decode(c["expected"], arrays) for c in q["cases"])
        questions.append(VisibleQuestion(
            id=q["id"], title=q["title"], function=q["function"], points=q["points"],
            cases=(lambda cases=cases: list(cases)), rtol=q["rtol"], atol=q["atol"],
            forbidden=tuple(q["forbidden"]), hint=q["hint"],
            hints=tuple((kind, text) for kind, text in q.get("hints", [])), output=q["output"], dtype=q["dtype"],
            partial_credit=q["partial_credit"], expected=expected, compared=q["compared"],
            property_judged=q["property_judged"]))
    return questions
