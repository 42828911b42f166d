"""Markdown syntax written inside LaTeX math shows up literally in JupyterLab.

MathJax receives the text between `$…$` (or `$$…$$`) untouched, so `**bold**`, `*italic*`,
`` `code` `` or `__bold__` there is printed with its asterisks, underscores or backticks. This scan
finds every such place in the course's Markdown cells and says how to fix it.
"""
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("chapters", "solutions", "exercises")
                   for p in ROOT.glob(f"{folder}/*.ipynb"))

# $$…$$ first, then $…$ on one line; an escaped \$ is a dollar sign, not math
MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\$)([^\n$]+?)(?<!\\)\$", re.S)
MARKDOWN_IN_MATH = re.compile(r"\*\*[^*]+\*\*|__[^_]+__|`[^`]+`|(?<![\\*\w])\*[A-Za-z][^*]*\*(?!\*)")


def markdown_in_math(text: str) -> list[str]:
    """Every piece of Markdown emphasis or code found inside the math of ``text``."""
    found = []
    for match in MATH.finditer(text):
        body = match.group(1) or match.group(2)
        found += [m.group(0) for m in MARKDOWN_IN_MATH.finditer(body)]
    return found


def test_scan_finds_planted_emphasis():
    assert markdown_in_math(r"$\eta \text{ small, the **learning rate**}$") == ["**learning rate**"]
    assert markdown_in_math("$$a = `b`$$") == ["`b`"]
    assert markdown_in_math(r"$\text{the *step*}$") == ["*step*"]


def test_scan_accepts_ordinary_math_and_markdown():
    assert markdown_in_math(r"**bold** outside, $a^*_j = w_{jk} x_k$ inside, and $x * y$") == []
    assert markdown_in_math(r"costs \$5 and \$6, with $a_1 \cdot a_2$") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_markdown_inside_math(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    bad = [(i, piece) for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
           for piece in markdown_in_math("".join(cell["source"]))]
    assert not bad, (f"{path.relative_to(ROOT)}: Markdown inside math shows literally in JupyterLab "
                     f"(cell index, text): {bad}. Move the emphasis outside the $…$, or use "
                     r"\textbf{…} / \mathbf{…} inside it.")
