"""Repair two pieces of markup that Sphinx and docutils generate, so every page validates.

1. Sphinx's Python domain renders several return values (numpydoc's "Returns" with more than
   one entry) as a bullet list inside a paragraph, and the HTML writer emits
   ``<p><ul>...</ul></p>``. HTML does not allow a list inside a paragraph; the Nu HTML checker
   reports "No p element in scope but a p end tag seen". The paragraph is unwrapped in the
   doctree, leaving the list.
2. docutils marks the bibliography as ``role="list"`` and each entry as
   ``role="doc-biblioentry"``. That role is deprecated in DPUB-ARIA 1.1 and is not a list
   item, so axe-core reports ``aria-deprecated-role`` and ``aria-required-children`` (WCAG
   4.1.2 and 1.3.1). Each entry becomes ``role="listitem"``, which is what a list needs.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from page_context import on_page_context
from sphinx.application import Sphinx


def _unwrap_lists_in_paragraphs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    del app, docname
    for paragraph in list(doctree.findall(nodes.paragraph)):
        children = paragraph.children
        if children and all(isinstance(child, nodes.Sequential) for child in children):
            paragraph.replace_self(list(children))


def _list_item_citations(context: dict[str, Any], doctree: nodes.document | None) -> None:
    del doctree
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", _unwrap_lists_in_paragraphs)
    on_page_context(app, _list_item_citations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
