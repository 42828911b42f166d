"""The course website (`make site`): every chapter and practice notebook has a page, no internal link
is broken, and the pages hold what a reader needs (course map, math, figures, key-term tables, links
to the practice notebooks) with nothing fetched from the network. The Chinese edition (html/zh/) has
the same pages, the theme's strings in Chinese, a language switch on every page to the same page of
the other edition, the glossary, and a search that finds Chinese words.

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
ZH_CHAPTERS = sorted(p for p in ROOT.glob("zh/chapters/[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
ZH_EXERCISES = sorted(ROOT.glob("zh/exercises/[0-9][0-9]_*.ipynb"))
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
    """The page of a notebook; a notebook of zh/ has its page in the Chinese site, zh/ of the English one."""
    edition = site / "zh" if notebook.parent.parent.name == "zh" else site
    return edition / notebook.parent.name / f"{notebook.stem}.html"


def name_of(notebook: pathlib.Path) -> str:
    return notebook.resolve().relative_to(ROOT).with_suffix("").as_posix()


def test_every_chapter_and_practice_notebook_has_a_page(built_site):
    notebooks = CHAPTERS + EXERCISES + ZH_CHAPTERS + ZH_EXERCISES
    missing = [str(n.relative_to(ROOT)) for n in notebooks if not page_of(built_site, n).is_file()]
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


@pytest.mark.parametrize("notebook", CHAPTERS + ZH_CHAPTERS, ids=name_of)
def test_a_chapter_page_has_math_figures_key_terms_and_practice_link(built_site, pages, notebook):
    path = page_of(built_site, notebook)
    text = path.read_text(encoding="utf-8")
    assert re.search(r'class="math[^"]*"', text), f"{path.name}: no formula"
    assert re.search(r'<img[^>]+src="[^"]+\.png"', text), f"{path.name}: no figure"
    tables = re.findall(r"<table.*?</table>", text, flags=re.S)
    assert any(CJK.search(t) for t in tables), f"{path.name}: no key-terms table with 中文 terms"
    exercise = notebook.parent.parent / "exercises" / f"{notebook.stem}_practice.ipynb"
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


@pytest.mark.parametrize("notebook", CHAPTERS + EXERCISES + ZH_CHAPTERS + ZH_EXERCISES, ids=name_of)
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
    """An English sentence of at least 12 words, or a Chinese one of at least 12 characters (a translated
    alt text), that is not a file name."""
    english = len(alt.split()) >= 12 and alt[:1].isupper() and alt.rstrip().endswith((".", ")"))
    chinese = len(CJK.findall(alt)) >= 12 and alt.rstrip().endswith(("。", "）", ")", "."))
    return (english or chinese) and not re.search(r"\.(png|jpe?g|svg)\b|_images/", alt)


def test_the_alt_text_check_accepts_a_sentence_in_either_language():
    assert is_a_sentence("The loss falls quickly for the first ten epochs and then flattens out near zero.")
    assert is_a_sentence("损失在前十轮迅速下降，然后在零附近趋于平缓。")
    assert not is_a_sentence("损失曲线") and not is_a_sentence("figure_3.png") and not is_a_sentence("")


@pytest.mark.parametrize("notebook", CHAPTERS + ZH_CHAPTERS, ids=name_of)
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


@pytest.mark.parametrize("notebook", CHAPTERS + EXERCISES + ZH_CHAPTERS + ZH_EXERCISES, ids=name_of)
def test_every_page_can_be_run(built_site, pages, notebook):
    """A notebook download that works, the repository, Binder and Colab, and the install line Colab needs;
    a Chinese page launches the Chinese notebook and says so in Chinese."""
    path = page_of(built_site, notebook)
    text, refs = path.read_text(encoding="utf-8"), [ref for _, ref in pages[path].refs]
    repo, rel = site_setting("REPOSITORY_URL"), notebook.resolve().relative_to(ROOT).as_posix()
    download = [r for r in refs if r.endswith(f"_sources/{notebook.parent.name}/{notebook.name}")]
    assert download, f"{path.name}: no .ipynb download link"
    served = (path.parent / download[0]).resolve()
    assert served.read_bytes() == notebook.read_bytes(), f"{path.name}: the download is not the repository's notebook"
    assert repo in refs, f"{path.name}: no link to the repository {repo}"
    assert any(r.startswith("https://mybinder.org/v2/gh/") and r.endswith(rel) for r in refs), f"{path.name}: no Binder button"
    assert any(r.startswith("https://colab.research.google.com/github/") and r.endswith(rel) for r in refs), \
        f"{path.name}: no Colab button"
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))
    assert site_setting("COLAB_INSTALL") in words, f"{path.name}: does not say which install line to run first on Colab"
    chinese = rel.startswith("zh/")
    assert rel in words, f"{path.name}: the run-this-notebook box does not name the notebook {rel}"
    if chinese:
        assert "运行本" in words and "Run this" not in words, f"{path.name}: the run-this-notebook box is not in Chinese"
    if notebook.parent.name == "exercises":
        box = words[words.index("运行本练习笔记本" if chinese else "Run this practice notebook"):]
        for what in ("make lab", "Binder", "Colab", "check(", "companion.grade"):
            assert what in box, f"{path.name}: the run-this-notebook box does not mention {what!r}"
    assert "copybutton.js" in text, f"{path.name}: no copy buttons on code cells (sphinx-copybutton)"


# ------------------------------------------------------------------------------ the Chinese edition

def site_pages(site: pathlib.Path) -> set[str]:
    """The HTML pages of one edition, as paths from its root (the other edition's folder left out)."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if not {"_static", "_sources", "zh"} & set(p.relative_to(site).parts[:-1])}


@pytest.mark.skipif(not ZH_CHAPTERS, reason="no Chinese edition yet")
def test_the_chinese_site_has_exactly_the_english_sites_pages(built_site):
    english, chinese = site_pages(built_site), site_pages(built_site / "zh")
    assert english == chinese, (f"only in English: {sorted(english - chinese)[:5]}; "
                                f"only in Chinese: {sorted(chinese - english)[:5]}")
    assert {"index.html", "glossary.html", "search.html"} <= english


def test_every_page_says_its_language_and_the_theme_speaks_it(built_site):
    """<html lang> is zh-CN on the Chinese site and en on the English one; the theme's own words (the search
    box, the contents heading) are Chinese on every Chinese page."""
    wrong = []
    for edition, lang, words in ((built_site, "en", ("Search", "Contents")), (built_site / "zh", "zh-CN", ("搜索", "目录"))):
        for name in sorted(site_pages(edition)):
            text = (edition / name).read_text(encoding="utf-8")
            if f'<html lang="{lang}"' not in text:
                wrong.append(f"{edition.name}/{name}: not <html lang=\"{lang}\">")
            if name.startswith("chapters/") and not all(w in text for w in words):
                wrong.append(f"{edition.name}/{name}: the theme does not say {words}")
    assert not wrong, "\n  ".join(wrong[:10])


class Switch(html.parser.HTMLParser):
    """The href of a page's language switch (every <a class="… course-language-switch">)."""

    def __init__(self, text: str):
        super().__init__()
        self.hrefs = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "course-language-switch" in (attrs.get("class") or "").split():
            self.hrefs.append(attrs.get("href", ""))


def test_every_page_switches_to_the_same_page_in_the_other_language(built_site):
    """chapter ↔ chapter, index ↔ index, glossary ↔ glossary: the switch leads to the page of the same path
    in the other edition."""
    wrong = []
    for edition, other in ((built_site, built_site / "zh"), (built_site / "zh", built_site)):
        for name in sorted(site_pages(edition)):
            page = edition / name
            hrefs = Switch(page.read_text(encoding="utf-8")).hrefs
            target = (page.parent / urllib.parse.urlparse(hrefs[0]).path).resolve() if len(hrefs) == 1 else None
            if target != (other / name).resolve():
                wrong.append(f"{page.relative_to(built_site)}: switch {hrefs} (expected {(other / name).relative_to(built_site)})")
    assert not wrong, "\n  ".join(wrong[:10])


def test_the_notebooks_own_language_line_is_not_on_the_site(built_site, pages):
    """The notebooks' 🌐 line links to a notebook outside the site; the page's switch replaces it."""
    found = [f"{p.relative_to(built_site)}: {ref}" for p, page in pages.items() for _, ref in page.refs
             if ref.endswith(".ipynb") and "_sources/" not in ref and not ref.startswith("http")]
    found += [f"{p.relative_to(built_site)}: the notebook's language line" for p in pages
              if re.search(r"This page in Chinese|本页为中文版", p.read_text(encoding="utf-8"))]
    assert not found, "\n  ".join(found[:10])


def glossary_rows() -> int:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line)) - 1


@pytest.mark.skipif(not (ROOT / "docs" / "glossary.md").is_file(), reason="docs/glossary.md is not written yet")
def test_the_glossary_is_a_page_of_both_sites_linked_from_both_indexes(built_site, pages):
    for edition in (built_site, built_site / "zh"):
        glossary, index = edition / "glossary.html", edition / "index.html"
        rows = len(re.findall(r"<tr", glossary.read_text(encoding="utf-8")))
        assert rows >= glossary_rows() + 1, f"{glossary.relative_to(built_site)}: {rows} table rows, fewer than the glossary's"
        linked = {(index.parent / urllib.parse.urlparse(ref).path).resolve() for _, ref in pages[index].refs}
        assert glossary.resolve() in linked, f"{index.relative_to(built_site)} does not link the glossary page"


def search_index(site: pathlib.Path) -> dict:
    import json

    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def found_by_search(index: dict, word: str) -> set[str]:
    """The pages a search for one word lists: those whose text or title holds it."""
    found = set()
    for kind in ("terms", "titleterms"):
        docs = index[kind].get(word, [])
        found |= {index["docnames"][i] for i in ([docs] if isinstance(docs, int) else docs)}
    return found


def pages_saying(site: pathlib.Path, word: str) -> tuple[set[str], set[str]]:
    """The pages whose prose holds `word` (a search must find them), and those whose article holds it
    anywhere, code and outputs included (a search may find only these)."""
    prose, anywhere = set(), set()
    for name in site_pages(site) - {"search.html", "genindex.html"}:
        text = (site / name).read_text(encoding="utf-8")
        parsed = Prose(text)
        article = re.search(r"<article.*</article>", text, flags=re.S)
        if word in "".join(parsed.prose) + "".join(parsed.formulas):
            prose.add(name[:-len(".html")])
        if article and word in html.unescape(re.sub(r"<[^>]+>", "", article.group(0))):
            anywhere.add(name[:-len(".html")])
    return prose, anywhere


@pytest.mark.parametrize("word", ["反向传播", "梯度下降", "感知机", "交叉熵", "学习率"])
def test_the_chinese_search_finds_chinese_words(built_site, word):
    """Sphinx indexes Chinese text only with jieba, which would split 反向传播 into 反向 + 传播: the build gives
    jieba the glossary's and key-term tables' terms, so a search for a term finds exactly the pages using it."""
    site = built_site / "zh"
    must, may = pages_saying(site, word)
    if not must:
        pytest.skip(f"no page of the Chinese site says {word} yet")
    found = found_by_search(search_index(site), word)
    assert must <= found, f"a search for {word} misses {sorted(must - found)}"
    assert found <= may, f"a search for {word} lists pages that do not say it: {sorted(found - may)}"


def test_the_english_search_still_finds_english_words(built_site):
    index = search_index(built_site)
    assert "chapters/05_backpropagation" in found_by_search(index, "backpropag")
    assert "chapters/03_activations_and_losses" in found_by_search(index, "softmax")


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_search_page_defines_the_stemmer_it_uses(built_site, edition):
    """language_data.js sets `window.Stemmer = XStemmer`: XStemmer must be defined there, or the search page
    stops with a ReferenceError and finds nothing (Sphinx 9.0 named the Chinese site's one ChineseStemmer)."""
    site = built_site if edition == "en" else built_site / "zh"
    script = (site / "_static" / "language_data.js").read_text(encoding="utf-8")
    used = re.search(r"window\.Stemmer\s*=\s*(\w+)", script)
    if used:
        assert re.search(rf"\b(var|let|const|function|class)\s+{used.group(1)}\b", script), \
            f"{edition}: language_data.js uses {used.group(1)}, which it does not define"



# ------------------------------------------------------------------------ the build's pieces, on small inputs

def build_site_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_search_words_are_the_chinese_column_of_term_tables():
    table = ("intro 反向传播 in prose is not a term\n\n| English | 中文 | 章 |\n|---|---|---|\n"
             "| gradient descent | 梯度下降 | 4 |\n| one-hot | 独热编码 / 独热向量 | 3 |\n"
             "| pooling | 汇聚（池化） | 12 |\n| ReLU | ReLU（修正线性单元） | 3 |\n| x | 层 | 1 |\n\n"
             "| English | meaning |\n|---|---|\n| loss | 损失函数 |\n")
    assert build_site_module().chinese_terms(table) == {"梯度下降", "独热编码", "独热向量", "汇聚", "池化", "修正线性单元"}


def test_start_page_links_are_rewritten_for_the_sites_root():
    text = ("[神经元](01_neurons.ipynb) [练习](../exercises/01_neurons_practice.ipynb) "
            "[术语表](../../docs/glossary.md) [English](../../chapters/00_start_here.ipynb)")
    assert build_site_module().site_links(text, "chapters") == (
        "[神经元](chapters/01_neurons.ipynb) [练习](exercises/01_neurons_practice.ipynb) "
        "[术语表](glossary.md) [English](../../chapters/00_start_here.ipynb)")


def test_the_chinese_search_finds_a_term_inside_a_longer_word(tmp_path):
    """jieba alone gives 随机, 梯度, 下降 for 随机梯度下降; the site's splitter adds the listed term 梯度下降."""
    pytest.importorskip("jieba")
    words = tmp_path / "search_words.txt"
    words.write_text("梯度下降 100000\n随机梯度下降 100000\n", encoding="utf-8")
    namespace = {"__file__": str(ROOT / "docs" / "site" / "conf.py")}
    exec((ROOT / "docs" / "site" / "conf.py").read_text(encoding="utf-8"), namespace)
    split = namespace["chinese_search"]()({"dict": str(words)}).split
    assert "梯度下降" in split("我们用随机梯度下降训练网络")
    assert "梯度下降" not in split("梯度在下降")
