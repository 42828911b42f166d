"""Neural Networks, Derived and Verified — the companion package.

Vectorized NumPy reference implementations used by the course notebooks. Each module holds one
concept; import what a chapter needs, e.g. ``from companion.activations import sigmoid``.

Learners read the modules of the math (activations, losses, network, gradcheck, optimizers,
layers, …). The practice-notebook tooling is kept apart and is not course material:
``companion.grading`` (question specifications, the sandboxed grader, ``check()``),
``companion.grade`` (its command line) and ``companion.exercises`` (the exercise generator).
"""
__version__ = "0.1.0"
__all__ = ["__version__"]
