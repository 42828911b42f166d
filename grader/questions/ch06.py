"""Practice questions for chapter 6, *Training a classifier*
(solutions/06_training_a_classifier_practice.ipynb).

The last question trains a network on the bundled 8×8 digits and is judged by the accuracy of
its predictions on held-out images whose labels never enter the sandbox.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from course_check.spec import Case, Question
from grader.secret import case_rng
# the trainer handed to choose_width (q5) is course material; re-exported here so that exercise
# notebooks importing it from this module keep working
from companion.random_features import RandomFeatureTrainer, ReadoutModel

__all__ = ["QUESTIONS", "TARGET_ACCURACY", "digits_split", "RandomFeatureTrainer", "ReadoutModel"]

#: accuracy the trained classifier must reach on held-out digits
TARGET_ACCURACY = 0.90
_N_TEST = 400


@lru_cache(maxsize=4)
def digits_split(seed: int):
    """Shuffle the bundled digits with ``seed`` and hold out the last 400 for testing.

    Returns ``(X_train, y_train, X_test, y_test)``: 1,397 training and 400 test images.
    """
    from companion.datasets import load_digits

    X, y = load_digits()
    order = np.random.default_rng(seed).permutation(len(y))
    train, test = order[:-_N_TEST], order[-_N_TEST:]
    return X[train], y[train], X[test], y[test]


def _labels_of(output) -> np.ndarray:
    out = np.asarray(output)
    if out.ndim == 2 and out.shape[1] > 1:
        return np.argmax(out, axis=1)
    return out.reshape(-1)


# ---------------------------------------------------------------- q1 one_hot
def _one_hot_ref(labels, k):
    from companion.losses import one_hot

    return one_hot(np.asarray(labels), k)


def _one_hot_cases() -> list[Case]:
    rng = case_rng(601)
    return [
        Case((np.array([0, 2, 1]), 3)),
        Case((np.array([3, 3, 0, 9]), 10)),
        Case((rng.integers(0, 10, size=50), 10), hidden=True),
        Case((np.array([1]), 2), hidden=True),
        Case((np.array([0, 1, 2]), 5), hidden=True),   # classes absent from the labels still get a column
    ]


# ---------------------------------------------------------------- q2 accuracy
def _accuracy_ref(probs, labels):
    from companion.metrics import accuracy

    return np.float64(accuracy(np.asarray(labels), np.asarray(probs)))


def _accuracy_cases() -> list[Case]:
    rng = case_rng(602)
    p = rng.uniform(size=(20, 4))
    return [
        Case((np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 0, 0]))),
        Case((p / p.sum(axis=1, keepdims=True), rng.integers(0, 4, size=20))),
        Case((rng.uniform(size=(100, 10)), rng.integers(0, 10, size=100)), hidden=True),
        Case((np.eye(5), np.arange(5)), hidden=True),
        # ties within a row: the prediction is the first largest output (np.argmax), so a row
        # [0.5, 0.5] predicts class 0 and is wrong for label 1
        Case((np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.8], [0.4, 0.4]]), np.array([0, 1, 1, 1])), hidden=True),
    ]


# ---------------------------------------------------------------- q3 confusion_matrix
def _confusion_matrix_ref(labels, predictions, k):
    from companion.metrics import confusion_matrix

    return np.asarray(confusion_matrix(np.asarray(labels), np.asarray(predictions), k)).astype(np.int64)


def _confusion_matrix_cases() -> list[Case]:
    rng = case_rng(603)
    return [
        Case((np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), 3)),
        Case((rng.integers(0, 4, size=30), rng.integers(0, 4, size=30), 4)),
        Case((rng.integers(0, 10, size=200), rng.integers(0, 10, size=200), 10), hidden=True),
        Case((np.array([1, 1, 1]), np.array([1, 1, 1]), 3), hidden=True),
    ]


# ---------------------------------------------------------------- q4 train_and_predict
def _train_and_predict_cases() -> list[Case]:
    cases = []
    for seed, hidden in ((0, False), (1, True)):
        X_train, y_train, X_test, _ = digits_split(seed)
        cases.append(Case((X_train, y_train, X_test), hidden=hidden))
    return cases


def _train_and_predict_judge(output, case: Case):
    X_test = case.args[2]
    y_test = next(digits_split(s)[3] for s in (0, 1) if np.array_equal(digits_split(s)[2], X_test))
    try:
        predicted = _labels_of(output)
    except (TypeError, ValueError):
        return False, "expected an array of predicted labels, one per test image"
    if predicted.shape != y_test.shape:
        return False, f"expected {len(y_test)} predicted labels (shape {y_test.shape}), got shape {predicted.shape}"
    acc = float(np.mean(predicted == y_test))
    if acc < TARGET_ACCURACY:
        return False, f"test accuracy {acc:.1%} is below the target {TARGET_ACCURACY:.0%}"
    return True, f"test accuracy {acc:.1%} (target {TARGET_ACCURACY:.0%})"


#: version of this question set (docs/question-changes.md); raise it when a change can change a score
VERSION = "2"

QUESTIONS: list[Question] = [
    Question(
        id="q1",
        title="One-hot targets",
        function="one_hot",
        points=1,
        cases=_one_hot_cases,
        reference=_one_hot_ref,
        forbidden=("companion.losses.one_hot",),
        hint="each row is all zeros except a single 1, in the column given by that example's "
             "label",
        partial_credit=True,
    ),
    Question(
        id="q2",
        title="Classification accuracy",
        function="accuracy",
        points=1,
        cases=_accuracy_cases,
        reference=_accuracy_ref,
        output="scalar",
        forbidden=("companion.metrics.accuracy",),
        hint="the predicted class of a row is where its probability is largest; compare with "
             "the labels and return the fraction correct as a float",
        partial_credit=True,
    ),
    Question(
        id="q3",
        title="Confusion matrix",
        function="confusion_matrix",
        points=2,
        cases=_confusion_matrix_cases,
        reference=_confusion_matrix_ref,
        forbidden=("companion.metrics.confusion_matrix",),
        hint="rows are true classes and columns predicted classes: count each (true, "
             "predicted) pair, in an integer array of shape (k, k)",
        dtype="int",
        partial_credit=True,
    ),
    Question(
        id="q4",
        title="Train a digit classifier (at least 90% on held-out digits)",
        function="train_and_predict",
        points=4,
        cases=_train_and_predict_cases,
        judge=_train_and_predict_judge,
        timeout=60.0,
        forbidden=("companion.training.fit",),
        hint="one hidden layer of a few dozen sigmoid units with a softmax and cross-entropy "
             "output trains well here; tune the learning rate and the number of epochs on a "
             "validation split, and return one integer label per row of X_test",
        dtype="int",
    ),
]


# ---------------------------------------------------------------- q5 choose_width
_WIDTHS = (5, 10, 20, 40, 60, 80, 100, 120, 140)


def _choose_width_ref(trainer, X_train, y_train, X_val, y_val, widths):
    accs = np.array([np.mean(trainer(X_train, y_train, w).predict(X_val) == np.asarray(y_val))
                     for w in widths])
    return np.int64(widths[int(np.argmax(accs))]), accs


def _choose_width_cases() -> list[Case]:
    cases = []
    for seed, n_train, hidden in ((0, 150, False), (1, 150, True)):
        X, y, X_rest, y_rest = digits_split(seed)
        # a small training set (so that wide networks overfit) and 300 validation images;
        # the 400 test images of the split stay untouched
        cases.append(Case((RandomFeatureTrainer(seed=seed), X[:n_train], y[:n_train],
                           X[-300:], y[-300:], list(_WIDTHS)), hidden=hidden))
    # a tie: widths 49 and 64 both reach the best validation accuracy (270 of 300), and the
    # question says the first one in `widths` wins
    X, y, _, _ = digits_split(1)
    cases.append(Case((RandomFeatureTrainer(seed=1), X[:150], y[:150], X[-300:], y[-300:],
                       [10, 20, 49, 64, 120, 140]), hidden=True))
    return cases


# ---------------------------------------------------------------- q6 interchangeable_units
def _interchangeable_units_ref(W1, b1, W2):
    """Units j, k are interchangeable when rows j, k of [W1 | b1] and columns j, k of W2 are equal."""
    incoming = np.column_stack([np.asarray(W1), np.asarray(b1)])
    outgoing = np.asarray(W2).T
    h = incoming.shape[0]
    S = np.zeros((h, h), dtype=bool)
    for j in range(h):
        for k in range(h):
            S[j, k] = np.array_equal(incoming[j], incoming[k]) and np.array_equal(outgoing[j], outgoing[k])
    return S


def _interchangeable_units_cases() -> list[Case]:
    rng = case_rng(606)
    W1, b1, W2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(2, 5))
    W1[3], b1[3], W2[:, 3] = W1[0], b1[0], W2[:, 0]        # units 0 and 3: same in and out
    W1[2], b1[2] = W1[1], b1[1]                            # units 1 and 2: same in, different out
    V1, c1, V2 = rng.normal(size=(6, 4)), rng.normal(size=6), rng.normal(size=(3, 6))
    V2[:, 4] = V2[:, 1]                                    # same out, different in
    V1[5], c1[5], V2[:, 5] = V1[1], c1[1], V2[:, 1]        # units 1 and 5 interchangeable (4 is not)
    return [
        Case((np.zeros((4, 3)), np.zeros(4), np.zeros((2, 4)))),        # zero initialization
        Case((W1, b1, W2)),
        Case((np.full((3, 2), 0.5), np.zeros(3), np.full((2, 3), 0.5)), hidden=True),   # constant
        Case((V1, c1, V2), hidden=True),
        Case((rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(3, 4))), hidden=True),
    ]


QUESTIONS += [
    Question(
        id="q5",
        title="Choose the hidden-layer width on the validation set",
        function="choose_width",
        points=3,
        cases=_choose_width_cases,
        reference=_choose_width_ref,
        output="tuple",
        atol=1e-12,
        timeout=30.0,
        hint="train one model per width on the training set only and score each on the validation "
             "set; on a tie keep the first width; return the accuracies in the order of the widths",
        partial_credit=True,
    ),
    Question(
        id="q6",
        title="Symmetry: which hidden units can never become different",
        function="interchangeable_units",
        points=4,
        cases=_interchangeable_units_cases,
        reference=_interchangeable_units_ref,
        hint="ask what two hidden units must share to compute the same activation for every input, "
             "and what BP2 needs in addition to give them the same error",
        partial_credit=True,
    ),
]
