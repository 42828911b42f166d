"""Build small nbgrader-style notebooks for the grader tests."""
from __future__ import annotations

import json
from pathlib import Path

SETUP = "import numpy as np\nfrom course_check import make_checker\ncheck = make_checker(\"demo\", globals())\n"

ANSWERS = {
    "q1": ("def my_relu(z):\n    \"\"\"ReLU.\"\"\"\n", "    return np.maximum(z, 0.0)\n"),
    "q2": ("def my_sigmoid(z):\n    \"\"\"Sigmoid.\"\"\"\n", "    return 1.0 / (1.0 + np.exp(-z))\n"),
    "q3": ("def mean_std(x):\n    \"\"\"Mean and std.\"\"\"\n", "    return float(np.mean(x)), float(np.std(x))\n"),
    "q4": ("def unit(v):\n    \"\"\"Unit vector.\"\"\"\n", "    return v / np.linalg.norm(v)\n"),
}
POINTS = {"q1": 2, "q2": 3, "q3": 1, "q4": 1}


def answer_cell(qid: str, source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "outputs": [], "source": source,
            "metadata": {"nbgrader": {"solution": True, "grade": False, "locked": False,
                                      "grade_id": f"{qid}-answer", "schema_version": 3},
                         "companion": {"question": qid}}}


def test_cell(qid: str, hidden: str = "") -> dict:
    source = f"check(\"{qid}\")\n" + (f"### BEGIN HIDDEN TESTS\n{hidden}### END HIDDEN TESTS\n" if hidden else "")
    return {"cell_type": "code", "execution_count": None, "outputs": [], "source": source,
            "metadata": {"nbgrader": {"solution": False, "grade": True, "locked": True,
                                      "points": POINTS[qid], "grade_id": qid, "schema_version": 3},
                         "companion": {"question": qid}}}


def code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "outputs": [], "metadata": {}, "source": source}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def notebook(cells: list[dict]) -> dict:
    # nbformat 4.5 wants a unique id per cell
    cells = [dict(cell, id=cell.get("id", f"cell-{i}")) for i, cell in enumerate(cells)]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "companion": {"chapter": "demo"}}}


def solution_notebook(overrides: dict | None = None, extra: list | None = None) -> dict:
    """The demo solution; ``overrides`` maps qid -> replacement answer body (inside the markers)."""
    overrides = overrides or {}
    cells = [markdown("# Demo practice notebook\n"), code(SETUP)]
    for qid, (head, body) in ANSWERS.items():
        body = overrides.get(qid, body)
        cells.append(markdown(f"## Question {qid}\n"))
        cells.append(answer_cell(qid, f"{head}    ### BEGIN SOLUTION\n{body}    ### END SOLUTION\n"))
        cells.append(test_cell(qid, hidden=f"assert {ANSWERS[qid][0].split('(')[0][4:]} is not None\n"))
    return notebook(cells + (extra or []))


def write(nb: dict, path: Path) -> Path:
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    write(solution_notebook(), Path(__file__).with_name("demo.ipynb"))
