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
import importlib.util
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


# --- `make test-portability` (tools/cpu_portability.py): NumPy's SIMD dispatch forced down -------------
# With COURSE_CPU_VARIANT set, every kernel nbval starts inherits NPY_DISABLE_CPU_FEATURES, built from
# the dispatch targets this CPU has; before a notebook's first cell runs, its kernel is asked which of
# them are still on. NumPy ignores the whole variable when one name is unknown, so without this check a
# run could pass while testing nothing.
_CPU_VARIANT = os.environ.get("COURSE_CPU_VARIANT")
_CPU_DISABLED = []


def pytest_configure(config):
    if not _CPU_VARIANT:
        return
    spec = importlib.util.spec_from_file_location("cpu_portability", pathlib.Path(__file__).parent / "tools" / "cpu_portability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    inherited = os.environ.get("COURSE_CPU_DISABLED")   # an xdist worker: its own NumPy already has them off
    off, reason = (inherited.split(), "") if inherited else module.targets_to_disable(_CPU_VARIANT)
    if not off:
        raise pytest.UsageError(f"COURSE_CPU_VARIANT={_CPU_VARIANT}: {reason}")
    _CPU_DISABLED[:] = off
    os.environ["NPY_DISABLE_CPU_FEATURES"] = os.environ["COURSE_CPU_DISABLED"] = " ".join(off)
    config._cpu_check_expression = module.kernel_check_expression(off)


def pytest_report_header(config):
    if _CPU_VARIANT:
        return f"CPU variant {_CPU_VARIANT}: NPY_DISABLE_CPU_FEATURES={' '.join(_CPU_DISABLED)!r}, checked in every kernel"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    result = yield
    notebook = item.parent
    if _CPU_VARIANT and getattr(notebook, "kernel", None) is not None:
        if not hasattr(notebook, "_cpu_problem"):
            notebook._cpu_problem = _kernel_cpu_problem(notebook.kernel, item.config._cpu_check_expression)
        if notebook._cpu_problem:     # every cell of the notebook fails: nothing was tested as intended
            pytest.fail(notebook._cpu_problem, pytrace=False)
    return result


def _kernel_cpu_problem(kernel, expression):
    """"" when every disabled dispatch target is off in the notebook's own kernel process, else what is wrong."""
    msg_id = kernel.kc.execute("", silent=True, store_history=False, user_expressions={"still_on": expression})
    while True:
        reply = kernel.get_message(stream="shell", timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    kernel.await_idle(msg_id, timeout=120)
    answer = reply["content"].get("user_expressions", {}).get("still_on", {})
    still_on = answer.get("data", {}).get("text/plain") if answer.get("status") == "ok" else answer
    if still_on == "[]":
        return ""
    return (f"NPY_DISABLE_CPU_FEATURES={' '.join(_CPU_DISABLED)!r} did not take effect in the notebook's kernel: "
            f"still on {still_on}")
