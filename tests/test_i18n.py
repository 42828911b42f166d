"""Learner-facing messages in Chinese (course_check/i18n.py): every message path of the checker,
the comparisons and the grader's own lines, rendered for a zh notebook, leaves no English sentence;
the catalog of the questions' titles and hints is complete and current; ``check()`` finds its
notebook's language; the zh notebooks' stored ``check()`` lines are what ``check()`` prints.
"""
from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import numpy as np
import pytest

from course_check import demo, feedback, i18n, judge, make_checker
from course_check.protocol import changed_text
from course_check.spec import Case, Question

ROOT = Path(__file__).resolve().parents[1]

#: technical words a Chinese message may keep as they are (code, units, library and signal names)
TECHNICAL = {"np", "exp", "log", "inf", "NaN", "NumPy", "GiB", "CPU", "SIGKILL", "SIGSEGV", "rtol",
             "astype", "exit", "epsilon", "list", "tuple", "array", "float", "int", "Jupyter", "JSON",
             "ipynb", "docs", "question", "changes", "md", "metadata", "companion", "chapter",
             "assignment", "NN", "cell", "line", "qid", "KeyAccess", "ValueError", "RuntimeWarning", "nan",
             "ndarray", "sigmoid", "softmax", "import", "open"}
#: identifiers the driven messages below are given (function, argument and dtype names)
NAMES = {"my_relu", "relu", "activations", "perceptron_output", "grader", "questions", "z", "w", "theta",
         "lr", "int64", "float64", "float32", "int32", "bool", "complex128", "X", "demo", "q1", "q2", "q9",
         "Q2", "f", "dict", "str", "NoneType", "ZeroDivisionError", "division", "by", "zero",
         "TypeError", "boom", "ch01", "alice", "sigma", "step", "function", "print", "hello"}
ENGLISH = re.compile(r"[A-Za-z][A-Za-z_]*")


def english_left(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The words of ``text`` that are neither a known identifier nor a technical word."""
    words = ENGLISH.findall(text)
    return [w for w in words if w not in TECHNICAL | NAMES | set(allowed)
            and not re.fullmatch(r"[a-z]|[A-Z]|q\d+|e", w)]


def zh(text: str) -> str:
    return i18n.translate(text, "zh")


# ------------------------------------------------------------------ every message path, in Chinese
QUESTION = Question("q1", "Perceptron output for a batch", "perceptron_output", 2, lambda: [])


def _feedback_messages() -> list[str]:
    err = {"type": "ZeroDivisionError", "message": "division by zero", "where": "<cell 3> line 2"}
    return [
        feedback.not_implemented_line("q1", QUESTION.title), feedback.NOT_IMPLEMENTED,
        feedback.define_function("q1", "perceptron_output"),
        feedback.forbidden("my_relu", ["companion.activations.relu"]),
        feedback.key_access("my_relu", ["import grader.questions in cell 3", "open in my_relu()"]),
        feedback.with_hint("q1: boom", QUESTION.title),
        feedback.changed_input(["`z`", "argument 2[0]"]), changed_text(["0", "theta"]),
        feedback.missing_function("my_relu", [
            {"cell": 2, "type": "TimeLimit", "message": "stopped after 10 s"},
            {"cell": 3, "type": "NotRun", "message": "not run: the notebook's 60 s were used up"},
            {"cell": 4, "type": "ValueError", "message": "boom"}]),
        feedback.case_error({"type": "NotImplementedError"}, "my_relu", "case 1", 10, 2048),
        feedback.case_error({"type": "MemoryError"}, "my_relu", "case 1", 10, 2048),
        feedback.case_error({"type": "TimeLimit"}, "my_relu", "hidden case 3", 10, 2048),
        feedback.case_error({"type": "NotRun"}, "my_relu", "case 2", 10, 2048),
        feedback.case_error(err, "my_relu", "case 2", 10, 2048),
        *[feedback.sandbox_failure(status, where, rc, "my_relu")
          for status, rc in (("timeout", 0), ("cpu", 0), ("crashed", -int(signal.SIGKILL)),
                             ("crashed", 128 + int(signal.SIGSEGV)), ("crashed", 3))
          for where in ("case 2", "cell 4", "")],
    ]


def _judge_messages() -> list[str]:
    q = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x)
    tup = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, output="tuple")
    need_int = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, dtype="int")
    need_f64 = Question("q", "t", "f", 1, lambda: [], reference=lambda x: x, dtype="float64")
    prop = Question("q", "t", "f", 1, lambda: [], judge=lambda out, case: (False, ""), dtype="float64")
    raising = Question("q", "t", "f", 1, lambda: [], judge=lambda out, case: 1 / 0)
    case = Case((np.zeros((5, 4)), [1, 2, 3, 4, 5], 0.5), {"lr": 0.1})
    messages = [
        judge.compare(np.ones((3, 2)), np.ones((2, 3)), q),
        judge.compare(np.ones(3, dtype=int), np.ones(3), q),
        judge.compare(np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), q),
        judge.compare(np.array([0.5, 0.0]), np.zeros(2), q),
        judge.compare(np.array([np.nan]), np.array([np.nan]), q),
        judge.compare(np.ones(2, dtype=np.float32) * 2, np.ones(2), q),
        judge.compare("text", np.ones(2), q),
        judge.compare((np.ones(2),), (np.ones(2), 1.0), tup),
        judge.compare(np.ones(2), (np.ones(2), 1.0), tup),
        judge.compare((np.ones(2), 2.0), (np.ones(2), 1.0), tup),
        judge.compare(np.ones(2), np.ones(2, dtype=int), need_int),
        judge.compare(np.ones(2, dtype=np.float32), np.ones(2), need_f64),
        judge.judge_case(np.ones(2, dtype=np.float32), None, case, prop),
        judge.judge_case(np.ones(2, dtype=int), None, case, prop),
        judge.judge_case(np.ones(2), None, case, Question("q", "t", "f", 1, lambda: [],
                                                        judge=lambda out, case: (False, None))),
        judge.judge_case(np.ones(2), None, case, raising),
        judge.precision_note(np.ones(2, dtype=np.float32), np.ones(2)),
        judge.describe_inputs(case, names=["X", "w", "theta"]),
        *judge.warning_hints([needle for needle, _ in judge.WARNING_HINTS] + ["RuntimeWarning: boom"]),
    ]
    assert all(messages), "every driven comparison must produce a message"
    return messages


def _checker_messages(monkeypatch, capsys) -> list[str]:
    """Every line check() prints or raises, driven through a small question set in Chinese."""
    def cases():
        return [Case((np.array([-1.0, 2.0]),)), Case((np.array([3.0]),))]

    questions = {"demo": [
        Question("q1", "Perceptron output for a batch", "perceptron_output", 1, cases,
                 reference=lambda z: np.maximum(z, 0), hint=QUESTION.title,
                 forbidden=("companion.activations.relu",)),
        Question("q2", "Perceptron output for a batch", "step", 1, cases, judge=lambda out, case: (True, ""),
                 together=lambda outs, cases: (False, "got no batches at all")),
    ]}
    out: list[str] = []

    def run(functions, qid, strict=False):
        if strict:
            monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
        else:
            monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        check = make_checker("demo", functions, questions=questions, language="zh")
        try:
            check(qid)
        except (AssertionError, ValueError) as exc:
            out.append(str(exc))
        out.append(capsys.readouterr().out)

    def not_yet(z):
        raise NotImplementedError

    def noisy(z):
        with np.errstate(over="warn"):
            return np.maximum(z, 0) + 0 * np.exp(np.array([1000.0]))[:1]

    def changes(z):
        z[...] = 0
        return z

    from companion.activations import relu

    run({"perceptron_output": lambda z: np.maximum(z, 0)}, "q1")
    run({"perceptron_output": noisy}, "q1")
    run({"perceptron_output": not_yet}, "q1")
    run({"perceptron_output": not_yet}, "q1", strict=True)
    run({"perceptron_output": lambda z: z}, "q1")
    run({"perceptron_output": lambda z: 1 / 0}, "q1")
    run({"perceptron_output": changes}, "q1")
    run({"perceptron_output": lambda z: relu(z)}, "q1")
    run({}, "q1")
    run({"perceptron_output": lambda z: z}, "q9")
    run({"step": lambda z: z}, "q2")
    return [line for line in out if line]


def test_every_message_path_is_chinese(monkeypatch, capsys):
    english = _feedback_messages() + _judge_messages() + [demo.unanswered_line("step", "q2"),
                                                          demo.unanswered_line(None, None)]
    leftovers = {text: english_left(zh(text)) for text in english}
    assert {t: left for t, left in leftovers.items() if left} == {}
    for text in english:           # the oracle: the English text itself is full of English words
        assert english_left(text), f"this driven message says nothing: {text!r}"
    for text in _checker_messages(monkeypatch, capsys):
        assert re.search(r"[\u4e00-\u9fff]", text), text
        assert english_left(text) == [], text


def _sample(node) -> str | None:
    """The text of a message expression of the key, each ``{…}`` filled with a sample value."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _key_judge_messages() -> list[str]:
    """Every failure message a property judge of the answer key returns (``return False, "…"``)."""
    import ast

    found = []
    for path in sorted((ROOT / "grader" / "questions").glob("ch*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2 \
                    and isinstance(node.value.elts[0], ast.Constant) and node.value.elts[0].value is False:
                text = _sample(node.value.elts[1])
                if text is not None:
                    found.append(text)
    return found + ["weight gradients and finite differences disagree in layer 2 at index (0, 1): got 0.5, "
                    "expected 0.25"]


def test_every_judge_message_of_the_key_is_chinese():
    messages = _key_judge_messages()
    assert len(messages) > 40, "the messages of grader/questions were not found"
    allowed = {"w", "b", "d", "x", "XOR", "W", "W1", "W2", "b1", "b2", "weights", "biases", "grad_weights",
               "grad_biases", "T", "N", "L", "k", "n", "t", "g", "dY", "BN", "sum", "seed", "train_idx",
               "val_idx", "kfold_indices", "random", "default_rng", "x_new", "f_new", "accepted", "fx",
               "True", "False", "x1", "x2"}
    for text in messages:
        assert english_left(text, allowed), text
        rendered = zh(f"case 2 (x=[1, 2]): {text}")
        assert english_left(rendered, allowed) == [], f"{text!r} -> {rendered!r}"


def test_the_residue_check_can_fail():
    assert english_left(zh("an entirely new sentence nobody translated")) != []
    assert i18n.translate("3 of 4 values differ", "en") == "3 of 4 values differ"


def test_learner_text_inside_a_message_is_kept():
    """A learner's own exception message or value is quoted, never rewritten."""
    text = feedback.case_error({"type": "ValueError", "message": "bad shape (3, 4)", "where": ""},
                               "f", "case 1", 10, 2048)
    assert zh(text) == "用例 1 抛出 ValueError：bad shape (3, 4)"


# ------------------------------------------------------------------ the catalog of titles and hints
def test_every_title_and_hint_has_a_current_chinese_translation():
    from grader.visible import phrase_texts, update_phrases

    stored = json.loads(i18n.PHRASES.read_text(encoding="utf-8"))
    assert update_phrases() == stored, "course_check/data/zh/phrases.json is out of date: run `make exercises`"
    from grader.questions import QUESTIONS
    missing = [where for where, text in phrase_texts(QUESTIONS)
               if not stored["phrases"].get(i18n.phrase_key(text), {}).get("zh")]
    assert missing == [], f"translate these titles and hints in course_check/data/zh/phrases.json: {missing}"
    for entry in stored["phrases"].values():
        assert re.search(r"[\u4e00-\u9fff]", entry["zh"]), entry["where"]
        assert i18n.phrase(entry["en"], "zh") == entry["zh"]


def test_a_changed_english_title_is_detected(tmp_path):
    from grader.visible import update_phrases

    before = {"demo": [Question("q1", "Old title", "f", 1, lambda: [], hint="Old hint")]}
    path = tmp_path / "phrases.json"
    catalog = update_phrases(path, before)
    for entry in catalog["phrases"].values():
        entry["zh"] = "旧" + entry["en"]
    path.write_text(json.dumps(catalog), encoding="utf-8")
    after = {"demo": [Question("q1", "New title", "f", 1, lambda: [], hint="Old hint")]}
    entries = {e["where"]: e for e in update_phrases(path, after)["phrases"].values()}
    assert entries["demo q1 title"]["zh"] == "" and entries["demo q1 title"]["en"] == "New title"
    assert entries["demo q1 title"]["previous"] == {"en": "Old title", "zh": "旧Old title"}
    assert entries["demo q1 hint"]["zh"] == "旧Old hint"


# ------------------------------------------------------------------ which language a kernel speaks
def _notebook(path: Path, language: str | None) -> Path:
    meta = {"companion": {"language": language}} if language else {}
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_kernel_language_from_the_session_then_the_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert i18n.kernel_language("01_neurons", tmp_path) == "en"
    _notebook(tmp_path / "01_neurons_practice.ipynb", "zh")
    assert i18n.kernel_language("01_neurons", tmp_path) == "zh"
    renamed = _notebook(tmp_path / "alice copy.ipynb", None)
    monkeypatch.setenv("JPY_SESSION_NAME", str(renamed))
    assert i18n.kernel_language("01_neurons", tmp_path) == "en"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "gone.ipynb"))
    assert i18n.kernel_language("01_neurons", tmp_path) == "zh"


def test_a_broken_zh_notebook_is_still_recognised(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text('{"metadata": {"companion": {"language": "zh", "question_set": "2"}}, "cells": [')
    assert i18n.language_of_file(path) == "zh"
    path.write_text('{"metadata": {"kernelspec": {"language": "python"}}, "cells": [')
    assert i18n.language_of_file(path) == "en"


# ------------------------------------------------------------------ the stored lines of zh/solutions
def _reference_lines(stem: str, language: str, capsys) -> str:
    from grader.questions import QUESTIONS

    namespace = {q.function: q.reference for q in QUESTIONS[stem] if q.reference is not None}
    check = make_checker(stem, namespace, language=language)
    for q in QUESTIONS[stem]:
        if q.reference is not None:
            check(q.id)
    return capsys.readouterr().out


@pytest.mark.parametrize("stem", ["01_neurons", "03_activations_and_losses", "10_regularization"])
def test_localized_stored_lines_are_what_check_prints(stem, capsys):
    """tools/translations.py renders the English notebook's check() lines; running check() in a zh
    notebook must print exactly those lines (nbval compares them)."""
    english, chinese = _reference_lines(stem, "en", capsys), _reference_lines(stem, "zh", capsys)
    assert english and english != chinese
    assert i18n.localize_output(english, "zh") == chinese
    assert i18n.localize_output("loss 0.25 after 3 epochs\n", "zh") == "loss 0.25 after 3 epochs\n"


def test_the_zh_solutions_store_chinese_check_lines():
    for path in sorted((ROOT / "zh" / "solutions").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", ""))
                assert "visible case(s) passed" not in text, f"{path.name}: run `make translations`"


@pytest.mark.slow
def test_an_untouched_zh_exercise_speaks_chinese_in_a_kernel(monkeypatch):
    """A real kernel started in zh/exercises (as JupyterLab, nbval and nbclient start it) finds its
    notebook's language with no JPY_SESSION_NAME: check() lines and the demo-cell lines are Chinese."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    path = ROOT / "zh" / "exercises" / "01_neurons_practice.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    assert "尚未实现" in printed and "此单元格需要" in printed
    assert "not implemented yet" not in printed and "not written yet" not in printed
