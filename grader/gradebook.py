"""The class gradebook: one row per student × assignment, whatever a run is given.

A grading run may be given the whole class folder, one student's folder, one file, with or without a
roster; the gradebook (a CSV an LMS can import, see :mod:`grader.lms` for the Canvas and Moodle
formats) keeps these invariants after every run:

* one row per (student, assignment): a new grade of the same pair replaces the row, never adds one;
* a notebook keeps the student id it was first graded under when a later run cannot tell who
  submitted it (one student's folder given as the class folder), and rows the run did not touch stay;
* a roster adds a "no submission found" row (score 0) only for a pair with no graded row, and a
  graded row replaces it later;
* the feedback file of a replaced row is removed when its name changes (no stale feedback beside
  the new one).

Rows of notebooks nobody can be identified for are keyed by the notebook's path (``student`` empty).
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from grader.results import NotebookResult

__all__ = ["Gradebook", "MISSING", "FIXED", "question_column", "report_name"]

FIXED = ["student", "assignment", "notebook", "sha256", "submitted", "days_late", "penalty_percent",
         "raw_score", "score", "max_score", "percentage", "identical_to", "error"]

#: the error text of a roster student's row without a submission
MISSING = "no submission found"


def _num(x: float) -> str:
    return f"{x:g}"


def _path_key(path: str) -> str:
    return path if path.startswith("(") else os.path.realpath(path)


def question_column(assignment: str, qid: str, title: str, max_score: float) -> str:
    """Name of a per-question gradebook column, e.g. ``05_backpropagation q1: BP1 … [/2]``."""
    return f"{assignment} {qid}: {title} [/{_num(max_score)}]"


def report_name(student: str, assignment: str, notebook: str) -> str:
    """File name of a submission's feedback: ``<student>__<assignment>.md`` (safe characters)."""
    import re

    who = student or Path(notebook).stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{who}__{assignment or 'unknown'}") + ".md"


def _identity(row: dict) -> tuple[str, str]:
    student = row.get("student", "")
    return (student if student else "path:" + _path_key(row.get("notebook", "")), row.get("assignment", ""))


def is_missing(row: dict) -> bool:
    return row.get("error", "") == MISSING and row.get("notebook", "").startswith("(missing")


class Gradebook:
    """A CSV gradebook an LMS can import: one row per student × assignment.

    Columns: :data:`FIXED` (student, assignment, …, percentage, identical_to, error), then one
    column per question named by assignment, id, title and maximum. Rows are kept across runs.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.rows: dict[tuple[str, str], dict[str, str]] = {}
        self.questions: list[str] = []
        if self.path.is_file():
            with open(self.path, newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                for name in reader.fieldnames or []:
                    if name not in FIXED and name not in self.questions and name != "chapter":
                        self.questions.append(name)
                for row in reader:
                    if row.get("notebook"):
                        row.setdefault("assignment", row.get("chapter", ""))
                        row.pop("chapter", None)
                        self._put(row)

    @property
    def store_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".results.jsonl")

    def _put(self, row: dict) -> list[dict]:
        """Store ``row`` under its identity; return the rows it replaces (same pair or same notebook)."""
        if not row.get("student") and not is_missing(row):
            row["student"] = self.student_of(row["notebook"], row.get("assignment"))   # keep a known id
        key = _identity(row)
        old = self.rows.get(key)
        if old is not None and is_missing(row) and not is_missing(old):
            return []                      # a roster never hides a graded row
        replaced = [old] if old is not None else []
        if not is_missing(row):
            path = _path_key(row["notebook"])
            for other_key, other in list(self.rows.items()):
                if other_key != key and _path_key(other.get("notebook", "")) == path \
                        and other.get("assignment") == row.get("assignment"):
                    replaced.append(self.rows.pop(other_key))
        self.rows[key] = row
        return replaced

    def student_of(self, notebook: str | Path, assignment: str | None = None) -> str:
        """The student id a notebook was graded under before ('' when it never was)."""
        path = _path_key(str(notebook))
        for row in self.rows.values():
            if row.get("student") and _path_key(row.get("notebook", "")) == path \
                    and (assignment is None or row.get("assignment") == assignment):
                return row["student"]
        return ""

    def has_row(self, student: str, assignment: str) -> bool:
        return (student, assignment) in self.rows

    def add(self, result: NotebookResult, save: bool = True) -> list[str]:
        """Add or replace the submission's row (and save); return the feedback file names it made stale."""
        key = result.notebook if result.notebook.startswith("(") else _path_key(result.notebook)
        row = {"student": result.student, "assignment": result.chapter or "",
               "notebook": key, "sha256": result.sha256, "submitted": result.submitted,
               "days_late": _num(result.days_late), "penalty_percent": _num(round(100 * result.penalty, 2)),
               "raw_score": _num(result.raw_score), "score": _num(result.score),
               "max_score": _num(result.max_score), "percentage": _num(result.percentage),
               "error": result.error}
        for q in result.questions:
            column = question_column(result.chapter or "", q.id, q.title, q.max_score)
            if column not in self.questions:
                self.questions.append(column)
            row[column] = _num(q.score)
        new_name = report_name(result.student, result.chapter or "", key)
        stale = [report_name(old.get("student", ""), old.get("assignment", ""), old.get("notebook", ""))
                 for old in self._put(row) if not is_missing(old)]
        if save:
            self.save()
        return sorted({name for name in stale if name != new_name})

    def add_missing(self, student: str, assignment: str, save: bool = True) -> bool:
        """A roster student's "no submission found" row, only where the pair has no row yet."""
        if (student, assignment) in self.rows:
            return False
        self.add(NotebookResult(notebook=f"(missing: {student} {assignment})", chapter=assignment,
                                student=student, error=MISSING), save=save)
        return True

    def _mark_identical(self) -> None:
        groups: dict[tuple[str, str], list[dict]] = {}
        for row in self.rows.values():
            if row.get("sha256") and not row.get("error"):
                groups.setdefault((row.get("assignment", ""), row["sha256"]), []).append(row)
        for row in self.rows.values():
            same = groups.get((row.get("assignment", ""), row.get("sha256", "")), [])
            others = [o.get("student") or Path(o["notebook"]).name for o in same if o is not row]
            row["identical_to"] = ";".join(sorted(others))

    def sorted_rows(self) -> list[dict]:
        return sorted(self.rows.values(), key=lambda r: (r.get("assignment", ""), r.get("student", ""),
                                                         r["notebook"]))

    def save(self) -> None:
        from grader.report import write_atomic

        self._mark_identical()
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIXED + self.questions, restval="",
                                extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in self.sorted_rows():
            writer.writerow(row)
        write_atomic(self.path, buffer.getvalue())
