"""Exercise tooling: question specifications, the sandboxed grader and the in-notebook check.

This is tooling for instructors and the course's own tests, not part of the material learners
read: the learner's modules are the ones listed first in :mod:`companion`.

- :func:`make_checker` gives a notebook its quick ``check("q1")`` (in-process, not tamper-proof);
- :func:`grade_notebook` grades a submission question by question in a sandbox
  (``python -m companion.grade`` is its command line);
- questions live in :mod:`companion.grading.questions` as :class:`Question` objects;
- :mod:`~companion.grading.protocol` is what the sandbox and ``check()`` share (running a case,
  the wire format); :mod:`~companion.grading.results` holds the grades as data.
"""
__all__ = ["Case", "Question", "make_checker", "grade_notebook", "NotebookResult", "QuestionResult"]

_HOMES = {"Case": "spec", "Question": "spec", "make_checker": "checker", "grade_notebook": "runner",
          "NotebookResult": "results", "QuestionResult": "results"}


def __getattr__(name: str):
    # Imported on first use: the sandbox driver (a fresh process per notebook) then loads only
    # what it needs, which keeps each notebook's start-up short.
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(f"companion.grading.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'companion.grading' has no attribute {name!r}")
