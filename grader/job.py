"""The job the sandbox receives: written by the grading process, read by the driver inside it.

One definition of its fields, so the two sides cannot drift apart. It travels as ``job.json``
(plain JSON) next to one pickle of inputs per question, written by the trusted grading process.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

__all__ = ["Job", "JobQuestion"]


@dataclass
class JobQuestion:
    """What the driver does for one question, in its own forked process."""

    name: str                          # folder of its results inside the scratch folder (".q0", …)
    function: str                      # the name the learner's code must define
    cases_file: str                    # pickle of [(args, kwargs), …], written by the grader
    case_seconds: float | None         # seconds for the function on all its cases (None: no limit)
    prefix: int                        # cells (from the top of the run list) run before it
    extra: list[int] = field(default_factory=list)   # later cells only it needs
    forbidden: list[str] = field(default_factory=list)   # dotted names whose use is reported


@dataclass
class Job:
    """A notebook's sandboxed run: its cells, its questions and its limits."""

    cells: list                        # [(cell number, source), …] in notebook order
    questions: list[JobQuestion]
    memory_mib: int
    cpu_seconds: int
    file_mib: int
    save_seconds: float
    nproc: int
    cell_seconds: float | None = None
    notebook_seconds: float | None = None
    uid: int | None = None             # drop to this user (when the grader runs as root)
    gid: int | None = None
    key_dirs: list[str] = field(default_factory=list)   # the answer key's folders: never readable
    key_modules: list[str] = field(default_factory=list)   # module prefixes learner code may not import

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> "Job":
        data = json.loads(text)
        data["questions"] = [JobQuestion(**q) for q in data["questions"]]
        data["cells"] = [tuple(c) for c in data["cells"]]
        return cls(**data)
