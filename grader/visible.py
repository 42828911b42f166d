"""Write what ``check()`` needs from the answer key: ``python -m grader.visible [--check]``.

For every notebook of :data:`grader.questions.QUESTIONS`, ``course_check/data/<notebook>.json``
and ``.npz`` receive each question's public description (title, function, points, tolerances,
hint) and its *visible* cases with their expected outputs, computed here by the reference
implementations. Hidden cases and the references themselves are never written. ``make exercises``
runs this; ``--check`` exits 1 when the stored data is out of date.

It also keeps the catalog of the questions' titles and hints in Chinese,
``course_check/data/zh/phrases.json`` (:mod:`course_check.i18n`): an entry per English text, keyed
by its hash; a new or changed English text gets an entry with an empty ``zh`` (a changed one keeps
the old pair as ``previous``), and entries no question uses any more are dropped.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from course_check import i18n, visible
from course_check.judge import compare

__all__ = ["visible_data", "generate", "phrase_texts", "update_phrases", "main"]


def _question_data(question, store: list) -> dict:
    cases = [c for c in question.cases() if not c.hidden]
    entries = []
    for case in cases:
        expected = None
        if question.reference is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        entries.append({"args": visible.encode(tuple(case.args), store),
                        "kwargs": visible.encode(dict(case.kwargs), store),
                        "expected": visible.encode(expected, store)})
    return {"id": question.id, "title": question.title, "function": question.function,
            "points": question.points, "rtol": question.rtol, "atol": question.atol,
            "output": question.output, "dtype": question.dtype, "forbidden": list(question.forbidden),
            "hint": question.hint, "hints": [list(pair) for pair in question.hints],
            "partial_credit": question.partial_credit,
            "compared": question.reference is not None, "property_judged": question.judge is not None,
            "cases": entries}


def visible_data(stem: str, questions: list) -> tuple[str, bytes]:
    """(JSON text, .npz bytes) of one notebook's visible cases."""
    store: list = []
    data = {"notebook": stem, "questions": [_question_data(q, store) for q in questions]}
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{f"a{i}": a for i, a in enumerate(store)})
    return text, buffer.getvalue()


def _same_npz(path: Path, payload: bytes) -> bool:
    if not path.is_file():
        return False
    with np.load(path, allow_pickle=False) as old, np.load(io.BytesIO(payload), allow_pickle=False) as new:
        return sorted(old.files) == sorted(new.files) and all(
            old[k].dtype == new[k].dtype and np.array_equal(old[k], new[k], equal_nan=True) for k in new.files)


def _verify(stem: str, questions: list) -> None:
    """The stored data, read back, reproduces the references' outputs (a stored value lost nothing)."""
    for question, stored in zip(questions, visible.load(stem)):
        if question.reference is None:
            continue
        for case, expected in zip(stored.cases(), stored.expected):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                again = question.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            problem = compare(again, expected, question)
            if problem:
                raise ValueError(f"{stem} {question.id}: stored case does not reproduce: {problem}")


def generate(folder: Path = visible.DATA, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) every notebook's data; return the names that differ."""
    from grader.questions import QUESTIONS

    differ = []
    for stem in QUESTIONS:
        text, payload = visible_data(stem, QUESTIONS[stem])
        json_path, npz_path = folder / f"{stem}.json", folder / f"{stem}.npz"
        same = json_path.is_file() and json_path.read_text(encoding="utf-8") == text and _same_npz(npz_path, payload)
        if not same:
            differ.append(stem)
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                json_path.write_text(text, encoding="utf-8")
                npz_path.write_bytes(payload)
        if not check and folder == visible.DATA:
            _verify(stem, QUESTIONS[stem])
    return differ


def phrase_texts(questions_by_stem) -> list[tuple[str, str]]:
    """(where, English text) of every title and hint a learner can read, in question order."""
    texts = []
    for stem, questions in questions_by_stem.items():
        for q in questions:
            texts.append((f"{stem} {q.id} title", q.title))
            if q.hint:
                texts.append((f"{stem} {q.id} hint", q.hint))
            texts += [(f"{stem} {q.id} hint:{kind}", text) for kind, text in q.hints if text]
    return texts


def update_phrases(path: Path = i18n.PHRASES, questions_by_stem=None) -> dict:
    """The phrase catalog with an entry for every current title and hint (see the module doc)."""
    if questions_by_stem is None:
        from grader.questions import QUESTIONS as questions_by_stem
    old = json.loads(path.read_text(encoding="utf-8"))["phrases"] if path.is_file() else {}
    by_where = {e.get("where"): e for e in old.values()}
    phrases = {}
    for where, text in phrase_texts(questions_by_stem):
        key = i18n.phrase_key(text)
        if key in phrases:
            continue
        entry = dict(old.get(key) or {"where": where, "en": text, "zh": ""})
        before = by_where.get(where)
        if key not in old and before and before.get("zh"):
            entry["previous"] = {"en": before["en"], "zh": before["zh"]}
        phrases[key] = entry
    return {"language": "zh", "phrases": phrases}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.visible", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when out of date")
    args = parser.parse_args(argv)
    differ = generate(check=args.check)
    if not args.check:
        catalog = update_phrases()
        i18n.PHRASES.parent.mkdir(parents=True, exist_ok=True)
        i18n.PHRASES.write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.check:
        print("course_check/data is " + (f"out of date (run `make exercises`): {', '.join(differ)}"
                                         if differ else "up to date"))
        return 1 if differ else 0
    print(f"wrote the visible cases of {len(differ)} notebook(s)" + (": " + ", ".join(differ) if differ else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
