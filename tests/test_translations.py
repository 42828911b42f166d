"""The Chinese edition stays in sync with the English one (tools/translations.py, docs/translating.md).

The unit tests build small course trees in tmp_path: an English chapter and practice notebook,
their catalogs and the generated zh notebooks. The last test checks the real repository and fails,
naming the cells, until every English markdown cell has a current translation and the zh notebooks
are regenerated.
"""
import copy
import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
T = importlib.util.module_from_spec(_spec)
sys.modules["translations"] = T
_spec.loader.exec_module(T)

from grader.exercises import exercise_text_of  # noqa: E402  (the generator of exercises/)

INTRO = "# Chapter 1 — Neurons\n\nA **neuron** computes $z = w\\cdot x + b$ with `np.dot`."
LINKS = "See [the package](../companion/activations.py), [chapter 2](02_next.ipynb) and " \
        "[practice](../exercises/01_neurons_practice.ipynb)."
CODE = "import numpy as np\nprint(np.dot([1, 2], [3, 4]))"
QUESTION = "## Q1. The step\n\nWrite `step(z)`."
ANSWER = "def step(z):\n    ### BEGIN SOLUTION\n    return (z >= 0).astype(float)\n    ### END SOLUTION"


def _md(cid: str, text: str, **metadata) -> dict:
    return {"cell_type": "markdown", "id": cid, "metadata": metadata, "source": text.splitlines(True)}


def _code(cid: str, text: str, outputs=(), **metadata) -> dict:
    return {"cell_type": "code", "id": cid, "metadata": metadata, "execution_count": 1,
            "outputs": list(outputs), "source": text.splitlines(True)}


def _notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"}}}


def _write(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A course of one chapter and one practice notebook, exercises generated, no translation yet."""
    figure = {"mystnb": {"image": {"alt": "A step function."}}}
    output = {"output_type": "stream", "name": "stdout", "text": ["11\n"]}
    _write(tmp_path / "chapters" / "01_neurons.ipynb", _notebook(
        _md(T.SWITCH_ID, "🌐 [中文版](../zh/chapters/01_neurons.ipynb) · This page in Chinese"),
        _md("intro", INTRO), _code("c1", CODE, [output], tags=["demo"]), _md("links", LINKS),
        _code("fig", "plot()", **figure)))
    solution = _write(tmp_path / "solutions" / "01_neurons_practice.ipynb", _notebook(
        _md("q1", QUESTION),
        _code("a1", ANSWER, nbgrader={"solution": True, "grade": False, "locked": False, "grade_id": "q1",
                                      "schema_version": 3})))
    exercises = tmp_path / "exercises" / solution.name
    exercises.parent.mkdir()
    exercises.write_text(exercise_text_of(json.loads(solution.read_text(encoding="utf-8")), solution.name),
                         encoding="utf-8")
    return tmp_path


def _chapter(root: Path) -> Path:
    return root / "chapters" / "01_neurons.ipynb"


def _zh(en: str) -> str:
    """A stand-in translation that keeps the English structure."""
    return en + "\n\n（译文）"


def _translate_all(root: Path, zh=_zh) -> None:
    """Give every entry of every catalog a translation that keeps the English structure."""
    for path in (root / "zh" / "catalogs").rglob("*.json"):
        catalog = json.loads(path.read_text(encoding="utf-8"))
        for entry in list(catalog["cells"].values()) + list(catalog["alt"].values()):
            entry["zh"] = zh(entry["en"])
            entry.pop("previous", None)
        path.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _edit_english_cell(root: Path, cid: str, text: str) -> None:
    path = _chapter(root)
    nb = json.loads(path.read_text(encoding="utf-8"))
    next(c for c in nb["cells"] if c["id"] == cid)["source"] = text.splitlines(True)
    _write(path, nb)


# --- update -------------------------------------------------------------------------------------

def test_cell_hash_is_the_sha256_prefix_of_the_text():
    assert T.cell_hash("neuron") == hashlib.sha256("neuron".encode()).hexdigest()[:16]
    assert T.cell_hash("neuron") != T.cell_hash("neuron ")


def test_update_has_an_empty_entry_per_english_markdown_cell_and_alt_text(tree):
    catalog = T.update(_chapter(tree), tree)
    assert catalog["notebook"] == "chapters/01_neurons.ipynb"
    assert {e["id"]: e["en"] for e in catalog["cells"].values()} == {"intro": INTRO, "links": LINKS}
    assert set(catalog["cells"]) == {T.cell_hash(INTRO), T.cell_hash(LINKS)}
    assert [e["zh"] for e in catalog["cells"].values()] == ["", ""]
    assert catalog["alt"] == {T.cell_hash("A step function."): {"en": "A step function.", "zh": ""}}


def test_update_keeps_translations_and_moves_a_changed_cells_into_previous(tree):
    T.update_all(tree)
    _translate_all(tree)
    _edit_english_cell(tree, "intro", INTRO + " It fires at zero.")
    catalog = T.update(_chapter(tree), tree)
    changed = catalog["cells"][T.cell_hash(INTRO + " It fires at zero.")]
    assert changed["zh"] == "" and changed["previous"] == {"en": INTRO, "zh": _zh(INTRO)}
    assert catalog["cells"][T.cell_hash(LINKS)]["zh"] == _zh(LINKS)          # untouched cell kept
    assert T.cell_hash(INTRO) not in catalog["cells"]                             # stale entry dropped


def test_previous_survives_a_second_english_edit_before_the_revision(tree):
    T.update_all(tree)
    _translate_all(tree)
    _edit_english_cell(tree, "intro", "first edit")
    T.update_all(tree)
    _edit_english_cell(tree, "intro", "second edit")
    catalog = T.update(_chapter(tree), tree)
    assert catalog["cells"][T.cell_hash("second edit")]["previous"] == {"en": INTRO, "zh": _zh(INTRO)}


# --- build and relink -----------------------------------------------------------------------------

def test_build_translates_markdown_and_copies_everything_else(tree):
    T.update_all(tree)
    _translate_all(tree)
    english = json.loads(_chapter(tree).read_text(encoding="utf-8"))
    catalog = T.load_catalog(_chapter(tree), tree)
    zh, missing = T.build_notebook(_chapter(tree), catalog, tree)
    assert missing == []
    cells = {c["id"]: c for c in zh["cells"]}
    assert "".join(cells["intro"]["source"]) == _zh(INTRO)
    assert "".join(cells[T.SWITCH_ID]["source"]) == T.switch_cell_text("chapters/01_neurons.ipynb", "zh")
    assert "](../../chapters/01_neurons.ipynb)" in "".join(cells[T.SWITCH_ID]["source"])
    for cid in ("c1", "fig"):
        original = next(c for c in english["cells"] if c["id"] == cid)
        assert {k: v for k, v in cells[cid].items() if k != "metadata"} == \
               {k: v for k, v in original.items() if k != "metadata"}
    assert cells["c1"]["metadata"] == {"tags": ["demo"]}
    assert cells["fig"]["metadata"]["mystnb"]["image"]["alt"] == _zh("A step function.")
    assert zh["metadata"]["companion"] == {"language": "zh"}
    assert zh["metadata"]["kernelspec"] == english["metadata"]["kernelspec"]


def test_build_leaves_a_missing_translation_in_english_and_reports_it(tree):
    zh, missing = T.build_notebook(_chapter(tree), T.update(_chapter(tree), tree), tree)
    assert "".join(next(c for c in zh["cells"] if c["id"] == "intro")["source"]) == INTRO
    assert missing == ["chapters/01_neurons.ipynb cell intro: # Chapter 1 — Neurons",
                       f"chapters/01_neurons.ipynb cell links: {LINKS[:70]}",
                       "chapters/01_neurons.ipynb cell fig: alt text"]


def test_relink_adds_a_level_only_to_links_that_leave_the_course_folders():
    assert T._relink(LINKS) == ("See [the package](../../companion/activations.py), [chapter 2](02_next.ipynb) "
                                "and [practice](../exercises/01_neurons_practice.ipynb).")
    assert T._relink('<img src="../docs/a.png"> <a href="../README.md">') == \
        '<img src="../../docs/a.png"> <a href="../../README.md">'
    assert T._relink("[x](https://example.org/../a)") == "[x](https://example.org/../a)"


def test_build_writes_zh_exercises_exactly_as_exercises_are_generated(tree):
    T.update_all(tree)
    _translate_all(tree)
    written, missing = T.build(tree)
    zh_solution = tree / "zh" / "solutions" / "01_neurons_practice.ipynb"
    zh_exercise = tree / "zh" / "exercises" / "01_neurons_practice.ipynb"
    assert missing == [] and zh_solution in written and zh_exercise in written
    expected = exercise_text_of(json.loads(zh_solution.read_text(encoding="utf-8")), zh_solution.name)
    assert zh_exercise.read_text(encoding="utf-8") == expected
    exercise = json.loads(expected)
    assert "raise NotImplementedError()" in "".join(exercise["cells"][1]["source"])
    assert "".join(exercise["cells"][0]["source"]) == _zh(QUESTION)


# --- structure ------------------------------------------------------------------------------------

@pytest.mark.parametrize("chinese, part", [
    ("# 第 1 章 神经元\n\n**神经元**计算 $z = w x + b$，用 `np.dot`。", "inline math"),
    ("# 第 1 章 神经元\n\n**神经元**计算 $z = w\\cdot x + b$，用 `numpy.dot`。", "code"),
    ("## 第 1 章 神经元\n\n**神经元**计算 $z = w\\cdot x + b$，用 `np.dot`。", "headings and markers"),
])
def test_structure_problems_name_what_a_translation_broke(chinese, part):
    found = T.structure_problems(INTRO, chinese)
    assert len(found) == 1 and found[0].startswith(part), found


def test_a_faithful_translation_keeps_the_structure():
    assert T.structure_problems(INTRO, "# 第 1 章 神经元\n\n**神经元**用 `np.dot` 计算 $z = w\\cdot x + b$。") == []
    assert T.structure_problems(LINKS, "参见[程序包](../companion/activations.py)、[第 2 章](02_next.ipynb)和"
                                       "[练习](../exercises/01_neurons_practice.ipynb)。") == []


def test_structure_problems_find_a_changed_link_target_display_formula_and_nbgrader_marker():
    assert T.structure_problems(LINKS, "见[包](../companion/layers.py)、[第 2 章](02_next.ipynb)、"
                                       "[练习](../exercises/01_neurons_practice.ipynb)。")[0].startswith("link targets")
    assert T.structure_problems("$$\na = b\n$$", "$$\na = c\n$$")[0].startswith("display math")
    solution = "Answer:\n### BEGIN SOLUTION\nYes.\n### END SOLUTION"
    assert T.structure_problems(solution, "答：\n### BEGIN SOLUTION\n是。")[0].startswith("headings and markers")


def test_inline_math_may_wrap_lines_but_not_paragraphs():
    english = "so $a\n  = b$: the product by $W$ keeps it."
    assert T.structure(english)["inline math"] == ["W", "a = b"]
    assert T.structure_problems(english, "所以 $a = b$：乘以 $W$ 保持不变。") == []      # re-wrapped: same formula
    assert T.structure_problems(english, "所以 $a\n  = c$：乘以 $W$ 保持不变。")[0].startswith("inline math")
    assert T.structure("costs $5\n\nand $6")["inline math"] == []                  # a blank line ends a span


# --- dump and apply -------------------------------------------------------------------------------

def test_dump_then_apply_fills_the_catalog_and_reports_unknown_sections(tree):
    catalog = T.update(_chapter(tree), tree)
    text = T.dump(catalog)
    assert text.startswith("=== intro\n# Chapter 1") and "=== links\n" in text and "=== alt:" in text
    alt = next(iter(catalog["alt"]))
    unknown = T.apply(catalog, f"=== intro\n中文一\n\n=== alt:{alt}\n阶跃函数。\n\n=== nosuch\n多余\n")
    assert unknown == ["nosuch"]
    assert catalog["cells"][T.cell_hash(INTRO)]["zh"] == "中文一"
    assert catalog["alt"][alt]["zh"] == "阶跃函数。"
    assert catalog["cells"][T.cell_hash(LINKS)]["zh"] == ""
    assert T.dump(catalog, "zh").startswith("=== intro\n中文一\n")


def test_dump_in_chinese_offers_the_previous_translation_of_a_changed_cell(tree):
    T.update_all(tree)
    _translate_all(tree)
    _edit_english_cell(tree, "intro", INTRO + " It fires at zero.")
    catalog = T.update(_chapter(tree), tree)
    assert T.dump(catalog, "zh").startswith("=== intro\n" + _zh(INTRO) + "\n\n=== links\n" + _zh(LINKS))
    assert T.dump(catalog).startswith("=== intro\n" + INTRO + " It fires at zero.\n")
    T.apply(catalog, "=== intro\n" + _zh(INTRO + " It fires at zero."))
    entry = catalog["cells"][T.cell_hash(INTRO + " It fires at zero.")]
    assert entry["zh"] == _zh(INTRO + " It fires at zero.") and "previous" not in entry


# --- the sync check on a small tree ---------------------------------------------------------------

def _synced(tree: Path) -> Path:
    T.update_all(tree)
    _translate_all(tree)
    T.build(tree)
    assert T.problems(tree) == []
    return tree


def test_an_untranslated_tree_names_every_cell(tree):
    T.update_all(tree)
    T.build(tree)
    assert T.problems(tree) == [
        "chapters/01_neurons.ipynb cell intro (not translated): # Chapter 1 — Neurons",
        f"chapters/01_neurons.ipynb cell links (not translated): {LINKS[:70]}",
        "chapters/01_neurons.ipynb: alt text not translated: A step function.",
        "solutions/01_neurons_practice.ipynb cell q1 (not translated): ## Q1. The step"]


def test_a_changed_english_cell_is_named_with_what_changed(tree):
    _synced(tree)
    _edit_english_cell(tree, "intro", INTRO.replace("computes", "adds up"))
    found = T.problems(tree)
    assert found[0] == ("zh/catalogs/chapters/01_neurons.json: out of date with chapters/01_neurons.ipynb; "
                        "run `make translations` and translate the new entries")
    changed = [line for line in found if "changed in English" in line]
    assert changed == ["chapters/01_neurons.ipynb cell intro (changed in English since it was translated: "
                       "−“computes” +“adds up”): # Chapter 1 — Neurons"]
    T.update_all(tree)                                  # the translator runs `make translations`
    assert [line for line in T.problems(tree) if "changed in English" in line] == changed


def test_a_stale_zh_notebook_is_named(tree):
    _synced(tree)
    catalog_path = T.catalog_path(_chapter(tree), tree)
    catalog = json.loads(catalog_path.read_text(encoding="utf-8"))
    catalog["cells"][T.cell_hash(INTRO)]["zh"] = INTRO + "\n\n（修订后的译文）"
    catalog_path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    assert T.problems(tree) == ["zh/chapters/01_neurons.ipynb: differs from what `make translations` writes"]


def test_a_translation_that_breaks_the_structure_is_named(tree):
    _synced(tree)
    _translate_all(tree, zh=lambda en: en.replace("$z = w\\cdot x + b$", "$z = wx$"))
    T.build(tree)
    assert T.problems(tree) == ["chapters/01_neurons.ipynb cell intro: the translation does not keep the English "
                                "structure: inline math differ: missing ['z = w\\\\cdot x + b'], extra ['z = wx']"]


def test_a_changed_code_cell_in_a_zh_notebook_is_named_by_id(tree):
    _synced(tree)
    for folder in ("chapters", "exercises"):
        path = next((tree / "zh" / folder).glob("*.ipynb"))
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        code["source"] = ["# 中文注释\n"] + code["source"]
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    found = T.problems(tree)
    assert "zh/chapters/01_neurons.ipynb cell c1: the code differs from the English notebook's" in found
    assert "zh/exercises/01_neurons_practice.ipynb cell a1: the code differs from the English notebook's" in found


def test_code_cell_problems_find_metadata_and_missing_or_reordered_cells():
    english = _notebook(_md("m", "text"), _code("a", "x = 1"), _code("b", "y = 2", tags=["t"]))
    chinese = copy.deepcopy(english)
    assert T.code_cell_problems(english, chinese, "zh/x.ipynb") == []
    chinese["cells"][2]["metadata"] = {}
    assert T.code_cell_problems(english, chinese, "zh/x.ipynb") == [
        "zh/x.ipynb cell b: the code cell's metadata differs from the English notebook's"]
    chinese["cells"] = chinese["cells"][:2]
    assert T.code_cell_problems(english, chinese, "zh/x.ipynb") == [
        "zh/x.ipynb: cells differ from the English notebook (missing ['b'], extra [])"]
    chinese["cells"] = [english["cells"][0], english["cells"][2], english["cells"][1]]
    assert "reordered" in T.code_cell_problems(english, chinese, "zh/x.ipynb")[0]
    chinese = copy.deepcopy(english)
    chinese["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["检查通过\n"]}]
    assert T.code_cell_problems(english, chinese, "zh/x.ipynb") == []    # check() speaks Chinese there


def test_what_changed_shows_removed_and_added_words_compactly():
    assert T.what_changed("a b c d", "a x c d e") == "−“b” +“x” +“e”"
    assert T.what_changed("a  b", "a b") == "whitespace only"
    long = T.what_changed("start", "start " + "word " * 100, width=40)
    assert len(long) == 40 and long.endswith("…")


# --- the real repository --------------------------------------------------------------------------

def test_the_chinese_edition_is_in_sync_with_the_english_one():
    """Every English markdown cell has a current translation that keeps its structure, the zh notebooks
    are what `make translations` writes, and their code cells are the English ones. Fails until the
    translations are complete."""
    found = T.problems(ROOT)
    if found:
        pytest.fail(f"{len(found)} problem(s) between the two editions (docs/translating.md says how to fix them); "
                    f"the first 20:\n" + "\n".join(found[:20]), pytrace=False)
