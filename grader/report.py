"""Grade reports: the terminal table, the JSON file, the CSV gradebook, its result store, and
one Markdown feedback file per submission.

Files are written atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted batch run never leaves a half-written report and never loses grades already written.
The full results (every feedback string) are kept beside the CSV in ``<gradebook>.results.jsonl``,
one line per graded submission, so a re-run or a resume reports them again word for word.
"""
from __future__ import annotations

import json
import os
import tempfile
import textwrap
from pathlib import Path

from course_check.i18n import label
from grader.results import NotebookResult

__all__ = ["format_table", "write_atomic", "write_json", "Gradebook", "ResultStore", "write_student_report",
           "report_name", "FIXED"]

from grader.gradebook import FIXED, Gradebook, question_column  # noqa: E402,F401 - the gradebook's home


def _num(x: float) -> str:
    return f"{x:g}"


def _late(result: NotebookResult) -> str:
    if result.language == "zh":
        return (f"迟交 {result.days_late:g} 天：扣 {100 * result.penalty:g}%"
                f"（扣分前：{_num(result.raw_score)}）")
    return (f"late by {result.days_late:g} day(s): {100 * result.penalty:g}% off "
            f"(before the penalty: {_num(result.raw_score)})")


def format_table(result: NotebookResult, width: int = 100) -> str:
    """A terminal table of one notebook's grade, with feedback under failed questions (its words
    in the submission's language)."""
    say = lambda word: label(word, result.language)   # noqa: E731
    head = f"{result.notebook}"
    if result.chapter:
        head += f"  [{result.chapter}]"
    if result.student:
        head += f"  {say('student')} {result.student}"
    lines = [f"{head}  {say('score')} {_num(result.score)} / {_num(result.max_score)}"]
    if result.penalty:
        lines.append(f"  {_late(result)}")
    if result.error:
        lines.append(f"  ! {result.error}")
    for warning in result.warnings:
        lines.append(f"  {say('warning')}: {warning}")
    for q in result.questions:
        mark = say("passed" if q.passed else ("partial" if q.score > 0 else "FAILED"))
        title = f"{q.id}  {q.shown_title()} — {q.function}()"
        lines.append(f"  {title:<60.60} {_num(q.score):>5} / {_num(q.max_score):<5} {mark}")
        show = q.text() if not q.passed else "\n".join(
            line for line in q.feedback.splitlines() if line.startswith(("hint", "note", "提示", "注意")))
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
    """One object for one notebook, a list for several (docs/architecture.md §7)."""
    payload = objects[0] if len(objects) == 1 else objects
    write_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def _key(path: str) -> str:
    return os.path.realpath(path)


class ResultStore:
    """Every graded submission's full result, keyed by resolved path (and checked by hash).

    An append-only JSON Lines file: one line per graded submission, the last line of a path wins.
    A line cut short by an interrupt is ignored (that submission is graded again). Each entry also
    counts the failed attempts per question, for the ``after-N-attempts`` hints policy.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.entries: dict[str, dict] = {}
        if self.path.is_file():
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                        self.entries[str(entry["key"])] = entry
                    except (ValueError, KeyError, TypeError):
                        continue

    def get(self, notebook: str, sha256: str) -> dict | None:
        """The stored entry when this exact file (same resolved path and hash) was graded before."""
        entry = self.entries.get(_key(notebook))
        return entry if entry is not None and entry.get("sha256") == sha256 else None

    def failed_attempts(self, notebook: str) -> dict[str, int]:
        entry = self.entries.get(_key(notebook))
        return dict(entry.get("failed_attempts", {})) if entry else {}

    def add(self, result: NotebookResult, failed_attempts: dict[str, int]) -> None:
        entry = {"key": _key(result.notebook), "sha256": result.sha256, "result": result.to_json(),
                 "failed_attempts": failed_attempts}
        self.entries[entry["key"]] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def report_name(result: NotebookResult) -> str:
    """File name of a submission's feedback report: ``<student>__<assignment>.md`` (safe characters)."""
    from grader import gradebook

    return gradebook.report_name(result.student, result.chapter or "", result.notebook)


def write_student_report(result: NotebookResult, folder: str | Path) -> Path:
    """Write one Markdown feedback file for the learner: each question's verdict, feedback and hint,
    in the submission's language."""
    say = lambda word: label(word, result.language)   # noqa: E731
    colon = "：" if result.language == "zh" else ": "
    lines = [f"# {say('Feedback')}{colon}{result.chapter or say('unknown assignment')}", "",
             f"- {say('student')}{colon}{result.student or say('(not identified)')}",
             f"- {say('notebook')}{colon}`{Path(result.notebook).name}`",
             f"- {say('score')}{colon}**{_num(result.score)} / {_num(result.max_score)}** ({_num(result.percentage)}%)"]
    if result.penalty:
        lines.append(f"- {_late(result)}")
    if result.error:
        lines.append(f"- {say('problem')}{colon}{result.error}")
    for warning in result.warnings:
        lines.append(f"- {say('note')}{colon}{warning}")
    lines += ["", f"| {say('question')} | {say('points')} | {say('verdict')} |", "|---|---|---|"]
    for q in result.questions:
        verdict = say("passed" if q.passed else ("partly passed" if q.score > 0 else "not passed"))
        lines.append(f"| {q.id} {q.shown_title()} | {_num(q.score)} / {_num(q.max_score)} | {verdict} |")
    for q in result.questions:
        lines += ["", f"## {q.id}{colon}{q.shown_title()} (`{q.function}()`)", "", "```text", q.feedback, "```"]
        if q.hint:
            lines += ["", f"**{say('Hint')}{colon}**{q.hint}" if result.language == "zh" else f"**Hint:** {q.hint}"]
    path = Path(folder) / report_name(result)
    write_atomic(path, "\n".join(lines) + "\n")
    return path
