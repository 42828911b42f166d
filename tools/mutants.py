"""Mutation testing of the maths modules, one module at a time against its own tests (`make mutants`).

For each module, a scratch copy of the repository is made (mutmut edits the source it mutates,
so it never touches the working tree), then ``mutmut run`` mutates that one file and, for every
mutant, runs only the module's test files with ``-x`` and the low hypothesis profile
``mutants``. The table at the end gives killed / total per module and the ids of survivors,
which ``mutmut show ID`` (run in the printed scratch folder) displays — only once that folder's run
has ended: during a run the source file holds a mutant, ``mutmut show`` re-reads it into the cache,
and the run then stops with "Attribute Mutant.line is required" (read the cache's sqlite tables instead).

    python tools/mutants.py                         # every module below
    python tools/mutants.py schedules classic/rbm   # some of them
    python tools/mutants.py losses=/tmp/companion-mutants-xyz/repo   # carry on an interrupted run there

Not part of the test suite or CI: it takes minutes per module.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TESTS = {
    "activations": ["test_activations.py"],
    "losses": ["test_losses.py"],
    "network": ["test_network.py", "test_sequential.py"],
    "layers": ["test_layers.py", "test_sequential.py"],
    "convolution": ["test_convolution.py"],
    "optimizers": ["test_optimizers.py"],
    "schedules": ["test_schedules.py"],
    "regularization": ["test_regularization.py"],
    "training": ["test_training.py"],
    "gradcheck": ["test_gradcheck.py"],
    "search": ["test_search.py"],
    "model_selection": ["test_model_selection.py"],
    **{f"classic/{m}": ["test_classic.py"] for m in ("rbf", "art", "som", "cascade", "elman", "rbm", "hopfield")},
}


def scratch_copy() -> Path:
    """The repository without notebooks, caches or the virtual environment, in a temporary folder."""
    dest = Path(tempfile.mkdtemp(prefix="companion-mutants-")) / "repo"
    ignore = shutil.ignore_patterns(".venv", ".git", "*.ipynb", "_build", "test-output", "__pycache__",
                                    ".hypothesis", ".mutmut-cache", "*.egg-info")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def ids(repo: Path, status: str) -> list[int]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "result-ids", status], cwd=repo,
                         capture_output=True, text=True).stdout.split()
    return [int(i) for i in out if i.isdigit()]


def run(module: str, repo: Path | None = None) -> dict:
    """Mutate ``module`` in a fresh scratch copy, or carry on an interrupted run in ``repo``."""
    repo = repo or scratch_copy()
    tests = " ".join(f"tests/{t}" for t in TESTS[module])
    # mutmut 2 counts only exit status 1 as "tests failed": a mutant that breaks the import (pytest
    # exits 2, a collection error) would pass for a survivor. Every failure is made a 1 here.
    runner = (f"sh -c \"{sys.executable} -m pytest -x -q -p no:nbval "
              f"-o addopts='-p no:cacheprovider' {tests} || exit 1\"")
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutants", PYTHONPATH=str(repo), PYTHONHASHSEED="0",
               OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    with open(repo / "mutmut.log", "a", encoding="utf-8") as log:   # a file, not a pipe that could fill up
        subprocess.run([sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", f"companion/{module}.py",
                        "--tests-dir", "tests", "--runner", runner, "--no-progress"],
                       cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_memory_cap)
    counts = {s: ids(repo, s) for s in ("killed", "survived", "timeout", "suspicious")}
    total = sum(len(v) for v in counts.values())
    # mutmut's "suspicious" mutants were killed, only slowly; a timeout also means the tests did not pass
    return {"module": module, "killed": len(counts["killed"]) + len(counts["suspicious"]) + len(counts["timeout"]),
            "total": total, "survived": counts["survived"], "timeout": counts["timeout"], "scratch": str(repo)}


def _memory_cap() -> None:
    """Cap every mutant's test run at 6 GB of address space: a mutant that turns a loop's exit test
    around can grow an array without end and take the machine with it (one reached 23 GB)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (6 * 10**9, 6 * 10**9))


def main() -> None:
    jobs = [arg.partition("=")[::2] for arg in sys.argv[1:]] or [(m, "") for m in TESTS]
    unknown = [m for m, _ in jobs if m not in TESTS]
    if unknown:
        sys.exit(f"unknown module(s) {unknown}; choose from {list(TESTS)}")
    for module, where in jobs:
        r = run(module, Path(where) if where else None)
        rate = r["killed"] / r["total"] if r["total"] else float("nan")
        print(f"{module:<18} killed {r['killed']:>4} / {r['total']:<4} ({rate:.0%})  "
              f"survivors {r['survived']}  timeouts {r['timeout']}  in {r['scratch']}", flush=True)
        print("JSON " + json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
