"""Graded questions of every practice notebook, keyed by chapter (the chapter notebook's stem).

``QUESTIONS["01_neurons"]`` is the list of :class:`~course_check.spec.Question` of
``solutions/01_neurons_practice.ipynb`` (and of the learner's copy in ``exercises/``). The key is
the assignment's identity: a submission named ``alice_01_neurons_practice.ipynb`` or, as before
the practice notebooks gained their ``_practice`` suffix, ``alice_01_neurons.ipynb`` both select it.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from course_check.spec import Question

__all__ = ["QUESTIONS", "NOTEBOOKS", "version"]

#: chapter module -> assignment key (the chapter's stem; its practice notebook is <key>_practice.ipynb)
NOTEBOOKS: dict[str, str] = {
    "ch01": "01_neurons",
    "ch02": "02_forward_propagation",
    "ch03": "03_activations_and_losses",
    "ch04": "04_gradient_descent",
    "ch05": "05_backpropagation",
    "ch06": "06_training_a_classifier",
    "ch07": "07_optimizers",
    "ch08": "08_local_minima",
    "ch09": "09_representation_power",
    "ch10": "10_regularization",
    "ch11": "11_classic_networks",
    "ch12": "12_toward_deep_learning",
}


class _Table(Mapping):
    """Notebook stem -> questions; a chapter's module is imported the first time it is asked for
    (a notebook's ``check()`` and each sandboxed question then load one chapter, not all)."""

    def __init__(self):
        present = {info.name for info in pkgutil.iter_modules(__path__)}
        self._modules = {stem: module for module, stem in NOTEBOOKS.items() if module in present}
        self._loaded: dict[str, list[Question]] = {}

    def __getitem__(self, stem: str) -> list[Question]:
        if stem not in self._loaded:
            module = importlib.import_module(f"{__name__}.{self._modules[stem]}")
            self._loaded[stem] = list(module.QUESTIONS)
        return self._loaded[stem]

    def __iter__(self):
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


def _load() -> Mapping[str, list[Question]]:
    return _Table()


QUESTIONS: Mapping[str, list[Question]] = _load()


def version(stem: str) -> str:
    """The version of notebook ``stem``'s question set (its module's ``VERSION``; "1" when unset).

    Raised whenever a question's cases, judging or points change in a way that can change a score;
    the exercise generator writes it to the notebook's ``metadata.companion.question_set``, and the
    grader warns about a submission made from another version (docs/question-changes.md lists them).
    """
    module = {v: k for k, v in NOTEBOOKS.items()}.get(stem)
    if module is None:
        return ""
    return str(getattr(importlib.import_module(f"{__name__}.{module}"), "VERSION", "1"))
