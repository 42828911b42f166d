"""Data sets for the course: small 2-D toys, a 1-D regression curve, real handwritten digits.

Every generator is seeded (``seed`` or ``rng``), never touches NumPy's global random state,
and returns features ``X`` as float64 of shape ``(n, d)`` (one example per row) and class
labels ``y`` as int64 of shape ``(n,)``. Turn labels into one-hot targets with
``companion.losses.one_hot(y, k)``.

=========================  =============================================================
``xor()``                  the four corners of the unit square, labelled by XOR
``spirals(...)``           ``k`` interleaved spiral arms (not linearly separable)
``moons(...)``             two interleaving half circles
``circles(...)``           a small circle inside a large one
``regression_1d(...)``     noisy samples of a 1-D function, for regression
``load_digits()``          1,797 real 8×8 handwritten digits, bundled with the package
``load_mnist(...)``        70,000 28×28 MNIST digits, downloaded once and cached
``train_val_test_split``   stratified, seeded split into training/validation/test sets
``bars_and_stripes(...)``  every bars-and-stripes binary image (for Boltzmann machines)
``temporal_xor(...)``      bit sequences whose target needs one step of memory
``two_spirals(...)``       two interlocked spirals winding several turns (a hard benchmark)
=========================  =============================================================
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from companion._validation import (
    as_float_array,
    check_finite,
    check_in_range,
    check_int,
    check_positive,
    check_rows_match,
    make_rng,
)

__all__ = [
    "xor",
    "spirals",
    "moons",
    "circles",
    "regression_1d",
    "load_digits",
    "load_mnist",
    "read_idx",
    "mnist_cache_dir",
    "train_val_test_split",
    "DownloadError",
    "MNIST_FILES",
    "MNIST_MIRRORS",
    "bars_and_stripes",
    "temporal_xor",
    "two_spirals",
]


# ----------------------------------------------------------------------------------------
# Small synthetic data sets
# ----------------------------------------------------------------------------------------

def _check_count(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer ≥ ``minimum``."""
    return check_int(name, value, minimum)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    """Return ``X`` and ``y`` with their rows in the same random order (classes interleaved)."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: the corners of the unit square, labelled 1 when exactly one input is 1.

    Returns
    -------
    X : (4, 2) float64
        ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    y : (4,) int64
        ``[0, 1, 1, 0]`` — no single line separates the 1s from the 0s.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def spirals(n_per_class: int = 100, k: int = 3, noise: float = 0.2, seed: int | None = 0,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``k`` spiral arms winding out from the origin, one class per arm.

    Point ``i`` of arm ``j`` sits at radius ``r_i = i / (n_per_class − 1)`` and angle
    ``θ = 2πj/k + 4 r_i + noise·ε`` with ``ε ~ N(0, 1)``, i.e. at ``r (cos θ, sin θ)``.

    Parameters
    ----------
    n_per_class : int ≥ 2
        Points on each arm.
    k : int ≥ 2
        Number of arms (classes).
    noise : float ≥ 0
        Standard deviation of the angular jitter, in radians.
    seed, rng
        Randomness (``rng`` wins when both are given).

    Returns
    -------
    X : (k·n_per_class, 2) float64, inside the unit disc up to the jitter
    y : (k·n_per_class,) int64 in ``0..k−1``; rows are shuffled.
    """
    n_per_class = _check_count("n_per_class", n_per_class, 2)
    k = _check_count("k", k, 2)
    noise = check_positive("noise", noise, allow_zero=True)
    rng = make_rng(seed, rng)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), k)
    y = np.repeat(np.arange(k, dtype=np.int64), n_per_class)
    theta = 2 * np.pi * y / k + 4.0 * r + noise * rng.standard_normal(r.shape)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    return _shuffled(X, y, rng)


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0,
          rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles ("moons"), a classic non-linear two-class problem.

    Class 0 is the upper half of the unit circle, ``(cos t, sin t)`` for ``t ∈ [0, π]``;
    class 1 is the lower half shifted right and up, ``(1 − cos t, ½ − sin t)``. Gaussian noise
    with standard deviation ``noise`` is added to both coordinates.

    Returns
    -------
    X : (n, 2) float64
    y : (n,) int64 in {0, 1}; ``n // 2`` points in class 0, the rest in class 1; rows shuffled.
    """
    n = _check_count("n", n, 2)
    noise = check_positive("noise", noise, allow_zero=True)
    rng = make_rng(seed, rng)
    n0 = n // 2
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return _shuffled(X, y, rng)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (class 1) inside the unit circle (class 0).

    Points are spread evenly in angle on each circle, then Gaussian noise with standard
    deviation ``noise`` is added to both coordinates.

    Parameters
    ----------
    factor : float in (0, 1)
        Radius of the inner circle relative to the outer one.

    Returns
    -------
    X : (n, 2) float64
    y : (n,) int64 in {0, 1}; ``n // 2`` points on the outer circle; rows shuffled.
    """
    n = _check_count("n", n, 2)
    noise = check_positive("noise", noise, allow_zero=True)
    factor = check_in_range("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
    rng = make_rng(seed, rng)
    n0 = n // 2
    t0 = np.linspace(0.0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * np.pi, n - n0, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    return _shuffled(X, y, rng)


def _default_curve(x: np.ndarray) -> np.ndarray:
    """The default regression target ``f(x) = sin(2πx)`` on ``x ∈ [0, 1]``."""
    return np.sin(2 * np.pi * x)


def regression_1d(n: int = 100, noise: float = 0.1, seed: int | None = 0,
                  f: Callable[[np.ndarray], np.ndarray] | None = None,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples ``y = f(x) + noise·ε`` of a 1-D function, for regression.

    ``x`` is drawn uniformly from [0, 1] and sorted (so ``plt.plot(x, y)`` draws a curve);
    ``ε ~ N(0, 1)``. The default ``f`` is ``sin(2πx)``.

    Parameters
    ----------
    f : callable, optional
        Vectorized function mapping an ``(n, 1)`` array to an ``(n, 1)`` or ``(n,)`` array.

    Returns
    -------
    x : (n, 1) float64 — a column, ready to be a network's input
    y : (n, 1) float64 — a column, ready to be a network's target
    """
    n = _check_count("n", n, 1)
    noise = check_positive("noise", noise, allow_zero=True)
    if f is not None and not callable(f):
        raise TypeError(f"f must be a function of x (an (n, 1) array); got {type(f).__name__}")
    rng = make_rng(seed, rng)
    x = np.sort(rng.uniform(0.0, 1.0, n)).reshape(n, 1)
    clean = np.asarray((f or _default_curve)(x), dtype=np.float64)
    if clean.shape not in ((n,), (n, 1)):
        raise ValueError(f"f(x) must return shape ({n},) or ({n}, 1) for x of shape ({n}, 1); "
                         f"got shape {clean.shape}")
    y = clean.reshape(n, 1) + noise * rng.standard_normal((n, 1))
    return x, y


# ----------------------------------------------------------------------------------------
# The bundled 8×8 digits
# ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _digits_table() -> np.ndarray:
    """Read ``companion/data/digits.csv.gz`` once: (1797, 65) int64, pixels then label."""
    source = resources.files("companion") / "data" / "digits.csv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    table.setflags(write=False)
    return table


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 real 8×8 handwritten digits bundled with the package (works offline).

    The UCI *Optical Recognition of Handwritten Digits* test set (Alpaydin & Kaynak, 1998;
    CC BY 4.0 — see ``companion/data/README.md``). Each pixel is the count of "on" pixels in a
    4×4 block of a 32×32 scan, 0..16; it is divided by 16 here.

    Returns
    -------
    X : (1797, 64) float64 in [0, 1]
        One image per row, pixels in row-major order: ``X[i].reshape(8, 8)`` is the image.
    y : (1797,) int64 in 0..9
        The digit each image shows (about 180 per class).
    """
    table = _digits_table()
    X = table[:, :64] / 16.0
    y = table[:, 64].copy()
    return X, y


# ----------------------------------------------------------------------------------------
# MNIST: download once, verify, cache, parse IDX
# ----------------------------------------------------------------------------------------

class DownloadError(OSError):
    """A data set could not be downloaded or verified; the message says how to fix it."""


#: The four MNIST files: name → (size in bytes, SHA-256 of the .gz file). The sums are those
#: published for the original files (the same in several independent public loaders); they
#: were cross-checked against those sources, not against a fresh download, when written.
MNIST_FILES: dict[str, tuple[int, str]] = {
    "train-images-idx3-ubyte.gz": (
        9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train-labels-idx1-ubyte.gz": (
        28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "t10k-images-idx3-ubyte.gz": (
        1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "t10k-labels-idx1-ubyte.gz": (
        4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}

#: Mirrors tried in order (the original site, yann.lecun.com, now often refuses downloads).
MNIST_MIRRORS: tuple[str, ...] = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)

# IDX type byte → big-endian NumPy dtype (http://yann.lecun.com/exdb/mnist/, "IDX file format").
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Parse an IDX file (gzip-compressed when its name ends in ``.gz``) into an array.

    Layout: two zero bytes, a type byte (0x08 = uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), a byte ``ndim``, then ``ndim`` big-endian uint32 sizes, then
    the data, big-endian, row-major.

    Returns
    -------
    ndarray of shape given by the header, in native byte order (e.g. MNIST images:
    (60000, 28, 28) uint8; labels: (60000,) uint8).
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: its first bytes are {raw[:4]!r}, expected "
                         "b'\\x00\\x00' then a type byte (0x08 uint8 … 0x0E float64) and ndim")
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    offset, expected = 4 + 4 * ndim, int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - offset != expected:
        raise ValueError(f"{path} is truncated or corrupt: header says shape {shape} "
                         f"({expected} data bytes) but the file holds {len(raw) - offset}")
    data = np.frombuffer(raw, dtype, offset=offset).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def mnist_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Folder holding the MNIST files: ``cache_dir`` if given, else ``$COMPANION_DATA/mnist``
    when the environment variable ``COMPANION_DATA`` is set, else ``~/.cache/companion/mnist``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    root = os.environ.get("COMPANION_DATA")
    if root:
        return Path(root).expanduser() / "mnist"
    return Path.home() / ".cache" / "companion" / "mnist"


def _sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch(url: str, dest: Path, timeout: float = 30.0) -> None:
    """Download ``url`` to ``dest`` (replaced atomically, so a failed download leaves nothing)."""
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False, suffix=".part") as tmp:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                shutil.copyfileobj(response, tmp)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, dest)


def _manual_help(folder: Path) -> str:
    """The "how to fix it by hand" paragraph shared by every MNIST error message."""
    names = ", ".join(MNIST_FILES)
    return (f"To install the files by hand, download {names} from any MNIST mirror (e.g. "
            f"{MNIST_MIRRORS[0]}<file>) and put them, still gzipped, in {folder} "
            f"(or point cache_dir= / the COMPANION_DATA environment variable at another folder); "
            f"then call load_mnist() again. Offline work: companion.datasets.load_digits() "
            f"needs no network.")


def _ensure_file(name: str, folder: Path, download: bool) -> Path:
    """Return the path of a verified MNIST file, downloading it when missing or corrupt."""
    path, (_, sha) = folder / name, MNIST_FILES[name]
    if path.exists() and _sha256(path) == sha:
        return path
    problem = "is missing" if not path.exists() else "has the wrong SHA-256 checksum"
    if not download:
        raise DownloadError(f"MNIST file {path} {problem} and download=False. "
                            f"Call load_mnist(download=True) to fetch it. {_manual_help(folder)}")
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for mirror in MNIST_MIRRORS:
        try:
            _fetch(mirror + name, path)
        except OSError as exc:          # URLError, HTTPError, timeouts and disk errors
            failures.append(f"{mirror + name}: {exc}")
            continue
        if _sha256(path) == sha:
            return path
        path.unlink()
        failures.append(f"{mirror + name}: downloaded file failed the SHA-256 check")
    raise DownloadError(f"could not download MNIST file {name} ({problem} in {folder}); "
                        f"tried: {'; '.join(failures)}. Check your internet connection and "
                        f"retry load_mnist(). {_manual_help(folder)}")


def load_mnist(cache_dir: str | os.PathLike | None = None, download: bool = True,
               dtype=np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The MNIST handwritten digits, downloaded once, checked and cached.

    Each of the four IDX files (``MNIST_FILES``) is looked up in the cache folder
    (``mnist_cache_dir(cache_dir)``); a missing or corrupt one is downloaded from
    ``MNIST_MIRRORS`` and accepted only if its SHA-256 sum matches. Offline, a
    ``DownloadError`` explains where to put the files by hand.

    Parameters
    ----------
    cache_dir : path, optional
        Folder for the files (default ``$COMPANION_DATA/mnist`` or ``~/.cache/companion/mnist``).
    download : bool
        Allow downloading missing files; with ``False`` only the cache is read.
    dtype : np.float64 or np.float32
        dtype of the images (float32 halves the 376 MB of the float64 training images).

    Returns
    -------
    X_train : (60000, 784) dtype in [0, 1]    y_train : (60000,) int64 in 0..9
    X_test : (10000, 784) dtype in [0, 1]     y_test : (10000,) int64 in 0..9
    """
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be np.float32 or np.float64; got {np.dtype(dtype)}")
    folder = mnist_cache_dir(cache_dir)
    arrays = []
    for name in MNIST_FILES:
        data = read_idx(_ensure_file(name, folder, download))
        if data.ndim == 3:      # images (n, 28, 28) → rows of pixels scaled to [0, 1]
            data = data.reshape(len(data), -1).astype(dtype) / np.asarray(255, dtype)
        else:
            data = data.astype(np.int64)
        arrays.append(data)
    X_train, y_train, X_test, y_test = arrays
    return X_train, y_train, X_test, y_test


# ----------------------------------------------------------------------------------------
# Splitting
# ----------------------------------------------------------------------------------------

def _split_labels(y) -> np.ndarray:
    """Class labels used to stratify: ``y`` itself (1-D integers) or the argmax of one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2:
        return np.argmax(y, axis=1)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D labels (n,) or one-hot rows (n, k); got shape {y.shape}")
    if y.dtype.kind not in "biu":
        raise TypeError(f"y must hold integer class labels (or be one-hot (n, k)); got dtype {y.dtype}")
    return y


def train_val_test_split(X, y, val: float = 0.15, test: float = 0.15, seed: int | None = 0,
                         rng: np.random.Generator | None = None):
    """Split examples into training, validation and test sets, stratified by class.

    Within each class the examples are shuffled, then ``round(val·n_c)`` go to validation,
    ``round(test·n_c)`` to test and the rest to training, so every split keeps the class
    proportions of ``y``. Each split is then shuffled so that classes are interleaved.

    Parameters
    ----------
    X : (n, d) array
    y : (n,) integer labels, or (n, k) one-hot rows (split as they are, stratified by argmax)
    val, test : float in [0, 1) with ``val + test < 1``
        Fractions of each class held out for validation and for testing.

    Returns
    -------
    Xtr, ytr, Xva, yva, Xte, yte
        Copies of rows of ``X`` and ``y`` (the inputs are not modified); every row of ``X``
        lands in exactly one split.
    """
    X = check_finite("X", as_float_array("X", X))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (n, d); got shape {X.shape}")
    labels, y = _split_labels(y), np.asarray(y)
    check_rows_match("X", X, "y", y)
    val = check_in_range("val", val, 0.0, 1.0)
    test = check_in_range("test", test, 0.0, 1.0)
    if val + test >= 1.0:
        raise ValueError(f"val + test must be < 1 to leave training data; got {val} + {test}")
    rng = make_rng(seed, rng)
    parts: list[list[np.ndarray]] = [[], [], []]
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_val, n_test = round(val * len(idx)), round(test * len(idx))
        parts[1].append(idx[:n_val])
        parts[2].append(idx[n_val:n_val + n_test])
        parts[0].append(idx[n_val + n_test:])
    out = []
    for chunks in parts:
        idx = rng.permutation(np.concatenate(chunks))
        out += [X[idx], y[idx]]
    return tuple(out)


# ----------------------------------------------------------------------------------------
# Toy sets for the classic networks of chapter 11
# ----------------------------------------------------------------------------------------

def bars_and_stripes(size: int = 3) -> np.ndarray:
    """Every *bars-and-stripes* image of ``size × size`` binary pixels (MacKay, 2003).

    An image is made by choosing, for each row (stripes) or for each column (bars), whether it is
    all on or all off. The all-off and all-on images arise both ways and are listed once, so there
    are ``2·2^size − 2`` distinct images (14 for size 3).

    Returns
    -------
    V : (2^(size+1) − 2, size²) float64 of 0/1; ``V[i].reshape(size, size)`` is image i.
        Stripes come first (counting order of the row pattern), then the bars not yet listed.
    """
    size = _check_count("size", size, 1)
    codes = ((np.arange(2 ** size)[:, None] >> np.arange(size - 1, -1, -1)) & 1).astype(np.float64)
    stripes = np.repeat(codes, size, axis=1)            # row r copied across its size columns
    bars = np.tile(codes, size)                         # the same column pattern in every row
    mixed = bars[(codes.sum(1) > 0) & (codes.sum(1) < size)]
    return np.vstack([stripes, mixed])


def temporal_xor(n: int = 100, length: int = 20, seed: int | None = 0,
                 rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Random bit sequences and the XOR of each bit with the bit before it.

    Target ``y_t = x_t XOR x_{t−1}`` with ``x_0`` compared with an implicit 0, so ``y_1 = x_1``.
    A feed-forward net that sees only ``x_t`` cannot do better than chance; a recurrent net must
    remember one step. (Elman's 1990 temporal XOR interleaves the XOR bits into the stream and
    asks for next-bit prediction; this variant makes every step predictable.)

    Returns
    -------
    X : (n, length, 1) float64 of 0/1
    Y : (n, length, 1) float64 of 0/1
    """
    n, length = _check_count("n", n), _check_count("length", length)
    bits = make_rng(seed, rng).integers(0, 2, size=(n, length))
    previous = np.concatenate([np.zeros((n, 1), dtype=bits.dtype), bits[:, :-1]], axis=1)
    return bits[..., None].astype(np.float64), (bits ^ previous)[..., None].astype(np.float64)


def two_spirals(n_per_class: int = 80, turns: float = 2.0, noise: float = 0.0, seed: int | None = 0,
                rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interlocked spirals that each wind ``turns`` times (after Lang & Witbrock, 1988).

    Point ``i`` of class 0 sits at radius ``r_i`` (evenly spaced in [0.05, 1]) and angle
    ``θ_i = 2π·turns·r_i``, i.e. at ``r (cos θ, sin θ) + noise·ε``; class 1 is its mirror image
    through the origin. With two or more turns this is much harder than ``spirals(k=2)``.

    Returns
    -------
    X : (2·n_per_class, 2) float64;  y : (2·n_per_class,) int64 in {0, 1} (class 0 rows first)
    """
    n_per_class = _check_count("n_per_class", n_per_class, 2)
    turns = check_positive("turns", turns)
    noise = check_positive("noise", noise, allow_zero=True)
    r = np.linspace(0.05, 1.0, n_per_class)
    arm = np.column_stack([r * np.cos(2 * np.pi * turns * r), r * np.sin(2 * np.pi * turns * r)])
    X = np.vstack([arm, -arm]) + noise * make_rng(seed, rng).standard_normal((2 * n_per_class, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), n_per_class)
    return X, y
