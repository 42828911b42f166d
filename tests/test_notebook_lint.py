"""Notebook hygiene, checked before nbval re-executes anything (docs/architecture.md §5–6).

Each failure says what is wrong and how to fix it, because a strict nbval failure on a stored
warning or a memory address is hard to read.
"""
import importlib.util
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("normalize_notebooks", ROOT / "tools" / "normalize_notebooks.py")
normalize_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(normalize_notebooks)
EXECUTED = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
EXERCISES = sorted(ROOT.glob("exercises/*.ipynb"))
MAX_BYTES = 2_000_000

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
MACHINE_PATH = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\|site-packages|ipykernel_\d+)")
PLOT_SEMICOLON = re.compile(r"^\s*(plt|ax\w*|fig\w*|axes\[.*\])\.\w+\(.*\)\s*;\s*(#.*)?$")
NEEDS_IGNORE = re.compile(r"(ipywidgets|widgets\.|interact|clear_output|display_id|tqdm|time\.perf_counter|"
                          r"timeit|_explorer\(|optimizer_race\()")
IGNORE_TAG = "nbval-ignore-output"


def rel(path):
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def out_text(out):
    data = out.get("data", {})
    parts = [out.get("text", ""), data.get("text/plain", ""), data.get("text/html", ""), out.get("evalue", "")]
    return "".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


def problems_of(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernel name is {kernel!r}; set metadata.kernelspec.name to 'python3'")
    found += opens_dirty(path)
    if path.stat().st_size > MAX_BYTES:
        found.append(f"file is {path.stat().st_size / 1e6:.1f} MB; lower the figure dpi or draw fewer figures")
    first = next((c for c in code_cells(nb) if "".join(c["source"]).strip()), None)
    if first is None or "%matplotlib inline" not in "".join(first["source"]).splitlines():
        found.append("the first code cell does not say `%matplotlib inline`; add it as its first line, so figures "
                     "render whatever MPLBACKEND the learner's or CI's shell exports (e.g. Agg)")
    counts = [c.get("execution_count") for c in code_cells(nb) if "".join(c["source"]).strip()]
    if any(n is None for n in counts):
        found.append("some code cells were never run; execute the notebook top to bottom and save it "
                     "(make execute NB=…)")
    elif counts != list(range(1, len(counts) + 1)):
        found.append(f"cells were not run top to bottom in one fresh kernel (execution counts {counts[:8]}…); "
                     "restart the kernel, run all, save")
    for i, cell in enumerate(code_cells(nb), start=1):
        found += cell_problems(i, cell)
    return found


def opens_dirty(path):
    """JupyterLab rewrites the kernelspec, cell ids and nbformat minor on load: stored otherwise, a
    notebook shows the unsaved-changes dot as soon as it is opened."""
    if normalize_notebooks.normalize_file(path, write=False):
        return [f"stored differently from how JupyterLab holds it (kernelspec display name, cell ids or nbformat "
                f"4.5), so it opens with an unsaved-changes dot; run `python tools/normalize_notebooks.py {rel(path)}`"]
    return []


def cell_problems(i, cell):
    src = "".join(cell["source"])
    tags = cell.get("metadata", {}).get("tags", [])
    where = f"code cell {i} ({src.strip().splitlines()[0][:40] if src.strip() else 'empty'!r})"
    found = []
    if cell.get("execution_count") is None and cell.get("outputs"):
        found.append(f"{where}: has outputs but was never run; clear them or run it")
    for line in src.splitlines():
        if PLOT_SEMICOLON.match(line):
            found.append(f"{where}: a plotting line ends with ';' — nbval still compares its output: "
                         "end the cell with plt.show() or assign `_ = …`")
    code = "\n".join(l for l in src.splitlines() if not re.match(r"\s*(import|from)\s", l))
    widgety = NEEDS_IGNORE.search(code) or any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                               for o in cell.get("outputs", []))
    if widgety and IGNORE_TAG not in tags:
        found.append(f"{where}: shows a widget, progress bar, timing or clear_output, whose output differs "
                     f"between runs; add the cell tag '{IGNORE_TAG}'")
    for out in cell.get("outputs", []):
        found += output_problems(where, out, tags)
    if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        if not is_a_sentence(alt):
            found.append(f"{where}: draws a figure without alt text; give the cell metadata "
                         "{'mystnb': {'image': {'alt': '…'}}}: a sentence of 12 words or more on what the "
                         "figure shows and what to notice (the website's img alt, WCAG 1.1.1)")
    return found


def is_a_sentence(alt: str) -> bool:
    """The website's rule for alt text (tests/test_site.py): a real sentence, not a file name."""
    return (len(alt.split()) >= 12 and alt[:1].isupper() and alt.rstrip().endswith((".", ")"))
            and not re.search(r"\.(png|jpe?g|svg)\b|_images/", alt))


def output_problems(where, out, tags):
    found = []
    text = out_text(out)
    if out.get("output_type") == "stream" and out.get("name") == "stderr":
        first = text.strip().splitlines()[0][:80] if text.strip() else ""
        found.append(f"{where}: stored stderr ({first!r}); a warning usually means a numerical bug — fix it, "
                     "don't hide it")
    if out.get("output_type") == "error" and "raises-exception" not in tags:
        found.append(f"{where}: stored error {out.get('ename')}; fix it, or tag the cell 'raises-exception' "
                     "if the error is the lesson")
    if "image/svg+xml" in out.get("data", {}):
        found.append(f"{where}: SVG output (it embeds a date); use PNG figures")
    if ADDRESS.search(text):
        found.append(f"{where}: output shows a memory address {ADDRESS.search(text).group(0)}; don't leave an "
                     "object's repr as the last value")
    if MACHINE_PATH.search(text):
        found.append(f"{where}: output shows a path of the machine it ran on ({MACHINE_PATH.search(text).group(0)}…)")
    return found


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: str(rel(p)))
def test_executed_notebook_is_clean(path):
    found = problems_of(path)
    assert not found, f"{rel(path)}:\n  - " + "\n  - ".join(found)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: str(rel(p)))
def test_exercise_notebook_is_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", f"{rel(path)}: kernel must be python3"
    stale = [i for i, c in enumerate(code_cells(nb), 1) if c.get("outputs") or c.get("execution_count")]
    assert not stale, f"{rel(path)}: code cells {stale} keep outputs; regenerate with `make exercises`"
    dirty = opens_dirty(path)
    assert not dirty, f"{rel(path)}: {dirty[0]} (or fix its solution and run `make exercises`)"


def test_the_lint_catches_what_it_should(tmp_path):
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "plt.plot(x);\nw = widgets.IntSlider()",
            "outputs": [{"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: overflow"},
                        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                         "data": {"text/plain": "<Line2D at 0x7f00deadbeef> /work/x"}},
                        {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR"}}]}
    nb = {"cells": [cell, dict(cell, execution_count=3)], "metadata": {"kernelspec": {"name": "py"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    text = "\n".join(problems_of(path))
    for expected in ("kernel name", "%matplotlib inline", "unsaved-changes dot", "not run top to bottom",
                     "ends with ';'", "nbval-ignore-output", "stderr", "memory address", "path of the machine",
                     "without alt text"):
        assert expected in text


def test_start_page_lists_the_readme_course_map():
    """chapters/00_start_here.ipynb (what `make lab` opens) carries the README's course map."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, str(ROOT / "tools" / "start_page.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr or run.stdout
