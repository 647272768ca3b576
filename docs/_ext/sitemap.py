"""Write ``sitemap.xml`` listing every page of the site, sorted, on every HTML build.

sphinx-sitemap lists only the pages written by the current build, so after an incremental
build its sitemap misses every page that did not change (its issue #13, open since 2018).
This one is built from the environment's list of all documents, so a rebuild gives the same
file as a clean build. It carries no ``lastmod``: a date would make two builds of the same
sources differ, and search engines ignore the field when it is not reliable anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _write_sitemap(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    base = app.config.html_baseurl
    if not base:
        logger.warning("html_baseurl is not set; no sitemap.xml written", type="sitemap")
        return
    base = base.rstrip("/") + "/"
    suffix = app.builder.out_suffix  # type: ignore[attr-defined]
    excluded = set(app.config.sitemap_exclude_docs)
    urls = [
        base + ("" if docname == app.config.root_doc else docname + suffix)
        for docname in sorted(app.env.found_docs)
        if docname not in excluded
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"  <url><loc>{escape(url)}</loc></url>" for url in urls),
        "</urlset>",
        "",
    ]
    Path(app.outdir, "sitemap.xml").write_text("\n".join(lines), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("sitemap_exclude_docs", [], "html", types=[list])
    app.connect("build-finished", _write_sitemap)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
