"""Neural Networks, Derived and Verified — the companion package.

Vectorized NumPy reference implementations used by the course notebooks. Each module holds one
concept; import what a chapter needs, e.g. ``from companion.activations import sigmoid``.

Learners read the modules of the math (activations, losses, network, gradcheck, optimizers,
layers, …). The practice-notebook tooling lives in other packages: :mod:`course_check` (what a
notebook's ``check()`` needs, in both editions) and :mod:`grader` (the answer key and the sandboxed
grader, instructors only). ``companion.grading`` and ``companion.grade`` remain as thin aliases so
that notebooks already handed out and ``python -m companion.grade`` keep working.
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
