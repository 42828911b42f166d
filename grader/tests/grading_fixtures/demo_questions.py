"""A demo question set (notebook stem ``demo``) for the grader's own tests."""
from __future__ import annotations

import numpy as np

from course_check.spec import Case, Question


def _relu(z):
    return np.maximum(z, 0.0)


def _sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _mean_std(x):
    return float(np.mean(x)), float(np.std(x))


def _relu_cases():
    rng = np.random.default_rng(0)
    return [Case((rng.normal(size=(3, 4)),)), Case((np.array([-1.0, 0.0, 2.0]),)),
            Case((rng.normal(size=(5, 2)),), hidden=True)]


def _sigmoid_cases():
    return [Case((np.array([-1000.0, 0.0, 1000.0]),)),
            Case((np.linspace(-5, 5, 7),), hidden=True)]


def _mean_std_cases():
    rng = np.random.default_rng(1)
    return [Case((rng.normal(size=10),)), Case((np.arange(5.0),), hidden=True)]


def _unit_cases():
    return [Case((np.array([3.0, 4.0]),)), Case((np.array([1.0, 1.0, 1.0]),), hidden=True)]


def _is_unit(output, case):
    v = np.asarray(output, dtype=float)
    (x,) = case.args
    if v.shape != x.shape:
        return False, f"expected shape {x.shape}, got {v.shape}"
    if not np.isclose(np.linalg.norm(v), 1.0):
        return False, f"the norm is {np.linalg.norm(v):.4g}, not 1"
    if not np.isclose(v @ x, np.linalg.norm(x)):
        return False, "the vector does not point in the direction of the input"
    return True, ""


QUESTIONS = [
    Question("q1", "ReLU", "my_relu", 2, _relu_cases, reference=_relu,
             forbidden=("companion.activations.relu",), hint="ReLU keeps positive values", timeout=10),
    Question("q2", "Stable sigmoid", "my_sigmoid", 3, _sigmoid_cases, reference=_sigmoid, timeout=10),
    Question("q3", "Mean and standard deviation", "mean_std", 1, _mean_std_cases,
             reference=_mean_std, output="tuple", timeout=10),
    Question("q4", "Unit vector", "unit", 1, _unit_cases, judge=_is_unit, timeout=10),
]
