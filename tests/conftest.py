"""Test-wide settings: deterministic hypothesis runs and a headless matplotlib backend."""
import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# The same examples on every run and machine: a CI failure can always be reproduced.
settings.register_profile("course", derandomize=True, deadline=None, database=None)
settings.load_profile("course")
