"""Generating exercises from solutions: markers, hidden tests, outputs, determinism, --check."""
from __future__ import annotations

import json

import pytest

from grader.exercises import MarkerError, generate, main, make_exercise

ANSWER_META = {"nbgrader": {"solution": True, "grade": False, "locked": False, "grade_id": "q1-answer",
                            "schema_version": 3}, "companion": {"question": "q1"}}


def _nb(cells):
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}},
            "nbformat": 4, "nbformat_minor": 5}


def _code(source, metadata=None, outputs=None):
    return {"cell_type": "code", "execution_count": 3, "metadata": metadata or {},
            "outputs": outputs or [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}],
            "source": source}


SOLUTION = _nb([
    {"cell_type": "markdown", "metadata": {}, "source": "Explain:\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n"},
    _code(["def f(x):\n", "    \"\"\"Doc.\"\"\"\n", "    ### BEGIN SOLUTION\n", "    y = 2 * x\n",
           "    return y\n", "    ### END SOLUTION\n"], ANSWER_META),
    _code("check(\"q1\")\n### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS\n",
          {"nbgrader": {"grade": True, "points": 2}}),
])


def test_answer_regions_become_prompts_with_the_same_indent():
    cells = make_exercise(SOLUTION)["cells"]
    assert "".join(cells[1]["source"]) == ('def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
                                           '    raise NotImplementedError()\n')
    assert "".join(cells[0]["source"]) == "Explain:\nYOUR ANSWER HERE\n"


def test_hidden_tests_removed_outputs_cleared_metadata_kept():
    nb = make_exercise(SOLUTION)
    assert "".join(nb["cells"][2]["source"]) == 'check("q1")\n'
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in nb["cells"][1:])
    assert nb["cells"][1]["metadata"] == ANSWER_META
    assert "widgets" not in nb["metadata"] and nb["metadata"]["kernelspec"]["name"] == "python3"
    assert SOLUTION["cells"][1]["outputs"]          # the input is not modified


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "a BEGIN marker without its END"),
    ("x = 1\n### END HIDDEN TESTS\n", "an END marker without its BEGIN"),
])
def test_unmatched_markers_are_errors(source, message):
    with pytest.raises(MarkerError, match=f"demo, cell 1: {message}"):
        make_exercise(_nb([_code(source)]), "demo")


def test_generation_is_deterministic_and_check_detects_drift(tmp_path, capsys):
    sol, ex = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    (sol / "01_x.ipynb").write_text(json.dumps(SOLUTION))
    args = ["--solutions", str(sol), "--exercises", str(ex)]
    assert main(args + ["--check"]) == 1
    assert "exercises/ is out of date (run `make exercises`): 01_x.ipynb" in capsys.readouterr().out
    assert main(args) == 0
    first = (ex / "01_x.ipynb").read_bytes()
    assert main(args) == 0 and (ex / "01_x.ipynb").read_bytes() == first
    assert main(args + ["--check"]) == 0
    (ex / "99_stray.ipynb").write_text("{}")
    assert generate(sol, ex, check=True) == ["99_stray.ipynb (no solution notebook)"]


def test_missing_solutions_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--solutions", str(tmp_path / "nope")])
    assert "--solutions must be a folder of notebooks" in capsys.readouterr().err
