"""The same test run whatever the caller's environment holds (make test, plain pytest, an IDE, CI).

nbval starts a Jupyter kernel per notebook, and kernels inherit this process's environment.
Stored outputs were made with a fixed hash seed and one BLAS thread, so those are *forced* here,
not merely defaulted: a caller's `PYTHONHASHSEED=123` or `OMP_NUM_THREADS=8` would otherwise make
nbval compare different text (docs/architecture.md §5–6).

Other things a learner's or CI's shell may hold, and how the run stays immune to them
(tests/test_hostile_env.py runs a chapter under each):

- `MPLBACKEND=Agg`: every notebook's first code cell says `%matplotlib inline` (the notebook lint
  requires it), so figures are inline PNGs whatever the backend variable says.
- `LANG=C` / `LC_ALL=C`: Python ≥ 3.7 reads and writes UTF-8 in the C locale (PEP 538/540), and
  the tests open every file with an explicit encoding.
- `JUPYTER_*` and a read-only or missing home directory: Jupyter, IPython and matplotlib write
  connection files, profiles and font caches under the home directory. When it is not writable,
  or a `JUPYTER_*` variable points somewhere unwritable, those go to a fresh temporary folder
  instead (matplotlib would otherwise print a warning to stderr, which nbval compares).
"""
import os
import pathlib
import tempfile

FIXED = {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
os.environ.update(FIXED)


def _writable(path):
    """True when a file can be written in `path`, or in its nearest existing parent (nothing is created)."""
    path = pathlib.Path(path)
    while not path.is_dir() and path != path.parent:
        path = path.parent
    try:
        with tempfile.TemporaryFile(dir=path):
            return True
    except OSError:
        return False


def _redirect_unwritable_dirs():
    scratch = None
    home = pathlib.Path(os.path.expanduser("~"))
    defaults = {"MPLCONFIGDIR": home / ".config" / "matplotlib", "IPYTHONDIR": home / ".ipython",
                "JUPYTER_RUNTIME_DIR": home / ".local" / "share" / "jupyter" / "runtime",
                "XDG_CACHE_HOME": home / ".cache"}
    for name, default in defaults.items():
        if not _writable(os.environ.get(name, default)):
            scratch = scratch or pathlib.Path(tempfile.mkdtemp(prefix="course-tests-"))
            os.environ[name] = str(scratch / name.lower())
            os.makedirs(os.environ[name], exist_ok=True)


_redirect_unwritable_dirs()


import pytest  # noqa: E402  (after the environment is fixed, before any test module imports)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The course website built once per test run, warnings as errors; the folder holding index.html.

    Used by tests/test_site.py (pages and links) and tests/test_browser.py (figures and math in a
    real browser)."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_nb") is None:
        pytest.skip("the website tools are not installed: `pip install -e '.[dev]'` (make test does)")
    spec = importlib.util.spec_from_file_location("build_site", pathlib.Path(__file__).parent / "tools" / "build_site.py")
    build_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_site)
    try:
        return build_site.build(tmp_path_factory.mktemp("site"), warnings_as_errors=True)
    except subprocess.CalledProcessError as error:
        pytest.fail(f"the website does not build with warnings as errors (sphinx exit {error.returncode}); "
                    "run `make site` to see the messages")
