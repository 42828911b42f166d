"""Kept so that notebooks already handed out (``from companion.grading import make_checker``) run.

``check()`` lives in :mod:`course_check`, the grader in :mod:`grader` (instructors only).
"""
from course_check import CheckFailed, make_checker, show_hint

__all__ = ["make_checker", "CheckFailed", "show_hint"]


def __getattr__(name: str):
    if name in ("grade_notebook", "NotebookResult", "QuestionResult"):
        import grader

        return getattr(grader, name)
    raise AttributeError(f"module 'companion.grading' has no attribute {name!r}")
