"""Give the sidebar's expand/collapse widgets an accessible name.

pydata-sphinx-theme turns every sidebar entry with sub-pages into a ``<details>`` whose
``<summary>`` holds only a chevron icon marked ``role="presentation"``. A screen reader then
announces a button with no name, and axe-core reports ``summary-name`` (WCAG 4.1.2, level A)
on every page. This extension wraps the theme's ``generate_toctree_html`` and labels each such
summary after the entry it belongs to ("Sub-pages of API reference").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from page_context import on_page_context
from sphinx.application import Sphinx


def _label_summaries(soup: BeautifulSoup) -> None:
    for summary in soup.select("li.has-children > details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        name = link.get_text(" ", strip=True) if link is not None else "this entry"
        summary["aria-label"] = f"Sub-pages of {name}"


def _wrap(generate: Callable[..., Any]) -> Callable[..., Any]:
    def generate_toctree_html(*args: Any, **kwargs: Any) -> Any:
        result = generate(*args, **kwargs)
        if isinstance(result, BeautifulSoup):
            _label_summaries(result)
        return result

    return generate_toctree_html


def _label_in_toctrees(context: dict[str, Any], doctree: nodes.document | None) -> None:
    del doctree
    generate = context.get("generate_toctree_html")
    if generate is not None:
        context["generate_toctree_html"] = _wrap(generate)


def setup(app: Sphinx) -> dict[str, Any]:
    # After the theme (priority 500) has put its function into the context.
    on_page_context(app, _label_in_toctrees, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
