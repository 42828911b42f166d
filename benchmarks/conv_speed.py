"""Why vectorize a convolution: one forward and backward pass of Conv2D(1→8, 3×3) on a batch of 128.

Two workloads: 8×8 images (the bundled digits) and 28×28 images (MNIST-shaped). Three
implementations, each timed in its own process, interleaved, several rounds (docs/architecture.md §8):

* ``companion`` — ``companion.convolution.Conv2D`` (sliding_window_view / tensordot, col2im by
  kernel offset);
* ``naive`` — the defining sums with a Python loop over examples, filters and output positions
  (the textbook algorithm), forward and backward;
* ``torch`` — PyTorch CPU's ``conv2d`` with autograd, only when PyTorch is installed (it is not a
  dependency of the course; the row is skipped cleanly otherwise).

Each child reports the median seconds of one forward + backward pass (after one warm-up pass).
The script prints the medians and the median of paired ratios to ``companion``, and checks the
targets: ≥ 50× faster than the naive loop, within 5× of PyTorch CPU on the 28×28 batch.

    python benchmarks/conv_speed.py [--rounds 3]

float32 data, random values (speed does not depend on them); BLAS and PyTorch thread settings are
left as the machine sets them, unless ``--threads N`` caps every library at N threads in the
children (on a machine shared with other work, idle-spinning BLAS threads can distort the figures).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is a script folder, not a package
from _timing import interleave, peak_mb, summarize  # noqa: E402

BATCH, C_IN, C_OUT, K = 128, 1, 8, 3
SIZES = {"digits": 8, "mnist": 28}


def data(size: int):
    rng = np.random.default_rng(0)
    X = rng.random((BATCH, C_IN, size, size), dtype=np.float32)
    W = (rng.standard_normal((C_OUT, C_IN, K, K)) / 3).astype(np.float32)
    b = np.zeros(C_OUT, dtype=np.float32)
    G = rng.standard_normal((BATCH, C_OUT, size - K + 1, size - K + 1)).astype(np.float32)
    return X, W, b, G


def _median_time(step, reps: int) -> float:
    step()                                         # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def companion_pass(X, W, b, G, reps):
    from companion.convolution import Conv2D

    layer = Conv2D(C_IN, C_OUT, K, seed=0, dtype=np.float32)
    layer.params["W"][...], layer.params["b"][...] = W, b

    def step():
        layer.forward(X)
        layer.backward(G)
    return _median_time(step, reps)


def naive_forward(X, W, b):
    n, c, h, w = X.shape
    oh, ow = h - K + 1, w - K + 1
    out = np.zeros((n, W.shape[0], oh, ow), dtype=X.dtype)
    for i in range(n):
        for f in range(W.shape[0]):
            for p in range(oh):
                for q in range(ow):
                    out[i, f, p, q] = np.sum(X[i, :, p:p + K, q:q + K] * W[f]) + b[f]
    return out


def naive_backward(X, W, G):
    dX, dW = np.zeros_like(X), np.zeros_like(W)
    db = G.sum(axis=(0, 2, 3))
    n, o, oh, ow = G.shape
    for i in range(n):
        for f in range(o):
            for p in range(oh):
                for q in range(ow):
                    dW[f] += G[i, f, p, q] * X[i, :, p:p + K, q:q + K]
                    dX[i, :, p:p + K, q:q + K] += G[i, f, p, q] * W[f]
    return dX, dW, db


def naive_pass(X, W, b, G, reps):
    start = time.perf_counter()                    # one pass takes seconds: a single timed pass
    naive_forward(X, W, b)
    naive_backward(X, W, G)
    return time.perf_counter() - start


def torch_pass(X, W, b, G, reps):
    import torch                                   # ImportError → the parent skips this row

    tX, tW, tb = (torch.tensor(a, requires_grad=True) for a in (X, W, b))
    tG = torch.tensor(G)

    def step():
        for t in (tX, tW, tb):
            t.grad = None
        torch.nn.functional.conv2d(tX, tW, tb).backward(tG)
    return _median_time(step, reps)


IMPLEMENTATIONS = {"companion": companion_pass, "naive": naive_pass, "torch": torch_pass}


def child(name: str, workload: str, reps: int) -> None:
    X, W, b, G = data(SIZES[workload])
    seconds = IMPLEMENTATIONS[name](X, W, b, G, reps)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))


def report(workload: str, rounds: int, reps: int) -> dict[str, float]:
    size = SIZES[workload]
    print(f"\n{workload}: Conv2D({C_IN}→{C_OUT}, {K}×{K}) forward + backward, batch {BATCH} of {size}×{size}, float32")
    results = interleave(__file__, list(IMPLEMENTATIONS), rounds, ["--workload", workload, "--reps", str(reps)])
    for name, reports in results.items():
        if any("error" in r for r in reports):
            print(f"  {name}: skipped ({reports[0]['error']})")
    rows = summarize(results, "companion")
    print(f"{'implementation':<14}{'median ms':>11}{'× companion':>13}")
    for name, median, ratio in rows:
        print(f"{name:<14}{1e3 * median:>11.3f}{ratio:>13.2f}")
    return {name: ratio for name, _, ratio in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=50, help="timed passes per child (median)")
    parser.add_argument("--child", choices=sorted(IMPLEMENTATIONS))
    parser.add_argument("--workload", choices=sorted(SIZES), default="mnist")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap NumPy's BLAS and PyTorch at this many threads in the children")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workload, args.reps)
        return
    if args.threads:                               # inherited by the child processes only
        os.environ.update({k: str(args.threads) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    how = f"capped at {args.threads}" if args.threads else "as the machine sets them"
    print(f"{os.cpu_count()} CPUs; BLAS and PyTorch threads {how}")
    ratios = {w: report(w, args.rounds, args.reps) for w in SIZES}
    print()
    for w in SIZES:
        naive = ratios[w].get("naive")
        if naive is not None:
            print(f"{w}: companion is {naive:.0f}× faster than the naive loop "
                  f"({'meets' if naive >= 50 else 'MISSES'} the ≥ 50× target)")
    torch_ratio = ratios["mnist"].get("torch")
    if torch_ratio is None:
        print("mnist: PyTorch is not installed; the ≤ 5× comparison was skipped")
    else:
        slower = 1 / torch_ratio
        print(f"mnist: companion takes {slower:.2f}× PyTorch CPU's time "
              f"({'meets' if slower <= 5 else 'MISSES'} the ≤ 5× target)")


if __name__ == "__main__":
    main()
