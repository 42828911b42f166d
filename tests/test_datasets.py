"""Tests for companion.datasets: shapes, dtypes, seeding, geometry, the bundled digits, IDX, MNIST cache."""
import gzip
import hashlib
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion import datasets
from companion.datasets import (
    DownloadError,
    circles,
    load_digits,
    load_mnist,
    mnist_cache_dir,
    moons,
    read_idx,
    regression_1d,
    spirals,
    train_val_test_split,
    xor,
)

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


# ---------------------------------------------------------------- synthetic data sets

def test_xor_is_the_truth_table():
    X, y = xor()
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert [int(a) ^ int(b) for a, b in X] == list(y)


@pytest.mark.parametrize("make, n", [(lambda **kw: spirals(50, 3, **kw), 150),
                                     (lambda **kw: moons(101, **kw), 101),
                                     (lambda **kw: circles(101, **kw), 101)])
def test_generators_are_seeded_float64_and_int_labels(make, n):
    state = np.random.get_state()[1].copy()
    X, y = make(seed=3)
    X2, y2 = make(rng=np.random.default_rng(3))
    X3, _ = make(seed=4)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, X3)
    np.testing.assert_array_equal(np.random.get_state()[1], state)   # global state untouched


def test_spirals_without_noise_lie_on_their_arms():
    X, y = spirals(40, k=4, noise=0.0, seed=0)
    r = np.linalg.norm(X, axis=1)
    expected = 2 * np.pi * y / 4 + 4 * r
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(diff[r > 1e-12], 0.0, atol=1e-9)
    assert np.bincount(y).tolist() == [40] * 4


def test_moons_without_noise_are_two_half_circles():
    X, y = moons(60, noise=0.0, seed=1)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(lower - [1.0, 0.5], axis=1), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = circles(50, noise=0.0, factor=0.3, seed=0)
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    assert np.bincount(y).tolist() == [25, 25]


def test_regression_1d_default_curve_and_custom_function():
    x, y = regression_1d(30, noise=0.0, seed=2)
    assert x.shape == y.shape == (30, 1)
    assert np.all(np.diff(x[:, 0]) >= 0) and 0 <= x.min() and x.max() <= 1
    np.testing.assert_allclose(y, np.sin(2 * np.pi * x))
    x, y = regression_1d(20, noise=0.0, f=lambda t: t[:, 0] ** 2)
    np.testing.assert_allclose(y, x ** 2)
    _, noisy = regression_1d(2000, noise=0.5, f=lambda t: 0 * t)
    assert abs(noisy.std() - 0.5) < 0.05


@pytest.mark.parametrize("call, error, match", [
    (lambda: spirals(1), ValueError, r"n_per_class must be an int ≥ 2; got 1"),
    (lambda: spirals(10, k=2.5), TypeError, r"k must be an int ≥ 2; got float 2.5"),
    (lambda: moons(1), ValueError, r"n must be an int ≥ 2; got 1"),
    (lambda: moons(10, noise=-1), ValueError, r"noise must be a finite number ≥ 0; got -1"),
    (lambda: circles(10, factor=1.0), ValueError, r"factor must be in \(0.0, 1.0\); got 1.0"),
    (lambda: circles(10, seed=1.5), TypeError, r"seed must be an int; got float"),
    (lambda: regression_1d(0), ValueError, r"n must be a positive int; got 0"),
    (lambda: regression_1d(5, f=3), TypeError, r"f must be a function of x"),
    (lambda: regression_1d(5, f=lambda t: t[:2]), ValueError,
     r"f\(x\) must return shape \(5,\) or \(5, 1\) for x of shape \(5, 1\); got shape \(2, 1\)"),
])
def test_generator_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------- bundled digits

def test_bundled_digits_file_is_the_documented_one():
    path = Path(datasets.__file__).parent / "data" / "digits.csv.gz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DIGITS_SHA256
    assert DIGITS_SHA256 in (path.parent / "README.md").read_text(encoding="utf-8")


def test_load_digits_shapes_range_and_classes():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))     # counts 0..16, divided by 16
    counts = np.bincount(y, minlength=10)
    assert counts.sum() == 1797 and counts.min() >= 170 and counts.max() <= 190
    # the first image of the UCI file is a zero whose top row is 0 0 5 13 9 1 0 0
    assert y[0] == 0 and (X[0].reshape(8, 8)[0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_load_digits_returns_fresh_arrays():
    X, y = load_digits()
    X[:] = -1.0
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0.0 and y2.min() == 0


# ---------------------------------------------------------------- IDX parsing

def _idx_bytes(array: np.ndarray, code: int) -> bytes:
    """IDX encoding written from the format description (header, big-endian sizes, data)."""
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", s) for s in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize("array, code", [
    (np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4), 0x08),
    (np.array([-5, 0, 70000], dtype=np.int32), 0x0C),
    (np.array([[1.5, -2.25], [3.0, 1e-3]], dtype=np.float32), 0x0D),
    (np.array([np.pi, -np.e], dtype=np.float64), 0x0E),
])
@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_round_trip(tmp_path, array, code, gzipped):
    data = _idx_bytes(array, code)
    path = tmp_path / ("a.idx.gz" if gzipped else "a.idx")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    out = read_idx(path)
    assert out.shape == array.shape and out.dtype == array.dtype
    np.testing.assert_array_equal(out, array)


def test_read_idx_errors(tmp_path):
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match=r"is not an IDX file: its first bytes are"):
        read_idx(bad)
    short = tmp_path / "short.idx"
    short.write_bytes(_idx_bytes(np.zeros((4, 5), np.uint8), 0x08)[:-3])
    with pytest.raises(ValueError, match=r"truncated or corrupt: header says shape \(4, 5\) "
                                         r"\(20 data bytes\) but the file holds 17"):
        read_idx(short)


# ---------------------------------------------------------------- MNIST download and cache

@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """A fake mirror (a file:// folder) of four small IDX files, with their checksums."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": (rng.integers(0, 256, (6, 4, 4), dtype=np.uint8), 0x08),
        "train-labels-idx1-ubyte.gz": (np.array([0, 1, 2, 3, 4, 9], np.uint8), 0x08),
        "t10k-images-idx3-ubyte.gz": (rng.integers(0, 256, (3, 4, 4), dtype=np.uint8), 0x08),
        "t10k-labels-idx1-ubyte.gz": (np.array([7, 8, 5], np.uint8), 0x08),
    }
    files = {}
    for name, (array, code) in arrays.items():
        blob = gzip.compress(_idx_bytes(array, code))
        (mirror / name).write_bytes(blob)
        files[name] = (len(blob), hashlib.sha256(blob).hexdigest())
    monkeypatch.setattr(datasets, "MNIST_FILES", files)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (mirror.as_uri() + "/",))
    return {name: array for name, (array, _) in arrays.items()}, mirror, tmp_path / "cache"


def test_load_mnist_downloads_verifies_and_parses(tiny_mnist):
    arrays, _, cache = tiny_mnist
    X_train, y_train, X_test, y_test = load_mnist(cache_dir=cache)
    assert X_train.shape == (6, 16) and X_test.shape == (3, 16)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train * 255, arrays["train-images-idx3-ubyte.gz"].reshape(6, 16))
    assert y_train.tolist() == [0, 1, 2, 3, 4, 9] and y_test.tolist() == [7, 8, 5]
    assert sorted(p.name for p in cache.iterdir()) == sorted(arrays)      # no .part files left


def test_load_mnist_second_call_is_a_cache_hit(tiny_mnist, monkeypatch):
    _, _, cache = tiny_mnist
    first = load_mnist(cache_dir=cache)

    def no_network(url, dest, timeout=30.0):
        raise AssertionError(f"cache hit expected, but {url} was fetched")

    monkeypatch.setattr(datasets, "_fetch", no_network)
    second = load_mnist(cache_dir=cache, dtype=np.float32)
    assert second[0].dtype == np.float32
    np.testing.assert_allclose(second[0], first[0], rtol=1e-6)
    np.testing.assert_array_equal(second[3], first[3])


def test_load_mnist_offline_error_says_what_where_and_how(tiny_mnist, monkeypatch):
    _, _, cache = tiny_mnist

    def offline(url, dest, timeout=30.0):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(datasets, "_fetch", offline)
    with pytest.raises(DownloadError, match=r"could not download MNIST file train-images-idx3-ubyte.gz "
                                            r"\(is missing in .*cache\); tried: file://") as info:
        load_mnist(cache_dir=cache)
    message = str(info.value)
    assert "Name or service not known" in message and "retry load_mnist()" in message
    assert f"put them, still gzipped, in {cache}" in message and "load_digits()" in message


def test_load_mnist_rejects_a_download_with_a_wrong_checksum(tiny_mnist):
    _, mirror, cache = tiny_mnist
    (mirror / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(DownloadError, match=r"train-labels-idx1-ubyte.gz: downloaded file failed "
                                            r"the SHA-256 check"):
        load_mnist(cache_dir=cache)
    assert not (cache / "train-labels-idx1-ubyte.gz").exists()


def test_load_mnist_without_download(tiny_mnist):
    _, _, cache = tiny_mnist
    with pytest.raises(DownloadError, match=r"train-images-idx3-ubyte.gz is missing and "
                                            r"download=False. Call load_mnist\(download=True\)"):
        load_mnist(cache_dir=cache, download=False)
    load_mnist(cache_dir=cache)
    (cache / "t10k-labels-idx1-ubyte.gz").write_bytes(b"corrupt")
    with pytest.raises(DownloadError, match=r"t10k-labels-idx1-ubyte.gz has the wrong SHA-256 checksum"):
        load_mnist(cache_dir=cache, download=False)
    load_mnist(cache_dir=cache)          # download=True repairs the corrupt file
    assert load_mnist(cache_dir=cache, download=False)[3].tolist() == [7, 8, 5]


def test_load_mnist_dtype_error():
    with pytest.raises(ValueError, match=r"dtype must be np.float32 or np.float64; got int32"):
        load_mnist(dtype=np.int32)


def test_mnist_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("COMPANION_DATA", raising=False)
    assert mnist_cache_dir() == Path.home() / ".cache" / "companion" / "mnist"
    monkeypatch.setenv("COMPANION_DATA", str(tmp_path))
    assert mnist_cache_dir() == tmp_path / "mnist"
    assert mnist_cache_dir(tmp_path / "x") == tmp_path / "x"


def test_published_mnist_checksums_are_well_formed():
    assert set(datasets.MNIST_FILES) == {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
    for size, sha in datasets.MNIST_FILES.values():
        assert size > 0 and len(sha) == 64 and int(sha, 16) >= 0


# ---------------------------------------------------------------- splitting

@settings(max_examples=30, deadline=None)
@given(n=st.integers(5, 60), k=st.integers(1, 4), val=st.floats(0, 0.45), test=st.floats(0, 0.45),
       seed=st.integers(0, 10))
def test_split_is_a_partition(n, k, val, test, seed):
    X = np.arange(n, dtype=float).reshape(n, 1)
    y = np.arange(n) % k
    Xtr, ytr, Xva, yva, Xte, yte = train_val_test_split(X, y, val=val, test=test, seed=seed)
    rows = np.concatenate([Xtr, Xva, Xte])[:, 0]
    assert sorted(rows.tolist()) == list(range(n))
    for Xs, ys in ((Xtr, ytr), (Xva, yva), (Xte, yte)):
        np.testing.assert_array_equal(Xs[:, 0].astype(int) % k, ys)    # rows stay with their labels


def test_split_is_stratified_seeded_and_leaves_inputs_alone():
    X, y = load_digits()
    X_before = X.copy()
    parts = train_val_test_split(X, y, val=0.2, test=0.1, seed=5)
    again = train_val_test_split(X, y, val=0.2, test=0.1, seed=5)
    for a, b in zip(parts, again):
        np.testing.assert_array_equal(a, b)
    _, ytr, _, yva, _, yte = parts
    for ys, frac in ((yva, 0.2), (yte, 0.1)):
        np.testing.assert_allclose(np.bincount(ys, minlength=10), frac * np.bincount(y), atol=0.5)
    assert len(ytr) + len(yva) + len(yte) == 1797
    np.testing.assert_array_equal(X, X_before)


def test_split_accepts_one_hot_targets():
    y = np.repeat(np.arange(3), 20)
    Y = np.eye(3)[y]
    _, Ytr, _, Yva, _, Yte = train_val_test_split(np.zeros((60, 2)), Y, val=0.25, test=0.25)
    assert Ytr.shape == (30, 3) and Yva.sum(axis=0).tolist() == [5, 5, 5]


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((np.zeros((4, 2)), np.zeros(5, int)), {}, ValueError,
     r"X and y must hold the same number of examples \(rows\); got 4 and 5"),
    ((np.zeros(4), np.zeros(4, int)), {}, ValueError, r"X must be 2-D with shape \(n, d\); got shape \(4,\)"),
    ((np.zeros((4, 2)), np.zeros(4)), {}, TypeError, r"y must hold integer class labels"),
    ((np.zeros((4, 2)), np.zeros((4, 1, 1), int)), {}, ValueError, r"y must be 1-D labels"),
    ((np.zeros((4, 2)), np.zeros(4, int)), {"val": 0.6, "test": 0.4}, ValueError,
     r"val \+ test must be < 1 to leave training data; got 0.6 \+ 0.4"),
    ((np.zeros((4, 2)), np.zeros(4, int)), {"val": -0.1}, ValueError, r"val must be in \[0.0, 1.0\); got -0.1"),
    ((np.full((4, 2), np.nan), np.zeros(4, int)), {}, ValueError, r"X must be finite"),
])
def test_split_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_val_test_split(*args, **kwargs)
