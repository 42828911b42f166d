"""A class of 30 realistic submissions for practice 07–12, graded with --jobs 2 and compared with the
scores the questions' text gives them (issue 24). Writes the table to test-output/class_scores.md."""
from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from grader import cli
import class_fixtures as cls

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_class_is_scored_as_the_questions_say(tmp_path):
    cls.build(tmp_path / "class")
    book = tmp_path / "grades.csv"
    start = time.perf_counter()
    assert cli.main([str(tmp_path / "class"), "--csv", str(book), "--jobs", "2"]) == 0
    seconds = time.perf_counter() - start
    rows = {(r["assignment"], r["student"]): r for r in csv.DictReader(open(book, newline="", encoding="utf-8"))}
    lines = ["| notebook | student | submission | by hand | grader | |", "|---|---|---|---|---|---|"]
    wrong = []
    for (stem, student), (_, _, _, why) in cls.VARIANTS.items():
        want, got = cls.expected(stem, student), float(rows[(stem, student)]["score"])
        lines.append(f"| {stem} | {student} | {why} | {want:g} | {got:g} | {'ok' if want == got else 'DIFFERS'} |")
        if want != got:
            wrong.append((stem, student, why, want, got))
    right = len(cls.VARIANTS) - len(wrong)
    lines.append(f"\n{right} of {len(cls.VARIANTS)} submissions scored as by hand; graded in {seconds:.0f} s "
                 "with --jobs 2.")
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / "class_scores.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))
    assert not wrong, wrong
