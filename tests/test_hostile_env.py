"""A chapter still passes strict nbval whatever the caller's shell exports.

Learners, Docker images and CI runners often carry variables the course never set: `MPLBACKEND=Agg`
(figures silently vanish, and nbval misses `text/plain` outputs), another hash seed or thread
count (printed sets and float text change), `JUPYTER_*` folders that cannot be written, a C locale,
a read-only home directory. Each case below re-runs one chapter with strict nbval in a child
pytest under that setting; the root conftest.py and each notebook's `%matplotlib inline` are what
keep them passing. The chapter is the first one that draws a figure (a short one), so the six runs
cost a few minutes, not a full suite.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in ROOT.glob("chapters/[0-9][0-9]_*.ipynb") if "plt.show()" in p.read_text(encoding="utf-8"))
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHAPTERS, reason="no chapter with a figure in chapters/")]


def unwritable_dir() -> str:
    """A home that cannot be written, even by root (CI runs as root, where chmod does not stop writes)."""
    path = tempfile.mkdtemp(prefix="readonly-home-")
    os.chmod(path, 0o555)
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError:
        return path
    os.chmod(path, 0o755)
    os.rmdir(path)
    return "/proc/course-readonly-home"  # root cannot create anything under /proc


def hostile_settings() -> dict[str, dict[str, str | None]]:
    readonly = unwritable_dir()
    return {
        "MPLBACKEND=Agg": {"MPLBACKEND": "Agg"},
        "PYTHONHASHSEED=123": {"PYTHONHASHSEED": "123"},
        "threads=2": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"},
        "JUPYTER_*": {"JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_DIR": readonly, "JUPYTER_DATA_DIR": readonly,
                      "JUPYTER_RUNTIME_DIR": readonly + "/runtime", "JUPYTER_PATH": readonly,
                      "JUPYTER_PREFER_ENV_PATH": "0"},
        "LANG=C": {"LANG": "C", "LC_ALL": "C", "LC_CTYPE": None, "PYTHONUTF8": None, "PYTHONIOENCODING": None},
        "read-only HOME": {"HOME": readonly, "XDG_CONFIG_HOME": None, "XDG_CACHE_HOME": None,
                           "MPLCONFIGDIR": None, "IPYTHONDIR": None, "JUPYTER_RUNTIME_DIR": None},
    }


SETTINGS = hostile_settings()


@pytest.mark.parametrize("name", SETTINGS)
def test_a_chapter_passes_under_a_hostile_environment(name):
    env = dict(os.environ)
    for key, value in SETTINGS[name].items():
        env.pop(key, None) if value is None else env.__setitem__(key, value)
    chapter = CHAPTERS[0].relative_to(ROOT)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(chapter)],
                         cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace",
                         timeout=600)
    assert run.returncode == 0, (f"{chapter} fails strict nbval with {name}:\n"
                                 + "\n".join((run.stdout + run.stderr).splitlines()[-40:]))
