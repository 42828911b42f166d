"""Reading practice notebooks as data (plain JSON; no Jupyter needed to grade)."""
from __future__ import annotations

import ast
import functools
import json
import threading
from pathlib import Path

__all__ = ["NotebookError", "read_notebook", "cell_source", "code_cells_to_run", "chapter_of",
           "answer_sources", "strip_magics", "parse_cells", "cells_for_question", "cell_owners"]


#: Held while building an AST. CPython 3.11's parser is not thread-safe: two threads parsing at once
#: can fail with "SystemError: AST constructor recursion depth mismatch". The grader's threads parse
#: learner cells here and NumPy's .npy headers (``ast.literal_eval``) in the sandbox reader.
AST_LOCK = threading.Lock()


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
            with AST_LOCK:
                trees.append(ast.parse(strip_magics(source)))
        except (SyntaxError, ValueError):
            continue
    return trees


class _Binder(ast.NodeVisitor):
    """Names a cell binds at its top level (function and class bodies are not entered)."""

    def __init__(self):
        self.names: set[str] = set()

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names.add(node.id)

    def visit_alias(self, node):
        self.names.add((node.asname or node.name).split(".")[0])


def _bound(tree: ast.Module | None) -> set[str]:
    if tree is None:
        return set()
    binder = _Binder()
    binder.visit(tree)
    return binder.names


def _loaded(tree: ast.AST | None) -> set[str]:
    """Names a cell reads but binds nowhere in it (not even as a local or an argument)."""
    if tree is None:
        return set()
    loads, binds = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name):
            (loads if isinstance(n.ctx, ast.Load) else binds).add(n.id)
        elif isinstance(n, ast.arg):
            binds.add(n.arg)
    return loads - binds


@functools.lru_cache(maxsize=4096)
def _parse(source: str) -> ast.Module | None:
    """AST of a cell (None when it does not parse); cached, since every question of a notebook
    looks at the same cells (the trees are only read, never changed)."""
    try:
        with AST_LOCK:
            return ast.parse(strip_magics(source))
    except (SyntaxError, ValueError):
        return None


def cells_for_question(nb: dict, function: str, qid: str | None = None) -> list[tuple[int, str]]:
    """The code cells a question needs: from the top down to the cell that defines ``function``.

    Later cells (demos, plots, training runs) are left out, unless they define a name the answer
    uses (found from the source, transitively). When no cell defines the function, cells run down
    to the question's answer cell (``metadata.companion.question``), else all of them.
    """
    cells = code_cells_to_run(nb)
    trees = [_parse(source) for _, source in cells]
    defining = [k for k, tree in enumerate(trees) if function in _bound(tree)]
    if defining:
        last = defining[-1]
    else:
        answer = {i for i, cell in enumerate(nb["cells"], 1) if cell.get("cell_type") == "code"
                  and _meta(cell, "companion").get("question") == qid}
        marked = [k for k, (i, _) in enumerate(cells) if i in answer]
        if not marked:
            return cells
        last = marked[-1]
    chosen = list(range(last + 1))
    needed = set().union(*(_loaded(trees[k]) for k in chosen)) - set().union(*(_bound(trees[k]) for k in chosen))
    grew = True
    while grew:
        grew = False
        for k in range(last + 1, len(cells)):
            if k not in chosen and _bound(trees[k]) & needed:
                chosen.append(k)
                needed |= _loaded(trees[k])
                grew = True
    return [cells[k] for k in sorted(chosen)]


def cell_owners(nb: dict, questions: list) -> dict[int, set[str]]:
    """Cell number -> ids of the questions whose answer it is: tagged ``metadata.companion.question``
    or binding the question's function. Cells no question owns (set-up, demos) are left out."""
    owners: dict[int, set[str]] = {}
    for i, cell in enumerate(nb["cells"], 1):
        if cell.get("cell_type") != "code" or is_grade_cell(cell):
            continue
        bound = _bound(_parse(cell_source(cell)))
        tag = _meta(cell, "companion").get("question")
        for question in questions:
            if tag == question.id or question.function in bound:
                owners.setdefault(i, set()).add(question.id)
    return owners
