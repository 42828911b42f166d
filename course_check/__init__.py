"""What a practice notebook's ``check("qN")`` needs, and nothing of the answer key.

It ships in both editions of the course (the full repository and the learner's edition built by
``make release``). A notebook's first cell says ``from course_check import make_checker``.

- :mod:`course_check.checker`: ``make_checker`` and ``check()``;
- :mod:`course_check.visible`: the visible cases and their expected outputs, stored as data in
  ``course_check/data/`` (written from the answer key by ``make exercises``);
- :mod:`course_check.judge` and :mod:`course_check.protocol`: comparisons and running a case,
  shared with the sandboxed grader; :mod:`course_check.feedback`: the wording of feedback;
- :mod:`course_check.i18n`: that feedback in the notebook's language (English or Chinese);
- :mod:`course_check.spec`: the shape of a question (:class:`Case`, :class:`Question`).
"""
__all__ = ["make_checker", "CheckFailed", "show_hint"]


def __getattr__(name: str):
    # Imported on first use: the grader's sandbox needs only course_check.protocol, not the checker.
    if name in __all__:
        from course_check import checker

        return getattr(checker, name)
    raise AttributeError(f"module 'course_check' has no attribute {name!r}")
