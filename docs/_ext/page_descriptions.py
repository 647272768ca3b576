"""A meta description for every page, including the API reference.

sphinxext-opengraph writes ``<meta name="description">`` and ``og:description`` from a page's
first paragraphs, but skips admonitions, and Sphinx's object descriptions (everything autodoc
writes) are admonitions to docutils: the API pages got no description at all. For a page left
without one, this extension takes the first paragraph of the page's first object description,
after the object's name ("dying_relu.relu: Rectified linear unit, elementwise.").

A ``meta`` directive in the autosummary templates cannot do this: the templates see an
object's name and members, not its docstring, so they could only write the same words on
every page ("API reference of dying_relu.relu").
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from page_context import on_page_context
from sphinx import addnodes
from sphinx.application import Sphinx

#: Long enough for a sentence, short enough for a search result snippet.
MAX_LENGTH = 200


def _first_object_summary(doctree: nodes.document) -> str | None:
    for desc in doctree.findall(addnodes.desc):
        names = [
            sig.get("fullname") or sig.astext() for sig in desc.findall(addnodes.desc_signature)
        ]
        module = next((sig.get("module") for sig in desc.findall(addnodes.desc_signature)), None)
        for content in desc.findall(addnodes.desc_content):
            for paragraph in content.findall(nodes.paragraph):
                text = " ".join(paragraph.astext().split())
                if text:
                    name = ".".join(part for part in (module, names[0] if names else "") if part)
                    return f"{name}: {text}" if name else text
    return None


def _shorten(text: str) -> str:
    if len(text) <= MAX_LENGTH:
        return text
    return text[: MAX_LENGTH - 3].rsplit(" ", 1)[0] + "..."


def _add_description(context: dict[str, Any], doctree: nodes.document | None) -> None:
    metatags: str = context.get("metatags", "")
    if doctree is None or 'name="description"' in metatags:
        return
    summary = _first_object_summary(doctree)
    if summary is None:
        return
    content = html.escape(_shorten(summary), quote=True)
    tags = f'<meta name="description" content="{content}" />\n'
    if 'property="og:description"' not in metatags:
        tags += f'<meta property="og:description" content="{content}" />\n'
    context["metatags"] = metatags + tags


def setup(app: Sphinx) -> dict[str, Any]:
    # After sphinxext-opengraph (priority 500), so that its description wins where it has one.
    on_page_context(app, _add_description, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
