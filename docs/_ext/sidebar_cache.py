"""Resolve the sidebar's navigation tree once for all the pages that show the same one.

The theme puts the whole navigation tree into every page, through Sphinx's ``toctree``
template function: for each page, Sphinx copies the table of contents of every document the
tree reaches (the API's hundred-odd generated pages included, though the sidebar shows one
level of it) and then cuts the copy down. That was a third of the time the build spent
writing pages, most of it on the generated pages, which all show the same sidebar.

With one level shown (``max_navbar_depth`` 1 in conf.py), what that function returns for a
page depends only on where the page is (the links are relative to its directory) and on which
top-level entry it comes under (that entry is marked as the current one). Its result is kept
for each such pair and each set of arguments, and reused; a call for more levels is passed
through. The site's pages come out byte for byte as without this extension
(tests/site/test_sidebar_cache.py checks it on a small project).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from docutils import nodes
from page_context import on_page_context
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def top_level_entry(env: BuildEnvironment, docname: str) -> str:
    """The entry of the root document's table of contents that ``docname`` is under (itself,
    for such an entry, the root document, and a page in no table of contents)."""
    parents = {
        child: parent for parent, children in env.toctree_includes.items() for child in children
    }
    root, seen = env.config.root_doc, {docname}
    while (parent := parents.get(docname)) is not None and parent != root:
        if parent in seen:  # a cycle, which Sphinx reports itself
            break
        seen.add(parent)
        docname = parent
    return docname


def _cached(
    toctree: Callable[..., str], page: tuple[str, str], store: dict[Any, str]
) -> Callable[..., str]:
    def cached_toctree(**kwargs: Any) -> str:
        if kwargs.get("maxdepth") != 1:
            return toctree(**kwargs)
        key = (*page, tuple(sorted(kwargs.items())))
        if key not in store:
            store[key] = toctree(**kwargs)
        return store[key]

    return cached_toctree


def setup(app: Sphinx) -> dict[str, Any]:
    # One store per process: a parallel build's writers each fill their own.
    store: dict[Any, str] = {}

    def reuse(context: dict[str, Any], doctree: nodes.document | None) -> None:
        del doctree
        toctree, pagename = context.get("toctree"), context["pagename"]
        if toctree is not None:
            page = (posixpath.dirname(pagename), top_level_entry(app.env, pagename))
            context["toctree"] = _cached(toctree, page, store)

    # Sphinx's "toctree" function, which the theme calls for the navigation tree, is replaced
    # before the theme's handlers (priority 500) first call it.
    on_page_context(app, reuse, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
