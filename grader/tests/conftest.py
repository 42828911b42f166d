"""Settings of the grader's tests: deterministic hypothesis runs and a headless matplotlib backend."""
import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("course", derandomize=True, deadline=None, database=None)
settings.load_profile("course")
