"""The Chinese edition from one source: ``python tools/translations.py [update|build|check]``.

The English notebooks (``chapters/``, ``solutions/``) are the source. Each has a catalog,
``zh/catalogs/<folder>/<stem>.json``, that maps a hash of every English markdown cell (and of every
figure's alt text) to its translation::

    {"notebook": "chapters/01_neurons.ipynb",
     "cells": {"<hash>": {"id": "<cell id>", "en": "<English>", "zh": "<中文>"}, …},
     "alt":   {"<hash>": {"en": "<English alt text>", "zh": "<中文>"}, …}}

- ``update`` adds an entry with an empty ``zh`` for every English cell the catalog does not know
  yet. When the cell existed before under another text (same cell id), the old entry moves into
  the new one as ``"previous": {"en": …, "zh": …}``, so a translator sees what changed in English
  and revises the old translation. Entries no English cell uses any more are dropped.
- ``build`` writes ``zh/chapters/`` and ``zh/solutions/``: code cells, their outputs and all
  metadata are copied unchanged, except the lines ``check()`` printed, which are rendered in Chinese
  as the zh notebook prints them (:func:`course_check.i18n.localize_output`); markdown cells are
  replaced by their translations; the notebook is marked ``metadata.companion.language = "zh"``;
  the language-switch cell points back to the English notebook; links that leave the course
  folders get one more ``../``. Then ``zh/exercises/`` is generated from ``zh/solutions/`` exactly
  as ``exercises/`` is from ``solutions/``. A missing translation is written in English and
  reported.
- ``check`` writes nothing and exits with status 1 when a translation is missing or stale, or a
  zh notebook differs from what ``build`` would write, or a zh code cell from the English one.
- ``dump CATALOG [--zh]`` prints a catalog's English (or Chinese) texts as a plain file, one
  ``=== <cell id>`` section per cell; ``apply CATALOG FILE`` writes a translated file back, then
  ``lint`` checks that each translation keeps its English cell's structure and follows the glossary
  (docs/glossary.md, tools/glossary.py).

``make translations`` runs ``update`` then ``build``. The workflow for a translator is in
docs/translating.md.
"""
from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZH = "zh"
FOLDERS = ("chapters", "solutions")
COURSE_FOLDERS = ("chapters", "solutions", "exercises")
SWITCH_ID = "language-switch"

__all__ = ["cell_hash", "catalog_path", "update", "build_notebook", "structure_problems", "what_changed",
           "catalog_problems", "code_cell_problems", "update_all", "build", "problems", "main"]


def cell_hash(text: str) -> str:
    """The catalog key of an English text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _alt(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")


def english_notebooks(root: Path = ROOT) -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((root / folder).glob("*.ipynb"))]


def catalog_path(notebook: Path, root: Path = ROOT) -> Path:
    rel = notebook.resolve().relative_to(root)
    return root / ZH / "catalogs" / rel.parent / f"{rel.stem}.json"


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _translatable(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "markdown" and c.get("id") != SWITCH_ID]


def load_catalog(notebook: Path, root: Path = ROOT) -> dict:
    path = catalog_path(notebook, root)
    if path.exists():
        return _read_json(path)
    return {"notebook": notebook.resolve().relative_to(root).as_posix(), "cells": {}, "alt": {}}


def update(notebook: Path, root: Path = ROOT) -> dict:
    """The notebook's catalog with an entry for every English cell and alt text (see module doc)."""
    nb = _read_json(notebook)
    old = load_catalog(notebook, root)
    by_id = {entry.get("id"): entry for entry in old["cells"].values()}
    cells = {}
    for cell in _translatable(nb):
        text = _source(cell)
        key = cell_hash(text)
        if key in old["cells"]:
            entry = dict(old["cells"][key], id=cell.get("id"))
        else:
            entry = {"id": cell.get("id"), "en": text, "zh": ""}
            before = by_id.get(cell.get("id"))
            if before and before.get("zh"):
                entry["previous"] = {"en": before["en"], "zh": before["zh"]}
            elif before and before.get("previous"):
                entry["previous"] = before["previous"]
        cells[key] = entry
    alts = {}
    for cell in nb["cells"]:
        alt = _alt(cell)
        if alt:
            key = cell_hash(alt)
            alts[key] = old.get("alt", {}).get(key, {"en": alt, "zh": ""})
    return {"notebook": old["notebook"], "cells": cells, "alt": alts}


_LINK = re.compile(r"(\]\(|<img [^>]*src=\"|href=\")(\.\./)([^)\"#\s]+)")


def _relink(text: str) -> str:
    """A zh notebook sits one folder deeper: links out of the course folders need one more ``../``."""
    def fix(match: re.Match) -> str:
        target = match.group(3)
        if target.split("/")[0] in COURSE_FOLDERS:
            return match.group(0)
        return f"{match.group(1)}../../{target}"
    return _LINK.sub(fix, text)


def switch_cell_text(rel: str, language: str) -> str:
    """The language-switch line of a notebook at ``rel`` (e.g. ``chapters/01_neurons.ipynb``)."""
    name = Path(rel).name
    if language == "zh":
        return f"🌐 [English version](../../{Path(rel).parent.as_posix()}/{name}) · 本页为中文版"
    return f"🌐 [中文版](../{ZH}/{Path(rel).parent.as_posix()}/{name}) · This page in Chinese"


def build_notebook(notebook: Path, catalog: dict, root: Path = ROOT) -> tuple[dict, list[str]]:
    """(zh notebook, cells left in English) for one English notebook and its catalog."""
    nb = copy.deepcopy(_read_json(notebook))
    rel = notebook.resolve().relative_to(root).as_posix()
    missing = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            if cell.get("id") == SWITCH_ID:
                cell["source"] = _lines(switch_cell_text(rel, "zh"))
                continue
            text = _source(cell)
            entry = catalog["cells"].get(cell_hash(text))
            if entry and entry.get("zh"):
                cell["source"] = _lines(_relink(entry["zh"]))
            else:
                missing.append(f"{rel} cell {cell.get('id')}: {text.strip().splitlines()[0][:70] if text.strip() else ''}")
                cell["source"] = _lines(_relink(text))
        alt = _alt(cell)
        if alt:
            entry = catalog.get("alt", {}).get(cell_hash(alt))
            if entry and entry.get("zh"):
                cell["metadata"]["mystnb"]["image"]["alt"] = entry["zh"]
            else:
                missing.append(f"{rel} cell {cell.get('id')}: alt text")
    nb["metadata"].setdefault("companion", {})["language"] = "zh"
    _localize_outputs(nb)
    return nb, missing


def _localize_outputs(nb: dict) -> None:
    """The lines ``check()`` printed, in Chinese: what running the zh notebook prints (nbval compares)."""
    from course_check.i18n import localize_output

    for cell in nb["cells"]:
        for output in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = output["text"] if isinstance(output["text"], str) else "".join(output["text"])
                local = localize_output(text, "zh")
                if local != text:
                    output["text"] = local if isinstance(output["text"], str) else local.splitlines(True)


def _lines(text: str) -> list[str]:
    return text.splitlines(True)   # stored as JupyterLab stores it: a list of lines


def _notebook_text(nb: dict, english: str) -> str:
    """``nb`` in the layout of its English notebook (whose text is ``english``): keys sorted or not."""
    sort_keys = english == json.dumps(json.loads(english), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=sort_keys) + "\n"


def zh_path(notebook: Path, root: Path = ROOT) -> Path:
    return root / ZH / notebook.resolve().relative_to(root)


def _expected(root: Path) -> tuple[dict[Path, str], list[str]]:
    """Every generated zh file's text, and the cells still in English."""
    from grader.exercises import exercise_text_of  # the same generator as exercises/

    files, missing = {}, []
    for notebook in english_notebooks(root):
        nb, gaps = build_notebook(notebook, load_catalog(notebook, root), root)
        missing += gaps
        files[zh_path(notebook, root)] = _notebook_text(nb, notebook.read_text(encoding="utf-8"))
        if notebook.parent.name == "solutions":
            files[root / ZH / "exercises" / notebook.name] = exercise_text_of(nb, notebook.name)
    return files, missing


def update_all(root: Path = ROOT) -> None:
    """``update``: bring every catalog up to date with its English notebook."""
    for notebook in english_notebooks(root):
        _write_json(catalog_path(notebook, root), update(notebook, root))


def build(root: Path = ROOT) -> tuple[list[Path], list[str]]:
    """``build``: write every zh notebook that differs from what the generator makes; return all the
    generated paths and the cells still in English."""
    files, missing = _expected(root)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return list(files), missing


_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$((?:[^$\n]|\n(?![ \t]*\n))+?)\$")   # may wrap lines, never a paragraph
_TARGET = re.compile(r"\]\(([^)\s]+)\)")
_MARKER = re.compile(r"^\s*###\s*(BEGIN|END) [A-Z ]+$|^#+(?= )|^\(\S+\)=$", re.M)


def _one_line(formula: str) -> str:
    """A formula with its whitespace runs collapsed: re-wrapping a formula's lines changes nothing."""
    return " ".join(formula.split())


def structure(text: str) -> dict[str, list[str]]:
    """What a translation must keep from the English cell: code spans, formulas, link targets,
    heading levels and markers (nbgrader's regions, MyST labels), each as a sorted list."""
    code = [m.group(2) for m in _CODE.finditer(text)]
    rest = _CODE.sub(" ", text)
    display = [_one_line(m.group(1)) for m in _DISPLAY.finditer(rest)]
    rest = _DISPLAY.sub(" ", rest)
    return {"code": sorted(code), "display math": sorted(display),
            "inline math": sorted(_one_line(m.group(1)) for m in _INLINE.finditer(rest)),
            "link targets": sorted(m.group(1) for m in _TARGET.finditer(rest)),
            "headings and markers": [m.group(0).strip() for m in _MARKER.finditer(text)]}


def prose(text: str) -> str:
    """``text`` without its code spans, formulas and link targets: the words a reader reads."""
    for pattern in (_CODE, _DISPLAY, _INLINE, _TARGET):
        text = pattern.sub(" ", text)
    return text


def _punct(c: str) -> bool:
    import unicodedata
    return unicodedata.category(c)[0] in "PS"


def unrendered_emphasis(text: str) -> list[str]:
    """``*``/``**`` runs CommonMark will print literally: a closing run after punctuation and before
    a letter, as in ``**练习：**打开`` (Chinese has no spaces to make the run flank). Returns snippets."""
    masked = _CODE.sub(lambda m: "C" * len(m.group(0)), text)
    masked = _DISPLAY.sub(lambda m: "M" * len(m.group(0)), masked)
    masked = _INLINE.sub(lambda m: "M" * len(m.group(0)), masked)
    found = []
    for para in re.split(r"\n\s*\n", masked):
        open_runs: dict[int, bool] = {}
        for m in re.finditer(r"\*+", para):
            start, end = m.span()
            line_start = para.rfind("\n", 0, start) + 1
            if para[line_start:start].strip() == "" and para[end:end + 1] == " ":
                continue                                 # a list bullet
            before = para[start - 1] if start else " "
            after = para[end] if end < len(para) else " "
            left = not after.isspace() and (not _punct(after) or before.isspace() or _punct(before))
            right = not before.isspace() and (not _punct(before) or after.isspace() or _punct(after))
            n = len(m.group(0))
            if open_runs.get(n):
                open_runs[n] = False
                if not right:
                    found.append(para[max(0, start - 12):end + 6])
            elif left:
                open_runs[n] = True
            elif not right:
                found.append(para[max(0, start - 12):end + 6])
    return found


def structure_problems(english: str, chinese: str) -> list[str]:
    """How ``chinese`` fails to keep the structure of ``english`` (empty when it keeps it)."""
    en, zh = structure(english), structure(chinese)
    out = []
    for part, items in en.items():
        if items != zh[part]:
            lost = [x for x in items if x not in zh[part]]
            added = [x for x in zh[part] if x not in items]
            out.append(f"{part} differ: missing {lost[:3]}, extra {added[:3]}" if lost or added
                       else f"{part} differ in number or order")
    out += [f"bold/italic that will not render (move the punctuation outside the ** or *): …{s}…"
            for s in unrendered_emphasis(chinese) if s not in unrendered_emphasis(english)]
    return out


_SECTION = re.compile(r"^=== (\S+)[ \t]*$", re.M)


def dump(catalog: dict, language: str = "en") -> str:
    """A catalog's texts as a plain file a translator edits: ``=== <cell id>`` (or ``=== alt:<hash>``)
    on a line of its own, then the text (no JSON escaping to get wrong). In Chinese, a cell whose
    English changed shows its previous translation: the starting point of the revision."""
    def text(e: dict) -> str:
        return e.get(language) or (e.get("previous", {}).get(language, "") if language == "zh" else "")

    parts = [f"=== {e['id']}\n{text(e)}" for e in catalog["cells"].values()]
    parts += [f"=== alt:{k}\n{e.get(language, '')}" for k, e in catalog.get("alt", {}).items()]
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def apply(catalog: dict, text: str) -> list[str]:
    """Set the ``zh`` of each section of ``text`` (the format of :func:`dump`); return unknown ids."""
    by_id = {e["id"]: e for e in catalog["cells"].values()}
    pieces = _SECTION.split(text)
    unknown = []
    for label, body in zip(pieces[1::2], pieces[2::2]):
        body = body.strip("\n")
        if label.startswith("alt:") and label[4:] in catalog.get("alt", {}):
            catalog["alt"][label[4:]]["zh"] = body
        elif label in by_id:
            by_id[label]["zh"] = body
            by_id[label].pop("previous", None)
        else:
            unknown.append(label)
    return unknown


def what_changed(old: str, new: str, width: int = 160) -> str:
    """The English words an edit removed and added (``−old words +new words``), cut to ``width``:
    enough for a translator to find what to revise in the old translation."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append("−“" + " ".join(a[i1:i2]) + "”")
        if op in ("replace", "insert"):
            parts.append("+“" + " ".join(b[j1:j2]) + "”")
    text = " ".join(parts) or "whitespace only"
    return text if len(text) <= width else text[:width - 1] + "…"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:70] if text.strip() else ""


def catalog_problems(notebook: Path, root: Path = ROOT) -> list[str]:
    """A notebook's catalog against its English cells: out of date, missing, changed or broken entries."""
    rel = notebook.relative_to(root)
    current, wanted = load_catalog(notebook, root), update(notebook, root)
    found = []
    if set(current["cells"]) != set(wanted["cells"]) or set(current.get("alt", {})) != set(wanted["alt"]):
        found.append(f"{catalog_path(notebook, root).relative_to(root)}: out of date with {rel}; "
                     f"run `make translations` and translate the new entries")
    for entry in wanted["cells"].values():
        if entry.get("previous") and not entry.get("zh"):
            found.append(f"{rel} cell {entry['id']} (changed in English since it was translated: "
                         f"{what_changed(entry['previous']['en'], entry['en'])}): {_first_line(entry['en'])}")
        elif not entry.get("zh"):
            found.append(f"{rel} cell {entry['id']} (not translated): {_first_line(entry['en'])}")
        elif (broken := structure_problems(entry["en"], entry["zh"])):
            found.append(f"{rel} cell {entry['id']}: the translation does not keep the English structure: "
                         f"{'; '.join(broken)}")
    for entry in wanted["alt"].values():
        if not entry.get("zh"):
            found.append(f"{rel}: alt text not translated: {entry['en'][:60]}")
    return found


def _cells_by_id(nb: dict) -> dict[str, dict]:
    return {cell.get("id"): cell for cell in nb["cells"]}


def _without_alt(metadata: dict) -> dict:
    """A cell's metadata without its figure's alt text (the one part of a code cell that is translated)."""
    metadata = copy.deepcopy(metadata)
    metadata.get("mystnb", {}).get("image", {}).pop("alt", None)
    return metadata


def code_cell_problems(english: dict, chinese: dict, where: str) -> list[str]:
    """How the zh notebook ``chinese`` departs from ``english`` outside its markdown: cells added,
    removed or reordered, or a code cell whose source or metadata (but its figure's alt text) differs,
    named by cell id. Outputs are not compared: the lines check() prints are Chinese in the zh edition."""
    en_ids = [(c.get("id"), c["cell_type"]) for c in english["cells"]]
    zh_ids = [(c.get("id"), c["cell_type"]) for c in chinese["cells"]]
    if en_ids != zh_ids:
        gone = [i for i, _ in en_ids if (i, _) not in zh_ids]
        extra = [i for i, _ in zh_ids if (i, _) not in en_ids]
        return [f"{where}: cells differ from the English notebook (missing {gone[:5]}, extra {extra[:5]}"
                f"{', or reordered' if not gone and not extra else ''})"]
    found = []
    zh_cells = _cells_by_id(chinese)
    for cell in english["cells"]:
        if cell["cell_type"] != "code":
            continue
        other = zh_cells[cell.get("id")]
        if _source(cell) != _source(other):
            found.append(f"{where} cell {cell.get('id')}: the code differs from the English notebook's")
        if _without_alt(cell.get("metadata", {})) != _without_alt(other.get("metadata", {})):
            found.append(f"{where} cell {cell.get('id')}: the code cell's metadata differs from the English notebook's")
    return found


def _zh_pairs(root: Path) -> list[tuple[Path, Path]]:
    """(English notebook, its zh notebook) for chapters, solutions and exercises."""
    pairs = [(p, zh_path(p, root)) for p in english_notebooks(root)]
    pairs += [(p, root / ZH / "exercises" / p.name) for p in sorted((root / "exercises").glob("*.ipynb"))]
    return pairs


def problems(root: Path = ROOT) -> list[str]:
    """Everything that keeps the two editions from agreeing (empty when they agree)."""
    found = [line for notebook in english_notebooks(root) for line in catalog_problems(notebook, root)]
    files, _ = _expected(root)
    for path, text in files.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            found.append(f"{path.relative_to(root)}: differs from what `make translations` writes")
    for english, chinese in _zh_pairs(root):
        if chinese.exists():
            found += code_cell_problems(_read_json(english), _read_json(chinese), chinese.relative_to(root).as_posix())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "build", "check", "lint", "dump", "apply", "all"], nargs="?", default="all")
    parser.add_argument("catalogs", nargs="*", type=Path,
                        help="lint: the catalogs to check (default: all); dump: one catalog; "
                             "apply: one catalog, then the translated file")
    parser.add_argument("--zh", action="store_true",
                        help="dump: the Chinese texts (a changed cell shows its previous translation), to revise")
    args = parser.parse_intermixed_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.command in ("update", "all"):
        update_all()
    if args.command in ("build", "all"):
        files, missing = build()
        print(f"wrote {len(files)} zh notebooks; {len(missing)} cell(s) still in English")
        for line in missing[:20]:
            print("  " + line)
    if args.command == "dump":
        print(dump(_read_json(args.catalogs[0]), "zh" if args.zh else "en"), end="")
        return 0
    if args.command == "apply":
        catalog = _read_json(args.catalogs[0])
        unknown = apply(catalog, args.catalogs[1].read_text(encoding="utf-8"))
        _write_json(args.catalogs[0], catalog)
        for label in unknown:
            print(f"unknown section id {label!r} (not in {args.catalogs[0].name})")
        args.catalogs = args.catalogs[:1]
        args.command = "lint"
    if args.command == "lint":     # a translator's quick check of the entries written so far
        paths = args.catalogs or sorted((ROOT / ZH / "catalogs").rglob("*.json"))
        bad = 0
        for path in paths:
            for entry in _read_json(path)["cells"].values():
                for line in structure_problems(entry["en"], entry["zh"]) if entry.get("zh") else []:
                    bad += 1
                    print(f"{path.name} cell {entry['id']}: {line}")
        sys.path.insert(0, str(Path(__file__).parent))
        import glossary  # tools/glossary.py: the terms of docs/glossary.md

        for line in glossary.check(glossary.load_glossary(), glossary.load_catalogs(paths)):
            bad += 1
            print(f"glossary: {line}")
        print(f"{bad} problem(s)")
        return 1 if bad else 0
    if args.command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
