"""Test-wide settings: deterministic hypothesis runs and a headless matplotlib backend."""
import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# The same examples on every run and machine: a CI failure can always be reproduced.
settings.register_profile("course", derandomize=True, deadline=None, database=None)
# `make mutants` runs every test once per mutant: fewer examples there (HYPOTHESIS_PROFILE=mutants).
settings.register_profile("mutants", parent=settings.get_profile("course"), max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


@pytest.fixture
def strict_figures():
    """Warnings fail the test, and every figure is closed afterwards (plot and widget tests)."""
    import warnings

    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")
