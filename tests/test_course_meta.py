"""Meta-tests of the course: exercises up to date, names exist, solutions full marks, exercises zero."""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from grader.exercises import generate
from grader import grade_notebook
from grader.notebook import code_cells_to_run, parse_cells, read_notebook
from grader.questions import QUESTIONS
from grader.visible import generate as generate_visible

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + SOLUTIONS
needs_solutions = pytest.mark.skipif(not SOLUTIONS, reason="solutions/ is empty: no practice notebooks yet")


@needs_solutions
def test_exercises_are_generated_from_solutions():
    differ = generate(ROOT / "solutions", ROOT / "exercises", check=True)
    assert differ == [], f"exercises/ is out of date, run `make exercises`: {differ}"


def test_the_checker_data_is_generated_from_the_key():
    differ = generate_visible(check=True)
    assert differ == [], f"course_check/data is out of date, run `make exercises`: {differ}"


def _companion_names(tree: ast.Module) -> set[str]:
    """Dotted companion names a notebook uses: imports, and attribute chains through them."""
    aliases, names = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "companion":
                    names.add(alias.name)
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.asname and alias.name or "companion"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "companion":
            for alias in node.names:
                names.add(f"{node.module}.{alias.name}")
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts, inner = [], node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                origin = importlib.util.resolve_name(aliases[inner.id], None)
                names.add(".".join([origin, *reversed(parts)]))
    return names


def _exists(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                # attributes of instances/classes chained further are not checked past a class
                return isinstance(obj, type)
            obj = getattr(obj, attr)
        return True
    return False


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in chapters/ or solutions/ yet")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_companion_name_a_notebook_uses_exists(path):
    trees = parse_cells([source for _, source in code_cells_to_run(read_notebook(path))])
    missing = sorted(n for tree in trees for n in _companion_names(tree) if not _exists(n))
    assert missing == [], f"{path.name} uses names the companion package does not define: {missing}"


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in chapters/ or solutions/ yet")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_notebook_takes_course_material_from_the_question_specifications(path):
    # what a learner uses belongs in a module learners read; the grading package (the answer key)
    # is not in the learner's edition, so no notebook may import it
    trees = parse_cells([source for _, source in code_cells_to_run(read_notebook(path))])
    graders = sorted({(node.module if isinstance(node, ast.ImportFrom) else alias.name)
                      for tree in trees for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                      for alias in node.names
                      if ((node.module or "") if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0] == "grader"
                      or ((node.module or "") if isinstance(node, ast.ImportFrom) else alias.name).startswith("companion.grading.")})
    assert graders == [], f"{path.name} imports from the grading package (the answer key): {graders}"


@needs_solutions
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_solution_earns_full_marks(path):
    result = grade_notebook(path)
    assert result.chapter in QUESTIONS, result.error
    failed = {q.id: q.feedback for q in result.questions if not q.passed}
    assert failed == {} and result.score == result.max_score > 0


@pytest.mark.skipif(not EXERCISES, reason="exercises/ is empty: run `make exercises`")
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_every_untouched_exercise_earns_zero(path):
    result = grade_notebook(path)
    assert result.max_score > 0 and result.score == 0
    assert {q.feedback for q in result.questions} == {"not implemented yet"}


# ------------------------------------------------------------------ practice notebook names
# JupyterLab titles a tab with the bare file name: a chapter and its practice notebook with the same
# name open as two identically titled tabs. Practice notebooks are therefore NN_slug_practice.ipynb.
TAUGHT = [p for p in CHAPTERS if not p.name.startswith("00_")]
PRACTICE_LINK = re.compile(r"\]\((\.\./exercises/[^)\s]+\.ipynb)\)")


def test_no_practice_notebook_shares_a_file_name_with_a_chapter():
    chapters = {p.name for p in CHAPTERS}
    clashes = sorted(p.name for folder in ("exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb")
                     if p.name in chapters)
    assert clashes == [], f"practice notebooks named like a chapter (two tabs with one title): {clashes}"


@pytest.mark.skipif(not TAUGHT, reason="no chapters yet")
@pytest.mark.parametrize("chapter", TAUGHT, ids=lambda p: p.stem)
def test_each_chapter_has_one_practice_notebook_and_links_to_it(chapter):
    number = chapter.name[:2]
    for folder in ("exercises", "solutions"):
        found = sorted(p.name for p in (ROOT / folder).glob(f"{number}_*_practice.ipynb"))
        assert found == [f"{chapter.stem}_practice.ipynb"], f"{folder}/ for {chapter.name}: {found}"
    nb = read_notebook(chapter)
    links = [m for c in nb["cells"] if c.get("cell_type") == "markdown"
             for m in PRACTICE_LINK.findall("".join(c["source"]))]
    assert links, f"{chapter.name} has no link to its practice notebook in exercises/"
    for link in links:
        target = (chapter.parent / link).resolve()
        assert target.is_file(), f"{chapter.name} links {link}, which does not exist"
        assert target.name == f"{chapter.stem}_practice.ipynb", f"{chapter.name} links another chapter's practice: {link}"
