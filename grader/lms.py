"""Export the class gradebook in the CSV formats that Canvas and Moodle import.

``python -m grader.lms grades.csv --format moodle -o moodle.csv``
``python -m grader.lms grades.csv --format canvas --canvas-ids canvas_ids.csv -o canvas.csv``

The gradebook (:mod:`grader.gradebook`) has one row per student × assignment; an LMS wants one
row per student and one column per assignment. Scores are points after any late penalty; a
roster's "no submission found" row counts 0; a pair with no row at all is left empty (the LMS
keeps what it had).

* **Moodle** (Grades → Import → CSV file): columns ``ID number``, ``Email address`` (from the roster
  when it has an ``email`` column) and one column per assignment. On import, map ``ID number`` (or
  the email) to the user field and each assignment column to its grade item.
* **Canvas** (Grades → Import): columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment headed ``<name> (<Canvas assignment id>)``, and a
  second row ``Points Possible``. Canvas matches an assignment column only by its own id, so the
  export is a template: give the ids in a CSV with columns ``assignment,canvas_id`` (the id is the
  number at the end of the assignment's Canvas address), or complete the ``(CANVAS_ID)``
  placeholders by hand. Students are matched by ``SIS Login ID`` (the grader's student id), or by
  ``ID`` when the roster has a ``canvas_id`` column.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from grader.gradebook import MISSING, Gradebook

__all__ = ["table", "moodle_csv", "canvas_csv", "main", "PLACEHOLDER"]

PLACEHOLDER = "CANVAS_ID"


def _read(path: str | Path | None) -> list[dict]:
    if not path:
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def table(book: Gradebook) -> tuple[list[str], dict[str, float], dict[str, dict[str, str]]]:
    """(assignments, their maximum points, student -> {assignment: score text}) of a gradebook."""
    assignments = sorted({r["assignment"] for r in book.rows.values() if r.get("assignment")})
    maximum: dict[str, float] = {}
    scores: dict[str, dict[str, str]] = {}
    for row in book.sorted_rows():
        student, assignment = row.get("student", ""), row.get("assignment", "")
        if not student or not assignment:
            continue
        if row.get("max_score") and float(row["max_score"]) > 0:
            maximum[assignment] = max(maximum.get(assignment, 0.0), float(row["max_score"]))
        scores.setdefault(student, {})[assignment] = "0" if row.get("error") == MISSING else row.get("score", "")
    return assignments, maximum, scores


def _write(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def moodle_csv(book: Gradebook, roster: list[dict] | None = None) -> str:
    """Moodle's grade import: one row per student, one column per assignment."""
    assignments, _, scores = table(book)
    emails = {r["student"]: r.get("email", "") for r in roster or [] if r.get("student")}
    rows = [["ID number", "Email address"] + assignments]
    for student in sorted(set(scores) | set(emails)):
        rows.append([student, emails.get(student, "")] + [scores.get(student, {}).get(a, "") for a in assignments])
    return _write(rows)


def canvas_csv(book: Gradebook, canvas_ids: dict[str, str] | None = None,
               roster: list[dict] | None = None) -> str:
    """Canvas's gradebook import; assignments without a known Canvas id keep a placeholder."""
    assignments, maximum, scores = table(book)
    canvas_ids = canvas_ids or {}
    people = {r["student"]: r for r in roster or [] if r.get("student")}
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [
        f"{a} ({canvas_ids.get(a, PLACEHOLDER)})" for a in assignments]
    rows = [header, ["Points Possible", "", "", "", ""] + [f"{maximum.get(a, 0):g}" for a in assignments]]
    for student in sorted(set(scores) | set(people)):
        person = people.get(student, {})
        rows.append([person.get("name", student), person.get("canvas_id", ""), person.get("sis_user_id", ""),
                     student, person.get("section", "")]
                    + [scores.get(student, {}).get(a, "") for a in assignments])
    return _write(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.lms", description=__doc__.splitlines()[0])
    parser.add_argument("gradebook", help="the CSV gradebook written by python -m companion.grade --csv")
    parser.add_argument("--format", choices=["canvas", "moodle"], required=True)
    parser.add_argument("-o", "--output", help="file to write (default: print)")
    parser.add_argument("--roster", help="CSV with a 'student' column; optional name, email, section, "
                                         "canvas_id, sis_user_id columns")
    parser.add_argument("--canvas-ids", help="CSV with columns assignment,canvas_id (Canvas only)")
    args = parser.parse_args(argv)
    if not Path(args.gradebook).is_file():
        parser.error(f"no such gradebook: {args.gradebook}")
    book = Gradebook(args.gradebook)
    roster = _read(args.roster)
    if args.format == "moodle":
        text = moodle_csv(book, roster)
    else:
        ids = {r["assignment"]: r["canvas_id"] for r in _read(args.canvas_ids) if r.get("assignment")}
        text = canvas_csv(book, ids, roster)
        if PLACEHOLDER in text.splitlines()[0]:
            print(f"note: replace each ({PLACEHOLDER}) in the header with the Canvas assignment id "
                  "(or pass --canvas-ids) before importing", file=sys.stderr)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
