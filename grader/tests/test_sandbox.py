"""The sandbox itself: limits, user, environment, network, and reading untrusted results."""
from __future__ import annotations

import os
import resource
from pathlib import Path

import numpy as np
import pytest

from grader.runner import decode
from grader.sandbox import (SandboxQuestion, _load_array, isolation_report, run_in_sandbox,
                                       run_notebook_in_sandbox)

SUBMISSION = Path(__file__).parent / "grading_fixtures" / "demo.ipynb"


def _run(source: str, timeout: float = 10.0):
    result = run_in_sandbox(SUBMISSION, [(1, source)], "f", [((), {})], timeout=timeout)
    assert result.status == "ok", (result.status, result.stderr)
    case = result.manifest["cases"][0]
    assert case["ok"], case
    return np.asarray(decode(case["value"], result.arrays))


def test_limits_are_set_in_the_child():
    values = _run("import resource\ndef f():\n    return [resource.getrlimit(r)[0] for r in "
                  "(resource.RLIMIT_AS, resource.RLIMIT_CORE, resource.RLIMIT_FSIZE)]\n")
    assert values.tolist() == [2048 * 2**20, 0, 32 * 2**20]


def test_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("COMPANION_TEST_SECRET", "do not leak")
    values = _run("import os\ndef f():\n    return [float('COMPANION_TEST_SECRET' in os.environ),"
                  " float(os.environ['PYTHONHASHSEED']), float(os.environ['OPENBLAS_NUM_THREADS'])]\n")
    assert values.tolist() == [0.0, 0.0, 1.0]


def test_scratch_holds_only_the_submission():
    names = _run("import os\ndef f():\n    return float(sorted(n for n in os.listdir('.') "
                 "if n.endswith('.ipynb')) == ['demo.ipynb'])\n")
    assert values_true(names)


def values_true(array) -> bool:
    return bool(np.asarray(array) == 1.0)


@pytest.mark.skipif(os.geteuid() != 0, reason="the grader drops privileges only when run as root")
def test_root_grader_runs_learner_code_as_nobody():
    assert _run("import os\ndef f():\n    return float(os.getuid())\n") == 65534.0


@pytest.mark.skipif(isolation_report()["network isolation"] == "unavailable",
                    reason="network isolation: unavailable on this machine (no working unshare)")
def test_no_network_in_the_sandbox():
    reachable = _run("import socket\ndef f():\n    try:\n"
                     "        socket.create_connection(('1.1.1.1', 53), timeout=2).close()\n"
                     "        return 1.0\n    except OSError:\n        return 0.0\n")
    assert reachable == 0.0


def test_printed_output_is_capped():
    result = run_in_sandbox(SUBMISSION, [(1, "import os\nos.write(1, b'y' * 40_000_000)\n"
                                             "print('z' * 10_000_000)\ndef f():\n    return 1.0\n")],
                            "f", [((), {})], timeout=10)
    assert result.status == "ok" and len(result.stdout) <= 16 * 1024


def test_timeout_kills_the_run_and_says_where():
    result = run_in_sandbox(SUBMISSION, [(3, "while True:\n    pass\n")], "f", [], timeout=2)
    assert result.status == "timeout" and result.where == "cell 3"


def test_result_files_are_never_unpickled(tmp_path):
    path = tmp_path / "out_0.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="unsupported dtype object"):
        _load_array(path)


def test_result_header_must_match_file_size(tmp_path):
    path = tmp_path / "out_0.npy"
    np.save(path, np.arange(10.0))
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ValueError, match="array header does not match the file size"):
        _load_array(path)


def test_parent_limits_are_unchanged():
    # the limits apply to the child only
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != 2048 * 2**20


# ------------------------------------------------------------------ one sandbox per notebook
def _notebook_run(cells: list[str], questions: list[SandboxQuestion], **limits) -> list:
    numbered = [(k + 1, source) for k, source in enumerate(cells)]
    return run_notebook_in_sandbox(SUBMISSION, numbered, questions, **{"cell_timeout": 5.0, **limits})


def _values(result) -> list[float]:
    assert result.status == "ok", (result.status, result.stderr)
    return [float(decode(c["value"], result.arrays)) if c["ok"] else c["error"]["type"]
            for c in result.manifest["cases"]]


ONE = [((), {})]


def test_each_cell_runs_once_and_questions_never_see_each_others_calls():
    cells = ["open('runs.txt', 'a').write('x')\nSTATE = []\n"
             "def f():\n    STATE.append(1)\n    return float(len(STATE))\n",
             "def g():\n    return float(len(STATE) + 10 * len(open('runs.txt').read()))\n"]
    f, g = _notebook_run(cells, [SandboxQuestion("f", ONE * 3, 5.0, prefix=1),
                                 SandboxQuestion("g", ONE, 5.0, prefix=2)])
    assert _values(f) == [1.0, 2.0, 3.0]      # cases of one question share its process
    assert _values(g) == [10.0]               # f's calls are not seen; the first cell ran once


def test_extra_cells_run_only_in_the_question_that_needs_them():
    cells = ["def f():\n    return helper()\n\ndef g():\n    return float('helper' in globals())\n",
             "def helper():\n    return 7.0\n"]
    f, g = _notebook_run(cells, [SandboxQuestion("f", ONE, 5.0, prefix=1, extra=(1,)),
                                 SandboxQuestion("g", ONE, 5.0, prefix=1)])
    assert _values(f) == [7.0] and _values(g) == [0.0]


def test_a_question_that_ends_its_process_costs_only_itself():
    cells = ["import os\ndef f():\n    os._exit(3)\n\ndef g():\n    return 1.0\n"]
    f, g = _notebook_run(cells, [SandboxQuestion("f", ONE, 5.0, prefix=1),
                                 SandboxQuestion("g", ONE, 5.0, prefix=1)])
    assert (f.status, f.returncode, f.where) == ("crashed", 3, "case 1")
    assert _values(g) == [1.0]


def test_a_cell_that_ends_the_run_costs_the_questions_after_it():
    cells = ["def f():\n    return 1.0\n", "import os\nos._exit(5)\n", "def g():\n    return 2.0\n"]
    f, g = _notebook_run(cells, [SandboxQuestion("f", ONE, 5.0, prefix=1),
                                 SandboxQuestion("g", ONE, 5.0, prefix=3)])
    assert _values(f) == [1.0]
    assert (g.status, g.returncode, g.where) == ("crashed", 5, "cell 2")


def test_a_question_that_ignores_the_interrupt_is_killed_and_the_next_one_runs(monkeypatch):
    monkeypatch.setattr("grader.limits.SAVE_SECONDS", 0.5)
    cells = ["import time\ndef f():\n    while True:\n        try:\n            time.sleep(10)\n"
             "        except BaseException:\n            pass\n\ndef g():\n    return 1.0\n"]
    f, g = _notebook_run(cells, [SandboxQuestion("f", ONE, 0.5, prefix=1),
                                 SandboxQuestion("g", ONE, 5.0, prefix=1)])
    assert (f.status, f.where) == ("timeout", "case 1")
    assert _values(g) == [1.0]
