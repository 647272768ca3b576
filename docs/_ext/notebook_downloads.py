"""Offer every executed page as a notebook with its outputs, beside its source.

MyST-NB writes each page it executes (or takes from its cache) as a notebook, outputs
included, into ``jupyter_execute`` next to the HTML output, where no reader can reach it.
sphinx-book-theme's download menu lists a page's ``.ipynb`` beside its source when the page
context names one in ``ipynb_source``, but sets that itself only when launch buttons are
configured. This extension copies each executed page's notebook to ``_sources/<page>.ipynb``,
beside ``_sources/<page>.md``, and names it in the context, before the theme builds its menu.

A page whose outputs came from the execution cache is written there without them: MyST-NB
merges the cached outputs into a copy of the notebook and writes the original. Its outputs are
merged in again here, from the same cache and through jupyter-cache's own matching, so that
the download holds what the page shows whether or not the page was executed by this build.

The copy is made reproducible, so that two clean builds publish the same bytes: MyST-NB gives
each cell a random id when it reads a text notebook, and these become ``cell-1``, ``cell-2``,
...; what only the build uses (MyST-NB's map of cells to source lines, the execution cache's
fingerprint in the kernelspec, timing metadata) is left out.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import nbformat
from jupyter_cache import get_cache
from myst_nb.sphinx_ import NbMetadataCollector
from myst_nb.sphinx_ext import OUTPUT_FOLDER
from page_context import on_page_context
from sphinx.application import Sphinx

#: Notebook metadata that describes the build, not the page.
_BUILD_METADATA = ("source_map",)
_BUILD_CELL_METADATA = ("execution",)


def published_notebook(source: Path, cache_path: str | None) -> str:
    """The text of the notebook at ``source``, with its cached outputs, as it is offered."""
    # nbformat ships no annotations for its readers and writers.
    notebook = nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call]
    if cache_path:
        # Not in the cache means executed without it: the outputs are in the file already.
        with contextlib.suppress(KeyError):
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
    for key in _BUILD_METADATA:
        notebook.metadata.pop(key, None)
    for index, cell in enumerate(notebook.cells, start=1):
        cell["id"] = f"cell-{index}"
        for key in _BUILD_CELL_METADATA:
            cell.metadata.pop(key, None)
    nbformat.validate(notebook)
    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    return text + "\n"


def _offer_notebook(app: Sphinx, context: dict[str, Any]) -> None:
    pagename = context["pagename"]
    if app.builder.format != "html" or NbMetadataCollector.get_exec_data(app.env, pagename) is None:
        return
    source = Path(app.outdir).parent / OUTPUT_FOLDER / f"{pagename}.ipynb"
    if not source.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    cache_path = (
        app.config.nb_execution_cache_path if app.config.nb_execution_mode == "cache" else None
    )
    text = published_notebook(source, cache_path)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    # Before sphinx-book-theme builds the download menu from the context (priority 501).
    on_page_context(app, lambda context, _: _offer_notebook(app, context), priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
