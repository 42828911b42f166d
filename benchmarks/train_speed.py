"""How fast is one training epoch of the companion's MLP, next to PyTorch and scikit-learn?

The task: one epoch of mini-batch SGD over 60,000 MNIST-shaped examples (784 random float32
features in [0, 1), 10 random classes), network 784-128-10 with sigmoid hidden units and a
softmax output trained on the cross-entropy, batch size 128, learning rate 0.1, float32.

- companion: ``fit(MLP(..., dtype=np.float32), X, Y, SGD(0.1), epochs=1, batch_size=128,
  monitor_training=False)`` — the real training loop, without the extra evaluation pass.
- plain NumPy: the same computation written as one hand-fused loop without checks — the
  floor a NumPy implementation can reach, to see what the companion's clarity costs.
- PyTorch (CPU): ``nn.Linear → nn.Sigmoid → nn.Linear``, ``CrossEntropyLoss``, ``optim.SGD``.
- scikit-learn: ``MLPClassifier(solver="sgd", activation="logistic", batch_size=128,
  momentum=0, alpha=0).partial_fit`` — one pass over the data.

How it is measured (see docs/architecture.md §8): every run happens in a fresh subprocess, the
implementations are interleaved (A B C D A B C D …) for several rounds, and the report gives the
median time of each and the median of the paired ratios. Each worker builds its data, runs a
short warm-up on a separate model, then times one epoch with ``time.perf_counter``. Threads:
the BLAS environment is left as it is (including ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` if
set), and PyTorch gets ``torch.set_num_threads(os.cpu_count())`` (``$OMP_NUM_THREADS`` when set);
``--threads N`` caps every library at N threads instead. Peak memory is the worker's
``ru_maxrss`` after setup and after the epoch (the data alone, X in float32, is 188 MB).

PyTorch and scikit-learn are not dependencies of the course; install them by hand to compare::

    .venv/bin/pip install torch==2.13.0 scikit-learn
    .venv/bin/python benchmarks/train_speed.py --rounds 5
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

N_FEATURES, N_HIDDEN, N_CLASSES = 784, 128, 10
BATCH, LR = 128, 0.1
IMPLEMENTATIONS = ("companion", "plain-numpy", "pytorch", "scikit-learn")


def _data(n: int, seed: int):
    """MNIST-shaped random data: X (n, 784) float32 in [0, 1), labels (n,) int64 in 0..9."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.random((n, N_FEATURES), dtype=np.float32), rng.integers(0, N_CLASSES, n)


def _maxrss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_companion(n: int, seed: int):
    import numpy as np

    from companion.losses import one_hot
    from companion.network import MLP
    from companion.optimizers import SGD
    from companion.training import fit

    X, labels = _data(n, seed)
    Y = one_hot(labels, N_CLASSES).astype(np.float32)

    def epoch(rows: int):
        model = MLP([N_FEATURES, N_HIDDEN, N_CLASSES], hidden="sigmoid", output="softmax",
                    loss="cross_entropy", seed=seed, dtype=np.float32)
        return lambda: fit(model, X[:rows], Y[:rows], SGD(lr=LR), epochs=1, batch_size=BATCH,
                           seed=seed, progress=False, monitor_training=False)

    return epoch(8 * BATCH), epoch(n)


def _run_plain_numpy(n: int, seed: int):
    """The floor for NumPy: the same network as one hand-fused loop, no checks, no abstractions."""
    import numpy as np

    X, labels = _data(n, seed)
    Y = np.eye(N_CLASSES, dtype=np.float32)[labels]
    lr = np.float32(LR)

    def epoch(rows: int):
        rng = np.random.default_rng(seed)
        W1 = rng.standard_normal((N_HIDDEN, N_FEATURES), dtype=np.float32) / np.float32(28)
        W2 = rng.standard_normal((N_CLASSES, N_HIDDEN), dtype=np.float32) / np.float32(np.sqrt(N_HIDDEN))
        params = [W1, np.zeros(N_HIDDEN, np.float32), W2, np.zeros(N_CLASSES, np.float32)]

        def run():
            W1, b1, W2, b2 = params          # updated in place below
            order = rng.permutation(rows)
            for start in range(0, rows, BATCH):
                idx = order[start:start + BATCH]
                x, y = X[idx], Y[idx]
                with np.errstate(over="ignore"):
                    a1 = 1 / (1 + np.exp(-(x @ W1.T + b1)))
                z2 = a1 @ W2.T + b2
                e = np.exp(z2 - z2.max(axis=1, keepdims=True))
                d2 = (e / e.sum(axis=1, keepdims=True) - y) / np.float32(len(idx))
                d1 = (d2 @ W2) * a1 * (1 - a1)
                W2 -= lr * (d2.T @ a1)
                b2 -= lr * d2.sum(axis=0)
                W1 -= lr * (d1.T @ x)
                b1 -= lr * d1.sum(axis=0)
        return run

    return epoch(8 * BATCH), epoch(n)


def _run_pytorch(n: int, seed: int):
    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count()))
    torch.manual_seed(seed)
    X_np, labels_np = _data(n, seed)
    X, labels = torch.from_numpy(X_np), torch.from_numpy(labels_np)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(rows: int):
        model = torch.nn.Sequential(torch.nn.Linear(N_FEATURES, N_HIDDEN), torch.nn.Sigmoid(),
                                    torch.nn.Linear(N_HIDDEN, N_CLASSES))
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        gen = torch.Generator().manual_seed(seed)

        def run():
            for idx in torch.randperm(rows, generator=gen).split(BATCH):
                opt.zero_grad()
                loss_fn(model(X[idx]), labels[idx]).backward()
                opt.step()
        return run

    return epoch(8 * BATCH), epoch(n)


def _run_sklearn(n: int, seed: int):
    import warnings

    import numpy as np
    from sklearn.neural_network import MLPClassifier

    X, labels = _data(n, seed)
    classes = np.arange(N_CLASSES)

    def epoch(rows: int):
        clf = MLPClassifier(hidden_layer_sizes=(N_HIDDEN,), activation="logistic", solver="sgd",
                            batch_size=BATCH, learning_rate_init=LR, momentum=0.0, alpha=0.0,
                            shuffle=True, random_state=seed)

        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")          # convergence warnings after one epoch
                clf.partial_fit(X[:rows], labels[:rows], classes=classes)
        return run

    return epoch(8 * BATCH), epoch(n)


WORKERS = {"companion": _run_companion, "plain-numpy": _run_plain_numpy, "pytorch": _run_pytorch,
           "scikit-learn": _run_sklearn}
MODULES = {"companion": "companion", "plain-numpy": "numpy", "pytorch": "torch", "scikit-learn": "sklearn"}


def worker(name: str, n: int, seed: int) -> None:
    """Child process: set up, warm up, time one epoch, print one JSON line."""
    warmup, epoch = WORKERS[name](n, seed)
    warmup()
    setup_mb = _maxrss_mb()
    start = time.perf_counter()
    epoch()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "setup_mb": setup_mb, "peak_mb": _maxrss_mb()}))


def installed(name: str) -> bool:
    """Whether the implementation's package can be imported by this interpreter."""
    import importlib.util

    return importlib.util.find_spec(MODULES[name]) is not None


def run_child(name: str, n: int, seed: int, threads: int | None) -> dict:
    """Run one timed epoch in a fresh interpreter and return its JSON report."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--n", str(n), "--seed", str(seed)]
    env = dict(os.environ)
    if threads:                  # same cap for OpenBLAS (NumPy, scikit-learn) and PyTorch
        env.update({k: str(threads) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: dict, skipped: list, rounds: int, n: int, threads: int | None) -> None:
    """Print medians side by side, paired ratios against the companion, and peak memory."""
    print(f"\none epoch, {n} examples, MLP {N_FEATURES}-{N_HIDDEN}-{N_CLASSES}, batch {BATCH}, "
          f"float32, {rounds} interleaved rounds, os.cpu_count()={os.cpu_count()}, "
          f"threads {threads or 'as set by the environment (PyTorch: os.cpu_count())'}")
    print(f"{'implementation':<14} {'median s':>9} {'min s':>7} {'max s':>7} "
          f"{'companion / it':>15} {'setup MB':>9} {'peak MB':>8}")
    base = [r["seconds"] for r in results["companion"]]
    for name, runs in results.items():
        times = [r["seconds"] for r in runs]
        ratio = statistics.median(b / t for b, t in zip(base, times))
        print(f"{name:<14} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f} "
              f"{ratio:15.2f} {statistics.median(r['setup_mb'] for r in runs):9.0f} "
              f"{statistics.median(r['peak_mb'] for r in runs):8.0f}")
    for name in skipped:
        print(f"{name:<14} skipped: not installed")
    blas = {k: v for k, v in os.environ.items() if "BLAS" in k or k.endswith("_NUM_THREADS")}
    how = f"capped at {threads} thread(s)" if threads else "left as is"
    print(f"thread/BLAS environment of this shell ({how} in the workers): {blas or 'none set'}; "
          f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--n", type=int, default=60_000, help="examples per epoch (default 60000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="cap every library at this many threads in the workers (default: leave "
                             "the BLAS environment as it is and give PyTorch os.cpu_count())")
    parser.add_argument("--worker", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.seed)
        return
    present = [name for name in IMPLEMENTATIONS if installed(name)]
    skipped = [name for name in IMPLEMENTATIONS if name not in present]
    results: dict[str, list] = {name: [] for name in present}
    print(f"load average at start {os.getloadavg()[0]:.2f}")
    for r in range(args.rounds):
        for name in present:
            results[name].append(run_child(name, args.n, args.seed + r, args.threads))
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{name} {results[name][-1]['seconds']:.3f} s" for name in present), flush=True)
    report(results, skipped, args.rounds, args.n, args.threads)


if __name__ == "__main__":
    main()
