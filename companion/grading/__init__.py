"""Exercise tooling: question specifications, the sandboxed grader and the in-notebook check.

- :func:`make_checker` gives a notebook its quick ``check("q1")`` (in-process, not tamper-proof);
- :func:`grade_notebook` grades a submission question by question in a sandbox
  (``python -m companion.grade`` is its command line);
- questions live in :mod:`companion.grading.questions` as :class:`Question` objects.
"""
from companion.grading.checker import make_checker
from companion.grading.runner import NotebookResult, QuestionResult, grade_notebook
from companion.grading.spec import Case, Question

__all__ = ["Case", "Question", "make_checker", "grade_notebook", "NotebookResult", "QuestionResult"]
