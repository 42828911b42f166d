"""Published reference vectors (CS231n, Deep Learning Specialization, micrograd) copied into tests/data/.

One place to read them: arrays are stored as ``{"__array__": nested list, "dtype", "shape"}`` and
decoded here, and the comparison metric CS231n uses lives here too.
"""
import json
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def decode(obj):
    """Turn every ``{"__array__": …}`` inside ``obj`` (dicts and lists, any depth) into an ndarray."""
    if isinstance(obj, dict) and "__array__" in obj:
        return np.array(obj["__array__"], dtype=obj["dtype"]).reshape(obj["shape"])
    if isinstance(obj, dict):
        return {k: decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    return obj


def load(filename: str) -> dict:
    """``name -> entry`` of one reference file, entries still encoded (decode what you use)."""
    return json.loads((DATA / filename).read_text())["vectors"]


def cs231n_rel_error(x, y) -> float:
    """CS231n's metric: max elementwise |x − y| / max(1e-8, |x| + |y|)."""
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))
