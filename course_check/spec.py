"""Question specifications: what the grader asks of a learner's notebook.

Questions are written in trusted Python inside the package (never read from notebook text).
Each :class:`Question` names the function the learner must define, builds its inputs from fixed
seeds, and says how the output is judged: against a reference implementation (compared in the
grading process, never inside the sandbox) and/or by a property ``judge``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Case", "Question"]


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: ``function(*args, **kwargs)``.

    Hidden cases are used by the grader only; ``check()`` in a notebook runs the visible ones.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    hidden: bool = False


@dataclass(frozen=True)
class Question:
    """A graded question of one notebook.

    Attributes
    ----------
    id : str
        ``"q1"``, ``"q2"``, … unique within its notebook (the nbgrader ``grade_id`` of the test cell).
    title : str
        Short title shown in feedback, e.g. ``"Perceptron learning rule"``.
    function : str
        Name the learner's code must define, e.g. ``"perceptron_step"``.
    points : float
        Points for a fully correct answer (all cases pass).
    cases : callable
        ``cases() -> list[Case]`` built from fixed seeds (deterministic).
    reference : callable or None
        Trusted implementation; the learner's output is compared with ``reference(*args, **kwargs)``
        within ``rtol``/``atol``.
    judge : callable or None
        ``judge(output, case) -> (ok, message)`` for property checks; used instead of, or in
        addition to, ``reference``.
    rtol, atol : float
        Tolerances of the ``np.allclose``-style comparison (NaN is never equal).
    forbidden : tuple of str
        Dotted names of companion functions the answer must not import or call,
        e.g. ``("companion.activations.sigmoid_prime",)``.
    hint : str
        Shown when the answer fails.
    timeout : float
        Seconds for the function on all its cases in the sandbox; None: the grader's default
        (``grader.limits.QUESTION_SECONDS``).
    output : str
        ``"array"``, ``"tuple"`` (tuple/list of arrays compared elementwise) or ``"scalar"``.
    dtype : str or None
        Optional requirement on every array of the output: a NumPy dtype name (``"float64"``,
        ``"int64"``) or a kind (``"float"``, ``"int"``, ``"bool"``). ``None`` (default): integers
        and booleans are interchangeable, and a float32 answer to a float64 reference is judged
        with float32 precision (see :func:`course_check.judge.compare`).
    hints : tuple of (kind, hint) pairs
        Hints for one kind of failure, shown instead of ``hint`` when the failure is of that kind
        (see :func:`course_check.feedback.failure_kind`): ``"nonfinite"`` (inf, NaN or an overflow
        warning), ``"shape"``, ``"dtype"``, ``"error"`` (the call raised) or ``"values"``.
    together : callable or None
        ``together(outputs, cases) -> (ok, message)``: a judge of all outputs at once, for what no
        single case can show (a different seed must give a different shuffle). Runs once every
        case passed, on the cases that were run.
    partial_credit : bool
        ``False`` (default): all cases must pass for the points. ``True``: each passing case earns
        ``points / len(cases)`` (an answer that uses a forbidden name still earns nothing).
    """

    id: str
    title: str
    function: str
    points: float
    cases: Callable[[], list[Case]]
    reference: Callable | None = None
    judge: Callable | None = None
    rtol: float = 1e-6
    atol: float = 1e-8
    forbidden: tuple[str, ...] = ()
    hint: str = ""
    timeout: float | None = None
    output: str = "array"
    dtype: str | None = None
    partial_credit: bool = False
    hints: tuple = ()
    together: Callable | None = None
