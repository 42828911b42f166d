"""The sandbox itself: limits, user, environment, network, and reading untrusted results."""
from __future__ import annotations

import os
import resource
from pathlib import Path

import numpy as np
import pytest

from companion.grading.runner import decode
from companion.grading.sandbox import _load_array, isolation_report, run_in_sandbox

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
