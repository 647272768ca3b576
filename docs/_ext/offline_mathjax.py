"""Serve MathJax from the site itself instead of a CDN.

A reader offline, or one opening a copy of the site years from now, must still see the math.
The MathJax 3 distribution comes from the ``sphinx-mathjax-offline`` package, used here only
as a versioned source of files (its own extension copies all 24 MB into the site on every
build, which would dominate a rebuild that changes nothing). Only what the TeX input
and the CommonHTML output can load at run time is copied: the combined component, the TeX
extensions that ``autoload`` fetches on first use, the fonts, and the menu with its
accessibility modules (speech and the expression explorer are loaded when a reader turns them
on). Files already in place with the same content are not copied again, so a rebuild that
changes nothing stays fast.

``conf.py`` points ``mathjax_path`` at ``mathjax/tex-chtml.js``, which sphinx.ext.mathjax
resolves against ``_static``; this extension checks that it does.
"""

from __future__ import annotations

import filecmp
import shutil
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: Relative to the distribution's static directory; these are what tex-chtml.js can request.
_PARTS = (
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
    "adaptors",
    "LICENSE",
)
_TARGET = "mathjax"
ENTRY_POINT = f"{_TARGET}/tex-chtml.js"


def mathjax_source() -> Path:
    """The directory that holds the MathJax distribution."""
    dist = distribution("sphinx-mathjax-offline")
    root = Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))
    if not (root / "tex-chtml.js").is_file():
        msg = f"no MathJax distribution in {root}; is sphinx-mathjax-offline installed?"
        raise FileNotFoundError(msg)
    return root


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_mathjax(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    root = mathjax_source()
    target = Path(app.outdir) / "_static" / _TARGET
    for part in _PARTS:
        path = root / part
        if path.is_file():
            _copy_if_changed(path, target / part)
            continue
        for source in sorted(path.rglob("*")):
            if source.is_file():
                _copy_if_changed(source, target / source.relative_to(root))


def _builder_inited(app: Sphinx) -> None:
    if app.config.mathjax_path != ENTRY_POINT:
        msg = f"mathjax_path must be {ENTRY_POINT!r} to load the bundled copy"
        raise ValueError(msg)
    _copy_mathjax(app)


def setup(app: Sphinx) -> dict[str, Any]:
    mathjax_source()
    # Copied before any page is written: Sphinx adds a checksum (?v=) to the script's address
    # only if the file is already in the output, and a clean build must match a rebuild.
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
