"""The course secret re-seeds the hidden cases; with it set, the solutions still earn full marks."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader import grade_notebook, secret
from grader.guard import key_dirs
from grader.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.random.Generator):
        return isinstance(b, np.random.Generator) and a.bit_generator.state == b.bit_generator.state
    if hasattr(a, "__dict__"):
        return type(a) is type(b) and _same(sorted(vars(a).items()), sorted(vars(b).items()))
    return type(a) is type(b) and a == b


@pytest.fixture
def course_secret(monkeypatch, tmp_path):
    monkeypatch.setenv(secret.ENV_FILE, str(tmp_path / "no-such-file"))
    monkeypatch.setenv(secret.ENV, "a phrase only the instructor knows")


def test_without_a_secret_the_cases_are_the_keys_own(monkeypatch, tmp_path):
    monkeypatch.delenv(secret.ENV, raising=False)
    monkeypatch.setenv(secret.ENV_FILE, str(tmp_path / "no-such-file"))
    question = QUESTIONS["07_optimizers"][0]
    assert all(_same(a.args, b.args) for a, b in zip(secret.cases_of(question), question.cases()))


def test_the_secret_changes_drawn_hidden_cases_and_keeps_visible_ones(course_secret):
    changed = 0
    for questions in QUESTIONS.values():
        for question in questions:
            plain, seeded = question.cases(), secret.cases_of(question)
            assert [c.hidden for c in plain] == [c.hidden for c in seeded]
            for a, b in zip(plain, seeded):
                if not a.hidden:
                    assert _same(a.args, b.args), (question.id, "a visible case changed")
                elif not _same(a.args, b.args):
                    changed += 1
    assert changed > 100


def test_a_secret_file_works_and_is_part_of_the_guarded_key(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("from a file\n", encoding="utf-8")
    monkeypatch.delenv(secret.ENV, raising=False)
    monkeypatch.setenv(secret.ENV_FILE, str(path))
    assert secret.secret() == "from a file"
    assert str(path.resolve()) in key_dirs()


@pytest.mark.slow
@pytest.mark.skipif(not SOLUTIONS, reason="solutions/ is empty")
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_earn_full_marks_with_the_secret(course_secret, path):
    result = grade_notebook(path)
    failed = {q.id: q.feedback for q in result.questions if not q.passed}
    assert failed == {} and result.score == result.max_score > 0
