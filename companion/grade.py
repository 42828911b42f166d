"""``python -m companion.grade NOTEBOOK…``: a thin alias of the grader's command line.

The grader and its answer key live in the top-level package :mod:`grader` (instructors only; not
in the learner's edition). See :mod:`grader.cli` and docs/instructors.md.
"""
import sys

try:
    from grader.cli import main
except ModuleNotFoundError as exc:          # the learner's edition has no grader
    if exc.name not in ("grader", "grader.cli"):
        raise

    def main(argv=None) -> int:
        print("The grader is not part of this edition of the course: your instructor grades "
              "your notebooks. Use check(\"qN\") in a notebook for a quick self-check.", file=sys.stderr)
        return 2

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
