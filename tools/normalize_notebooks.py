"""Store notebooks the way JupyterLab holds them, so opening one leaves no unsaved-changes dot.

Why a notebook showed as modified right after opening: when its kernel starts, JupyterLab writes
the kernel's own spec into ``metadata.kernelspec``. ipykernel's spec is named ``python3`` and
displayed as "Python 3 (ipykernel)", while the notebooks stored "Python 3"; the changed display
name marks the document dirty (seen in a real browser: the same chapter with the display name
corrected opens clean). Likewise JupyterLab 4 gives every cell an id and upgrades nbformat to
4.5, so a notebook stored without them would also open dirty.

What this script changes, and nothing else (outputs, sources and execution counts stay as they are):

- ``metadata.kernelspec`` becomes ``{"display_name": "Python 3 (ipykernel)", "language": "python",
  "name": "python3"}``;
- ``nbformat_minor`` is raised to 5 and cells without an ``id`` get one (derived from the notebook
  name and the cell's position, so re-running gives the same ids);
- with ``--add-matplotlib-inline``, ``%matplotlib inline`` becomes the first line of the first code
  cell when missing (a source-only change: the magic prints nothing, so stored outputs stay valid).

The file's JSON layout is kept (one-space indent, UTF-8, and sorted keys if it had them).

    python tools/normalize_notebooks.py chapters/*.ipynb solutions/*.ipynb exercises/*.ipynb
    python tools/normalize_notebooks.py --check chapters/*.ipynb     # exit 1 and list what would change

tests/test_notebook_lint.py fails on any notebook this script would change.
"""
from __future__ import annotations

import copy
import hashlib
import json
import pathlib
import sys

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def dumps(nb: dict, sort_keys: bool = False) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=sort_keys) + "\n"


def normalized(nb: dict, name: str, add_matplotlib_inline: bool = False) -> dict:
    """A normalized copy of the notebook `nb` (a dict as stored); `name` seeds missing cell ids."""
    nb = copy.deepcopy(nb)
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 0))
    for i, cell in enumerate(nb.get("cells", [])):
        if "id" not in cell:
            cell["id"] = hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:8]
    code = [c for c in nb.get("cells", []) if c["cell_type"] == "code"]
    if add_matplotlib_inline and code:
        source = code[0]["source"]
        lines = source.splitlines(True) if isinstance(source, str) else list(source)
        if "%matplotlib inline" not in "".join(lines).splitlines():
            code[0]["source"] = ["%matplotlib inline\n", *lines]
    return nb


def normalize_file(path: pathlib.Path, write: bool, add_matplotlib_inline: bool = False) -> bool:
    """Normalize one notebook file; True when it changed (or would change, with write=False)."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    sort_keys = text == dumps(nb, sort_keys=True) and text != dumps(nb)
    new = dumps(normalized(nb, path.name, add_matplotlib_inline), sort_keys=sort_keys)
    if new == text:
        return False
    if write:
        path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    check = "--check" in argv
    add_inline = "--add-matplotlib-inline" in argv
    paths = [pathlib.Path(a) for a in argv if not a.startswith("--")]
    changed = [p for p in paths if normalize_file(p, write=not check, add_matplotlib_inline=add_inline)]
    for p in changed:
        print(("would normalize " if check else "normalized ") + str(p))
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
