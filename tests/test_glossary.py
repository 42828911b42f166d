"""docs/glossary.md: the table parses and covers the course, and the Chinese edition follows it.

The checks on the Chinese text (tools/glossary.py) read only translated cells of zh/catalogs: a cell
whose translation is still missing is skipped here and reported by tests/test_translations.py. The
checks themselves are tested on small synthetic catalogs, so each can be seen to fail.
"""
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("glossary", ROOT / "tools" / "glossary.py")
glossary = importlib.util.module_from_spec(_spec)
sys.modules["glossary"] = glossary          # dataclasses look their module up by name
_spec.loader.exec_module(glossary)

TERMS = glossary.load_glossary()


def _row(english="perceptron", chinese="感知机", chapter="1", also="", never="感知器", note=""):
    return f"| {english} | {chinese} | {chapter} | {also} | {never} | {note} |"


def _table(*rows: str) -> str:
    return "\n".join(["Intro text.", "", "| English | 中文 | 章 | 亦作 | 不用 | 说明 |",
                      "| --- | --- | --- | --- | --- | --- |", *rows, "", "After the table."])


def _catalog(notebook: str, *cells: tuple[str, str, str]) -> dict:
    """A catalog with cells ``(id, English, Chinese)`` (Chinese "" = not translated yet)."""
    return {"notebook": notebook, "alt": {},
            "cells": {f"h{i}": {"id": cid, "en": en, "zh": zh} for i, (cid, en, zh) in enumerate(cells)}}


# --- the table itself -------------------------------------------------------------------------------

def test_the_table_has_at_least_150_terms():
    assert len(TERMS) >= 150, len(TERMS)


def test_every_chapter_introduces_terms():
    assert {t.chapter for t in TERMS} == set(range(1, 13))


def test_no_english_term_is_listed_twice():
    seen = {}
    for term in TERMS:
        key = term.english.lower()
        assert key not in seen, f"“{term.english}” is listed twice (chapters {seen[key]} and {term.chapter})"
        seen[key] = term.chapter


def test_every_row_has_a_chinese_translation_in_chinese():
    for term in TERMS:
        assert term.chosen, term.english
        for variant in term.also + term.never:
            assert re.search(r"[\u4e00-\u9fff]", variant), f"{term.english}: variant {variant!r} is not Chinese"


def test_no_rejected_variant_is_part_of_an_accepted_translation():
    """Otherwise the zh edition could not follow the table: “偏差” must not be rejected while
    “偏差修正” is the chosen translation of bias correction."""
    accepted = [(t.english, form) for t in TERMS for form in t.chosen + t.also]
    for term in TERMS:
        for variant in term.never:
            clashes = [f"{english} → {form}" for english, form in accepted if variant in form]
            assert not clashes, f"{term.english}: rejected “{variant}” is part of {clashes}"


def test_the_issue_examples_record_both_choices():
    """d2l-zh's choice is the translation; the source notes' word is named (as a variant or a note)."""
    by_english = {t.english: t for t in TERMS}
    assert by_english["pooling"].chosen == ("汇聚",) and "池化" in by_english["pooling"].also
    assert by_english["dropout"].chosen[0].startswith("暂退法") and "随机失活" in by_english["dropout"].note
    assert by_english["perceptron"].never == ("感知器",)
    assert by_english["batch normalization"].also == ("批归一化",)
    assert by_english["batch normalization"].never == ("批标准化",)


def test_the_parser_rejects_a_broken_row_naming_its_line():
    with pytest.raises(ValueError, match="line 6"):
        glossary.parse_glossary(_table(_row(), "| weight | 权重 | 1 | |"))
    with pytest.raises(ValueError, match="not a number"):
        glossary.parse_glossary(_table(_row(chapter="one")))
    with pytest.raises(ValueError, match="no table"):
        glossary.parse_glossary("| English | 中文 |\n| --- | --- |\n| a | 甲 |")


def test_the_parser_reads_variants_alternatives_and_the_generic_mark():
    text = _table(_row("kernel †", "卷积核 / 核", "12", "滤波器", "核函数、内核", "note"), _row())
    kernel, perceptron = glossary.parse_glossary(text)
    assert kernel.english == "kernel" and kernel.generic and not perceptron.generic
    assert kernel.chosen == ("卷积核", "核") and kernel.also == ("滤波器",) and kernel.never == ("核函数", "内核")
    assert kernel.chapter == 12 and perceptron.never == ("感知器",)


def test_a_term_matches_whole_words_in_any_case_and_plural():
    term = glossary.parse_glossary(_table(_row("mini-batch", "小批量", "4", "", "")))[0]
    assert term.pattern.search("Mini-batches are cheap") and term.pattern.search("a mini batch")
    assert not term.pattern.search("minibatching")
    finite = glossary.parse_glossary(_table(_row("finite differences", "有限差分", "1", "", "")))[0]
    assert finite.pattern.search("a finite difference") and finite.pattern.search("Finite differences")


def test_cores_drop_the_first_mention_parentheses_but_keep_abbreviations():
    xor, cnn = glossary.parse_glossary(_table(_row("XOR", "异或（XOR）", "1", "", ""),
                                              _row("convolutional neural network", "卷积神经网络（CNN）", "12", "", "")))
    assert xor.cores == ("异或", "XOR")
    assert cnn.cores == ("卷积神经网络", "CNN")
    dropout = glossary.parse_glossary(_table(_row("dropout", "暂退法（dropout）", "10", "", "")))[0]
    assert dropout.cores == ("暂退法",)          # a lower-case English word is not an abbreviation


# --- the checks on synthetic catalogs -------------------------------------------------------------

SMALL = glossary.parse_glossary(_table(
    _row("perceptron", "感知机", "1", "", "感知器"),
    _row("pooling", "汇聚", "12", "池化", ""),
    _row("weight", "权重", "1", "", "权值"),
    _row("sigmoid function", "sigmoid 函数", "1", "", ""),
    _row("bias †", "偏置", "1", "", ""),
    _row("finite differences", "有限差分", "1", "", ""),
    _row("central finite difference", "中心差分", "1", "", ""),
    _row("neural network", "神经网络", "1", "", ""),
))


def test_a_rejected_variant_fails_naming_the_catalog_cell_and_the_chosen_term():
    catalogs = {"chapters/01_neurons": _catalog("chapters/01_neurons.ipynb",
                                                ("c1", "A perceptron.", "一个感知机。"),
                                                ("c2", "Its weights.", "它的权值。"))}
    found = glossary.rejected_uses(SMALL, catalogs)
    assert found == ["chapters/01_neurons cell c2: “权值” is a rejected translation of “weight”; write “权重”"]
    catalogs["chapters/01_neurons"]["cells"]["h1"]["zh"] = "它的权重。"
    assert glossary.rejected_uses(SMALL, catalogs) == []


def test_a_rejected_variant_in_an_alt_text_is_found():
    catalog = _catalog("chapters/01_neurons.ipynb")
    catalog["alt"] = {"abc": {"en": "A perceptron's line.", "zh": "感知器的直线。"}}
    assert glossary.rejected_uses(SMALL, {"chapters/01_neurons": catalog}) == [
        "chapters/01_neurons cell alt:abc: “感知器” is a rejected translation of “perceptron”; write “感知机”"]


def test_untranslated_cells_are_skipped():
    catalogs = {"chapters/01_neurons": _catalog("chapters/01_neurons.ipynb",
                                                ("c1", "A perceptron has weights; 感知器 in old notes.", ""))}
    assert glossary.check(SMALL, catalogs) == []


def test_an_allowed_variant_once_in_parentheses_passes():
    catalogs = {"chapters/12_toward_deep_learning": _catalog(
        "chapters/12_toward_deep_learning.ipynb",
        ("c1", "Pooling.", "汇聚（pooling，也常译作池化；最大池化即最大汇聚）。"),
        ("c2", "Max pooling again.", "再看最大汇聚。"))}
    assert glossary.variant_problems(SMALL, catalogs) == []


def test_an_allowed_variant_outside_parentheses_fails_naming_the_cell():
    catalogs = {"chapters/12_toward_deep_learning": _catalog(
        "chapters/12_toward_deep_learning.ipynb", ("c7", "Pooling.", "池化层把图缩小。"))}
    found = glossary.variant_problems(SMALL, catalogs)
    assert len(found) == 1 and "cell c7" in found[0] and "“池化”" in found[0] and "“汇聚”" in found[0]


def test_an_allowed_variant_in_two_places_of_a_notebook_fails():
    catalogs = {"chapters/12_toward_deep_learning": _catalog(
        "chapters/12_toward_deep_learning.ipynb",
        ("c1", "Pooling.", "汇聚（也译作池化）。"), ("c2", "Pooling again.", "汇聚（池化）。"))}
    found = glossary.variant_problems(SMALL, catalogs)
    assert found == ["chapters/12_toward_deep_learning: “池化” (a variant of “pooling”) appears in 2 places "
                     "(cells c1, c2); once at most, then “汇聚”"]
    # once in each of two notebooks is fine
    one, two = catalogs["chapters/12_toward_deep_learning"]["cells"].values()
    split = {"a": _catalog("chapters/11_x.ipynb", ("c1", one["en"], one["zh"])),
             "b": _catalog("chapters/12_x.ipynb", ("c2", two["en"], two["zh"]))}
    assert glossary.variant_problems(SMALL, split) == []


def test_a_chapter_that_drops_the_chosen_translation_fails():
    catalogs = {"chapters/01_neurons": _catalog("chapters/01_neurons.ipynb",
                                                ("c1", "The **sigmoid functions** are smooth.", "S 型函数是光滑的。"))}
    assert glossary.missing_terms(SMALL, catalogs) == [
        "chapters/01_neurons: the English uses “sigmoid function” (cells c1) but the Chinese never writes “sigmoid 函数”"]
    catalogs["chapters/01_neurons"]["cells"]["h0"]["zh"] = "sigmoid函数是光滑的。"      # spacing does not matter
    assert glossary.missing_terms(SMALL, catalogs) == []


def test_the_use_check_ignores_code_formulas_titles_generic_terms_and_longer_terms():
    catalogs = {"chapters/05_backpropagation": _catalog(
        "chapters/05_backpropagation.ipynb",
        ("c1", "Call `weight_decay(weight)` with $\\text{weight}$; see [this](weight.ipynb).", "调用。"),
        ("c2", "Nielsen's *Neural Networks and Deep Learning* says so.", "Nielsen 的书这样说。"),
        ("c3", "The bias is statistical here.", "这里的偏差是统计意义的。"),
        ("c4", "Check against central finite differences.", "用中心差分核对。"))}
    assert glossary.missing_terms(SMALL, catalogs) == []


def test_the_use_check_covers_chapters_only():
    """Practice notebooks and the start page's course map are short; they may rephrase a term."""
    cells = ("c1", "A perceptron.", "一个线性分类器。")
    catalogs = {"solutions/01_neurons_practice": _catalog("solutions/01_neurons_practice.ipynb", cells),
                "chapters/00_start_here": _catalog("chapters/00_start_here.ipynb", cells)}
    assert glossary.missing_terms(SMALL, catalogs) == []
    catalogs["chapters/01_neurons"] = _catalog("chapters/01_neurons.ipynb", cells)
    assert len(glossary.missing_terms(SMALL, catalogs)) == 1


def test_load_catalogs_names_them_by_notebook(tmp_path):
    path = tmp_path / "01_neurons.json"
    path.write_text('{"notebook": "chapters/01_neurons.ipynb", "cells": {}, "alt": {}}', encoding="utf-8")
    assert list(glossary.load_catalogs([path])) == ["chapters/01_neurons"]


# --- the Chinese edition ----------------------------------------------------------------------------

CATALOGS = glossary.load_catalogs()


def _translated_or_skip() -> int:
    count = sum(len(glossary.translated(c)) for c in CATALOGS.values())
    if not count:
        pytest.skip("no cell of zh/catalogs is translated yet (tests/test_translations.py lists them)")
    return count


def _report(found: list[str]) -> str:
    return f"{len(found)} problem(s); the first 20:\n" + "\n".join(found[:20])


def test_the_zh_edition_never_uses_a_rejected_variant():
    _translated_or_skip()
    found = glossary.rejected_uses(TERMS, CATALOGS)
    assert not found, _report(found)


def test_the_zh_edition_uses_allowed_variants_once_and_in_parentheses():
    _translated_or_skip()
    found = glossary.variant_problems(TERMS, CATALOGS)
    assert not found, _report(found)


def test_each_zh_chapter_uses_the_chosen_translations_of_its_terms():
    _translated_or_skip()
    found = glossary.missing_terms(TERMS, CATALOGS)
    assert not found, _report(found)


def test_the_catalogs_are_the_ones_of_the_english_notebooks():
    """The checks above read every catalog: one per English chapter and practice notebook."""
    english = {p.relative_to(ROOT).with_suffix("").as_posix()
               for folder in ("chapters", "solutions") for p in (ROOT / folder).glob("*.ipynb")}
    assert set(CATALOGS) == english
