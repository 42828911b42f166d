"""Every time and resource limit of grading, in one place.

The grader's command line, the runner, the sandbox and the driver inside it all read these; a
question may set its own ``timeout`` (seconds for its function on all its cases), otherwise it gets
:data:`QUESTION_SECONDS`.
"""
__all__ = ["QUESTION_SECONDS", "CELL_SECONDS", "NOTEBOOK_SECONDS", "STARTUP_SECONDS", "SAVE_SECONDS",
           "MEMORY_MIB", "FILE_MIB", "NPROC", "question_seconds"]

QUESTION_SECONDS = 20.0    # a question's function on all its cases, unless the question says otherwise
CELL_SECONDS = 10.0        # a notebook cell is interrupted after this long
NOTEBOOK_SECONDS = 60.0    # all the cells one question needs, together
STARTUP_SECONDS = 15       # starting Python and NumPy in the child, and saving its results
SAVE_SECONDS = 5           # a question's process, after its time, to save its results and exit
MEMORY_MIB = 2048          # address space of the sandboxed process (a kernel fails below ~1 GiB)
FILE_MIB = 32              # largest file the sandboxed process may write
NPROC = 64                 # processes of the unprivileged user


def question_seconds(question, override: float | None = None) -> float:
    """Seconds for ``question``'s function on all its cases: ``override``, its own, or the default."""
    if override is not None:
        return float(override)
    own = getattr(question, "timeout", None)
    return float(own if own is not None else QUESTION_SECONDS)
