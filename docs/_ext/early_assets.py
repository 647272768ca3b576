"""Put MyST-NB's style sheet in the output before any page is written.

Sphinx appends a checksum to the address of every local style sheet and script (``?v=...``),
computed from the file in the output directory when a page is written. MyST-NB copies its
``mystnb.<hash>.css`` only when the build finishes, so a clean build links it without a
checksum and every later build with one: two builds of the same sources differed. Running
MyST-NB's own copy step as soon as the builder exists makes them agree.
"""

from __future__ import annotations

from typing import Any

from myst_nb.sphinx_ext import add_global_html_resources
from sphinx.application import Sphinx


def _copy_now(app: Sphinx) -> None:
    add_global_html_resources(app, None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.connect("builder-inited", _copy_now)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
