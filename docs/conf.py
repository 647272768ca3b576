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
from sphinx.util.nodes import make_refnode

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# The pages' kernels inherit this environment. Their matrices are small, and OpenBLAS threads
# that wait for a busy core made the experiments 3 to 20 times slower on a loaded 2-core
# machine; one thread per kernel keeps the build time predictable. A reader's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
    "markup_fixes",
    "checked_sentences",
    "notebook_downloads",
    "playground_assets",
]

# autosummary's class pages come from _templates/autosummary: the default template lists
# dataclass fields as attributes that nothing documents, which -n reports as broken links.
templates_path = ["_templates"]
# Figures are numbered so that the text can refer to them with {numref}.
numfig = True
exclude_patterns = [
    "_build",
    "_templates",
    "jupyter_execute",
    ".jupyter_cache",
    "**.ipynb_checkpoints",
]

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
# Classes are documented with their public methods; dataclass fields are described in each
# class's "Attributes" section, rendered as a field list so they are not documented twice.
autodoc_default_options = {"members": True}
napoleon_use_ivar = True
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
# plain text (see _resolve_or_degrade below).
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


def _resolve_or_degrade(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.Node | None:
    """Resolve what nothing else resolved: short names of ours, else plain text.

    Runs after intersphinx (priority 900 > 500), so online builds still link wherever an
    inventory knows the target. A reference spelled with the package name (``dying_relu.x``)
    is left alone, so a broken one still fails the build. A short name written inside a
    module's docstrings (``activation_stats``) is looked up among the package's objects.
    Anything else, a reference to Python, numpy or matplotlib while offline, or a phrase of
    numpydoc's type syntax such as "shape (E, R)", is rendered as plain text.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if target.startswith("dying_relu"):
        return None
    objects = env.get_domain("py").objects  # type: ignore[attr-defined]
    ours = sorted(
        (
            name
            for name in objects
            if name.startswith("dying_relu.") and name.endswith("." + target)
        ),
        key=len,
    )
    if ours:
        entry = objects[ours[0]]
        return make_refnode(
            app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, ours[0]
        )
    return contnode


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
    app.connect("missing-reference", _resolve_or_degrade, priority=900)
