"""How long does each classic network of chapter 11 take to fit, and how does that grow with data?

For every class of ``companion.classic`` the worker fits it on the chapter's data (scale 1) and on
twice and four times as much data (scale 2, 4) — except the RBM, whose chapter fit uses all 1,797
bundled digits: there the scales are a quarter, a half and all of them (x4 = the chapter's fit).
Settings are the chapter's:

=========  ===========================================================================
rbf        RBFNetwork(12) on regression_1d(n = 80·s)
art        ART1(0.6) on binarized digits 0/1/7, 90·s rows
som        SOM(10, 10, 2), 8 epochs on 500·s uniform points
cascade    CascadeCorrelation(2, 1, max_hidden=20) on two_spirals(80·s, turns=2)
elman      Elman(1, 8, 1), 150 Adam epochs (lr 0.05) on temporal_xor(60·s, 12)
rbm        RBM(64, 36), 6 CD-1 epochs (lr 0.1, batch 30) on 449·s binarized digits
=========  ===========================================================================

How it is measured (docs/architecture.md §8): each fit runs in a fresh subprocess; the classes and scales are
interleaved (A B C … A B C …) for several rounds, and the report gives medians of the wall-clock
time and of the process CPU time (on a machine shared with other work the CPU time is the better
guide to what a quiet machine would show). The growth exponent is ``log2(t(2s)/t(s))`` of the
median CPU times, averaged over the two doublings: 1 means linear in the data size. Two fits grow
their model with the data and are not linear for that reason: ART1 creates more categories
(each input is compared with all of them), and cascade-correlation installs as many units as it
needs (up to 20), so its time follows the unit count more than the data size; the worker lines
print both. The BLAS environment is left as it is
(``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` included).

    .venv/bin/python benchmarks/classic_speed.py --rounds 3
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # for _timing, next to this script

from _timing import run_child  # noqa: E402

NAMES = ("rbf", "art", "som", "cascade", "elman", "rbm")
SCALES = (1, 2, 4)


def _binary_digits(classes=None):
    import numpy as np

    from companion.datasets import load_digits

    X, y = load_digits()
    if classes is not None:
        X = X[np.isin(y, classes)]
    return (X > 0.5).astype(int)


def _workload(name: str, s: int):
    """Return a zero-argument callable that performs the fit of ``name`` at scale ``s``."""
    import numpy as np

    from companion import classic, datasets

    if name == "rbf":
        x, t = datasets.regression_1d(n=80 * s, noise=0.1, seed=0)
        return lambda: classic.RBFNetwork(12, seed=0).fit(x, t)
    if name == "art":
        B = _binary_digits((0, 1, 7))[:90 * s]
        return lambda: classic.ART1(0.6).fit(B)
    if name == "som":
        U = np.random.default_rng(0).random((500 * s, 2))
        return lambda: classic.SOM(10, 10, 2, seed=0).fit(U, epochs=8)
    if name == "cascade":
        X, y = datasets.two_spirals(80 * s, turns=2.0)
        return lambda: classic.CascadeCorrelation(2, 1, max_hidden=20, seed=0).fit(X, y[:, None])
    if name == "elman":
        X, Y = datasets.temporal_xor(60 * s, 12, seed=0)
        return lambda: classic.Elman(1, 8, 1, seed=0).fit(X, Y, epochs=150, lr=0.05)
    if name == "rbm":
        B = _binary_digits()[:449 * s]
        return lambda: classic.RBM(64, 36, seed=0).fit(B, epochs=6, lr=0.1, k=1, batch_size=30)
    raise ValueError(f"unknown workload {name!r}; expected one of {NAMES}")


def child(name: str, s: int) -> None:
    fit = _workload(name, s)
    wall, cpu = time.perf_counter(), time.process_time()
    model = fit()
    report = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    if name == "cascade":
        report["size"] = f"{model.n_hidden_} units"
    elif name == "art":
        report["size"] = f"{len(model.prototypes_)} categories"
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=NAMES, default=list(NAMES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.scale)
        return
    runs = {(n, s): [] for n in args.only for s in SCALES}
    for r in range(args.rounds):
        for (name, s), reports in runs.items():
            report = run_child(__file__, name, ["--scale", str(s)])
            reports.append(report)
            status = report.get("error") or (f"{report['seconds']:.2f} s wall, {report['cpu_seconds']:.2f} s CPU"
                                              f"  {report.get('size', '')}")
            print(f"  round {r + 1}/{args.rounds}  {name:<8} x{s}  {status}", flush=True)
    print(f"\n{'network':<9}" + "".join(f"{'x' + str(s) + ' wall / CPU (s)':>22}" for s in SCALES) + f"{'growth':>9}")
    for name in args.only:
        med = {}
        for s in SCALES:
            ok = [rep for rep in runs[(name, s)] if "error" not in rep]
            med[s] = (statistics.median(r["seconds"] for r in ok), statistics.median(r["cpu_seconds"] for r in ok)) if ok else None
        cells = "".join(f"{f'{m[0]:.2f} / {m[1]:.2f}' if m else 'failed':>22}" for m in med.values())
        growth = (f"{(math.log2(med[2][1] / med[1][1]) + math.log2(med[4][1] / med[2][1])) / 2:9.2f}"
                  if all(med.values()) else f"{'-':>9}")
        print(f"{name:<9}{cells}{growth}")


if __name__ == "__main__":
    main()
