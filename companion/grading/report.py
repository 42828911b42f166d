"""Grade reports: the terminal table, the JSON file and the CSV gradebook.

Files are written atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted batch run never leaves a half-written report and never loses grades already written.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import textwrap
from pathlib import Path

from companion.grading.runner import NotebookResult

__all__ = ["format_table", "write_atomic", "write_json", "Gradebook"]

FIXED = ["notebook", "chapter", "sha256", "score", "max_score"]


def _num(x: float) -> str:
    return f"{x:g}"


def format_table(result: NotebookResult, width: int = 100) -> str:
    """A terminal table of one notebook's grade, with feedback under failed questions."""
    head = f"{result.notebook}"
    if result.chapter:
        head += f"  [{result.chapter}]"
    lines = [f"{head}  score {_num(result.score)} / {_num(result.max_score)}"]
    if result.error:
        lines.append(f"  ! {result.error}")
    for q in result.questions:
        mark = "passed" if q.passed else "FAILED"
        title = f"{q.id}  {q.title} — {q.function}()"
        lines.append(f"  {title:<60.60} {_num(q.score):>5} / {_num(q.max_score):<5} {mark}")
        show = q.feedback if not q.passed else "\n".join(
            line for line in q.feedback.splitlines() if line.startswith(("hint", "note")))
        for line in show.splitlines():
            for part in textwrap.wrap(line, width - 8) or [""]:
                lines.append(f"        {part}")
    return "\n".join(lines)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path: str | Path, objects: list[dict]) -> None:
    """One object for one notebook, a list for several (DESIGN §7)."""
    payload = objects[0] if len(objects) == 1 else objects
    write_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


class Gradebook:
    """A CSV gradebook: one row per notebook; resumable (rows are kept across runs).

    Columns: notebook, chapter, sha256, score, max_score, then one column per question id.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.rows: dict[str, dict[str, str]] = {}
        self.questions: list[str] = []
        if self.path.is_file():
            with open(self.path, newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                for name in reader.fieldnames or []:
                    if name not in FIXED and name not in self.questions:
                        self.questions.append(name)
                for row in reader:
                    if row.get("notebook"):
                        self.rows[row["notebook"]] = row

    def already_graded(self, notebook: str, sha256: str) -> dict | None:
        """The stored row when this exact file (same path and hash) was graded before."""
        row = self.rows.get(notebook)
        return row if row is not None and row.get("sha256") == sha256 else None

    def add(self, result: NotebookResult) -> None:
        """Add or replace the notebook's row and rewrite the file atomically."""
        row = {"notebook": result.notebook, "chapter": result.chapter or "",
               "sha256": result.sha256, "score": _num(result.score),
               "max_score": _num(result.max_score)}
        for q in result.questions:
            if q.id not in self.questions:
                self.questions.append(q.id)
            row[q.id] = _num(q.score)
        self.rows[result.notebook] = row
        self.save()

    def save(self) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIXED + self.questions, restval="",
                                extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in self.rows.values():
            writer.writerow(row)
        write_atomic(self.path, buffer.getvalue())
