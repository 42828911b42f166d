"""Nothing a learner receives gives an answer away (docs/instructors.md, hints policy).

- no hint (shipped in course_check/data) and no stub (the answer cells of exercises/) contains a
  distinctive expression of a reference answer (a solution region or a reference implementation);
- a hint is shown only after a wrong attempt: never for an unanswered question, in check(), under
  nbgrader and in the grader's feedback.
"""
from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

import pytest

from course_check import make_checker
from course_check.visible import DATA
from grader import grade_notebook
from grader.exercises import make_exercise

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
KEY = sorted((ROOT / "grader" / "questions").glob("ch*.py"))
_REGION = re.compile(r"^[ \t]*###\s*BEGIN SOLUTION\s*$(.*?)^[ \t]*###\s*END SOLUTION\s*$", re.M | re.S)
MIN_LENGTH = 7
_KINDS = (ast.BinOp, ast.Call, ast.Compare, ast.UnaryOp, ast.BoolOp)


def normalize(text: str) -> str:
    """One spelling for code and for formulas written in prose (|v| = abs(v), ** = ^, λ…)."""
    text = text.replace("−", "-").replace("·", "*").replace("×", "*").replace("²", "^2").replace("**", "^")
    text = re.sub(r"\|([^|]{1,40})\|", r"abs(\1)", text)
    text = re.sub(r"\b(np|numpy|math)\.", "", text)
    text = re.sub(r"\b(\d+)\.0\b", r"\1", text)
    text = text.replace("maximum", "max").replace("minimum", "min")
    return re.sub(r"\s+", "", text).lower()


def _expressions(code: str) -> set[str]:
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, _KINDS):
            text = normalize(ast.unparse(node))
            if len(text) >= MIN_LENGTH and re.search(r"[-+*/^@]", text) and len(re.findall(r"[a-z_]\w*", text)) >= 2:
                found.add(text)
    return found


def _reference_code(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {kw.value.id for node in ast.walk(tree) if isinstance(node, ast.Call)
             for kw in node.keywords if kw.arg == "reference" and isinstance(kw.value, ast.Name)}
    return [ast.unparse(node) for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and (node.name in names or node.name.endswith("_ref"))]


def answer_expressions() -> set[str]:
    found = set()
    for path in SOLUTIONS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                for match in _REGION.finditer("".join(cell["source"])):
                    found |= _expressions(match.group(1))
    for path in KEY:
        for code in _reference_code(path):
            found |= _expressions(code)
    return found


def shipped_texts() -> list[tuple[str, str]]:
    """(where, text) of every hint in course_check/data (in both languages) and every stub of
    exercises/ and zh/exercises/."""
    texts = []
    for path in sorted(DATA.glob("*.json")):
        for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            texts.append((f"{path.stem} {q['id']} hint", q["hint"]))
    phrases = DATA / "zh" / "phrases.json"      # the hints of the Chinese edition ship too
    if phrases.is_file():
        texts += [(f"{e['where']} (zh)", e["zh"]) for e in json.loads(phrases.read_text(encoding="utf-8"))["phrases"].values()]
    for path in [*EXERCISES, *sorted((ROOT / "zh" / "exercises").glob("*.ipynb"))]:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("solution"):
                qid = cell["metadata"].get("companion", {}).get("question")
                texts.append((f"{path.stem} {qid} stub", "".join(cell["source"])))
    return texts


def leaks(texts: list[tuple[str, str]], expressions: set[str]) -> list[str]:
    return sorted(f"{where}: {expr}" for where, text in texts for expr in expressions if expr in normalize(text))


@pytest.mark.skipif(not SOLUTIONS, reason="solutions/ is empty")
def test_no_hint_or_stub_contains_a_reference_answers_expression():
    expressions = answer_expressions()
    texts = shipped_texts()
    assert len(expressions) > 200 and len(texts) > 100
    assert leaks(texts, expressions) == []


def test_the_policy_check_catches_a_formula_in_prose_and_in_code():
    expressions = _expressions("return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)\n")
    assert leaks([("hint", "sign(v) * max(|v| − t, 0), element-wise")], expressions)
    assert leaks([("stub", '"""v_new = mu * v - lr * grad"""')], _expressions("v_new = mu * v - lr * grad"))
    assert not leaks([("hint", "keep the sign of v and shrink its size by t")], expressions)


def _namespace(source: str) -> dict:
    namespace: dict = {}
    exec(source, namespace)
    return namespace


def test_check_shows_no_hint_for_an_unanswered_question_even_under_nbgrader(monkeypatch, capsys):
    namespace = _namespace("import numpy as np\ndef momentum_step(theta, v, grad, lr, mu):\n"
                           "    raise NotImplementedError()\n")
    check = make_checker("07_optimizers", namespace)
    check("q1")
    assert "hint" not in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError) as raised:
        check("q1")
    assert "not implemented yet" in str(raised.value) and "hint" not in str(raised.value)


def test_check_shows_the_hint_after_a_wrong_attempt():
    namespace = _namespace("import numpy as np\ndef momentum_step(theta, v, grad, lr, mu):\n"
                           "    return theta, v\n")
    with pytest.raises(AssertionError) as raised:
        make_checker("07_optimizers", namespace)("q1")
    assert "\nhint: " in str(raised.value)


@pytest.mark.skipif(not SOLUTIONS, reason="solutions/ is empty")
def test_the_grader_shows_no_hint_for_an_untouched_exercise(tmp_path):
    solution = ROOT / "solutions" / "10_regularization_practice.ipynb"
    path = tmp_path / solution.name
    path.write_text(json.dumps(make_exercise(json.loads(solution.read_text(encoding="utf-8")))), encoding="utf-8")
    result = grade_notebook(path)
    assert result.score == 0 and all(q.hint == "" and "hint" not in q.feedback for q in result.questions)
