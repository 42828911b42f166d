"""Build the course as a static HTML book from the stored outputs: `make site` (offline, no re-execution).

    python tools/build_site.py OUT [--no-warnings-as-errors]

OUT/src is a staging folder: docs/site/ (Sphinx configuration and styles), an index page made from
the README's introduction and course map, and copies of chapters/ and exercises/ with live widget
views dropped (a static page has no kernel; every explorer has a static figure next to it). Sphinx
with myst-nb and sphinx-book-theme then writes OUT/html; MathJax is copied in from the
jupyter-server-mathjax package so formulas render without a network. Warnings are errors by
default (tests/test_site.py builds it this way).
"""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def readme_sections() -> tuple[str, str, str]:
    """The README's title, its introduction and its course-map section (the chapter table)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", text, flags=re.M).group(1)
    intro = text.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    course_map = re.search(r"^## Course map\n(.*?)(?=^## )", text, flags=re.M | re.S).group(1).strip()
    return title, intro, course_map


def index_page(chapters: list[str], exercises: list[str]) -> str:
    title, intro, course_map = readme_sections()
    toc = lambda caption, names: ("```{toctree}\n:maxdepth: 1\n:caption: " + caption + "\n\n"
                                  + "\n".join(names) + "\n```\n")
    return (f"# {title}\n\n{intro}\n\n## Course map\n\n{course_map}\n\n"
            "Each chapter ends with a link to its practice notebook. This website shows the notebooks with "
            "their stored outputs; to run them and move the explorers' sliders, open the course in JupyterLab "
            "(`make lab`) or on Binder/Colab, as the README explains.\n\n"
            + toc("Chapters", chapters) + "\n" + toc("Practice", exercises))


def static_copy(src: pathlib.Path, dst: pathlib.Path) -> None:
    """Copy a notebook without live widget views or saved widget state (they need a kernel)."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def stage(src: pathlib.Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(ROOT / "docs" / "site", src)
    chapters = sorted(p for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
    exercises = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
    for nb in chapters + exercises:
        static_copy(nb, src / nb.parent.name / nb.name)
    (src / "index.md").write_text(index_page([f"chapters/{p.stem}" for p in chapters],
                                             [f"exercises/{p.stem}" for p in exercises]), encoding="utf-8")


def copy_mathjax(html: pathlib.Path) -> None:
    import jupyter_server_mathjax

    shutil.copytree(pathlib.Path(jupyter_server_mathjax.__file__).parent / "static", html / "_static" / "mathjax",
                    dirs_exist_ok=True)


def build(out: pathlib.Path, warnings_as_errors: bool = True) -> pathlib.Path:
    """Stage and build the site under `out`; returns the folder holding index.html."""
    src, html = out / "src", out / "html"
    stage(src)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(src), str(html)]
    if warnings_as_errors:
        command[3:3] = ["-W", "--keep-going"]
    subprocess.run(command, check=True)
    copy_mathjax(html)
    return html


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    try:
        print(build(pathlib.Path(args[0]), "--no-warnings-as-errors" not in sys.argv) / "index.html")
    except subprocess.CalledProcessError as error:
        sys.exit(f"the website did not build (sphinx exit code {error.returncode}); see the messages above")
