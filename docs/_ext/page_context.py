"""One way to connect a change to the template context of every HTML page.

Sphinx calls ``html-page-context`` handlers with five arguments; the extensions here need only
the context and the page's doctree, so they write ``edit(context, doctree)`` and connect it
with ``on_page_context``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

PageContextEdit = Callable[[dict[str, Any], nodes.document | None], None]


def on_page_context(app: Sphinx, edit: PageContextEdit, priority: int = 500) -> None:
    """Run ``edit`` on each page's context and doctree (None for pages without a source)."""

    def handler(
        app: Sphinx,
        pagename: str,
        templatename: str,
        context: dict[str, Any],
        doctree: nodes.document | None,
    ) -> None:
        del app, pagename, templatename
        edit(context, doctree)

    app.connect("html-page-context", handler, priority=priority)
