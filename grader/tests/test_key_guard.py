"""Answers that reach for the answer key earn nothing, whatever the route, and say why.

Each question of practice 07 is answered by the key's own reference, reached one way or another:
a plain import, importlib, ``__import__``, ``sys.modules``, reading the key's file by path
(``open``/``exec``, ``runpy``, ``importlib.util``). Honest answers next to them keep their points.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import grader
from grader import grade_notebook
from grader.guard import key_dirs

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "07_optimizers_practice.ipynb"
KEY = Path(grader.__file__).resolve().parent / "questions"
CH07 = str(KEY / "ch07.py")

needs_solution = pytest.mark.skipif(not SOLUTION.is_file(), reason="solutions/07_optimizers_practice.ipynb is missing")

ROUTES = {
    "import": {
        "q1": "from grader.questions.ch07 import _momentum_step_ref as momentum_step\n",
        "q2": ("def adam_step(*args):\n    import importlib\n"
               "    return importlib.import_module('grader.questions.ch07')._adam_step_ref(*args)\n"),
        "q3": "adagrad = __import__('grader.questions.ch07', fromlist=['x'])._adagrad_ref\n",
        "q4": ("import sys\ndef best_learning_rate(H):\n"
               "    return sys.modules['grader.questions.ch07']._best_lr_ref(H)\n"),
        "q5": ("def momentum_position(*args):\n    ns = {}\n"
               f"    exec(open({CH07!r}).read(), ns)\n    return ns['momentum_position_closed_form'](*args)\n"),
    },
    "files": {
        "q1": ("import runpy\ndef momentum_step(*args):\n"
               f"    return runpy.run_path({CH07!r})['_momentum_step_ref'](*args)\n"),
        "q2": ("import importlib.util\n"
               f"spec = importlib.util.spec_from_file_location('k', {CH07!r})\n"
               "key = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(key)\n"
               "adam_step = key._adam_step_ref\n"),
        "q3": ("import runpy\ndef adagrad(*args):\n"
               "    return runpy.run_module('grader.questions.ch07')['_adagrad_ref'](*args)\n"),
        "q4": ("import grader\ndef best_learning_rate(H):\n"
               "    return grader.questions.ch07._best_lr_ref(H)\n"),
    },
}


def _answer_cells(nb: dict) -> dict[str, dict]:
    cells = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if cell["cell_type"] == "code" and meta.get("nbgrader", {}).get("solution"):
            cells[meta["companion"]["question"]] = cell
    return cells


def _cheating(tmp_path: Path, route: str) -> Path:
    nb = copy.deepcopy(json.loads(SOLUTION.read_text(encoding="utf-8")))
    for qid, source in ROUTES[route].items():
        _answer_cells(nb)[qid]["source"] = source
    path = tmp_path / f"{route}_07_optimizers_practice.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cheats")
    return {route: {q.id: q for q in grade_notebook(_cheating(folder, route)).questions} for route in ROUTES}


@needs_solution
@pytest.mark.parametrize("route,qid", [(r, q) for r in ROUTES for q in ROUTES[r]])
def test_an_answer_reaching_the_key_earns_zero_and_says_why(graded, route, qid):
    result = graded[route][qid]
    assert result.score == 0 and not result.passed
    assert "answer key" in result.feedback, result.feedback


@needs_solution
def test_honest_answers_beside_a_cheat_keep_their_points(graded):
    assert graded["files"]["q5"].passed and graded["files"]["q5"].score == graded["files"]["q5"].max_score


def test_the_key_is_what_the_guard_protects():
    assert str(KEY) in key_dirs()
