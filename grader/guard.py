"""Keeping learner code away from the answer key inside the sandbox.

The answer key is :mod:`grader.questions` (question specifications, reference implementations,
hidden cases) and the course secret that re-seeds the hidden cases. In the sandboxed process,
before any learner code runs, :func:`install`

- adds a PEP 578 audit hook (``sys.addaudithook``; it cannot be removed) that refuses to import
  any module of the grading package not already loaded (``import``, ``importlib``,
  ``__import__``, ``runpy.run_module``) and to open any file of the key (``open``, ``io.open_code``
  and so ``exec(open(…).read())``, ``runpy.run_path``, ``importlib.util.spec_from_file_location``);
- puts stand-ins for the key's modules into ``sys.modules`` (and onto the ``grader`` package)
  that refuse every attribute, so the ``sys.modules`` route fails too.

Each attempt is recorded (:data:`HITS`) with the cell or call it came from; the grader gives the
question it belongs to 0 points and says why. Where the platform allows it, the sandbox also
mounts an empty folder over the key (:mod:`grader.sandbox`), so its files are not even there.
"""
from __future__ import annotations

import os
import sys
import types
from pathlib import Path

__all__ = ["KEY_MODULES", "key_dirs", "install", "HITS", "KeyAccess", "set_place"]

#: module prefixes learner code may not import in the sandbox (the whole grading package)
KEY_MODULES = ("grader",)
#: stand-ins put into sys.modules: the key's package and chapter modules
_STAND_INS = ("grader.questions", *(f"grader.questions.ch{n:02d}" for n in range(31)))

HITS: list[dict] = []       # {"cell": int | None, "what": str, "own": bool}
ACTIVE = False              # set by install(): check() then leaves the key alone
_PLACE = {"cell": None, "own": False}


class KeyAccess(PermissionError):
    """Raised in learner code that reaches for the answer key."""


def key_dirs() -> list[str]:
    """Folders and files of the answer key as the grading process sees them (real paths)."""
    from grader import secret

    found = [os.path.realpath(Path(__file__).resolve().parent / "questions")]
    path = secret.secret_file()
    if path is not None:
        found.append(os.path.realpath(path))
    return found


def set_place(cell: int | None, own: bool | None = None) -> None:
    """Where learner code runs now (a cell number, or None for a call of the question's function)."""
    _PLACE["cell"] = cell
    if own is not None:
        _PLACE["own"] = own


def _code_cell() -> int | None:
    """The notebook cell whose code reached for the key: the innermost ``<cell N>`` frame (a function
    defined in an answer cell and called from a demo cell belongs to the answer), else the cell
    running now."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<cell ") and name.endswith(">") and name[6:-1].isdigit():
            return int(name[6:-1])
        frame = frame.f_back
    return _PLACE["cell"]


def _record(what: str) -> KeyAccess:
    HITS.append({"cell": _code_cell(), "what": what[:200], "own": _PLACE["own"]})
    return KeyAccess(f"the answer key is not available to your code ({what}); write the answer yourself")


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__") and name not in ("__path__", "__file__"):
            raise AttributeError(name)
        raise _record(f"{self.__name__}.{name}")


def install(dirs: list[str], modules: tuple[str, ...] | list[str] = KEY_MODULES) -> None:
    """Guard this process (call once, after the trusted imports, before any learner code)."""
    dirs = [d.rstrip(os.sep) for d in dirs if d]
    prefixes = tuple(modules)
    realpath, fspath, fsdecode = os.path.realpath, os.fspath, os.fsdecode
    busy = [False]

    def blocked_path(path) -> bool:
        if isinstance(path, int):
            return False
        name = realpath(fsdecode(fspath(path)))
        return any(name == d or name.startswith(d + os.sep) for d in dirs)

    def hook(event: str, args: tuple) -> None:
        if busy[0] or event not in ("import", "open"):
            return
        busy[0] = True
        try:
            if event == "import":
                name = args[0]
                if isinstance(name, str) and any(name == p or name.startswith(p + ".") for p in prefixes):
                    raise _record(f"import {name}")
            elif args and args[0] is not None and blocked_path(args[0]):
                raise _record(f"open {fsdecode(fspath(args[0]))}")
        except (TypeError, ValueError, OSError) as exc:
            if isinstance(exc, KeyAccess):
                raise
        finally:
            busy[0] = False

    parent = sys.modules.get("grader")
    for name in _STAND_INS:
        sys.modules[name] = _StandIn(name)
    if parent is not None:
        parent.questions = sys.modules["grader.questions"]
    sys.addaudithook(hook)
    global ACTIVE
    ACTIVE = True
