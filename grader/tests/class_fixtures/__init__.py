"""A small, realistic class for practice 07–12, scored by hand from the question text (issue 24).

Five submissions per notebook, 30 in all: the solution; the untouched exercise; Q1 answered and
nothing else; the mistake the issue saw for that notebook; and one more way to answer. Each entry
says what the questions' text gives it, question by question, so the grader's scores can be
compared with a hand-scored gradebook (:func:`build` writes the notebooks, ``EXPECTED`` holds the
hand scores).
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

POINTS = {
    "07_optimizers": {"q1": 1, "q2": 3, "q3": 2, "q4": 2, "q5": 3, "q6": 2, "q7": 3},
    "08_local_minima": {"q1": 2, "q2": 3, "q3": 3, "q4": 1, "q5": 2, "q6": 2},
    "09_representation_power": {"q1": 1, "q2": 2, "q3": 3, "q4": 3, "q5": 2, "q6": 2},
    "10_regularization": {"q1": 1, "q2": 2, "q3": 2, "q4": 3, "q5": 2, "q6": 3},
    "11_classic_networks": {"q1": 2, "q2": 1, "q3": 2, "q4": 2, "q5": 1, "q6": 3, "q7": 1, "q8": 3},
    "12_toward_deep_learning": {"q1": 2, "q2": 1, "q3": 3, "q4": 2, "q5": 1, "q6": 2, "q7": 2},
}

# (notebook, student) -> (base "solution"/"exercise", {grade_id: new answer cell source}, questions lost, why)
VARIANTS: dict[tuple[str, str], tuple[str, dict, set, str]] = {}


def _add(stem, student, base, answers, lost, why):
    VARIANTS[(stem, student)] = (base, answers, set(lost), why)


for _stem, _points in POINTS.items():
    _add(_stem, "ana", "solution", {}, [], "the solution")
    _add(_stem, "ben", "exercise", {}, list(_points), "untouched exercise")
    _add(_stem, "cleo", "exercise", {"q1-answer": "solution"}, [q for q in _points if q != "q1"],
         "only Q1 answered")

_add("07_optimizers", "dev", "solution", {"q1-answer": (
    "def momentum_step(theta, v, grad, lr, mu):\n    v *= mu\n    v -= lr * grad\n    theta += v\n"
    "    return theta, v\n")}, ["q1"], "Q1 changes its inputs in place (the question says: new arrays)")
_add("07_optimizers", "eli", "solution", {"q4-answer": (
    "def best_learning_rate(H):\n    lam = np.linalg.eigvalsh(H)\n    return 2 / (lam.min() + lam.max())\n")},
    [], "Q4 as a NumPy float, written differently")
_add("08_local_minima", "dev", "solution", {"q5-answer": (
    "def restarts_needed(p, target):\n    return int(np.floor(np.log(1 - target) / np.log(1 - p))) + 1\n")},
    ["q5"], "floor(ratio) + 1: one too many when the ratio is whole")
_add("08_local_minima", "eli", "solution", {"q5-answer": (
    "def restarts_needed(p, target):\n    return max(1, int(np.ceil(np.log(1 - target) / np.log(1 - p))))\n")},
    [], "ceil(ratio): right, also at whole ratios")
_add("09_representation_power", "dev", "solution", {"q4-answer": (
    "def bumps_needed(L, eps, kappa):\n    factor = 1.0 + 2.0 * math.exp(-kappa / 2) / (1.0 - math.exp(-kappa))\n"
    "    return math.floor(L * factor / eps) + 1\n")}, ["q4"], "floor + 1: one too many at a whole bound")
_add("09_representation_power", "eli", "solution", {"q4-answer": (
    "def bumps_needed(L, eps, kappa):\n    factor = 1.0 + 2.0 * math.exp(-kappa / 2) / (1.0 - math.exp(-kappa))\n"
    "    return float(max(1, math.ceil(L * factor / eps)))\n")}, [], "a whole number given as a float")
_add("10_regularization", "dev", "solution", {"q5-answer": (
    "def kfold_indices(n, k, seed):\n    order = np.random.default_rng(0).permutation(n)\n"
    "    folds = np.array_split(order, k)\n"
    "    return [(np.concatenate(folds[:i] + folds[i + 1:]), f) for i, f in enumerate(folds)]\n")},
    ["q5"], "folds that ignore the seed (the question says to shuffle with it)")
_add("10_regularization", "eli", "solution", {"q5-answer": (
    "def kfold_indices(n, k, seed):\n    idx = np.arange(n)\n    np.random.default_rng(seed).shuffle(idx)\n"
    "    out = []\n    for i in range(k):\n        val = idx[i::k]\n"
    "        out.append((np.setdiff1d(idx, val), val))\n    return out\n")}, [], "strided folds from a seeded shuffle")
_add("11_classic_networks", "dev", "solution", {"q7-answer": (
    "def rbm_free_energy(V, W, b, c):\n    return V @ b - np.logaddexp(0.0, V @ W.T + c).sum(axis=1)\n")},
    ["q7"], "a sign error in the visible term")
_add("11_classic_networks", "eli", "solution", {"q7-answer": (
    "def rbm_free_energy(V, W, b, c):\n    return -V @ b - np.log(1 + np.exp(V @ W.T + c)).sum(axis=1)\n")},
    ["q7"], "log(1 + e^z) written as is: overflows on a hidden case")
_add("12_toward_deep_learning", "dev", "solution", {"q6-answer": "def derivation_answer():\n    return 13\n"},
     [], "the derived number as an int (the question asks for a number)")
_add("12_toward_deep_learning", "eli", "solution", {"q6-answer": "def derivation_answer():\n    return 12.0\n"},
     ["q6"], "a wrong derived number")


def expected(stem: str, student: str) -> float:
    lost = VARIANTS[(stem, student)][2]
    return float(sum(p for q, p in POINTS[stem].items() if q not in lost))


def _answer_cells(nb: dict) -> dict:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
            if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def build(folder: Path) -> list[Path]:
    """Write the 30 submissions as ``folder/<student>/<notebook>_practice.ipynb``."""
    written = []
    for (stem, student), (base, answers, _, _) in VARIANTS.items():
        solution = json.loads((ROOT / "solutions" / f"{stem}_practice.ipynb").read_text(encoding="utf-8"))
        exercise = json.loads((ROOT / "exercises" / f"{stem}_practice.ipynb").read_text(encoding="utf-8"))
        nb = solution if base == "solution" else exercise
        cells = _answer_cells(nb)
        for grade_id, source in answers.items():
            if source == "solution":
                source = "".join(_answer_cells(solution)[grade_id]["source"])
            cells[grade_id]["source"] = source.splitlines(keepends=True)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        path = folder / student / f"{stem}_practice.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        written.append(path)
    return written
