"""Reading practice notebooks as data (plain JSON; no Jupyter needed to grade)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

__all__ = ["NotebookError", "read_notebook", "cell_source", "code_cells_to_run", "chapter_of",
           "answer_sources", "strip_magics"]


class NotebookError(ValueError):
    """The file is not a readable Jupyter notebook."""


def read_notebook(path: str | Path) -> dict:
    """Load a .ipynb file as a dict, or raise :class:`NotebookError` saying what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"cannot read {path.name}: {exc}") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"{path.name} is not a valid notebook (broken JSON at line "
                            f"{exc.lineno}, column {exc.colno}); re-download it or open and "
                            f"save it in Jupyter") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path.name} is not a valid notebook (no list of cells)")
    for i, cell in enumerate(nb["cells"], 1):
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), (str, list)):
            raise NotebookError(f"{path.name} is not a valid notebook (cell {i} is malformed)")
    return nb


def cell_source(cell: dict) -> str:
    """The source of a cell as one string (nbformat stores a string or a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(str(s) for s in source)


def _meta(cell: dict, key: str) -> dict:
    metadata = cell.get("metadata")
    value = metadata.get(key) if isinstance(metadata, dict) else None
    return value if isinstance(value, dict) else {}


def is_grade_cell(cell: dict) -> bool:
    """nbgrader test cells (``grade: true`` without ``solution: true``) are not run by the grader."""
    nbg = _meta(cell, "nbgrader")
    return bool(nbg.get("grade")) and not bool(nbg.get("solution"))


def code_cells_to_run(nb: dict) -> list[tuple[int, str]]:
    """(cell number counted from 1, source) of every code cell that is not a grade cell."""
    return [(i, cell_source(cell)) for i, cell in enumerate(nb["cells"], 1)
            if cell.get("cell_type") == "code" and not is_grade_cell(cell)]


def chapter_of(nb: dict, path: str | Path, known: list[str]) -> str | None:
    """Which question set applies: ``metadata.companion.chapter``, else the file stem.

    A file name that contains a known stem (``alice_01_neurons.ipynb``) also matches.
    """
    metadata = nb.get("metadata")
    companion = metadata.get("companion") if isinstance(metadata, dict) else None
    chapter = companion.get("chapter") if isinstance(companion, dict) else None
    if isinstance(chapter, str) and chapter in known:
        return chapter
    stem = Path(path).stem
    if stem in known:
        return stem
    matches = [k for k in known if k in stem]
    return max(matches, key=len) if matches else None


def answer_sources(nb: dict, qid: str) -> list[str]:
    """Sources of the answer cells tagged ``metadata.companion.question == qid``."""
    return [cell_source(c) for c in nb["cells"] if c.get("cell_type") == "code"
            and _meta(c, "companion").get("question") == qid and not is_grade_cell(c)]


def strip_magics(source: str) -> str:
    """Replace IPython magics and shell escapes (lines starting with % or !) by ``pass``."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines) + "\n"


def parse_cells(sources: list[str]) -> list[ast.Module]:
    """AST of every source that parses (cells with syntax errors are left out)."""
    trees = []
    for source in sources:
        try:
            trees.append(ast.parse(strip_magics(source)))
        except (SyntaxError, ValueError):
            continue
    return trees
