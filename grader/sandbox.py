"""Run a learner's notebook in a fresh, limited child process, each question in a fork of it.

What the sandbox guarantees (on Linux):

- a fresh Python process per notebook, in its own session (``setsid``) and, where ``unshare``
  works, its own network namespace (no network) and PID namespace (every process it starts
  dies with it); it runs the cells once, and each question in a process forked from it after
  the cells that question needs (:mod:`grader._driver`), so no question sees another
  question's calls;
- a scrubbed environment and a scratch directory holding only a copy of the submission;
- limits: address space (2 GiB), CPU time, size of written files, no core dumps; a wall-clock
  timeout that kills the whole process group, and one per question that kills its process;
- when the grader runs as root, the child drops to the unprivileged user ``nobody`` before any
  learner code runs, so it cannot change the installed package or files outside its scratch;
- the child returns values as ``.npy`` files and a JSON manifest; they are read here without
  unpickling and with size checks. Reference outputs never enter the child.
"""
from __future__ import annotations

import functools
import json
import math
import os
import pickle
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader import limits
from grader.guard import KEY_MODULES, key_dirs
from grader.job import Job, JobQuestion
from grader.limits import MEMORY_MIB, STARTUP_SECONDS  # noqa: F401  (kept importable from here)
from grader.notebook import AST_LOCK

__all__ = ["SandboxResult", "SandboxQuestion", "run_in_sandbox", "run_notebook_in_sandbox", "isolation_report", "terminate_all", "SandboxClosed",
           "MEMORY_MIB", "STARTUP_SECONDS"]

MAX_MANIFEST = 4 * 1024 * 1024
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_STREAM_READ = 16 * 1024

# Every sandbox alive in this process: its child and scratch folder, so that a signal to the grader
# can end them all (see :func:`terminate_all`).
_LIVE: dict[int, tuple[subprocess.Popen | None, Path]] = {}
_LOCK = threading.RLock()   # re-entrant: a signal handler may run while its thread holds it
_CLOSED = threading.Event()


class SandboxClosed(RuntimeError):
    """No new sandbox starts once :func:`terminate_all` was called (the grader is exiting)."""


def _forget(outer: Path) -> None:
    with _LOCK:
        _LIVE.pop(id(outer), None)


def terminate_all(wait: float = 3.0) -> int:
    """Kill every running sandbox's process group, remove its scratch folder, and refuse new ones.

    Meant for the grader's signal handlers (main thread); returns how many sandboxes were ended.
    """
    _CLOSED.set()
    deadline = time.monotonic() + wait
    while True:
        with _LOCK:
            live = list(_LIVE.values())
        for proc, _ in live:
            if proc is not None:
                _kill_group(proc)
        if all(proc is None or proc.poll() is not None for proc, _ in live) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for _, outer in live:
        shutil.rmtree(outer, ignore_errors=True)
    return len(live)


@dataclass
class SandboxResult:
    """What came back from one sandboxed run (all of it untrusted, already size-checked)."""

    status: str                       # "ok" | "timeout" | "cpu" | "crashed" | "no-result"
    manifest: dict = field(default_factory=dict)
    arrays: list = field(default_factory=list)
    where: str = ""                   # last status the child reported ("cell 3", "case 1")
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    seconds: float = 0.0


# Inside a private mount namespace the sandbox's own folder is mounted over /tmp and empty
# read-only tmpfs over /var/tmp and /dev/shm, so the child cannot leave files in shared places.
_HIDE_SHARED = ('mount --bind "$0" /tmp && for d in /var/tmp /dev/shm; do '
                'if [ -d "$d" ]; then mount -t tmpfs -o size=1m,mode=755 tmpfs "$d" || exit 97; fi; '
                'done; exec "$@"')


def _under_tmp() -> list[str]:
    """Folders under /tmp that the child needs (a checkout or virtual environment living in /tmp):
    the interpreter's prefixes and the package folder, as seen from outside."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = []
    for path in (sys.prefix, sys.exec_prefix, package):
        for candidate in {os.path.abspath(path), os.path.realpath(path)}:
            if candidate.startswith("/tmp/") and candidate not in found:
                found.append(candidate)
    return found


def _hide_shared_script() -> str:
    """``_HIDE_SHARED`` that first keeps the /tmp folders the child needs and re-binds them, read-only,
    at the same paths on top of the private /tmp."""
    keep = _under_tmp()
    before = [f'mkdir -p "$0/keep/{i}" && mount --bind {shlex.quote(p)} "$0/keep/{i}" || exit 95'
              for i, p in enumerate(keep)]
    after = [f"mkdir -p {shlex.quote(p)} && mount --bind /tmp/keep/{i} {shlex.quote(p)} && "
             f"mount -o remount,bind,ro {shlex.quote(p)} || exit 95" for i, p in enumerate(keep)]
    # --rbind: the kept folders are mounts inside the sandbox folder and must come along
    cover = _HIDE_SHARED.replace('mount --bind "$0" /tmp && ', 'mount --rbind "$0" /tmp || exit 95\n'
                                 + "".join(line + "\n" for line in after), 1)
    cover = cover.replace('exec "$@"', _hide_key_lines() + 'exec "$@"')
    return "\n".join([*before, cover])


def _hide_key_lines() -> str:
    """Shell lines that cover the answer key with an empty folder (the course secret's file with
    /dev/null), so that inside the sandbox its files are not there at all."""
    lines = []
    for path in key_dirs():
        if os.path.isdir(path):
            lines.append(f"mount -t tmpfs -o size=4k,mode=000 tmpfs {shlex.quote(path)} || exit 94; ")
        elif os.path.isfile(path):
            lines.append(f"mount --bind /dev/null {shlex.quote(path)} || exit 94; ")
    return "".join(lines)


@functools.lru_cache(maxsize=1)
def _unshare_prefix() -> tuple[tuple[str, ...], bool]:
    """The ``unshare`` command that works here and whether it hides /tmp; ``((), False)`` if none."""
    exe = shutil.which("unshare") or ("/usr/bin/unshare" if os.path.exists("/usr/bin/unshare") else None)
    if exe is None or not os.path.exists("/bin/sh"):
        return (), False
    root = ("-r",) if os.geteuid() != 0 else ()
    candidates = [((exe, *root, "-n", "-p", "-f", "-m", "--kill-child", "--", "/bin/sh", "-c",
                    _HIDE_SHARED), True),
                  ((exe, *root, "-n", "-p", "-f", "--kill-child", "--"), False),
                  ((exe, "-r", "-n", "--"), False)]
    probe = Path(tempfile.mkdtemp(prefix="companion-probe-"))
    try:
        for prefix, hides in candidates:
            command = [*prefix, *((str(probe),) if hides else ()), "true"]
            try:
                done = subprocess.run(command, capture_output=True, timeout=10)
            except (OSError, subprocess.SubprocessError):
                continue
            if done.returncode == 0:
                return prefix, hides
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return (), False


@functools.lru_cache(maxsize=1)
def _unprivileged_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def isolation_report() -> dict:
    """Which protections are active on this machine, in words (shown by the grader)."""
    prefix, hides = _unshare_prefix()
    ids = _unprivileged_ids()
    return {
        "network isolation": "unshare (no network)" if "-n" in prefix else "unavailable",
        "process isolation": "PID namespace" if "-p" in prefix else "process group only",
        "shared folders": "hidden (/tmp, /var/tmp, /dev/shm)" if hides else "visible",
        "answer key": ("not mounted in the sandbox, and guarded" if hides else
                       "guarded (audit hook); its files stay on disk"),
        "user": "nobody (unprivileged)" if ids else
                ("current user (not root)" if os.geteuid() != 0 else "root (no 'nobody' user!)"),
    }


def _environment(scratch: Path | str) -> dict:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "MPLCONFIGDIR": f"{scratch}/.matplotlib",
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    # BLAS kernel selection is a property of the machine: keep it, but use one thread.
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def _make_scratch(submission: Path, ids: tuple[int, int] | None) -> tuple[Path, Path]:
    outer = Path(tempfile.mkdtemp(prefix="companion-grade-"))
    os.chmod(outer, 0o711)
    work = outer / "work"
    work.mkdir(mode=0o700)
    if submission.is_file():
        shutil.copyfile(submission, work / submission.name)
    if ids is not None:
        for path in [work, *work.iterdir()]:
            os.chown(path, *ids)
    return outer, work


def _read_stream(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_STREAM_READ).decode("utf-8", "replace")
    except OSError:
        return ""


def _load_array(path: Path) -> np.ndarray:
    """Load an untrusted .npy: no pickles, numeric dtypes only, header consistent with size."""
    size = path.stat().st_size
    if size > MAX_ARRAY_BYTES:
        raise ValueError("array too large")
    with open(path, "rb") as fh, AST_LOCK:     # the header is read with ast.literal_eval
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        if dtype.hasobject or dtype.kind not in "biufc":
            raise ValueError(f"unsupported dtype {dtype}")
        count = math.prod(shape)
        if count * dtype.itemsize != size - fh.tell():
            raise ValueError("array header does not match the file size")
        data = np.frombuffer(fh.read(), dtype=dtype, count=count)
    return data.reshape(shape, order="F" if fortran else "C").copy()


def _read_results(work: Path) -> tuple[dict, list]:
    path = work / "manifest.json"
    if not path.is_file() or path.stat().st_size > MAX_MANIFEST:
        return {}, []
    manifest = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    if not isinstance(manifest, dict):
        return {}, []
    n = manifest.get("arrays", 0)
    n = n if isinstance(n, int) and 0 <= n <= 100000 else 0
    arrays = []
    for i in range(n):
        try:
            arrays.append(_load_array(work / f"out_{i}.npy"))
        except (OSError, ValueError, EOFError):
            arrays.append(None)
    return manifest, arrays


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class SandboxQuestion:
    """One question of a notebook's sandboxed run.

    ``prefix`` cells (counted from the top of the notebook's run list) must have run before it;
    ``extra`` are positions of later cells it also needs, run in its own process only.
    """

    function: str
    cases: list                       # (args, kwargs) pairs, pickled for the child
    timeout: float | None             # seconds for all its cases (None: no own limit)
    forbidden: tuple[str, ...] = ()
    prefix: int = 0
    extra: tuple[int, ...] = ()


def run_in_sandbox(submission: Path, cells: list[tuple[int, str]], function: str,
                   cases: list[tuple[tuple, dict]], timeout: float,
                   forbidden: tuple[str, ...] = (), cell_timeout: float | None = None,
                   notebook_timeout: float | None = None) -> SandboxResult:
    """Execute ``cells`` then call ``function`` on every case in a fresh sandboxed process.

    Parameters
    ----------
    submission : Path
        The learner's notebook (copied into the scratch directory).
    cells : list of (int, str)
        Code cells to execute, as (cell number, source).
    function : str
        Name of the function to call after the cells ran.
    cases : list of (args, kwargs)
        Inputs, pickled by this (trusted) process for the child.
    timeout : float
        Without cell limits: wall-clock seconds of the whole run, after which the process group
        is killed. With ``cell_timeout`` or ``notebook_timeout``: seconds for calling the function
        on all the cases (interrupted in the child, so earlier cases keep their results).
    forbidden : tuple of str
        Dotted names whose use the child reports.
    cell_timeout : float, optional
        Seconds after which a cell is interrupted (like Jupyter's interrupt); the next cell runs.
    notebook_timeout : float, optional
        Seconds for all the cells together; cells left when they are used up are not run.

    Without cell limits a cell that loops uses up the whole ``timeout``. With them, the process
    group is killed only after ``timeout + notebook_timeout + STARTUP_SECONDS`` (code that ignores
    the interrupt).
    """
    limited = cell_timeout is not None or notebook_timeout is not None
    question = SandboxQuestion(function, cases, timeout if limited else None, tuple(forbidden), len(cells))
    return run_notebook_in_sandbox(submission, cells, [question], cell_timeout, notebook_timeout,
                                   wall=None if limited else timeout)[0]


def _wall_seconds(cells: list, questions: list[SandboxQuestion], cell_timeout: float | None,
                  notebook_timeout: float | None) -> float:
    """When the whole run is killed: every limit inside it has had its chance first."""
    cells_total = notebook_timeout if notebook_timeout is not None else len(cells) * float(cell_timeout or 0)
    own = sum(float(q.timeout or 0) + limits.SAVE_SECONDS + (cells_total if q.extra else 0.0) for q in questions)
    return limits.STARTUP_SECONDS + cells_total + own


def run_notebook_in_sandbox(submission: Path, cells: list[tuple[int, str]], questions: list[SandboxQuestion],
                            cell_timeout: float | None = None, notebook_timeout: float | None = None,
                            wall: float | None = None) -> list[SandboxResult]:
    """Run a notebook's cells once and answer every question in its own forked process.

    Parameters
    ----------
    submission : Path
        The learner's notebook (copied into the scratch directory).
    cells : list of (int, str)
        The code cells, in notebook order, as (cell number, source).
    questions : list of SandboxQuestion
        What to call, on which cases, after which cells (see :class:`SandboxQuestion`).
    cell_timeout, notebook_timeout : float, optional
        Seconds after which a cell is interrupted; seconds for all the cells one question needs.
    wall : float, optional
        Seconds after which the whole run is killed; default: the sum of all the limits inside it
        plus :data:`STARTUP_SECONDS`.

    Returns
    -------
    list of SandboxResult
        One per question, in the order given.
    """
    ids = _unprivileged_ids()
    wall = _wall_seconds(cells, questions, cell_timeout, notebook_timeout) if wall is None else wall
    with _LOCK:
        if _CLOSED.is_set():
            raise SandboxClosed("the grader is stopping")
        outer, work = _make_scratch(Path(submission), ids)
        _LIVE[id(outer)] = (None, outer)
    try:
        job = Job(cells=cells, questions=[], memory_mib=limits.MEMORY_MIB, cell_seconds=cell_timeout,
                  notebook_seconds=notebook_timeout, cpu_seconds=int(math.ceil(wall)) + 1,
                  file_mib=limits.FILE_MIB, save_seconds=limits.SAVE_SECONDS, nproc=limits.NPROC,
                  uid=ids[0] if ids else None, gid=ids[1] if ids else None,
                  key_dirs=key_dirs(), key_modules=list(KEY_MODULES))
        for k, q in enumerate(questions):
            with open(work / f"cases_{k}.pkl", "wb") as fh:
                pickle.dump(q.cases, fh, protocol=pickle.HIGHEST_PROTOCOL)
            if ids is not None:
                os.chown(work / f"cases_{k}.pkl", *ids)
            job.questions.append(JobQuestion(name=f".q{k}", function=q.function, cases_file=f"cases_{k}.pkl",
                                             case_seconds=q.timeout, prefix=q.prefix, extra=list(q.extra),
                                             forbidden=list(q.forbidden)))
        (outer / "job.json").write_text(job.dumps())
        if ids is not None:
            os.chmod(outer / "job.json", 0o644)
        return _spawn(outer, work, wall, len(questions))
    finally:   # removed before it is forgotten, so a signal handler never misses a folder
        shutil.rmtree(outer, ignore_errors=True)
        _forget(outer)


@functools.lru_cache(maxsize=1)
def _blocked_parents() -> dict[str, list[str]]:
    """Folders the unprivileged user cannot traverse (e.g. /root) that hold Python or the package.

    Maps each such folder to the entries below it that the child needs (e.g. /root/.pyenv).
    """
    needed = {os.path.realpath(p) for p in [*sys.path, sys.executable, sys.prefix, sys.base_prefix,
                                             os.path.dirname(os.path.dirname(__file__))]
              if p and os.path.exists(p)}
    blocked: dict[str, list[str]] = {}
    for path in sorted(needed):
        parts = Path(path).parts
        for i in range(1, len(parts) - 1):
            folder = Path(*parts[: i + 1])
            if not os.stat(folder).st_mode & 0o001:
                child = str(folder / parts[i + 1])
                blocked.setdefault(str(folder), [])
                if child not in blocked[str(folder)]:
                    blocked[str(folder)].append(child)
                break
    return blocked


def _expose_script(outer: Path) -> str:
    """Shell lines that make Python readable for ``nobody`` inside the private mount namespace:
    each blocked folder is covered by an empty tmpfs into which the needed entries are re-bound."""
    lines, n = [], 0
    for folder, children in _blocked_parents().items():
        holds = []
        for child in children:
            hold = outer / "hold" / str(n)
            n += 1
            holds.append((child, hold))
            lines.append(f"mkdir -p {shlex.quote(str(hold))} && mount --bind {shlex.quote(child)} "
                         f"{shlex.quote(str(hold))} || exit 96")
        lines.append(f"mount -t tmpfs -o size=1m,mode=755 tmpfs {shlex.quote(folder)} || exit 96")
        for child, hold in holds:
            lines.append(f"mkdir -p {shlex.quote(child)} && mount --bind {shlex.quote(str(hold))} "
                         f"{shlex.quote(child)} || exit 96")
    return "\n".join(lines)


def _spawn(outer: Path, work: Path, timeout: float, n_questions: int) -> list[SandboxResult]:
    prefix, hides = _unshare_prefix()
    inside = Path("/tmp") if hides else outer      # where the child sees the sandbox folder
    if hides:
        expose = _expose_script(outer) + "\n" if _unprivileged_ids() is not None and _blocked_parents() else ""
        prefix = (*prefix[:-1], expose + _hide_shared_script())
    command = [*prefix, *((str(outer),) if hides else ()), sys.executable, "-s", "-P", "-m",
               "grader._driver", str(inside / "job.json")]
    start = time.monotonic()
    with open(outer / "stdout", "wb") as out, open(outer / "stderr", "wb") as err:
        with _LOCK:
            if _CLOSED.is_set():
                raise SandboxClosed("the grader is stopping")
            proc = subprocess.Popen(command, cwd=work, env=_environment(inside / "work"),
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True, close_fds=True)
            _LIVE[id(outer)] = (proc, outer)
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(proc)
            proc.wait()
    seconds = time.monotonic() - start
    run = SandboxResult(status=_status_of(timed_out, proc.returncode, outer), where=_read_stream(work / "status.txt")[:40],
                        stdout=_read_stream(outer / "stdout"), stderr=_read_stream(outer / "stderr"),
                        returncode=proc.returncode, seconds=seconds)
    return [_question_result(run, work / f".q{k}") for k in range(n_questions)]


def _status_of(timed_out: bool, rc: int | None, outer: Path) -> str:
    if timed_out:
        return "timeout"
    if rc in (-signal.SIGXCPU, 128 + signal.SIGXCPU) or _cpu_exceeded(outer):
        return "cpu"
    return "crashed" if rc else "no-result"


def _question_result(run: SandboxResult, folder: Path) -> SandboxResult:
    """What one question's process left; where it left nothing, what stopped the whole run."""
    where = _read_stream(folder / "status.txt")[:40] or run.where
    common = dict(where=where, stdout=run.stdout, stderr=run.stderr, seconds=run.seconds)
    manifest, arrays = _read_results(folder)
    if manifest:
        return SandboxResult(status="ok", manifest=manifest, arrays=arrays, returncode=0, **common)
    ended = _read_ended(folder)
    if ended is None:            # the run stopped before or while this question's process ran
        return SandboxResult(status=run.status, returncode=run.returncode, **common)
    rc, timed_out = ended
    if timed_out:
        status = "timeout"
    elif rc in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
        status = "cpu"
    else:
        status = "crashed" if rc else "no-result"
    return SandboxResult(status=status, returncode=rc, **common)


def _read_ended(folder: Path) -> tuple[int, bool] | None:
    """(return code, killed for time) that the driver recorded for a question's process."""
    try:
        ended = json.loads(_read_stream(folder / "ended.json"))
        rc, timed_out = ended["returncode"], ended["timed_out"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(rc, int) or not isinstance(timed_out, bool):
        return None
    return rc, timed_out


def _cpu_exceeded(outer: Path) -> bool:
    return "CPU time limit" in _read_stream(outer / "stderr")
