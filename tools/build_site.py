"""Build the course as a static HTML book from the stored outputs: `make site` (offline, no re-execution).

    python tools/build_site.py OUT [--no-warnings-as-errors]

OUT/src is a staging folder: docs/site/ (Sphinx configuration and styles), an index page made from
the README's introduction and course map, and copies of chapters/ and exercises/ with live widget
views dropped (a static page has no kernel; every explorer has a static figure next to it) and a
"run this notebook" box put after the title (how to open it locally, on Binder or on Colab, the
install line Colab needs first, and on practice pages how to check answers). Sphinx with myst-nb
and sphinx-book-theme then writes OUT/html; MathJax is copied in from the jupyter-server-mathjax
package so formulas render without a network, and the repository's own notebooks are put in
OUT/html/_sources/ for the ".ipynb" download button. Warnings are errors by default
(tests/test_site.py builds it this way).

Figures are described in the notebooks themselves: a code cell's `metadata.mystnb.image.alt` is the
alt text of the figure it draws (myst-nb reads it; tests/test_site.py checks that every figure has one).
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


def site_settings() -> dict:
    """REPOSITORY_URL, REPOSITORY_BRANCH and COLAB_INSTALL as docs/site/conf.py sets them (set once, there)."""
    namespace: dict = {"__file__": str(ROOT / "docs" / "site" / "conf.py")}
    exec((ROOT / "docs" / "site" / "conf.py").read_text(encoding="utf-8"), namespace)
    return {k: namespace[k] for k in ("REPOSITORY_URL", "REPOSITORY_BRANCH", "COLAB_INSTALL")}


def run_box(notebook: pathlib.Path) -> str:
    """The "run this notebook" box (a MyST admonition) for a chapter or practice page."""
    settings, path = site_settings(), f"{notebook.parent.name}/{notebook.name}"
    practice = notebook.parent.name == "exercises"
    binder = (f"https://mybinder.org/v2/gh/{settings['REPOSITORY_URL'].split('github.com/')[-1]}/"
              f"{settings['REPOSITORY_BRANCH']}?urlpath=lab/tree/{path}")
    colab = (f"https://colab.research.google.com/github/{settings['REPOSITORY_URL'].split('github.com/')[-1]}/"
             f"blob/{settings['REPOSITORY_BRANCH']}/{path}")
    lines = [
        f"```{{admonition}} Run this {'practice notebook' if practice else 'chapter'}",
        ":class: tip course-run",
        "",
        f"- **On your computer:** clone the [course repository]({settings['REPOSITORY_URL']}) and run "
        f"`make lab`; then open `{path}` in JupyterLab.",
        f"- **On [Binder]({binder}):** the whole course in JupyterLab in your browser, nothing to install "
        "(the first start takes a few minutes).",
        f"- **On [Colab]({colab}):** the notebook installs nothing itself, so first add a code cell at the top "
        f"with `{settings['COLAB_INSTALL']}` and run it; then run the notebook.",
    ]
    if practice:
        lines.append("- **Check your answers:** run the notebook from the top; after each answer, its cell "
                     "`check(\"qN\")` runs the visible test cases and says what is expected where an answer is "
                     "off. It is a quick check, not a grade: your instructor grades with "
                     "`python -m companion.grade`.")
    else:
        lines.append("- The ⬇ button above downloads this notebook; the 🚀 button opens it on Binder or Colab.")
    return "\n".join(lines + ["```", ""])


def static_copy(src: pathlib.Path, dst: pathlib.Path) -> None:
    """Copy a notebook without live widget views or saved widget state (they need a kernel), with the
    "run this notebook" box after its title cell."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("widgets", None)
    first_markdown = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), -1)
    nb["cells"].insert(first_markdown + 1, {"cell_type": "markdown", "id": "course-run-box", "metadata": {},
                                            "source": run_box(src)})
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


def copy_notebooks(html: pathlib.Path) -> None:
    """The ".ipynb" download button links to _sources/<page>.ipynb: put the repository's notebook there
    (as a learner would get it from the repository), not the staged copy."""
    for folder in ("chapters", "exercises"):
        for target in (html / "_sources" / folder).glob("*.ipynb"):
            shutil.copyfile(ROOT / folder / target.name, target)


def build(out: pathlib.Path, warnings_as_errors: bool = True) -> pathlib.Path:
    """Stage and build the site under `out`; returns the folder holding index.html."""
    src, html = out / "src", out / "html"
    stage(src)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(src), str(html)]
    if warnings_as_errors:
        command[3:3] = ["-W", "--keep-going"]
    subprocess.run(command, check=True)
    copy_mathjax(html)
    copy_notebooks(html)
    return html


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    try:
        print(build(pathlib.Path(args[0]), "--no-warnings-as-errors" not in sys.argv) / "index.html")
    except subprocess.CalledProcessError as error:
        sys.exit(f"the website did not build (sphinx exit code {error.returncode}); see the messages above")
