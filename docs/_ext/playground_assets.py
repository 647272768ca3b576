"""Load the playground's script and style sheet on the page that holds it, and only there.

The playground (``docs/_static/playground``) is a set of ES modules; its entry point
``view.js`` starts the one found in the element with ``id="pg-playground"``. Loading it on every
page would cost every reader the download. A page holds the playground when raw HTML in it
carries that id; such a page gets ``view.js`` as a module script and the style sheet, through
Sphinx, which adds the checksum that makes browsers fetch a changed file.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from page_context import on_page_context
from sphinx.application import Sphinx

SCRIPT = "playground/view.js"
STYLE = "playground/playground.css"
MARKER = 'id="pg-playground"'


def _holds_playground(doctree: nodes.document) -> bool:
    return any(
        "html" in node.get("format", "").split() and MARKER in node.astext()
        for node in doctree.findall(nodes.raw)
    )


def setup(app: Sphinx) -> dict[str, Any]:
    def add_assets(context: dict[str, Any], doctree: nodes.document | None) -> None:
        del context
        if doctree is not None and _holds_playground(doctree):
            app.add_js_file(SCRIPT, type="module")
            app.add_css_file(STYLE)

    on_page_context(app, add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
