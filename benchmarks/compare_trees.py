"""Did a change slow anything? Time two source trees of the course interleaved in one run.

For each round, the companion worker of ``train_speed.py`` (one float32 training epoch of
``fit``) and the ``vectorized`` child of ``backprop_speed.py`` (one backprop pass over 60,000
examples) run once per tree, each in a fresh interpreter whose ``PYTHONPATH`` puts that tree's
``companion`` first, in the order A B A B … (docs/architecture.md §8). The report gives each
tree's median time and the median of the paired ratios new/old; the child prints which
``companion`` it imported, so a mix-up shows.

    .venv/bin/python benchmarks/compare_trees.py OLD_TREE NEW_TREE [--rounds 5] [--threads 1]

On a shared machine use ``--threads 1`` (every BLAS capped at one thread) and say so.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

BENCHES = {
    "train epoch": ("train_speed.py", ["--worker", "companion", "--n", "20000"]),
    "backprop pass": ("backprop_speed.py", ["--child", "vectorized"]),
}


def run(tree: str, bench: str, threads: int | None) -> float:
    """One measurement of ``bench`` with ``tree``'s companion; returns seconds."""
    script, args = BENCHES[bench]
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    if threads:
        env.update({k: str(threads) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    probe = "import companion, sys; print(companion.__file__)"
    where = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tree,
                           check=True).stdout.strip()
    if not where.startswith(os.path.abspath(tree)):
        raise RuntimeError(f"{tree}: imported companion from {where}")
    out = subprocess.run([sys.executable, os.path.join(tree, "benchmarks", script), *args],
                         capture_output=True, text=True, env=env, cwd=tree, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    times = {(b, t): [] for b in BENCHES for t in ("old", "new")}
    for r in range(args.rounds):
        for bench in BENCHES:
            for label, tree in (("old", args.old), ("new", args.new)):
                times[bench, label].append(run(tree, bench, args.threads))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{b} {times[b, 'old'][-1]:.3f}/{times[b, 'new'][-1]:.3f} s" for b in BENCHES), flush=True)
    print(f"\n{'benchmark':<14}{'old median s':>14}{'new median s':>14}{'new/old (paired median)':>26}")
    for bench in BENCHES:
        old, new = times[bench, "old"], times[bench, "new"]
        ratios = [n / o for o, n in zip(old, new)]
        print(f"{bench:<14}{statistics.median(old):>14.3f}{statistics.median(new):>14.3f}"
              f"{statistics.median(ratios):>26.3f}   (ratios {min(ratios):.3f}–{max(ratios):.3f})")
    print(f"threads: {args.threads or 'as the environment sets them'}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
