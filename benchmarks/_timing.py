"""Honest timing for the benchmarks (docs/architecture.md §8): each run in its own process, interleaved, medians.

A child process is started per measurement (``python SCRIPT --child NAME``); it prints one JSON line
``{"seconds": …, "peak_mb": …}``. Running implementations in separate processes keeps one library's
idle BLAS threads from slowing another's run.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys


def run_child(script: str, name: str, extra: list[str] | None = None) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON report."""
    cmd = [sys.executable, script, "--child", name, *(extra or [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleave(script: str, names: list[str], rounds: int, extra: list[str] | None = None) -> dict[str, list[dict]]:
    """Measure A B C A B C … for ``rounds`` rounds; returns name -> list of reports."""
    results: dict[str, list[dict]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names:
            report = run_child(script, name, extra)
            results[name].append(report)
            status = report.get("error") or f"{report['seconds']:.3f} s"
            print(f"  round {r + 1}/{rounds}  {name:<12} {status}", flush=True)
    return results


def summarize(results: dict[str, list[dict]], baseline: str) -> list[tuple[str, float, float]]:
    """(name, median seconds, median of paired ratios to ``baseline``) for every name that ran."""
    base = [r["seconds"] for r in results[baseline]]
    rows = []
    for name, reports in results.items():
        if any("error" in r for r in reports):
            continue
        times = [r["seconds"] for r in reports]
        ratios = [t / b for t, b in zip(times, base)]
        rows.append((name, statistics.median(times), statistics.median(ratios)))
    return rows


def peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports ru_maxrss in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
