"""The class gradebook's invariants under random sequences of grading runs (issue 24).

Runs of ``python -m companion.grade`` on the whole class, one student's folder or one file, with and
without a roster, with notebooks changed between runs. The sandboxed grading of a notebook is
replaced by a stub that scores the file from its content, so a run costs milliseconds and the
property is about the gradebook, the student ids and the feedback files only. After every run:

* one row per student × assignment, every row with a student id;
* a submitted pair's row carries the score of the file's latest content;
* a roster's "no submission found" row only for a pair with no submission graded so far;
* one feedback file per graded row, named by that row; no other (no stale feedback).
"""
from __future__ import annotations

import csv
import io
import hashlib
import json
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from grader import cli  # noqa: E402
from grader.gradebook import MISSING, report_name  # noqa: E402
from grader.results import NotebookResult, QuestionResult  # noqa: E402

STUDENTS = ["alice", "bob", "chen", "dana"]
ROSTER = STUDENTS + ["eve"]                 # eve never submits
ASSIGNMENTS = ["07_optimizers", "08_local_minima"]
RUNS = {"count": 0}


def _score(text: str) -> float:
    return float(int(hashlib.sha256(text.encode()).hexdigest(), 16) % 5)


def _fake_submit(path, timeout=None, questions=None, *, assignment=None, executor=None, **_):
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    chapter = next(a for a in ASSIGNMENTS if a in path.name)
    score = _score(text)

    def wait():
        q = QuestionResult("q1", "Question", "f", score, 4.0, score == 4.0, f"stub {score:g}")
        return NotebookResult(notebook=str(path), chapter=chapter, questions=[q],
                              sha256=hashlib.sha256(text.encode()).hexdigest())
    return wait


@pytest.fixture
def stub_grading(monkeypatch):
    monkeypatch.setattr(cli, "submit_notebook", _fake_submit)
    monkeypatch.setattr(cli, "isolation_report", lambda: {})


def _layout(root: Path, submitted: dict) -> dict[tuple[str, str], Path]:
    """Class folder ``root/<student>/<assignment>_practice.ipynb`` for the pairs in ``submitted``."""
    paths = {}
    for (student, assignment), version in submitted.items():
        path = root / student / f"{assignment}_practice.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"cells": [], "metadata": {}, "version": version, "who": student})
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths[(student, assignment)] = path
    return paths


def _rows(book: Path) -> list[dict]:
    with open(book, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


run_kind = st.sampled_from(["class", "student", "file"])
step = st.tuples(run_kind, st.sampled_from(STUDENTS), st.sampled_from(ASSIGNMENTS), st.booleans(),
                 st.lists(st.tuples(st.sampled_from(STUDENTS), st.sampled_from(ASSIGNMENTS)), max_size=3))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.sets(st.tuples(st.sampled_from(STUDENTS), st.sampled_from(ASSIGNMENTS)), min_size=1),
       steps=st.lists(step, min_size=1, max_size=6))
def test_gradebook_invariants_hold_after_every_run(stub_grading, tmp_path_factory, first, steps):
    tmp = tmp_path_factory.mktemp("class")
    root, book, reports = tmp / "submissions", tmp / "grades.csv", tmp / "grades-reports"
    roster = tmp / "roster.csv"
    roster.write_text("student,email\n" + "".join(f"{s},{s}@example.org\n" for s in ROSTER), encoding="utf-8")
    versions = {pair: 0 for pair in first}
    paths = _layout(root, versions)
    graded: dict[tuple[str, str], float] = {}       # pair -> score of the content graded last
    for kind, student, assignment, with_roster, changes in [("class", STUDENTS[0], ASSIGNMENTS[0], False, [])] + steps:
        for pair in changes:                          # learners change (or first hand in) notebooks
            versions[pair] = versions.get(pair, 0) + 1
        paths = _layout(root, versions)
        if kind == "class":
            targets = [str(root)]
        elif kind == "student":
            if not (root / student).is_dir():
                continue
            targets = [str(root / student)]
        else:
            if (student, assignment) not in paths:
                continue
            targets = [str(paths[(student, assignment)])]
        argv = targets + ["--csv", str(book), "--jobs", "1"] + (["--roster", str(roster)] if with_roster else [])
        assert cli.main(argv) == 0
        RUNS["count"] += 1
        covered = [pair for pair, path in paths.items()
                   if any(str(path).startswith(t) for t in targets)]
        for pair in covered:
            graded[pair] = _score(paths[pair].read_text(encoding="utf-8"))
        rostered = {(s, a) for s in ROSTER for a in ASSIGNMENTS} if with_roster else set()
        _check(book, reports, graded, rostered)


def _check(book: Path, reports: Path, graded: dict, rostered_before: set) -> None:
    rows = _rows(book)
    pairs = [(r["student"], r["assignment"]) for r in rows]
    assert all(r["student"] for r in rows), "a row lost its student id"
    assert len(pairs) == len(set(pairs)), f"two rows for one student × assignment: {sorted(pairs)}"
    by_pair = {(r["student"], r["assignment"]): r for r in rows}
    for pair, score in graded.items():
        assert pair in by_pair, f"{pair} was graded but has no row"
        assert by_pair[pair]["error"] == "" and float(by_pair[pair]["score"]) == score, (pair, by_pair[pair])
    for pair, row in by_pair.items():
        if row["error"] == MISSING:
            assert pair not in graded, f"{pair} has a grade and a 'no submission' row"
        else:
            assert pair in graded
    expected_reports = {report_name(s, a, "") for (s, a) in graded}
    present = {p.name for p in reports.glob("*.md")} if reports.is_dir() else set()
    assert present == expected_reports, f"stale or missing feedback: {sorted(present ^ expected_reports)}"


def test_regrading_one_folder_keeps_ids_and_rows(stub_grading, tmp_path):
    """The scenario of issue 24: the class, then one student's folder with a roster, then the class again."""
    root, book = tmp_path / "submissions", tmp_path / "grades.csv"
    roster = tmp_path / "roster.csv"
    roster.write_text("student\n" + "\n".join(ROSTER) + "\n", encoding="utf-8")
    _layout(root, {(s, a): 0 for s in STUDENTS for a in ASSIGNMENTS})
    assert cli.main([str(root), "--csv", str(book), "--jobs", "1"]) == 0
    before = {(r["student"], r["assignment"]): r["score"] for r in _rows(book)}
    _layout(root, {("bob", ASSIGNMENTS[0]): 1})
    assert cli.main([str(root / "bob"), "--csv", str(book), "--roster", str(roster), "--jobs", "1"]) == 0
    rows = _rows(book)
    assert all(r["student"] for r in rows)
    graded = {(r["student"], r["assignment"]) for r in rows if not r["error"]}
    assert graded == set(before)
    missing = {(r["student"], r["assignment"]) for r in rows if r["error"] == MISSING}
    assert missing == {("eve", a) for a in ASSIGNMENTS}
    reports = sorted(p.name for p in (tmp_path / "grades-reports").glob("*.md"))
    assert reports == sorted(report_name(s, a, "") for s, a in before)
    assert not any("not identified" in p.read_text() for p in (tmp_path / "grades-reports").glob("*.md"))


def test_property_run_count_is_reported(capsys):
    """Prints how many grading runs the property test made (read by the issue's closing note)."""
    with capsys.disabled():
        print(f"\ngradebook property test: {RUNS['count']} grading runs checked")


def test_lms_exports_one_row_per_student(stub_grading, tmp_path):
    from grader import lms
    from grader.gradebook import Gradebook

    root, book = tmp_path / "submissions", tmp_path / "grades.csv"
    roster = tmp_path / "roster.csv"
    roster.write_text("student,email,name\n" + "".join(f"{s},{s}@example.org,{s.title()}\n" for s in ROSTER),
                      encoding="utf-8")
    _layout(root, {(s, ASSIGNMENTS[0]): 0 for s in STUDENTS} | {("alice", ASSIGNMENTS[1]): 0})
    assert cli.main([str(root), "--csv", str(book), "--roster", str(roster), "--jobs", "1"]) == 0
    rows = {(r["student"], r["assignment"]): r for r in _rows(book)}
    moodle = list(csv.reader(io.StringIO(lms.moodle_csv(Gradebook(book), lms._read(roster)))))
    assert moodle[0] == ["ID number", "Email address"] + ASSIGNMENTS
    assert [r[0] for r in moodle[1:]] == sorted(ROSTER)
    alice = moodle[1]
    assert alice[1] == "alice@example.org" and alice[2] == rows[("alice", ASSIGNMENTS[0])]["score"]
    eve = moodle[-1]
    assert eve[2:] == ["0", "0"]            # rostered, nothing handed in
    assert moodle[2][3] == "0"              # bob did not hand in 08: a roster row
    out = tmp_path / "canvas.csv"
    assert lms.main([str(book), "--format", "canvas", "-o", str(out), "--roster", str(roster)]) == 0
    canvas = list(csv.reader(io.StringIO(out.read_text())))
    assert canvas[0][5:] == [f"{a} ({lms.PLACEHOLDER})" for a in ASSIGNMENTS]
    assert canvas[1][0] == "Points Possible" and canvas[1][5:] == ["4", "4"]
    assert canvas[2][:4] == ["Alice", "", "", "alice"]
    ids = tmp_path / "ids.csv"
    ids.write_text(f"assignment,canvas_id\n{ASSIGNMENTS[0]},101\n{ASSIGNMENTS[1]},102\n", encoding="utf-8")
    assert lms.main([str(book), "--format", "canvas", "--canvas-ids", str(ids), "-o", str(out)]) == 0
    assert out.read_text().splitlines()[0].endswith(f"{ASSIGNMENTS[0]} (101),{ASSIGNMENTS[1]} (102)")


def test_a_gradebook_damaged_by_earlier_versions_is_repaired_on_load(tmp_path):
    """Rows an earlier grader wrote (an empty id beside the student's row, a roster 0 beside a grade)
    collapse to one row per student × assignment, the graded one."""
    from grader.gradebook import FIXED, Gradebook

    book = tmp_path / "grades.csv"
    nb = str(tmp_path / "alice" / "07_optimizers_practice.ipynb")
    rows = [{"student": "", "assignment": "07_optimizers", "notebook": nb, "score": "9"},
            {"student": "alice", "assignment": "07_optimizers", "notebook": nb, "score": "9"},
            {"student": "alice", "assignment": "07_optimizers", "notebook": "(missing: alice 07_optimizers)",
             "score": "0", "error": MISSING},
            {"student": "bob", "assignment": "07_optimizers", "notebook": "(missing: bob 07_optimizers)",
             "score": "0", "error": MISSING}]
    with open(book, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIXED, restval="")
        writer.writeheader()
        writer.writerows(rows)
    for order in (rows, rows[::-1], rows[1:] + rows[:1]):
        with open(book, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIXED, restval="")
            writer.writeheader()
            writer.writerows(order)
        Gradebook(book).save()
        repaired = {(r["student"], r["assignment"]): r for r in _rows(book)}
        assert set(repaired) == {("alice", "07_optimizers"), ("bob", "07_optimizers")}, order
        assert repaired[("alice", "07_optimizers")]["score"] == "9"
        assert repaired[("bob", "07_optimizers")]["error"] == MISSING
