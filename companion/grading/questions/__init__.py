"""Graded questions of every practice notebook, keyed by notebook stem.

``QUESTIONS["01_neurons"]`` is the list of :class:`~companion.grading.spec.Question` of
``solutions/01_neurons.ipynb`` (and of the learner's copy in ``exercises/``).
"""
from __future__ import annotations

import importlib
import pkgutil

from companion.grading.spec import Question

__all__ = ["QUESTIONS", "NOTEBOOKS"]

#: chapter module -> notebook stem
NOTEBOOKS: dict[str, str] = {
    "ch01": "01_neurons",
    "ch02": "02_forward_propagation",
    "ch03": "03_activations_and_losses",
    "ch04": "04_gradient_descent",
    "ch05": "05_backpropagation",
    "ch06": "06_training_a_classifier",
    "ch09": "09_representation_power",
    "ch10": "10_regularization",
}


def _load() -> dict[str, list[Question]]:
    present = {info.name for info in pkgutil.iter_modules(__path__)}
    table: dict[str, list[Question]] = {}
    for module_name, stem in NOTEBOOKS.items():
        if module_name in present:
            module = importlib.import_module(f"{__name__}.{module_name}")
            table[stem] = list(module.QUESTIONS)
    return table


QUESTIONS: dict[str, list[Question]] = _load()
