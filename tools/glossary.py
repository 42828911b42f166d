"""The glossary (docs/glossary.md) as data, and the checks that the Chinese edition follows it.

``python tools/glossary.py [CATALOG…]`` prints every place where the translated cells of the
catalogs (default: all of ``zh/catalogs/``) break the glossary, and exits with status 1 if any:

- a **不用** (rejected) variant appears anywhere;
- an **亦作** (allowed once) variant appears more than once in a notebook, or outside parentheses;
- an English chapter uses a term (whole word, any case, plural included) and its Chinese chapter
  never writes the chosen translation (terms marked † in the table are too common to check so).

Only translated cells count: an entry whose ``zh`` is still empty is skipped (the sync test,
``tests/test_translations.py``, reports those). ``tests/test_glossary.py`` runs the same checks.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import translations  # noqa: E402  (tools/translations.py: what in a cell is prose)

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGS = ROOT / "zh" / "catalogs"
GENERIC_MARK = "†"
HEADER = ["English", "中文", "章", "亦作", "不用", "说明"]

__all__ = ["Term", "parse_glossary", "load_glossary", "translated", "rejected_uses",
           "variant_problems", "missing_terms", "check", "main"]

_PARENS = re.compile(r"[（(][^（）()]*[）)]")
_ABBREVIATION = re.compile(r"^[（(][A-Z]{2,}[A-Z0-9-]*(?: ?[\u4e00-\u9fff]+)?[）)]$")


@dataclass(frozen=True)
class Term:
    """One row of the glossary."""

    english: str
    chosen: tuple[str, ...]      # accepted translations, first-mention form ("异或（XOR）")
    chapter: int
    also: tuple[str, ...]        # allowed once per notebook, in parentheses
    never: tuple[str, ...]       # must not appear
    note: str
    generic: bool                # † : not checked for use of the chosen translation

    @property
    def cores(self) -> tuple[str, ...]:
        """What a mention after the first must contain, spaces removed: each chosen translation without
        its parenthesised part ("异或（XOR）" → "异或"), or that part when it is an abbreviation
        ("卷积神经网络（CNN）" → also "CNN", "径向基函数网络（RBF 网络）" → also "RBF网络")."""
        out = []
        for form in self.chosen:
            out.append(_squash(_PARENS.sub("", form)) or _squash(form))
            out += [_squash(m.group(0)[1:-1]) for m in _PARENS.finditer(form) if _ABBREVIATION.search(m.group(0))]
        return tuple(out)

    @property
    def pattern(self) -> re.Pattern:
        """The English term as a whole word, any case, an optional plural ending; spaces and hyphens
        between its words match each other ("mini-batch" finds "mini batch")."""
        words = re.split(r"[\s-]+", _PARENS.sub("", self.english).strip())
        if len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
            words[-1] = words[-1][:-1]        # "finite differences" also finds "finite difference"
        body = r"[\s-]+".join(re.escape(w) for w in words)
        return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", re.I)


def _squash(text: str) -> str:
    """Whitespace removed: "sigmoid 函数" and "sigmoid函数" compare equal (spacing is a style matter)."""
    return re.sub(r"\s+", "", text)


def _split(cell: str, sep: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(sep) if part.strip())


def parse_glossary(text: str) -> list[Term]:
    """The rows of the table whose header is ``| English | 中文 | 章 | 亦作 | 不用 | 说明 |``.

    Raises ValueError naming the line when a row has the wrong number of columns or no chapter."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _cells(line) == HEADER), None)
    if start is None:
        raise ValueError("no table with the columns " + " | ".join(HEADER))
    terms = []
    for number, line in enumerate(lines[start + 2:], start + 3):
        if not line.startswith("|"):
            break
        cells = _cells(line)
        if len(cells) != len(HEADER):
            raise ValueError(f"glossary line {number}: {len(cells)} columns, expected {len(HEADER)}: {line}")
        english, chinese, chapter, also, never, note = cells
        if not chapter.isdigit():
            raise ValueError(f"glossary line {number}: chapter {chapter!r} is not a number")
        generic = english.endswith(GENERIC_MARK)
        terms.append(Term(english.removesuffix(GENERIC_MARK).strip(), _split(chinese, " / "), int(chapter),
                          _split(also, "、"), _split(never, "、"), note, generic))
    return terms


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")] if line.strip().startswith("|") else []


def load_glossary(path: Path = GLOSSARY) -> list[Term]:
    return parse_glossary(path.read_text(encoding="utf-8"))


def translated(catalog: dict) -> list[tuple[str, str, str]]:
    """``(label, English, Chinese)`` for every translated entry of a catalog: cells by their id,
    figure alt texts as ``alt:<hash>``. Entries not translated yet are left out."""
    out = [(e.get("id") or key, e["en"], e["zh"]) for key, e in catalog.get("cells", {}).items() if e.get("zh")]
    out += [(f"alt:{key}", e["en"], e["zh"]) for key, e in catalog.get("alt", {}).items() if e.get("zh")]
    return out


def rejected_uses(terms: list[Term], catalogs: dict[str, dict]) -> list[str]:
    """Where a rejected (不用) variant appears: catalog, cell, the variant and the term to write instead."""
    found = []
    for name, catalog in catalogs.items():
        for label, _, zh in translated(catalog):
            for term in terms:
                for variant in term.never:
                    if variant in zh:
                        found.append(f"{name} cell {label}: “{variant}” is a rejected translation of "
                                     f"“{term.english}”; write “{term.chosen[0]}”")
    return found


def _group(text: str, position: int) -> int | None:
    """Where the innermost (…) or （…） group around ``position`` opens (None: not in parentheses)."""
    opened: list[int] = []
    for i, char in enumerate(text[:position]):
        if char in "（(":
            opened.append(i)
        elif char in "）)" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _variant_places(entries: list[tuple[str, str, str]], variant: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The cells where ``variant`` stands outside parentheses, and the parentheses (cell, start) holding it."""
    outside, groups = [], []
    for label, _, zh in entries:
        for m in re.finditer(re.escape(variant), zh):
            group = _group(zh, m.start())
            if group is None:
                outside.append(label)
            elif (label, group) not in groups:
                groups.append((label, group))
    return outside, groups


def variant_problems(terms: list[Term], catalogs: dict[str, dict]) -> list[str]:
    """An allowed variant (亦作) outside parentheses, or in more than one parenthesis of a notebook
    (one parenthesis may name it twice: “汇聚（也译作池化，最大池化）”)."""
    found = []
    for name, catalog in catalogs.items():
        entries = translated(catalog)
        for term in terms:
            for variant in term.also:
                outside, groups = _variant_places(entries, variant)
                what = f"“{variant}” (a variant of “{term.english}”)"
                found += [f"{name} cell {label}: {what} outside parentheses; write “{term.chosen[0]}” "
                          f"(the variant once, in parentheses)" for label in outside]
                if len(groups) > 1:
                    cells = ", ".join(label for label, _ in groups)
                    found.append(f"{name}: {what} appears in {len(groups)} places (cells {cells}); "
                                 f"once at most, then “{term.chosen[0]}”")
    return found


def english_uses(term: Term, text: str, terms: list[Term]) -> bool:
    """Whether the prose of ``text`` uses ``term``: not inside a longer glossary term ("central finite
    differences" is that term, not "finite differences"), and not as a Title-Case name ("*Neural
    Networks and Deep Learning*", a book)."""
    prose = translations.prose(text)      # code spans, formulas and link targets are not prose
    longer = [m.span() for t in terms if len(t.english) > len(term.english) and term.pattern.search(t.english)
              for m in t.pattern.finditer(prose)]
    for m in term.pattern.finditer(prose):
        words = re.split(r"[\s-]+", m.group(0))
        if len(words) > 1 and all(w[:1].isupper() for w in words):
            continue
        if not any(a <= m.start() and m.end() <= b for a, b in longer):
            return True
    return False


def missing_terms(terms: list[Term], catalogs: dict[str, dict]) -> list[str]:
    """Chapters (1–12) whose translated English cells use a term while their Chinese never writes its
    chosen translation. Practice notebooks, the start page's course map and figure alt texts are left
    out: their short lines may rephrase a term."""
    found = []
    for name, catalog in catalogs.items():
        if not re.fullmatch(r"chapters/(0[1-9]|1[0-2])_\w+", name):
            continue
        entries = [(label, en, zh) for label, en, zh in translated(catalog) if not label.startswith("alt:")]
        chinese = _squash("\n".join(zh for _, _, zh in entries))
        for term in terms:
            if term.generic or any(core in chinese for core in term.cores):
                continue
            cells = [label for label, en, _ in entries if english_uses(term, en, terms)]
            if cells:
                found.append(f"{name}: the English uses “{term.english}” (cells {', '.join(cells[:5])}) but the "
                             f"Chinese never writes “{' / '.join(term.chosen)}”")
    return found


def load_catalogs(paths: list[Path] | None = None, root: Path = ROOT) -> dict[str, dict]:
    """Catalogs (default: those of the chapters and practice notebooks) by their notebook without its
    suffix (``chapters/01_neurons``)."""
    paths = paths if paths else [p for folder in ("chapters", "solutions")
                                 for p in sorted((root / "zh" / "catalogs" / folder).glob("*.json"))]
    out = {}
    for path in paths:
        catalog = json.loads(Path(path).read_text(encoding="utf-8"))
        out[catalog.get("notebook", Path(path).stem).removesuffix(".ipynb")] = catalog
    return out


def check(terms: list[Term], catalogs: dict[str, dict]) -> list[str]:
    """Every way the translated cells break the glossary (empty when they follow it)."""
    return rejected_uses(terms, catalogs) + variant_problems(terms, catalogs) + missing_terms(terms, catalogs)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    found = check(load_glossary(), load_catalogs(paths))
    for line in found:
        print(line)
    print(f"{len(found)} glossary problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
