"""Sphinx configuration of the course website (built by `make site`, i.e. tools/build_site.py).

The notebooks are rendered with their stored outputs (no re-execution) by myst-nb, in the
sphinx-book-theme. Everything the pages load is local, so the site builds and reads offline:
MathJax comes from the jupyter-server-mathjax package (copied into _static/mathjax by the build).
"""
project = "Neural Networks, Derived and Verified"
author = "the course authors"
copyright = "the course authors, MIT licence"

extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"               # stored outputs only: the site shows exactly what nbval checks
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]     # chapters start at '#', sections may skip levels in tables of terms

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
html_copy_source = False

# MathJax 2 from the site itself (offline). jupyter-server-mathjax ships the HTML-CSS output with
# the STIX-Web fonts only (not the default TeX fonts, nor the SVG output), so those are chosen here.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
    # myst-nb marks a notebook's page `tex2jax_ignore` and each formula `math`: typeset those only
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "processEnvironments": True, "ignoreClass": "tex2jax_ignore|mathjax_ignore",
                "processClass": "tex2jax_process|mathjax_process|math|output_area"},
    "messageStyle": "none",
}
