"""Sphinx configuration of the course website (built by `make site`, i.e. tools/build_site.py).

The notebooks are rendered with their stored outputs (no re-execution) by myst-nb, in the
sphinx-book-theme. Everything the pages load is local, so the site builds and reads offline:
MathJax comes from the jupyter-server-mathjax package (copied into _static/mathjax by the build).

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

project = "Neural Networks, Derived and Verified"
author = "the course authors"
copyright = "the course authors, MIT licence"

extensions = ["myst_nb", "sphinx_copybutton"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"               # stored outputs only: the site shows exactly what nbval checks
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]     # chapters start at '#', sections may skip levels in tables of terms

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
    "path_to_docs": "",                 # the site's pages sit at the same paths as the repository's notebooks
    "use_repository_button": True,
    "launch_buttons": {"binderhub_url": BINDER_URL, "colab_url": COLAB_URL, "notebook_interface": "jupyterlab"},
}
html_context = {"course_repository_url": REPOSITORY_URL, "course_colab_install": COLAB_INSTALL}
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
