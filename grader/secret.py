"""The instructor's course secret: it re-seeds the hidden cases, so a public repository does not
reveal them.

Set it outside the repository, either as the environment variable ``COURSE_SECRET`` or in a file
named by ``COURSE_SECRET_FILE`` (default ``~/.config/course-grader/secret``). With a secret set,
every random draw of a question's case generator (:func:`case_rng`) is seeded with the question's
own seed *and* the secret, and the grader keeps the hidden cases of that draw while the visible
cases stay those the notebook's ``check()`` knows. Cases written out literally in the key stay as
they are. Without a secret the grader behaves exactly as before.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

__all__ = ["ENV", "ENV_FILE", "DEFAULT_FILE", "secret", "secret_file", "case_rng", "cases_of"]

ENV = "COURSE_SECRET"
ENV_FILE = "COURSE_SECRET_FILE"
DEFAULT_FILE = Path("~/.config/course-grader/secret")
_STATE = threading.local()     # "secret mode" while a question's cases are drawn for grading


def secret_file() -> Path | None:
    """The secret's file when one is configured and exists."""
    path = Path(os.environ.get(ENV_FILE) or DEFAULT_FILE).expanduser()
    return path if path.is_file() else None


def secret() -> str | None:
    """The course secret (``COURSE_SECRET``, else the secret file's first line), or None."""
    text = os.environ.get(ENV, "").strip()
    if not text and (path := secret_file()) is not None:
        text = path.read_text(encoding="utf-8").strip()
    return text or None


def case_rng(seed: int) -> np.random.Generator:
    """The generator a question's case function draws from: ``default_rng(seed)``, mixed with the
    course secret while :func:`cases_of` draws hidden cases."""
    mixed = getattr(_STATE, "secret", None)
    if mixed is None:
        return np.random.default_rng(seed)
    return np.random.default_rng([int(seed), mixed])


def cases_of(question) -> list:
    """The cases to grade ``question`` with: its visible cases, and hidden ones re-seeded by the secret."""
    plain = question.cases()
    text = secret()
    if text is None:
        return plain
    _STATE.secret = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    try:
        seeded = question.cases()
    finally:
        _STATE.secret = None
    if len(seeded) != len(plain) or any(a.hidden != b.hidden for a, b in zip(plain, seeded)):
        return plain          # a generator whose shape depends on its draws: keep the plain cases
    return [b if a.hidden else a for a, b in zip(plain, seeded)]
