"""Build the course as a static HTML book from the stored outputs: `make site` (offline, no re-execution).

    python tools/build_site.py OUT [--no-warnings-as-errors]

Two editions, the same pages: the English site in OUT/html and the Chinese one in OUT/html/zh.

OUT/src (OUT/src-zh for the Chinese edition) is a staging folder: docs/site/ (Sphinx configuration,
styles and templates), an index page, the glossary (docs/glossary.md), and copies of chapters/ and
exercises/ (zh/chapters/ and zh/exercises/) with live widget views dropped (a static page has no
kernel; every explorer has a static figure next to it), the notebook's own language-switch line dropped
(every page of the site has the theme-level switch instead, to the same page of the other edition) and
a "run this notebook" box put after the title (how to open it locally, on Binder or on Colab, the
install line Colab needs first, and on practice pages how to check answers). The English index is made
from the README's introduction and course map; the Chinese one from the Chinese start page
(zh/chapters/00_start_here.ipynb), so it is in Chinese as soon as that page is translated.
Sphinx with myst-nb and sphinx-book-theme then writes each edition (the Chinese one with
COURSE_SITE_LANGUAGE=zh, see docs/site/conf.py); MathJax is copied in from the jupyter-server-mathjax
package so formulas render without a network, and the repository's own notebooks are put in
_sources/ for the ".ipynb" download button. Warnings are errors by default (tests/test_site.py builds
it this way).

Figures are described in the notebooks themselves: a code cell's `metadata.mystnb.image.alt` is the
alt text of the figure it draws (myst-nb reads it; tests/test_site.py checks that every figure has one).
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SWITCH_ID = "language-switch"       # the notebooks' own link to their other edition (tools/translations.py)
GLOSSARY = ROOT / "docs" / "glossary.md"
# Where each edition's notebooks come from, and where its site goes (relative to OUT/html).
EDITIONS = {"en": {"notebooks": ROOT, "html": "."}, "zh": {"notebooks": ROOT / "zh", "html": "zh"}}
CJK = re.compile(r"[\u3400-\u9fff]")


def readme_sections() -> tuple[str, str, str]:
    """The README's title, its introduction and its course-map section (the chapter table)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", text, flags=re.M).group(1)
    intro = text.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    course_map = re.search(r"^## Course map\n(.*?)(?=^## )", text, flags=re.M | re.S).group(1).strip()
    return title, intro, course_map


def toctree(caption: str, names: list[str]) -> str:
    return "```{toctree}\n:maxdepth: 1\n:caption: " + caption + "\n\n" + "\n".join(names) + "\n```\n"


def index_page(chapters: list[str], exercises: list[str]) -> str:
    title, intro, course_map = readme_sections()
    return (f"# {title}\n\n{intro}\n\n## Course map\n\n{course_map}\n\n"
            "Each chapter ends with a link to its practice notebook. This website shows the notebooks with "
            "their stored outputs; to run them and move the explorers' sliders, open the course in JupyterLab "
            "(`make lab`) or on Binder/Colab, as the README explains. The [glossary](glossary.md) lists the "
            "English ↔ 中文 terms of both editions; the 中文 button at the top of every page opens the same page "
            "in Chinese.\n\n"
            + toctree("Chapters", chapters) + "\n" + toctree("Practice", exercises) + "\n"
            + toctree("Reference", ["glossary"]))


def markdown_cells(notebook: pathlib.Path) -> dict[str, str]:
    """A notebook's markdown cells by cell id."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return {c.get("id", ""): "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"}


def zh_index_page(chapters: list[str], exercises: list[str]) -> str:
    """The Chinese index from the Chinese start page, as the English one is from the README: the course
    title, the start page's welcome paragraph, its course map and "how each chapter works" (with the
    glossary link); links point at the site's pages."""
    title = site_settings("zh")["project"]
    cells = markdown_cells(ROOT / "zh" / "chapters" / "00_start_here.ipynb")
    welcome = re.split(r"\n\s*\n", re.sub(r"^#.*\n", "", cells["start-intro"].strip()).strip())[0]
    body = "\n\n".join([welcome, demote(cells["start-course-map"]), demote(cells["start-how"])])
    return (f"# {title}\n\n{site_links(body, 'chapters')}\n\n"
            "每一章的末尾都链接到它的练习笔记本。本网站显示的是笔记本及其保存的输出；要运行它们、拖动交互演示的滑块，"
            "请在 JupyterLab 中打开课程（`make lab-zh`），或使用 Binder/Colab（见 README）。"
            "每页顶部的 English 按钮打开同一页的英文版。\n\n"
            + toctree("章节", chapters) + "\n" + toctree("练习", exercises) + "\n" + toctree("参考", ["glossary"]))


def demote(markdown: str) -> str:
    """A `# ` heading becomes `## `: the index has one title (the start page's sections are `## ` already)."""
    return re.sub(r"^# ", "## ", markdown, flags=re.M)


def site_links(markdown: str, folder: str) -> str:
    """Links of a notebook in `folder` (chapters/, exercises/) rewritten for a page at the site's root:
    sibling notebooks into their folder, `../exercises/…` to `exercises/…`, the glossary to its page."""
    markdown = re.sub(r"\]\((?:\.\./)+docs/glossary\.md", "](glossary.md", markdown)
    markdown = re.sub(r"\]\(\.\./(chapters|exercises)/", r"](\1/", markdown)
    return re.sub(r"\]\((\d\d_[\w-]+\.ipynb)", rf"]({folder}/\1", markdown)


def site_settings(language: str = "en") -> dict:
    """REPOSITORY_URL, REPOSITORY_BRANCH, COLAB_INSTALL and the site's title (`project`) as docs/site/conf.py
    sets them for an edition (set once, there)."""
    namespace: dict = {"__file__": str(ROOT / "docs" / "site" / "conf.py")}
    saved = os.environ.get("COURSE_SITE_LANGUAGE")
    os.environ["COURSE_SITE_LANGUAGE"] = language
    try:
        exec((ROOT / "docs" / "site" / "conf.py").read_text(encoding="utf-8"), namespace)
    finally:
        if saved is None:
            os.environ.pop("COURSE_SITE_LANGUAGE")
        else:
            os.environ["COURSE_SITE_LANGUAGE"] = saved
    return {k: namespace[k] for k in ("REPOSITORY_URL", "REPOSITORY_BRANCH", "COLAB_INSTALL", "project")}


def launch_links(path: str) -> tuple[str, str]:
    """The Binder and Colab addresses of the repository's notebook at `path`."""
    settings = site_settings()
    repository = settings["REPOSITORY_URL"].split("github.com/")[-1]
    return (f"https://mybinder.org/v2/gh/{repository}/{settings['REPOSITORY_BRANCH']}?urlpath=lab/tree/{path}",
            f"https://colab.research.google.com/github/{repository}/blob/{settings['REPOSITORY_BRANCH']}/{path}")


# The "run this notebook" box in each edition's language: the same facts and links, worded twice.
RUN_BOX = {
    "en": {
        "title": ("Run this chapter", "Run this practice notebook"),
        "lines": (
            "- **On your computer:** clone the [course repository]({repository}) and run `make lab`; then "
            "open `{path}` in JupyterLab.",
            "- **On [Binder]({binder}):** the whole course in JupyterLab in your browser, nothing to install "
            "(the first start takes a few minutes).",
            "- **On [Colab]({colab}):** the notebook installs nothing itself, so first add a code cell at the top "
            "with `{install}` and run it; then run the notebook."),
        "chapter": "- The ⬇ button above downloads this notebook; the 🚀 button opens it on Binder or Colab.",
        "practice": "- **Check your answers:** run the notebook from the top; after each answer, its cell "
                    "`check(\"qN\")` runs the visible test cases and says what is expected where an answer is "
                    "off. It is a quick check, not a grade: your instructor grades with `python -m companion.grade`.",
    },
    "zh": {
        "title": ("运行本章", "运行本练习笔记本"),
        "lines": (
            "- **在你的电脑上：** 克隆[课程仓库]({repository})，运行 `make lab`，然后在 JupyterLab 中打开 `{path}`。",
            "- **在 [Binder]({binder}) 上：** 在浏览器里用 JupyterLab 运行整门课程，无需安装（第一次启动需要几分钟）。",
            "- **在 [Colab]({colab}) 上：** 笔记本自己不安装任何东西，所以请先在最上面加一个代码单元格，"
            "写入 `{install}` 并运行，然后再运行笔记本。"),
        "chapter": "- 上方的 ⬇ 按钮下载本笔记本；🚀 按钮在 Binder 或 Colab 上打开它。",
        "practice": "- **检查答案：** 从头运行笔记本；每个答案之后的 `check(\"qN\")` 单元格运行可见的测试用例，"
                    "答案有误时说明预期的结果。这只是快速检查，不是评分：教师用 `python -m companion.grade` 评分。",
    },
}


def run_box(notebook: pathlib.Path) -> str:
    """The "run this notebook" box (a MyST admonition) for a chapter or practice page, in the language of
    the notebook's edition (a notebook under zh/ gets the Chinese box)."""
    path = notebook.resolve().relative_to(ROOT).as_posix()
    words = RUN_BOX["zh" if path.startswith("zh/") else "en"]
    settings, practice = site_settings(), notebook.parent.name == "exercises"
    binder, colab = launch_links(path)
    facts = {"repository": settings["REPOSITORY_URL"], "path": path, "binder": binder, "colab": colab,
             "install": settings["COLAB_INSTALL"]}
    lines = [f"```{{admonition}} {words['title'][practice]}", ":class: tip course-run", "",
             *(line.format(**facts) for line in words["lines"]), words["practice" if practice else "chapter"]]
    return "\n".join(lines + ["```", ""])


def static_copy(src: pathlib.Path, dst: pathlib.Path) -> None:
    """Copy a notebook without live widget views or saved widget state (they need a kernel) and without
    its language-switch line (its link leaves the site; the page's own switch replaces it), with the
    "run this notebook" box after its title cell and links to the glossary pointing at its page."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("widgets", None)
    nb["cells"] = [c for c in nb["cells"] if c.get("id") != SWITCH_ID]
    first_markdown = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), -1)
    nb["cells"].insert(first_markdown + 1, {"cell_type": "markdown", "id": "course-run-box", "metadata": {},
                                            "source": run_box(src)})
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if WIDGET_VIEW not in o.get("data", {})]
        else:
            source = "".join(cell["source"])
            if "docs/glossary.md" in source:
                cell["source"] = re.sub(r"\]\((?:\.\./)+docs/glossary\.md", "](../glossary.md", source)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def glossary_page() -> str:
    """docs/glossary.md as a page at the site's root: links to the course's notebooks point at their pages
    (in each edition, its own notebooks); other links out of docs/ go to the repository."""
    if not GLOSSARY.is_file():
        raise FileNotFoundError("docs/glossary.md is missing: the website has a glossary page built from it")
    text = GLOSSARY.read_text(encoding="utf-8")
    text = re.sub(r"\]\(\.\./(?:zh/)?(chapters|exercises)/", r"](\1/", text)
    settings = site_settings()
    repository = f"{settings['REPOSITORY_URL']}/blob/{settings['REPOSITORY_BRANCH']}/"
    text = re.sub(r"\]\(\.\./(?!chapters/|exercises/)([^)#\s]+)", lambda m: f"]({repository}{m.group(1)}", text)
    return re.sub(r"\]\((?!https?:|#|chapters/|exercises/)([\w.-]+\.md)", lambda m: f"]({repository}docs/{m.group(1)}", text)


def chinese_terms(markdown: str) -> set[str]:
    """The Chinese terms of the markdown tables that have a 中文 column (the glossary, each chapter's key
    terms): every cell of that column split at slashes, commas and parentheses, the pieces that are
    wholly Chinese and longer than one character."""
    terms, header = set(), None
    for line in markdown.splitlines() + [""]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else None
        if cells is None:
            header = None
        elif header is None:
            header = cells
        elif "中文" in header and len(cells) == len(header) and not set(cells[0]) <= set("-: "):
            for piece in re.split(r"[/／、，,;；（）()\s]+", cells[header.index("中文")]):
                piece = piece.strip("*`「」“”\"'")
                if len(piece) > 1 and all(CJK.match(ch) for ch in piece):
                    terms.add(piece)
    return terms


def search_words(notebooks: list[pathlib.Path]) -> str:
    """A jieba user dictionary (one word a line, with a high frequency) of the glossary's and the key-term
    tables' Chinese terms. jieba alone splits 反向传播 into 反向 and 传播, so a search for the term would
    find nothing; with the terms in its dictionary the Chinese search indexes each one whole."""
    texts = [GLOSSARY.read_text(encoding="utf-8")] if GLOSSARY.is_file() else []
    for notebook in notebooks:
        texts += markdown_cells(notebook).values()
    words = set().union(*(chinese_terms(text) for text in texts))
    return "".join(f"{word} 100000\n" for word in sorted(words))


def pages_of(language: str) -> tuple[list[pathlib.Path], list[pathlib.Path]]:
    """An edition's chapters (the start page is the index, not a chapter page) and practice notebooks."""
    base = EDITIONS[language]["notebooks"]
    chapters = sorted(p for p in (base / "chapters").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
    return chapters, sorted((base / "exercises").glob("[0-9][0-9]_*.ipynb"))


def stage(src: pathlib.Path, language: str = "en") -> None:
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(ROOT / "docs" / "site", src)
    chapters, exercises = pages_of(language)
    for nb in chapters + exercises:
        static_copy(nb, src / nb.parent.name / nb.name)
    names = [f"chapters/{p.stem}" for p in chapters], [f"exercises/{p.stem}" for p in exercises]
    index = index_page(*names) if language == "en" else zh_index_page(*names)
    (src / "index.md").write_text(index, encoding="utf-8")
    (src / "glossary.md").write_text(glossary_page(), encoding="utf-8")
    if language == "zh":
        (src / "search_words.txt").write_text(search_words(chapters + exercises), encoding="utf-8")


def copy_mathjax(html: pathlib.Path) -> None:
    import jupyter_server_mathjax

    shutil.copytree(pathlib.Path(jupyter_server_mathjax.__file__).parent / "static", html / "_static" / "mathjax",
                    dirs_exist_ok=True)


def copy_notebooks(html: pathlib.Path, language: str = "en") -> None:
    """The ".ipynb" download button links to _sources/<page>.ipynb: put the repository's notebook there
    (as a learner would get it from the repository), not the staged copy."""
    for folder in ("chapters", "exercises"):
        for target in (html / "_sources" / folder).glob("*.ipynb"):
            shutil.copyfile(EDITIONS[language]["notebooks"] / folder / target.name, target)


def build_edition(out: pathlib.Path, language: str, warnings_as_errors: bool) -> pathlib.Path:
    """Stage and build one edition; returns the folder holding its index.html."""
    src = out / ("src" if language == "en" else f"src-{language}")
    html = (out / "html" / EDITIONS[language]["html"]).resolve()
    stage(src, language)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(src), str(html)]
    if warnings_as_errors:
        command[3:3] = ["-W", "--keep-going"]
    subprocess.run(command, check=True, env=dict(os.environ, COURSE_SITE_LANGUAGE=language))
    copy_mathjax(html)
    copy_notebooks(html, language)
    return html


def build(out: pathlib.Path, warnings_as_errors: bool = True) -> pathlib.Path:
    """Stage and build both editions under `out` (the Chinese one in html/zh/); returns the folder holding
    the English index.html."""
    html = build_edition(out, "en", warnings_as_errors)
    build_edition(out, "zh", warnings_as_errors)
    return html


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    try:
        print(build(pathlib.Path(args[0]), "--no-warnings-as-errors" not in sys.argv) / "index.html")
    except subprocess.CalledProcessError as error:
        sys.exit(f"the website did not build (sphinx exit code {error.returncode}); see the messages above")
