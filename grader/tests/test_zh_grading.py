"""The grader on the Chinese edition: the same key and the same scores, feedback in Chinese.

A submission marked ``metadata.companion.language == "zh"`` (every notebook of zh/) is graded
exactly as its English twin; what a learner reads (per-question feedback, hints, errors, the
Markdown report, Gradescope's results) is Chinese. English submissions are unchanged (the other
grader tests).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader import grade_notebook
from grader.gradescope import results_for
from grader.questions import QUESTIONS
from grader.report import format_table, write_student_report

ROOT = Path(__file__).resolve().parents[2]
ZH_SOLUTIONS = sorted((ROOT / "zh" / "solutions").glob("*_practice.ipynb"))
ZH_EXERCISES = sorted((ROOT / "zh" / "exercises").glob("*_practice.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")
#: English words of the report's own wording: none may appear in a zh report
REPORT_WORDS = re.compile(r"\b(score|passed|FAILED|partial|hint|note|warning|question|points|verdict|"
                          r"student|notebook|Feedback|problem|cases|visible|hidden|expected|got)\b")


def _english_of(zh_path: Path) -> Path:
    return ROOT / zh_path.relative_to(ROOT / "zh")


@pytest.mark.skipif(not ZH_SOLUTIONS, reason="zh/solutions is empty: run `make translations`")
@pytest.mark.parametrize("path", ZH_SOLUTIONS, ids=lambda p: p.name)
def test_every_zh_solution_earns_full_marks_in_chinese(path):
    result = grade_notebook(path)
    assert result.chapter in QUESTIONS and result.language == "zh", result.error
    failed = {q.id: q.feedback for q in result.questions if not q.passed}
    assert failed == {} and result.score == result.max_score > 0
    assert sum(q.points for q in QUESTIONS[result.chapter]) == result.max_score
    for q in result.questions:
        assert CJK.search(q.feedback) and "cases passed" not in q.feedback, q.feedback


@pytest.mark.skipif(not ZH_EXERCISES, reason="zh/exercises is empty: run `make translations`")
@pytest.mark.parametrize("path", ZH_EXERCISES, ids=lambda p: p.name)
def test_every_untouched_zh_exercise_earns_zero_in_chinese(path):
    result = grade_notebook(path)
    assert result.language == "zh" and result.max_score > 0 and result.score == 0
    assert {q.feedback for q in result.questions} == {"尚未实现"}


def _wrong_answers(tmp_path: Path, language: str) -> Path:
    """Practice 1 with a wrong q1, a crashing q2 and a missing q3, in the given edition."""
    source = ROOT / ("zh" if language == "zh" else "") / "exercises" / "01_neurons_practice.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    answers = {
        "q1": "def perceptron_output(X, w, b):\n    return (X @ w + b > 0).astype(int)[::-1]\n",
        "q2": "def perceptron_update(w, b, x, y, eta):\n    return 1 / 0\n",
        "q3": "x = 1\n",
    }
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        qid = (meta.get("companion") or {}).get("question")
        if meta.get("nbgrader", {}).get("solution") and qid in answers:
            cell["source"] = answers[qid]
    path = tmp_path / "alice_01_neurons_practice.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def wrong(tmp_path_factory):
    """The same wrong answers graded in both editions: (English result, Chinese result)."""
    results = []
    for language in ("en", "zh"):
        folder = tmp_path_factory.mktemp(language)
        results.append(grade_notebook(_wrong_answers(folder, language)))
    return results


def test_wrong_answers_score_the_same_in_both_editions(wrong):
    english, chinese = wrong
    assert (english.language, chinese.language) == ("en", "zh")
    assert [q.score for q in english.questions] == [q.score for q in chinese.questions]
    assert [q.passed for q in english.questions] == [q.passed for q in chinese.questions]
    assert english.score == chinese.score < english.max_score == chinese.max_score
    assert [q.title for q in english.questions] == [q.title for q in chinese.questions]  # the gradebook's columns


def test_failure_feedback_and_hints_are_chinese(wrong):
    english, chinese = wrong
    by_id = {q.id: q for q in chinese.questions}
    assert "个值中有" in by_id["q1"].feedback and "ZeroDivisionError" in by_id["q2"].feedback
    assert "函数 train_perceptron() 未定义" in by_id["q3"].feedback
    for q_en, q_zh in zip(english.questions, chinese.questions):
        assert q_en.feedback != q_zh.feedback and CJK.search(q_zh.feedback)
        if q_en.hint:
            assert CJK.search(q_zh.hint) and q_zh.text().endswith(f"\n提示：{q_zh.hint}")
    assert "visible" not in " ".join(q.text() for q in chinese.questions)


def test_reports_and_gradescope_speak_the_submission_language(wrong, tmp_path):
    english, chinese = wrong
    report = write_student_report(chinese, tmp_path).read_text(encoding="utf-8")
    table = format_table(chinese)
    gradescope = results_for([chinese])
    texts = [report, table] + [t["name"] + "\n" + t["output"] for t in gradescope["tests"]]
    for text in texts:
        assert CJK.search(text)
        assert REPORT_WORDS.findall(re.sub(r"`[^`]*`|\S+\.ipynb", "", text)) == [], text
    assert "感知机" in report and "得分" in table
    assert REPORT_WORDS.search(write_student_report(english, tmp_path / "en").read_text(encoding="utf-8"))
    assert gradescope["score"] == results_for([english])["score"]


def test_a_broken_zh_submission_is_told_in_chinese(tmp_path):
    path = tmp_path / "01_neurons_practice.ipynb"
    path.write_text('{"metadata": {"companion": {"language": "zh"}}, "cells": [', encoding="utf-8")
    result = grade_notebook(path)
    assert result.language == "zh" and result.score == 0
    assert "不是有效的笔记本" in result.error and "JSON" in result.error
    assert all(q.feedback.startswith("未评分：") for q in result.questions) and result.questions


def test_results_remember_their_language():
    from grader.results import NotebookResult, QuestionResult, localize

    result = localize(NotebookResult("n.ipynb", "01_neurons", [QuestionResult(
        "q1", "Perceptron output for a batch", "perceptron_output", 0.0, 2.0, False,
        "not implemented yet", "Perceptron output for a batch")]), "zh")
    again = NotebookResult.from_json(json.loads(json.dumps(result.to_json())))
    assert again.language == "zh" and again.questions[0].language == "zh"
    assert again.questions[0].feedback == "尚未实现" and again.questions[0].hint == "一个批量的感知机输出"
    assert again.questions[0].shown_title() == "一个批量的感知机输出"
