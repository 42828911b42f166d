"""Grade learner notebooks: ``python -m companion.grade NOTEBOOK_OR_FOLDER… [options]``.

Each question runs in its own sandboxed process and is judged against reference outputs that
never enter the sandbox. The exit status is 0 whenever grading ran, whatever the scores; it is
2 only for usage errors (no such file, bad option), 130 after Ctrl-C and 128+N after signal N.

Examples
--------
Grade one notebook::

    python -m companion.grade exercises/05_backpropagation_practice.ipynb

Grade a class folder (one folder per student) into a resumable CSV gradebook, a JSON report and
one Markdown feedback file per submission, two sandboxes at a time::

    python -m companion.grade submissions/ --csv grades.csv --json grades.json --jobs 2

See docs/instructors.md for every option (roster, deadlines, hints policy).
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import re
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from course_check.checker import _valid_policy, show_hint
from grader.questions import QUESTIONS
from grader.report import Gradebook, ResultStore, format_table, write_json, write_student_report
from grader.results import NotebookResult
from grader.limits import CELL_SECONDS, NOTEBOOK_SECONDS
from grader.runner import (collect_notebooks, file_hash,
                                      submit_notebook)
from grader.sandbox import isolation_report, terminate_all
from course_check.spec import Question

__all__ = ["main"]


def _hints_policy(text: str) -> str:
    if text in ("on", "off") or _valid_policy(text):
        return text
    raise argparse.ArgumentTypeError(f"expected on, off or after-N-attempts (e.g. after-2-attempts), got {text!r}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m companion.grade",
        description="Grade practice notebooks question by question in a sandbox.")
    add = parser.add_argument
    add("paths", nargs="+", metavar="NOTEBOOK",
        help="notebooks (.ipynb) or folders (every .ipynb under them, sorted)")
    add("--json", metavar="FILE", help="write the grades as JSON")
    add("--csv", metavar="FILE", help="CSV gradebook, one row per submission; re-running skips "
                                       "unchanged notebooks and reports their stored feedback")
    add("--timeout", metavar="S", type=float,
        help="seconds for a question's function on all its cases (default: each question's own)")
    add("--cell-timeout", metavar="S", type=float, default=CELL_SECONDS,
        help=f"a notebook cell is interrupted after S seconds (default {CELL_SECONDS:g})")
    add("--notebook-timeout", metavar="S", type=float, default=NOTEBOOK_SECONDS,
        help=f"seconds for all the cells a question needs (default {NOTEBOOK_SECONDS:g})")
    add("--assignment", metavar="NN", help="grade every notebook as this assignment (e.g. 05 or "
                                           "05_backpropagation), whatever its file name")
    add("--jobs", metavar="N", type=int, default=os.cpu_count() or 1,
        help="notebooks graded at the same time, one sandbox each (default: the number of cores)")
    add("--hints", metavar="POLICY", type=_hints_policy, default="on",
        help="on (default), off, or after-N-attempts: show a question's hint only after N failed "
             "gradings of that submission")
    add("--roster", metavar="CSV", help="CSV with a 'student' column (other columns are ignored): "
                                        "identifies students; missing submissions get a row")
    add("--student-pattern", metavar="REGEX",
        help="regular expression with a group named 'student', searched in each notebook's path")
    add("--reports", metavar="DIR", help="folder for one Markdown feedback file per submission "
                                         "(default with --csv: <gradebook>-reports next to it)")
    add("--due", metavar="TIME", help="deadline, ISO 8601 (e.g. 2026-12-01T23:59; UTC unless an "
                                      "offset is given)")
    add("--late-penalty", metavar="PCT", type=float, default=10.0,
        help="percent of the score taken off per day (or part of a day) late (default 10)")
    add("--late-limit", metavar="DAYS", type=float,
        help="submissions later than this many days earn 0")
    add("--submissions", metavar="CSV", help="CSV with columns 'notebook' (file name or path) and "
                                             "'submitted' (ISO time); default: file modification times")
    return parser


def _check_args(parser, args) -> None:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    for name in ("timeout", "cell_timeout", "notebook_timeout"):
        value = getattr(args, name)
        if value is not None and not value > 0:
            parser.error(f"--{name.replace('_', '-')} must be a positive number of seconds, got {value:g}")
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive integer, got {args.jobs}")
    for name in ("roster", "submissions"):
        if getattr(args, name) and not Path(getattr(args, name)).is_file():
            parser.error(f"--{name}: no such file: {getattr(args, name)}")
    if args.due:
        try:
            args.due = _parse_time(args.due)
        except ValueError:
            parser.error(f"--due must be an ISO 8601 time such as 2026-12-01T23:59, got {args.due!r}")
    if args.student_pattern:
        try:
            if "student" not in re.compile(args.student_pattern).groupindex:
                parser.error("--student-pattern needs a group named 'student', e.g. '(?P<student>[a-z]+)_'")
        except re.error as exc:
            parser.error(f"--student-pattern is not a valid regular expression: {exc}")


# ------------------------------------------------------------------ students and deadlines
def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _tokens(path: Path, roots: list[Path]) -> list[str]:
    folders = []
    for root in roots:
        try:
            folders = list(path.resolve().relative_to(root.resolve()).parts[:-1])
            break
        except ValueError:
            continue
    return [f.lower() for f in folders] + [t.lower() for t in re.split(r"[^A-Za-z0-9@]+", path.stem) if t]


def identify_student(path: Path, roots: list[Path], assignment: str | None, roster: list[str],
                     pattern: str | None = None, known: str = "") -> str:
    """Who submitted ``path``: ``--student-pattern``, else a roster id found among the folder names
    and the words of the file name, else the first folder under the class folder, else the file
    name without the assignment's name (and without ``_practice``, the practice notebooks' suffix:
    ``alice_01_neurons_practice.ipynb`` and ``alice_01_neurons.ipynb`` are both alice's), else the
    name of the folder holding a notebook named only by its assignment. ``known``,
    the id the gradebook holds for this notebook, comes before the folder and file names."""
    if pattern:
        match = re.search(pattern, str(path))
        if match and match.group("student"):
            return match.group("student")
    tokens = _tokens(path, roots)
    for student in roster:
        if student.lower() in tokens:
            return student
    if known:          # graded before under this id (a later run given one student's folder can't tell)
        return known
    for root in roots:
        try:
            parts = path.resolve().relative_to(root.resolve()).parts
        except ValueError:
            continue
        if len(parts) > 1:
            return parts[0]
    if not assignment or assignment not in path.stem:
        return ""
    name = f"{assignment}_practice" if f"{assignment}_practice" in path.stem else assignment
    who = path.stem.replace(name, "").strip("_- .")
    # A notebook named only by its assignment, given directly (one student's folder, or the file
    # itself), belongs to the student whose folder holds it.
    return who or path.resolve().parent.name


def _submitted(path: Path, times: dict[str, datetime]) -> datetime:
    for key in (str(path.resolve()), str(path), path.name):
        if key in times:
            return times[key]
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def apply_deadline(result: NotebookResult, submitted: datetime, due: datetime | None,
                   per_day: float, limit: float | None) -> None:
    """Record the submission time and the late penalty (``per_day`` percent per day started)."""
    result.submitted = submitted.isoformat(timespec="seconds")
    if due is None or submitted <= due:
        result.days_late, result.penalty = 0.0, 0.0
        return
    days = math.ceil((submitted - due).total_seconds() / 86400)
    result.days_late = float(days)
    result.penalty = 1.0 if limit is not None and days > limit else min(1.0, days * per_day / 100.0)


# ------------------------------------------------------------------ signals
class _Stop:
    """Signal handling: the first signal ends every sandbox and exits; a second one exits at once."""

    def __init__(self):
        self.stopping = False
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self.previous[signum] = signal.signal(signum, self.handle)

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def handle(self, signum, frame) -> None:
        code = 130 if signum == signal.SIGINT else 128 + signum
        if self.stopping:
            os._exit(code)
        self.stopping = True
        ended = terminate_all()
        what = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
        sys.stdout.flush()
        sys.stderr.write(f"grading {what}: {ended} running sandbox(es) ended and their scratch folders "
                         f"removed; the grades already written are kept (run the same command to resume)\n")
        sys.stderr.flush()
        os._exit(code)


# ------------------------------------------------------------------ main
def _prepare(path: Path, args, store, table, roots, roster) -> tuple[NotebookResult | None, object]:
    """(stored result or None, waiter or None) for one notebook."""
    try:
        entry = store.get(str(path), file_hash(path)) if store else None
    except OSError:
        entry = None
    if entry is not None:
        return NotebookResult.from_json(entry["result"]), None
    return None, submit_notebook(path, args.timeout, table, assignment=args.assignment,
                                 cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                                 executor=args.executor)


def _hints(result: NotebookResult, policy: str, attempts: dict[str, int]) -> None:
    for q in result.questions:
        if q.hint and not show_hint(policy, attempts.get(q.id, 0)):
            q.hint = ""


def _finish(path, result, fresh, args, store, book, times, roots, roster) -> dict:
    result.notebook = str(path)
    known = book.student_of(path, result.chapter) if book else ""
    result.student = identify_student(path, roots, result.chapter, roster, args.student_pattern, known)
    if not result.error:
        apply_deadline(result, _submitted(path, times), args.due, args.late_penalty, args.late_limit)
    if fresh:
        attempts = store.failed_attempts(str(path)) if store else {}
        attempts = {q.id: attempts.get(q.id, 0) + (0 if q.passed else 1) for q in result.questions}
        if store:
            store.add(result, attempts)
    else:
        attempts = dict(store.entries[os.path.realpath(path)].get("failed_attempts", {}))
    _hints(result, args.hints, attempts)
    stale = book.add(result) if book else []
    if args.reports:
        write_student_report(result, args.reports)
        for name in stale:           # the replaced row's feedback, under its old name
            Path(args.reports, name).unlink(missing_ok=True)
    return result.to_json()


def _missing_rows(book, roster_rows, results) -> None:
    """Roster students without a graded row get a "no submission found" row per assignment graded
    (a pair graded in this run or any earlier one keeps its grade)."""
    for assignment in sorted({r.chapter for r in results if r.chapter}):
        for row in roster_rows:
            book.add_missing(row["student"], assignment, save=False)
    book.save()


class _Context:
    """Everything one run needs besides the options: roster, submission times, gradebook, store."""

    def __init__(self, args, table):
        self.args, self.table = args, table
        self.roster_rows = [r for r in _read_csv(args.roster) if r.get("student")] if args.roster else []
        self.roster = [r["student"] for r in self.roster_rows]
        rows = _read_csv(args.submissions) if args.submissions else []
        self.times = {r["notebook"]: _parse_time(r["submitted"]) for r in rows
                      if r.get("notebook") and r.get("submitted")}
        self.roots = [Path(p) for p in args.paths if Path(p).is_dir()]
        self.book = Gradebook(args.csv) if args.csv else None
        self.store = ResultStore(self.book.store_path) if self.book else None
        if args.reports is None and self.book:
            args.reports = str(self.book.path.with_name(self.book.path.stem + "-reports"))


def _grade_all(notebooks: list[Path], ctx: _Context) -> list[dict]:
    """Grade (or restore) every notebook in order, writing each report as soon as it is known."""
    args, reports, results = ctx.args, [], []
    with ThreadPoolExecutor(max_workers=args.jobs) as executor:
        args.executor = executor
        pending = [(path, *_prepare(path, args, ctx.store, ctx.table, ctx.roots, ctx.roster))
                   for path in notebooks]
        for path, stored, wait in pending:
            result = stored if stored is not None else wait()
            reports.append(_finish(path, result, stored is None, args, ctx.store, ctx.book, ctx.times,
                                   ctx.roots, ctx.roster))
            results.append(result)
            if stored is not None:
                print(f"{path}  score {result.score:g} / {result.max_score:g}  "
                      f"(unchanged since the last run: kept from {args.csv})\n")
            else:
                print(format_table(result) + "\n", flush=True)
            if args.json:
                write_json(args.json, reports)
    if ctx.book and ctx.roster_rows:
        _missing_rows(ctx.book, ctx.roster_rows, results)
    return reports


def main(argv: list[str] | None = None, questions: dict[str, list[Question]] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    table = QUESTIONS if questions is None else questions
    _check_args(parser, args)
    notebooks = collect_notebooks(args.paths)
    if not notebooks:
        parser.error(f"no .ipynb files found under {', '.join(args.paths)}")
    if args.assignment and not any(k.startswith(args.assignment) for k in table):
        parser.error(f"--assignment must be one of {', '.join(sorted(table))}, got {args.assignment!r}")
    ctx = _Context(args, table)
    print("sandbox — " + "; ".join(f"{k}: {v}" for k, v in isolation_report().items()) + "\n")
    stop = _Stop()
    stop.install()
    try:
        reports = _grade_all(notebooks, ctx)
    finally:
        stop.restore()
    total = sum(r["score"] for r in reports)
    possible = sum(r["max_score"] for r in reports)
    print(f"graded {len(reports)} notebook(s): {total:g} / {possible:g} points in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
