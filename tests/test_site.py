"""The course website (`make site`): every chapter and practice notebook has a page, no internal link
is broken, and the pages hold what a reader needs (course map, math, figures, key-term tables, links
to the practice notebooks) with nothing fetched from the network.

The `built_site` fixture (conftest.py) builds it once per run from the stored outputs, with Sphinx
warnings as errors; tests/test_browser.py opens two of its pages in a real browser.
"""
from __future__ import annotations

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
