"""Sphinx configuration of the Dying ReLU reference."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

from jupyter_cache.cache.db import create_db
from sphinx.application import Sphinx

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

# The pages' kernels inherit this environment. Their matrices are small, and OpenBLAS threads
# that wait for a busy core made the experiments 3 to 20 times slower on a loaded 2-core
# machine; one thread per kernel keeps the build time predictable. A reader's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
# The experiments make and drop arrays of up to a few hundred megabytes, thousands of times.
# By default glibc's malloc hands each one over 32 MB (and, before its threshold has grown,
# each one over 128 kB) to the kernel when it is freed and maps it afresh for the next, and the
# fresh pages fault in one by one: on a virtual machine that cost the MNIST-1D page an eighth
# of its time. Kept in the heap (below 32 MB, the largest threshold glibc takes), they are
# reused. Where the C library is not glibc these names mean nothing, and the numbers computed
# are the same either way.
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(32 * 2**20))
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(4 * 2**30))
os.environ.setdefault("MALLOC_TOP_PAD_", str(256 * 2**20))

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
    "attribute_fields",
    "cross_references",
    "page_kernels",
    "offline_mathjax",
    "sitemap",
    "nav_labels",
    "sidebar_cache",
    "page_descriptions",
    "early_assets",
    "markup_fixes",
    "checked_sentences",
    "notebook_downloads",
    "playground_assets",
    "balanced_reading",
    "search_index_entries",
    "table_cards",
    "site_figures",
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
#: What the pages' outputs depend on beyond their own cells; see _execution_digest.
EXECUTED_PACKAGE = "dying_relu"
EXECUTION_DISTRIBUTIONS = ("numpy", "matplotlib", "scikit-learn", "ipykernel")


def _blas() -> str:
    """The BLAS library numpy calls and the kernels it picked for this processor.

    OpenBLAS picks its kernels when it loads, by the processor or by OPENBLAS_CORETYPE, and
    the kernels round the last bits of a product differently; the pages' kernels inherit this
    process's environment and so pick the same ones.
    """
    # threadpoolctl finds only the libraries already loaded.
    import numpy as np  # noqa: F401
    from threadpoolctl import threadpool_info

    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return ";".join(
        f"{pool.get('internal_api')}={pool.get('version')}:{pool.get('architecture')}"
        for pool in pools
    )


def _execution_digest() -> str:
    """A digest of the package's files, Python's version, the libraries' versions, and BLAS.

    jupyter-cache keys a page only on its code cells, their metadata and the kernelspec, so a
    page whose cells stay the same while the package changes would be served stale outputs.
    Every executed page imports the package, so its whole source goes into the digest, which
    names the cache directory: changed code or libraries give a new, empty cache, and every
    page is executed again. So does another BLAS kernel (tools/blas-kernels.py builds the site
    under each), whose rounding can move the pages' numbers. The digest is also a config
    value, and a changed one makes Sphinx read every page again, which is what gives the pages
    their turn to be executed.
    """
    spec = importlib.util.find_spec(EXECUTED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        msg = f"{EXECUTED_PACKAGE} cannot be found; install it (pip install -e .)"
        raise ModuleNotFoundError(msg)
    root = Path(spec.submodule_search_locations[0])
    # Python's feature version, not its patch level or build: the pages' numbers come from
    # numpy and BLAS, named below, so two builds of Python 3.11 (a distribution's and
    # pyenv's, say) share one cache.
    digest = hashlib.sha256(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    for name in EXECUTION_DISTRIBUTIONS:
        digest.update(f"\0{name}=={_version(name)}".encode())
    digest.update(f"\0{_blas()}".encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and "__pycache__" not in relative.parts:
            digest.update(b"\0" + relative.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# tools/blas-kernels.py builds the site under several BLAS kernels side by side, each with
# caches of its own in a scratch directory; every other build uses the one under _build.
EXECUTION_CACHES = Path(
    os.environ.get("DYING_RELU_EXECUTION_CACHES")
    or Path(__file__).parent / "_build" / ".jupyter_cache"
)
nb_execution_cache_path = str(EXECUTION_CACHES / _execution_digest())


def _prepare_execution_cache(app: Sphinx) -> None:
    """Create this build's cache, and remove the caches of other digests.

    The cache's database is created here, in the main process, before the parallel readers
    start: two readers that each find no database and create one at the same moment fail
    ("table settings already exists"). A cache of another digest can serve only another
    version of the package or libraries, and each holds every page's outputs, figures
    included: kept, they would grow with every edit of the package. Going back to an earlier
    version executes its pages once more.
    """
    current = Path(app.config.nb_execution_cache_path)
    current.mkdir(parents=True, exist_ok=True)
    create_db(current)
    if current.parent != EXECUTION_CACHES:
        return
    for entry in EXECUTION_CACHES.iterdir():
        if entry == current:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# Seconds each page takes to execute, roughly as benchmarks/bench_docs.py reports them: with -j,
# docs/_ext/balanced_reading.py deals the slow pages out to the parallel readers by them, so
# that one reader does not execute most of the site. Pages missing here count as quick.
execution_seconds = {
    "mnist1d": 45.5,
    "plasticity": 44.0,
    "remedies": 23.0,
    "leaky-relu": 19.0,
    "dying-relu": 18.5,
    "learning-rate": 16.0,
    "born-dead": 15.0,
    "vanishing-gradients": 11.0,
    "check-your-network": 1.0,
    "motivation": 0.7,
    "claims": 0.7,
    "cite": 0.6,
}
# What the pages' kernels import, imported once by the process each kernel is forked from
# (docs/_ext/page_kernels.py, docs/_ext/kernel_forks.py) instead of by every kernel anew.
kernel_preload = [
    "numpy",
    "scipy.stats",
    "sklearn.datasets",
    "sklearn.model_selection",
    "matplotlib.pyplot",
    "mnist1d.data",
    "dying_relu",
    "dying_relu.continual",
    "dying_relu.evidence",
    "dying_relu.experiments",
    "dying_relu.plotting",
    "dying_relu.runner",
    "dying_relu.side_by_side",
    "dying_relu.stats",
]
# A failing cell fails the build: docs/_ext/checked_sentences.py reports every page whose
# execution failed as an error, naming the page and, for a sentence its results no longer
# support, the sentence, the numbers and the numerical set-up. Raising here instead would end
# a parallel build in a traceback that asks the reader to report a bug in Sphinx.
nb_execution_raise_on_error = False
# MyST-NB's own warnings of a failed execution repeat that report as a raw traceback.
suppress_warnings = ["mystnb.exec"]
nb_execution_show_tb = True
# The slowest cell, three replicates of an experiment, runs for well under a minute on two
# quiet cores; a hung kernel should not hold a build for longer than this, while a slow or busy
# machine should still finish.
nb_execution_timeout = 600
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

# The type variables of dying_relu.runner's generic functions, in their signatures, are not
# objects with pages of their own.
nitpick_ignore = [("py:class", "dying_relu.runner.R"), ("py:class", "dying_relu.runner.R_co")]

# --- Bibliography ---------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- Cross-references -----------------------------------------------------------------------
# The inventories are fetched only where the network is known to be there (Read the Docs sets
# READTHEDOCS=True; set DYING_RELU_INTERSPHINX=1 to opt in elsewhere). Offline, fetching them
# would fail the warnings-as-errors build; instead, references to Python, numpy and matplotlib
# are rendered as plain text, short names of the package's objects are resolved, and an
# ambiguous one fails the build (docs/_ext/cross_references.py).
cross_reference_package = "dying_relu"
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


# --- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Dying ReLU"
html_static_path = ["_static"]
html_last_updated_fmt = None
html_theme_options: dict[str, Any] = {
    "show_toc_level": 2,
    # The sidebar lists the pages, not the API's sixty-odd generated pages, which the API
    # page lists itself: the theme renders the whole navigation tree into every page, and
    # with them that took a quarter of the build's writing.
    "max_navbar_depth": 1,
}
html_context = {"default_mode": "auto"}
html_favicon = "_static/favicon.svg"
html_css_files = ["site.css"]
# Search ranks a topic's own page above the API entries and the ledger's rows that name it.
# Sphinx opens this path as given, from wherever it was started, so it is made absolute.
html_search_scorer = str(Path(__file__).parent / "_templates" / "search-scorer.js")
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
    app.connect("builder-inited", _prepare_execution_cache)
