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


# ------------------------------------------------------------------ display math and its paragraph
# JupyterLab (marked) typesets a `$$…$$` block wherever it stands, but the website's parser (myst's
# dollarmath) starts a display block only at the start of a block: a `$$` line that continues a
# paragraph is read as inline `$` pairs, so prose is set in math italics and TeX shows raw (chapter
# 5's BP1 proof did). A blank line before the opening `$$` and after the closing one fixes it, and
# reads the same in JupyterLab.
FENCE = re.compile(r"^\s*(```|~~~)")
QUOTE_OR_LIST = re.compile(r"^\s*(>\s*)*")


def display_math_glued_to_prose(text: str) -> list[str]:
    """Every `$$` display block of a Markdown cell that is not set apart by blank lines, or that
    starts or ends inside a line of text; each as a short quote of where it is."""
    lines, found, fenced, i = text.split("\n"), [], False, 0
    blank = lambda k: k < 0 or k >= len(lines) or not QUOTE_OR_LIST.sub("", lines[k]).strip()
    while i < len(lines):
        line = QUOTE_OR_LIST.sub("", lines[i]).strip()
        if FENCE.match(lines[i]):
            fenced = not fenced
        elif not fenced and re.search(r"(?<!\\)\$\$", line):
            if not line.startswith("$$"):
                found.append(f"`$$` inside a line of text: {line[:60]!r}")
            else:
                end = i if re.search(r"(?<!\\)\$\$", line[2:]) else next(
                    (k for k in range(i + 1, len(lines)) if re.search(r"(?<!\\)\$\$", lines[k])), len(lines) - 1)
                closing = QUOTE_OR_LIST.sub("", lines[end]).strip()
                if not closing.endswith("$$"):
                    found.append(f"text after the closing `$$`: {closing[-60:]!r}")
                if not blank(i - 1):
                    found.append(f"no blank line before `$$` (after {lines[i - 1].strip()[-50:]!r})")
                if not blank(end + 1):
                    found.append(f"no blank line after `$$` (before {lines[end + 1].strip()[:50]!r})")
                i = end
        i += 1
    return found


def test_display_math_scan_finds_glued_blocks():
    assert display_math_glued_to_prose("so by the chain rule\n$$\nx = 1\n$$\n\nmore") == [
        "no blank line before `$$` (after 'so by the chain rule')"]
    assert display_math_glued_to_prose("text\n\n$$x = 1$$\nThis follows") == [
        "no blank line after `$$` (before 'This follows')"]
    assert display_math_glued_to_prose("2. Train:\n   $$S = 1 .$$\n3. Next") == [
        "no blank line before `$$` (after '2. Train:')", "no blank line after `$$` (before '3. Next')"]
    assert display_math_glued_to_prose("the sum $$a + b$$ is") == ["`$$` inside a line of text: 'the sum $$a + b$$ is'"]


def test_display_math_scan_accepts_separated_blocks():
    text = "Intro\n\n$$\na = b\n$$\n\nafter\n\n$$c$$\n\n2. item:\n\n   $$d$$\n\n   more\n\n```\n$$ in code\n```"
    assert display_math_glued_to_prose(text) == []
    assert display_math_glued_to_prose("$$x$$") == []
    assert display_math_glued_to_prose(r"costs \$\$5") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_display_math_stands_apart_from_its_paragraph(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    bad = [(cell.get("id", i), problem) for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
           for problem in display_math_glued_to_prose("".join(cell["source"]))]
    assert not bad, (f"{path.relative_to(ROOT)}: display math glued to its paragraph (cell id, where): {bad}. "
                     "JupyterLab shows it, but the website reads it as inline `$` pairs and prints raw TeX: put "
                     "`$$` blocks on lines of their own with a blank line before and after (indented like the "
                     "list item they belong to).")
