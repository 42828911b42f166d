"""Grade learner notebooks: ``python -m companion.grade NOTEBOOK_OR_FOLDER… [options]``.

Each question runs in its own sandboxed process and is judged against reference outputs that
never enter the sandbox. The exit status is 0 whenever grading ran, whatever the scores; it is
2 only for usage errors (no such file, bad option).

Examples
--------
Grade one notebook::

    python -m companion.grade exercises/05_backpropagation.ipynb

Grade a class folder into a resumable CSV gradebook and a JSON report::

    python -m companion.grade submissions/ --csv grades.csv --json grades.json
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from companion.grading.questions import QUESTIONS
from companion.grading.report import Gradebook, format_table, write_json
from companion.grading.runner import NotebookResult, QuestionResult, collect_notebooks, file_hash, grade_notebook
from companion.grading.sandbox import isolation_report
from companion.grading.spec import Question

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m companion.grade",
        description="Grade practice notebooks question by question in a sandbox.")
    parser.add_argument("paths", nargs="+", metavar="NOTEBOOK",
                        help="notebooks (.ipynb) or folders (every .ipynb under them, sorted)")
    parser.add_argument("--json", metavar="FILE", help="write the grades as JSON")
    parser.add_argument("--csv", metavar="FILE",
                        help="CSV gradebook, one row per notebook; re-running skips unchanged notebooks")
    parser.add_argument("--timeout", metavar="S", type=float,
                        help="wall-clock seconds per question (default: each question's own limit)")
    return parser


def _from_gradebook(path: Path, row: dict, table: dict[str, list[Question]]) -> NotebookResult:
    chapter = row.get("chapter") or None
    result = NotebookResult(notebook=str(path), chapter=chapter, sha256=row.get("sha256", ""))
    for q in table.get(chapter or "", []):
        score = float(row.get(q.id) or 0)
        result.questions.append(QuestionResult(
            q.id, q.title, q.function, score, float(q.points), score == float(q.points),
            "graded in an earlier run of this gradebook (file unchanged)"))
    return result


def main(argv: list[str] | None = None, questions: dict[str, list[Question]] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    table = QUESTIONS if questions is None else questions
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    if args.timeout is not None and not args.timeout > 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    notebooks = collect_notebooks(args.paths)
    if not notebooks:
        parser.error(f"no .ipynb files found under {', '.join(args.paths)}")
    book = Gradebook(args.csv) if args.csv else None
    sandbox = "; ".join(f"{k}: {v}" for k, v in isolation_report().items())
    print(f"sandbox — {sandbox}\n")
    reports: list[dict] = []
    for path in notebooks:
        try:
            row = book.already_graded(str(path), file_hash(path)) if book else None
        except OSError:
            row = None
        if row is not None:
            result = _from_gradebook(path, row, table)
            print(f"{path}  score {row.get('score')} / {row.get('max_score')}  "
                  f"(unchanged since the last run: kept from {args.csv})\n")
        else:
            result = grade_notebook(path, timeout=args.timeout, questions=table)
            print(format_table(result) + "\n", flush=True)
            if book:
                book.add(result)
        reports.append(result.to_json())
        if args.json:
            write_json(args.json, reports)
    total = sum(r["score"] for r in reports)
    possible = sum(r["max_score"] for r in reports)
    print(f"graded {len(reports)} notebook(s): {total:g} / {possible:g} points in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
