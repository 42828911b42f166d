"""Write chapters/00_start_here.ipynb, the page `make lab` opens, from the README's course map.

    python tools/start_page.py           # rewrite its Markdown cells (keeps the executed code cell)
    python tools/start_page.py --check   # exit 1 when it is out of date with README.md

The start page is a notebook, so JupyterLab shows it rendered with clickable links (the README
opens as raw Markdown text). Its course map is the README's, with each chapter's practice notebook
(exercises/NN_slug_practice.ipynb) added; tests/test_notebook_lint.py fails when the two disagree,
so a chapter added to the README's map shows up here after running this script. The one code cell checks the set-up; after a change to
it, run `make execute NB=chapters/00_start_here.ipynb`.
"""
from __future__ import annotations

import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "chapters" / "00_start_here.ipynb"

INTRO = """\
# Start here

Welcome to **Neural Networks, Derived and Verified**: how a neural network computes and learns, from
a single neuron to a trained digit classifier, where every formula is derived and then checked in code.

**How to use the notebooks.** Click a chapter below to open it. Run a cell with **Shift+Enter**, or
run a whole chapter with **Run → Run All Cells**. Each chapter runs from top to bottom in well under
a minute; the sliders and menus of its explorers need the running kernel. Each chapter ends with a
link to its practice notebook, where you write the code yourself and a `check("q1")` cell tells you at
once whether it works. Your answers stay in your copy of `exercises/`.

First, run the cell below: it checks that the course's package is installed."""

AFTER_CHECK = """\
If it printed an error instead, open a terminal in the course folder and run `make lab` (it installs
everything into `.venv`), then open this page again."""

KEY_TERMS = """\
## How each chapter works

Intuition → derivation → code (`companion`, the course's small NumPy package) → a numerical check
(`assert`) → a figure. When a formula is stated, the next cell computes it and checks it against an
independent oracle, such as finite differences or a closed form.

The whole course also exists in Chinese (the 🌐 link at the top of every chapter), and
[the glossary](../docs/glossary.md) lists the English ↔ 中文 terms both editions use, chapter by chapter.

| English | 中文 |
|---|---|
| neural network | 神经网络 |
| chapter | 章 |
| practice notebook | 练习笔记本 |"""

CHECK_CELL = ["%matplotlib inline\n", "import companion\n", "\n",
              "print(f\"companion {companion.__version__} is installed: the course is ready to run.\")"]


def course_map() -> str:
    """The README's course-map table, links made relative to chapters/, a practice column added."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Course map\n(.*?)(?=^## )", text, flags=re.M | re.S).group(1)
    rows = [l for l in section.splitlines() if l.startswith("|")]
    out = [rows[0].rstrip() + " practice |", rows[1].rstrip() + "---|"]
    for row in rows[2:]:
        row = row.replace("](chapters/", "](")
        match = re.search(r"\]\((\d\d_[^)]+)\.ipynb\)", row)
        exercise = f"{match.group(1)}_practice.ipynb" if match else ""
        practice = f" [exercise](../exercises/{exercise}) |" if match and (
            ROOT / "exercises" / exercise).exists() else " |"
        out.append(row.rstrip() + practice)
    return "## Course map\n\n" + "\n".join(out)


def markdown(source: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source.splitlines(True)}


def page() -> dict:
    old = json.loads(PAGE.read_text(encoding="utf-8")) if PAGE.exists() else None
    code = next((c for c in old["cells"] if c["cell_type"] == "code"), None) if old else None
    code = code or {"cell_type": "code", "execution_count": None, "id": "start-check", "metadata": {},
                    "outputs": [], "source": CHECK_CELL}
    metadata = old["metadata"] if old else {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}
    from translations import SWITCH_ID, switch_cell_text

    cells = [markdown(INTRO, "start-intro"), markdown(switch_cell_text(PAGE.relative_to(ROOT).as_posix(), "en"), SWITCH_ID), code, markdown(AFTER_CHECK, "start-after-check"),
             markdown(course_map(), "start-course-map"), markdown(KEY_TERMS, "start-how")]
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    new = dumps(page())
    current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    if "--check" in sys.argv:
        if new != current:
            sys.exit(f"{PAGE.relative_to(ROOT)} is out of date with README.md's course map: "
                     "run `python tools/start_page.py`")
    elif new != current:
        PAGE.write_text(new, encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)}")
