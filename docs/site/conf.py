"""Sphinx configuration of the course website (built by `make site`, i.e. tools/build_site.py).

The notebooks are rendered with their stored outputs (no re-execution) by myst-nb, in the
sphinx-book-theme. Everything the pages load is local, so the site builds and reads offline:
MathJax comes from the jupyter-server-mathjax package (copied into _static/mathjax by the build).

Two editions are built from this one configuration: the English site (`_build/site/html/`), then the
Chinese one (`_build/site/html/zh/`, from zh/chapters and zh/exercises) with the environment variable
COURSE_SITE_LANGUAGE=zh, which sets Sphinx's `language` to zh_CN (the theme's own strings in Chinese,
`<html lang="zh-CN">`, and Chinese search: Sphinx splits Chinese words with jieba, a `site` dependency).
Every page carries a language switch to the same page of the other edition (_templates/language-switch.html).

The repository the site links to (repository button, Binder and Colab launch buttons, the install
line a Colab reader runs first) is set once, in `REPOSITORY_URL` below; a fork changes that line,
or sets the environment variable COURSE_REPOSITORY_URL when building (GitHub Actions' own
GITHUB_REPOSITORY is used when present, so a fork's CI build points at the fork by itself).
"""
import os

# The one setting a fork changes: the GitHub repository of the course, and its default branch.
REPOSITORY_URL = "https://github.com/nn-derived/neural-networks-derived-and-verified"
REPOSITORY_BRANCH = "main"
if os.environ.get("COURSE_REPOSITORY_URL"):
    REPOSITORY_URL = os.environ["COURSE_REPOSITORY_URL"].rstrip("/")
elif os.environ.get("GITHUB_REPOSITORY"):
    REPOSITORY_URL = f"https://github.com/{os.environ['GITHUB_REPOSITORY']}"
# The notebooks install nothing (DESIGN §5): on Colab this line is run first (the README says the same).
COLAB_INSTALL = f'!pip install -q "git+{REPOSITORY_URL}"'
BINDER_URL = "https://mybinder.org"
COLAB_URL = "https://colab.research.google.com"

# The edition being built (tools/build_site.py sets it): "en" or "zh".
SITE_LANGUAGE = os.environ.get("COURSE_SITE_LANGUAGE", "en")
if SITE_LANGUAGE not in ("en", "zh"):
    raise ValueError(f"COURSE_SITE_LANGUAGE must be 'en' or 'zh', not {SITE_LANGUAGE!r}")
# Each edition's switch names and links the other one (the path from a site's root to the other's root).
OTHER_EDITION = {"en": {"label": "中文", "tag": "zh-CN", "root": "zh/", "title": "本页的中文版"},
                 "zh": {"label": "English", "tag": "en", "root": "../", "title": "This page in English"}}[SITE_LANGUAGE]

project = {"en": "Neural Networks, Derived and Verified", "zh": "神经网络：推导与验证"}[SITE_LANGUAGE]
author = "the course authors"
copyright = "the course authors, MIT licence"
language = {"en": "en", "zh": "zh_CN"}[SITE_LANGUAGE]
# Chinese search: jieba splits the text into words; its dictionary is extended with the glossary's terms
# (the build writes them to search_words.txt), so a term such as 带权输入 is indexed whole.
if SITE_LANGUAGE == "zh" and os.path.exists(os.path.join(os.path.dirname(__file__), "search_words.txt")):
    html_search_options = {"dict": os.path.join(os.path.dirname(__file__), "search_words.txt")}
    try:                                  # jieba announces its dictionary on stderr at every build
        import logging

        import jieba
        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass

extensions = ["myst_nb", "sphinx_copybutton"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"               # stored outputs only: the site shows exactly what nbval checks
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]     # chapters start at '#', sections may skip levels in tables of terms

templates_path = ["_templates"]
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "navigation_with_keys": False,
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    # the site's pages sit at the same paths as the repository's notebooks (the Chinese ones under zh/)
    "path_to_docs": {"en": "", "zh": "zh"}[SITE_LANGUAGE],
    "use_repository_button": True,
    "launch_buttons": {"binderhub_url": BINDER_URL, "colab_url": COLAB_URL, "notebook_interface": "jupyterlab"},
    # the language switch first, then the theme's buttons (download, full screen, search, launch)
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}
html_context = {"course_repository_url": REPOSITORY_URL, "course_colab_install": COLAB_INSTALL,
                "course_other_edition": OTHER_EDITION}
html_last_updated_fmt = None
# The ".ipynb" download button points into _sources/; the build puts the repository's notebooks there.
html_copy_source = True
html_show_sourcelink = False

# Copy buttons on code cells copy the code only: no prompts, no outputs.
copybutton_exclude = ".linenos, .gp, .go"
copybutton_selector = "div.cell_input div.highlight pre, div.highlight-bash pre, div.highlight-default pre, div.highlight-python pre"

# MathJax 2 from the site itself (offline). jupyter-server-mathjax ships the HTML-CSS output with
# the STIX-Web fonts only (not the default TeX fonts, nor the SVG output), so those are chosen here.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None,
                 "linebreaks": {"automatic": False}},
    # myst-nb marks a notebook's page `tex2jax_ignore` and each formula `math`: typeset those only
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "processEnvironments": True, "ignoreClass": "tex2jax_ignore|mathjax_ignore",
                "processClass": "tex2jax_process|mathjax_process|math|output_area"},
    "messageStyle": "none",
}


def setup(app):
    """The Chinese edition's search (below) in place of Sphinx's own Chinese one."""
    if SITE_LANGUAGE == "zh":
        app.add_search_language(chinese_search())


def chinese_search():
    """Sphinx's Chinese search, plus every term of the build's word list found inside a longer word.

    jieba's cut_for_search gives the two- and three-character words inside a longer word, never a
    four-character one: 随机梯度下降 yields 随机, 梯度 and 下降 but not 梯度下降, so a search for 梯度下降
    would miss every page that speaks only of 随机梯度下降. The terms are the jieba dictionary the build
    writes (search_words.txt: the glossary's and the key-term tables' Chinese terms)."""
    from sphinx.search.zh import SearchChinese

    class CourseChinese(SearchChinese):
        # Sphinx 9.0 names the search page's stemmer class after language_name ("window.Stemmer =
        # ChineseStemmer") while the Chinese search ships the English stemmer (for the Latin words), so the
        # search page stopped with "ChineseStemmer is not defined" (sphinx-doc/sphinx issue 14229, fixed
        # upstream after 9.0.4). The stemmer is English: say so.
        language_name = "English"

        def __init__(self, options):
            super().__init__(options)
            path = options.get("dict", "")
            lines = open(path, encoding="utf-8").read().split("\n") if path and os.path.isfile(path) else []
            self.course_terms = {line.split()[0] for line in lines if line.strip()}
            self.longest = max(map(len, self.course_terms), default=0)

        def split(self, input):
            words = super().split(input)
            return words + [term for word in words if len(word) > 4 for term in self.terms_inside(word)]

        def terms_inside(self, word):
            return [word[i:j] for i in range(len(word)) for j in range(i + 4, min(len(word), i + self.longest) + 1)
                    if j - i < len(word) and word[i:j] in self.course_terms]

    return CourseChinese
