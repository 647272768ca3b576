"""Sphinx configuration of the Dying ReLU reference."""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Dying ReLU, an executable reference"
author = "The Dying ReLU reference contributors"
# The year is part of the citation, not of the build date, so builds stay reproducible.
copyright = f"2026, {author}. Text and figures CC BY 4.0, code BSD-3-Clause"
release = _version("dying-relu")
version = release

extensions = [
    "myst_nb",  # also loads myst_parser; listing both is an error
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "encrypted_kernels",
    "execution_fingerprint",
    "offline_mathjax",
    "sitemap",
    "nav_labels",
    "page_descriptions",
    "early_assets",
]

# Figures are numbered so that the text can refer to them with {numref}.
numfig = True
exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache", "**.ipynb_checkpoints"]

# --- MyST and MyST-NB -------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
# Headings get anchors so that pages can link to sections with [text](page.md#anchor).
myst_heading_anchors = 3
# {{ release }} in a page is the package version, so the citation text cannot go stale.
myst_substitutions = {"release": release}
nb_execution_mode = "cache"
nb_execution_cache_path = str(Path(__file__).parent / "_build" / ".jupyter_cache")
# jupyter-cache keys only on the cells; a page is executed again when the package code it
# imports, Python or these libraries change (docs/_ext/execution_fingerprint.py).
execution_fingerprint_packages = ["dying_relu"]
execution_fingerprint_distributions = ["numpy", "matplotlib", "scikit-learn", "ipykernel"]
# A failing cell must fail the build, not render a traceback on the site.
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# The slowest page runs its experiments in well under a minute; a hung kernel should not
# hold a build for longer than this.
nb_execution_timeout = 180
# Executing in a temporary directory keeps stray files (figures saved by mistake, kernel
# sockets) out of the source tree.
nb_execution_in_temp = True
nb_merge_streams = True

# --- API reference ------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# --- Bibliography ---------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- Links to other projects' documentation ---------------------------------------------------
# The inventories are fetched only where the network is known to be there (Read the Docs sets
# READTHEDOCS=True; set DYING_RELU_INTERSPHINX=1 to opt in elsewhere). Offline, fetching them
# would fail the warnings-as-errors build; instead, references to these projects degrade to
# plain text (see _degrade_external_reference below).
_ONLINE = os.environ.get("READTHEDOCS") == "True" or os.environ.get("DYING_RELU_INTERSPHINX") == "1"
intersphinx_mapping = (
    {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }
    if _ONLINE
    else {}
)
_EXTERNAL_PREFIXES = ("numpy.", "np.", "matplotlib.", "collections.abc.", "typing.")
_EXTERNAL_NAMES = {
    "float",
    "int",
    "bool",
    "str",
    "tuple",
    "list",
    "dict",
    "object",
    "None",
    "Any",
    "Sequence",
    "Callable",
    "Iterable",
    "ArrayLike",
    "NDArray",
    "TypeError",
    "ValueError",
    "FloatingPointError",
    "RuntimeError",
    # numpydoc's conventional words in "Parameters" type specifications
    "array_like",
    "optional",
    "scalar",
    "callable",
    "sequence",
}


def _degrade_external_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.Node | None:
    """Render a reference to Python, numpy or matplotlib that nothing resolved as plain code.

    Runs after intersphinx (priority 900 > 500), so online builds still link wherever the
    inventory knows the target; references into this project are never touched, and a broken
    one still fails the build.
    """
    del app, env
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py":
        return None
    # "default 0.01" is numpydoc's way of giving a default in a type specification.
    if target in _EXTERNAL_NAMES or target.startswith((*_EXTERNAL_PREFIXES, "default ")):
        return contnode
    return None


# --- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Dying ReLU"
html_static_path = ["_static"]
html_last_updated_fmt = None
html_theme_options: dict[str, Any] = {
    "show_toc_level": 2,
}
html_context = {"default_mode": "auto"}
html_favicon = "_static/favicon.svg"
html_css_files = ["site.css"]
# MathJax is served from the site (docs/_ext/offline_mathjax.py): no page needs a CDN.
mathjax_path = "mathjax/tex-chtml.js"

# --- Sharing and finding ------------------------------------------------------------------------
html_baseurl = "https://dying-relu.readthedocs.io/en/latest/"
ogp_site_url = html_baseurl
ogp_image = "_static/social-card.png"
ogp_image_alt = "The ReLU curve, flat at zero for negative inputs, beside the title Dying ReLU"
# A generated card per page would cost a matplotlib render per page on every build.
ogp_social_cards = {"enable": False}

# --- External links (nox -s linkcheck, which needs a network) ----------------------------------
# Publishers' servers can be slow; one slow answer should not fail the check.
linkcheck_timeout = 30
linkcheck_retries = 2


def setup(app: Sphinx) -> None:
    app.connect("missing-reference", _degrade_external_reference, priority=900)
