"""The convolution-filter explorer of chapter 12: its response is the kernel's cross-correlation
with the digit, computed independently here, and the controls change what it draws."""
import numpy as np

from companion.datasets import load_digits
from companion.widgets import FILTERS, filter_explorer


def _correlate_by_hand(image, K):
    padded = np.pad(image, 1)
    return np.array([[np.sum(padded[r:r + 3, c:c + 3] * K) for c in range(8)] for r in range(8)])


def test_response_matches_a_hand_correlation_and_controls_redraw(strict_figures):
    images = load_digits()[0].reshape(-1, 8, 8)
    w = filter_explorer("vertical edge", digit=3)
    assert np.allclose(w.state["response"], _correlate_by_hand(images[3], FILTERS["vertical edge"]))
    w.controls["kernel"].value = "identity"            # the hook resets the centre weight to 1
    assert w.state["kernel"][1, 1] == 1.0
    assert np.allclose(w.state["response"], images[3])  # the identity kernel copies the image
    w.controls["centre"].value = 2.0
    assert np.allclose(w.state["response"], 2 * images[3])
    w.controls["digit"].value = 7
    assert np.allclose(w.state["response"], 2 * images[7])
    assert w.state["max_response"] == w.state["response"].max()
