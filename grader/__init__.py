"""The grading package: the answer key and the sandboxed grader (instructors only).

It is never part of the learner's edition (``make release``). What ``check()`` needs in a
notebook lives apart, in :mod:`course_check`, which ships in both editions.

- :mod:`grader.questions` is the answer key: question specifications, reference implementations
  and hidden cases (re-seeded by the course secret, :mod:`grader.secret`);
- :func:`grade_notebook` grades a submission question by question in a sandbox
  (``python -m grader`` or its alias ``python -m companion.grade`` is the command line,
  :mod:`grader.cli`); :mod:`grader.limits` holds every time and resource limit, :mod:`grader.job`
  the job the sandbox receives, :mod:`grader.guard` the answer-key guard inside the sandbox;
- :mod:`grader.exercises` writes exercises/ from solutions/, :mod:`grader.visible` the checker's
  visible cases and expected outputs, :mod:`grader.release` the learner's edition.
"""
__all__ = ["grade_notebook", "NotebookResult", "QuestionResult"]

_HOMES = {"grade_notebook": "runner", "NotebookResult": "results", "QuestionResult": "results"}


def __getattr__(name: str):
    # Imported on first use: the sandbox driver (a fresh process per notebook) then loads only
    # what it needs, which keeps each notebook's start-up short.
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(f"grader.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
