"""Spread the pages that take long to execute over the parallel readers of ``-j``.

Sphinx reads the changed pages in sorted order, cut into consecutive chunks, and hands the
chunks to its worker processes in turn; MyST-NB executes a page while it is read. In sorted
order the slow pages of this site fall into two chunks, and the worker that gets the second
one executes most of the site while the other reads the API pages and then waits. This
extension reorders the pages before they are read (Sphinx's ``env-before-read-docs`` event
exists for this): the slow pages are dealt, longest first, to whichever of the first chunks
has the least work so far, and the other pages fill the chunks up. The weights are the
seconds each page took to execute, from ``execution_seconds`` in conf.py; a page missing
there counts as quick, and so does a page whose outputs the execution cache already holds for
its present source (MyST-NB reads them from there instead of executing it). Reading order
changes no output, and the order is the same on every build of the same pages and cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.parallel import make_chunks


def balanced(docnames: list[str], weights: dict[str, float], processes: int) -> list[str]:
    """``docnames`` reordered so that the first ``processes`` chunks share the slow pages.

    Examples
    --------
    >>> pages = ["a", "b", "c", "d", "e", "f", "g", "h"]
    >>> balanced(pages, {"a": 3.0, "b": 2.0, "c": 2.0}, processes=2)
    ['a', 'd', 'e', 'f', 'b', 'c', 'g', 'h']
    """
    slow = sorted((d for d in docnames if d in weights), key=lambda d: (-weights[d], d))
    quick = [d for d in docnames if d not in weights]
    groups: list[list[str]] = [[] for _ in range(processes)]
    loads = [0.0] * processes
    for docname in slow:
        lightest = loads.index(min(loads))
        groups[lightest].append(docname)
        loads[lightest] += weights[docname]
    # As many pages as Sphinx puts in one chunk (none are read when there are no pages).
    chunks = make_chunks(docnames, processes)
    size = len(chunks[0]) if chunks else 0
    order: list[str] = []
    for group in groups:
        fill = max(size - len(group), 0)
        order += group + quick[:fill]
        quick = quick[fill:]
    return order + quick


def cached(env: BuildEnvironment, docnames: Iterable[str]) -> set[str]:
    """Those of ``docnames`` that MyST-NB will not execute: the execution cache holds outputs
    for their present source (matched as MyST-NB matches them), and it runs in cache mode."""
    from jupyter_cache import get_cache
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    # MyST-Parser and MyST-NB keep their configuration on the environment (builder-inited).
    config: NbParserConfig = env.mystnb_config  # type: ignore[attr-defined]
    md_config: MdParserConfig = env.myst_config  # type: ignore[attr-defined]
    if config.execution_mode != "cache" or not config.execution_cache_path:
        return set()

    cache = get_cache(config.execution_cache_path)
    found = set()
    for docname in docnames:
        path = Path(env.doc2path(docname))
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), md_config, config, text)
        if reader is None:
            continue
        try:
            cache.match_cache_notebook(reader.read(text))
        except KeyError:
            continue
        found.add(docname)
    return found


def _reorder(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1:
        weights = dict(app.config.execution_seconds)
        for docname in cached(env, [d for d in docnames if d in weights]):
            del weights[docname]
        docnames[:] = balanced(docnames, weights, app.parallel)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("execution_seconds", {}, "", types=[dict])
    app.connect("env-before-read-docs", _reorder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
