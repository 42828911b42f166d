"""The three packages keep to their roles (docs/architecture.md §1): companion teaches, course_check checks without
the key, grader holds the key; the old entry points keep working."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_learner_package_holds_no_grading_code():
    grading = sorted(p.name for p in (ROOT / "companion" / "grading").glob("*.py"))
    assert grading == ["__init__.py"]
    for path in (ROOT / "companion").rglob("*.py"):
        key = sorted(m for m in _imports(path) if m.split(".")[0] == "grader")
        allowed = {"companion/grade.py": ["grader.cli"], "companion/grading/__init__.py": ["grader"]}  # aliases
        assert key == allowed.get(str(path.relative_to(ROOT)), []), (path, key)


def test_the_checker_runtime_never_imports_the_grading_package_at_import_time():
    for path in (ROOT / "course_check").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = {a.name for n in top if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in top if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(m.split(".")[0] == "grader" for m in names), path


def test_check_works_without_the_grader_and_old_notebooks_keep_their_import():
    code = ("import sys\nsys.modules['grader'] = None\n"
            "from companion.grading import make_checker\nimport course_check\n"
            "assert make_checker is course_check.make_checker\n"
            "ns = {}\nexec('def momentum_step(theta, v, grad, lr, mu):\\n    v = mu * v - lr * grad\\n"
            "    return theta + v, v\\n', ns)\n"
            "make_checker('07_optimizers', ns)('q1')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests")
    assert done.returncode == 0, done.stderr
    assert "q1 One momentum step: 2 visible case(s) passed" in done.stdout


def test_python_m_companion_grade_is_an_alias_of_the_grader():
    done = subprocess.run([sys.executable, "-m", "companion.grade", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "python -m companion.grade" in done.stdout
    same = subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True, text=True)
    assert same.stdout == done.stdout
