"""Exercise tooling: question specifications, the sandboxed grader and the in-notebook check."""
from companion.grading.spec import Case, Question

__all__ = ["Case", "Question"]
