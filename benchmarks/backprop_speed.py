"""Why vectorize: one backpropagation pass over 60,000 MNIST-shaped examples, two ways.

* ``vectorized`` — companion's ``MLP.backprop`` on mini-batches of 128 (a few matrix products per batch);
* ``loop`` — the same gradients computed one example at a time with column vectors, the way the
  textbook presents the algorithm, summed over each mini-batch.

Both use float32, MLP 784-128-10, sigmoid hidden layer, softmax + cross-entropy, and random data
(speed does not depend on the values). Each measurement runs in its own process, interleaved,
and the script prints medians and the median of paired ratios.

    python benchmarks/backprop_speed.py [--rounds 3]

BLAS settings are left as the machine sets them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is a script folder, not a package
from _timing import interleave, peak_mb, summarize  # noqa: E402

N, D, H, K, BATCH = 60_000, 784, 128, 10, 128


def data():
    rng = np.random.default_rng(0)
    X = rng.random((N, D), dtype=np.float32)
    Y = np.zeros((N, K), dtype=np.float32)
    Y[np.arange(N), rng.integers(0, K, N)] = 1
    return X, Y


def vectorized(X, Y):
    from companion.network import MLP

    net = MLP([D, H, K], hidden="sigmoid", output="softmax", loss="cross_entropy", dtype=np.float32)
    start = time.perf_counter()
    for i in range(0, N, BATCH):
        net.backprop(X[i:i + BATCH], Y[i:i + BATCH])
    return time.perf_counter() - start


def loop(X, Y):
    from companion.network import MLP

    net = MLP([D, H, K], hidden="sigmoid", output="softmax", loss="cross_entropy", dtype=np.float32)
    W = net.weights
    b = [bias.reshape(-1, 1) for bias in net.biases]
    start = time.perf_counter()
    for i in range(0, N, BATCH):
        gW = [np.zeros_like(w) for w in W]
        gb = [np.zeros_like(v) for v in b]
        for x, y in zip(X[i:i + BATCH], Y[i:i + BATCH]):
            x, y = x.reshape(-1, 1), y.reshape(-1, 1)
            z1 = W[0] @ x + b[0]
            a1 = 1 / (1 + np.exp(-z1))
            z2 = W[1] @ a1 + b[1]
            e = np.exp(z2 - z2.max())
            delta2 = e / e.sum() - y                      # BP1 (softmax + cross-entropy)
            delta1 = (W[1].T @ delta2) * a1 * (1 - a1)    # BP2
            gb[1] += delta2                               # BP3
            gb[0] += delta1
            gW[1] += delta2 @ a1.T                        # BP4
            gW[0] += delta1 @ x.T
    return time.perf_counter() - start


IMPLEMENTATIONS = {"vectorized": vectorized, "loop": loop}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=sorted(IMPLEMENTATIONS))
    args = parser.parse_args()
    if args.child:
        X, Y = data()
        seconds = IMPLEMENTATIONS[args.child](X, Y)
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))
        return
    print(f"One backprop pass over {N:,} examples, MLP {D}-{H}-{K}, batch {BATCH}, float32; "
          f"{os.cpu_count()} CPUs, BLAS settings as the machine sets them")
    results = interleave(__file__, ["vectorized", "loop"], args.rounds)
    print(f"\n{'implementation':<14}{'median s':>10}{'× vectorized':>14}")
    for name, median, ratio in summarize(results, "vectorized"):
        print(f"{name:<14}{median:>10.3f}{ratio:>14.1f}")
    rows = {name: ratio for name, _, ratio in summarize(results, "vectorized")}
    if "loop" in rows:
        verdict = "meets" if rows["loop"] >= 30 else "MISSES"
        print(f"\nvectorized is {rows['loop']:.1f}× faster than the per-example loop ({verdict} the ≥ 30× target)")


if __name__ == "__main__":
    main()
