"""The course website (`make site`): every chapter and practice notebook has a page, no internal link
is broken, and the pages hold what a reader needs (course map, math, figures, key-term tables, links
to the practice notebooks) with nothing fetched from the network.

The `built_site` fixture (conftest.py) builds it once per run from the stored outputs, with Sphinx
warnings as errors; tests/test_browser.py opens two of its pages in a real browser.
"""
from __future__ import annotations

import html
import html.parser
import pathlib
import re
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in ROOT.glob("chapters/[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
EXERCISES = sorted(ROOT.glob("exercises/[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHAPTERS, reason="no chapters yet")]


class Page(html.parser.HTMLParser):
    """The links, sources, element ids and scripts of one HTML page."""

    def __init__(self, path: pathlib.Path):
        super().__init__()
        self.path, self.refs, self.ids, self.scripts = path, [], set(), []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append((tag, attrs[key]))
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


@pytest.fixture(scope="module")
def pages(built_site):
    return {p: Page(p) for p in built_site.rglob("*.html") if "_static" not in p.parts}


def page_of(site: pathlib.Path, notebook: pathlib.Path) -> pathlib.Path:
    return site / notebook.parent.name / f"{notebook.stem}.html"


def test_every_chapter_and_practice_notebook_has_a_page(built_site):
    missing = [str(n.relative_to(ROOT)) for n in CHAPTERS + EXERCISES if not page_of(built_site, n).is_file()]
    assert not missing, f"no website page for {missing}"


def test_no_internal_link_is_broken(built_site, pages):
    broken = []
    for path, page in pages.items():
        for tag, ref in page.refs:
            url = urllib.parse.urlparse(ref)
            if url.scheme or ref.startswith(("//", "mailto:")):
                continue
            target = (path.parent / urllib.parse.unquote(url.path)).resolve() if url.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)}: <{tag}> {ref}")
            elif url.fragment and target.suffix == ".html" and target in pages and url.fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(built_site)}: <{tag}> {ref} (no such anchor)")
    assert not broken, "broken internal links:\n  " + "\n  ".join(broken[:20])


def test_nothing_is_fetched_from_the_network(pages):
    remote = sorted({s for p in pages.values() for s in p.scripts if urllib.parse.urlparse(s).scheme})
    assert not remote, f"pages load scripts from the network, so the site does not work offline: {remote}"
    mathjax = {s for p in pages.values() for s in p.scripts if "MathJax.js" in s}
    assert mathjax, "no page loads MathJax"


def test_the_index_holds_the_course_map(built_site, pages):
    index = pages[built_site / "index.html"]
    linked = {(built_site / urllib.parse.urlparse(ref).path).resolve() for _, ref in index.refs}
    missing = [n.name for n in CHAPTERS if page_of(built_site, n).resolve() not in linked]
    assert not missing, f"the course map on the index page does not link {missing}"
    assert "<table" in (built_site / "index.html").read_text(encoding="utf-8"), "the course map table is missing"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_page_has_math_figures_key_terms_and_practice_link(built_site, pages, notebook):
    path = page_of(built_site, notebook)
    text = path.read_text(encoding="utf-8")
    assert re.search(r'class="math[^"]*"', text), f"{path.name}: no formula"
    assert re.search(r'<img[^>]+src="[^"]+\.png"', text), f"{path.name}: no figure"
    tables = re.findall(r"<table.*?</table>", text, flags=re.S)
    assert any(CJK.search(t) for t in tables), f"{path.name}: no key-terms table with 中文 terms"
    exercise = ROOT / "exercises" / f"{notebook.stem}_practice.ipynb"
    practice = page_of(built_site, exercise).resolve()
    if exercise.exists():
        linked = {(path.parent / urllib.parse.urlparse(ref).path).resolve() for _, ref in pages[path].refs}
        assert practice in linked, f"{path.name}: no link to its practice page"
    assert "widget-view+json" not in text, f"{path.name}: a live widget view needs a kernel; it should be dropped"


# ------------------------------------------------------------------------------ what a reader sees

SKIPPED_CLASSES = {"math", "cell_output", "highlight", "headerlink", "course-run"}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "param", "track"}


class Prose(html.parser.HTMLParser):
    """The text of a page's article, split into prose (outside formulas, code and cell outputs) and the
    TeX of each formula (`<span class="math">` / `<div class="math">`, as MathJax receives it)."""

    def __init__(self, text: str):
        super().__init__()
        self.stack, self.prose, self.formulas, self.in_article = [], [], [], 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        kind = ("article" if tag == "article" else "math" if "math" in classes
                else "skip" if tag in ("pre", "code", "script", "style") or classes & SKIPPED_CLASSES else "")
        self.stack.append(kind)
        if kind == "math":
            self.formulas.append("")

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if "article" not in self.stack:
            return
        if "math" in self.stack:
            self.formulas[-1] += data
        elif "skip" not in self.stack:
            self.prose.append(data)


RAW_TEX = re.compile(r"\$|\\[A-Za-z]{2,}|\^\{|_\{|\\[(\[]")
TEXT_COMMANDS = re.compile(r"\\(text|mathrm|operatorname|textbf|textit|mbox|mathsf|mathbf|mathcal)\s*\{[^{}]*\}")
SENTENCE_IN_MATH = re.compile(r"(?:\b[A-Za-z]{3,}\b[ ,.;:]+){5}")


def raw_tex_problems(page: str) -> list[str]:
    """Raw TeX in the prose of a rendered page, and prose swallowed by a formula (a run of five or more
    words inside one math span, outside \\text{…}): what garbled math looks like once rendered."""
    parsed = Prose(page)
    prose = re.sub(r"\s+", " ", " ".join(parsed.prose))
    found = [f"raw TeX in the text: …{prose[max(m.start() - 30, 0):m.end() + 30]}…" for m in RAW_TEX.finditer(prose)]
    for tex in parsed.formulas:
        words = SENTENCE_IN_MATH.search(re.sub(r"\\[A-Za-z]+", " ", TEXT_COMMANDS.sub(" ", tex)))
        if words:
            found.append(f"prose inside a formula: {tex.strip()[:80]!r}")
    return found


def test_the_raw_tex_scan_finds_garbled_math():
    assert raw_tex_problems('<article><p>so $a^L_k = \\sigma(z^L_k)$ and \\square$</p></article>')
    assert raw_tex_problems('<article><p>x<span class="math">\\(a\\) This general form holds for any output '
                            'layer when the\\)</span></p></article>')
    assert not raw_tex_problems('<article><p>costs <span class="math">\\(\\frac{a}{b} \\text{ for every '
                                'hidden unit in the layer}\\)</span> and <code>$x_{1}</code></p></article>')


@pytest.mark.parametrize("notebook", CHAPTERS + EXERCISES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_math_renders_no_raw_tex_in_prose(built_site, notebook):
    problems = raw_tex_problems(page_of(built_site, notebook).read_text(encoding="utf-8"))
    assert not problems, (f"{notebook.name}: garbled math on the website (a `$$` block glued to its paragraph? "
                          "see tests/test_markdown_math.py):\n  " + "\n  ".join(problems[:10]))


class Images(html.parser.HTMLParser):
    """The attributes of every notebook figure (an image under _images/) of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.figures = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src", "").startswith("../_images/"):
            self.figures.append(attrs)


def is_a_sentence(alt: str) -> bool:
    return (len(alt.split()) >= 12 and alt[:1].isupper() and alt.rstrip().endswith((".", ")"))
            and not re.search(r"\.(png|jpe?g|svg)\b|_images/", alt))


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_that_is_a_sentence(built_site, notebook):
    """WCAG 1.1.1: a figure's alt text says what it shows and what to notice (written in the notebook as the
    code cell's metadata.mystnb.image.alt)."""
    figures = Images(page_of(built_site, notebook).read_text(encoding="utf-8")).figures
    assert figures, f"{notebook.name}: no figure on its page"
    bad = [f.get("alt", "(none)")[:70] for f in figures if not is_a_sentence(f.get("alt", ""))]
    assert not bad, (f"{notebook.name}: figures without a real sentence of alt text (give the code cell "
                     f"metadata {{'mystnb': {{'image': {{'alt': '…'}}}}}}): {bad}")


def site_setting(name: str) -> str:
    namespace: dict = {}
    exec((ROOT / "docs" / "site" / "conf.py").read_text(encoding="utf-8"), namespace)
    return namespace[name]


@pytest.mark.parametrize("notebook", CHAPTERS + EXERCISES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_page_can_be_run(built_site, pages, notebook):
    """A notebook download that works, the repository, Binder and Colab, and the install line Colab needs."""
    path = page_of(built_site, notebook)
    text, refs = path.read_text(encoding="utf-8"), [ref for _, ref in pages[path].refs]
    repo, rel = site_setting("REPOSITORY_URL"), f"{notebook.parent.name}/{notebook.name}"
    download = [r for r in refs if r.endswith(f"_sources/{rel}")]
    assert download, f"{path.name}: no .ipynb download link"
    served = (path.parent / download[0]).resolve()
    assert served.read_bytes() == notebook.read_bytes(), f"{path.name}: the download is not the repository's notebook"
    assert repo in refs, f"{path.name}: no link to the repository {repo}"
    assert any(r.startswith("https://mybinder.org/v2/gh/") and r.endswith(rel) for r in refs), f"{path.name}: no Binder button"
    assert any(r.startswith("https://colab.research.google.com/github/") and r.endswith(rel) for r in refs), \
        f"{path.name}: no Colab button"
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))
    assert site_setting("COLAB_INSTALL") in words, f"{path.name}: does not say which install line to run first on Colab"
    if notebook.parent.name == "exercises":
        box = words[words.index("Run this practice notebook"):]
        for what in ("make lab", "Binder", "Colab", "check(", "companion.grade"):
            assert what in box, f"{path.name}: the run-this-notebook box does not mention {what!r}"
    assert "copybutton.js" in text, f"{path.name}: no copy buttons on code cells (sphinx-copybutton)"
