"""Every figure in four looks: wide and narrow, light and dark, each a link to itself.

A page cell whose value is a :class:`dying_relu.plotting.SiteFigure` outputs HTML (a
``<picture>`` holding the four looks as SVG data) beside the light wide look as SVG. MyST-NB
renders both into the output's bundle, and would pick one when the page is written. Before
that, while the page is read, this transform replaces such a bundle with four images, each
written as a file of its own next to MyST-NB's outputs, so that Sphinx copies them to
``_images/``:

* the light looks carry the theme's ``only-light`` class and the dark ones ``only-dark``, so
  the theme shows the one of the reader's colour scheme (including a choice made with its
  switch, which a ``<picture>``'s media query cannot see);
* ``figure-wide`` and ``figure-narrow`` let ``_static/site.css`` show the narrow look, with
  its panels stacked, below 600 px;
* every image has the alt text the cell gives (``mystnb: image: alt``), is loaded lazily (a
  browser does not fetch the three looks it does not show), and is a link to its own SVG
  file: the figure at full size, sharp at any zoom.

A bundle whose HTML is not a SiteFigure's is left alone; a SiteFigure's that lacks one of
its four looks or its alt text stops the build.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform

#: The class of the ``<picture>`` a SiteFigure writes.
MARKER = 'class="dying-relu-figure"'
#: The media query of each look in that ``<picture>``; the light wide look is its ``<img>``.
MEDIA = {
    "(prefers-color-scheme: dark) and (max-width: 600px)": ("dark", "narrow"),
    "(max-width: 600px)": ("light", "narrow"),
    "(prefers-color-scheme: dark)": ("dark", "wide"),
}
_SOURCE = re.compile(r'<source media="([^"]+)" srcset="data:image/svg\+xml;base64,([^"]+)">')
_IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([^"]+)"')
#: Where Sphinx's HTML builder puts the images, relative to the site's root.
IMAGE_DIR = "_images"


def _looks(html: str) -> dict[tuple[str, str], bytes]:
    looks = {MEDIA[media]: base64.b64decode(data) for media, data in _SOURCE.findall(html)}
    found = _IMG.search(html)
    if found:
        looks["light", "wide"] = base64.b64decode(found.group(1))
    return looks


def _mime_child(bundle: nodes.Element, mime_type: str) -> nodes.Element | None:
    for child in bundle.children:
        if isinstance(child, nodes.Element) and child.get("mime_type") == mime_type:
            return child
    return None


class SiteFigures(SphinxTransform):
    """Replace each SiteFigure's output bundle by its four looks."""

    default_priority = 500

    def apply(self, **kwargs: Any) -> None:
        del kwargs
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            html = _mime_child(bundle, "text/html")
            if html is None or MARKER not in html.astext():
                continue
            bundle.replace_self(self._figure(bundle, html.astext()))

    def _figure(self, bundle: nodes.Element, html: str) -> nodes.container:
        where = f"{self.env.docname}, line {bundle.line}"
        svg = _mime_child(bundle, "image/svg+xml")
        images = list(svg.findall(nodes.image)) if svg is not None else []
        if len(images) != 1:
            raise ExtensionError(f"{where}: a SiteFigure's output lacks its SVG image")
        alt = images[0].get("alt", "")
        if not alt:
            raise ExtensionError(f"{where}: a figure needs alt text (mystnb: image: alt)")
        looks = _looks(html)
        if len(looks) != 4:
            raise ExtensionError(f"{where}: a SiteFigure's output has {len(looks)} of 4 looks")
        # MyST-NB's output folder, as the URI of its own image says ("/" is the source root).
        folder = Path(self.env.srcdir, images[0]["uri"].lstrip("/")).parent
        up = "../" * self.env.docname.count("/")
        box = nodes.container(classes=["site-figure"])
        for (scheme, size), data in sorted(looks.items(), key=lambda item: item[0][1] != "wide"):
            name = hashlib.sha256(data).hexdigest() + ".svg"
            path = folder / name
            if not path.exists():
                path.write_bytes(data)
            classes = [f"only-{scheme}", f"figure-{size}"]
            image = nodes.image(
                uri=images[0]["uri"].rsplit("/", 1)[0] + "/" + name,
                alt=alt,
                loading="lazy",
                classes=["figure-look", *classes],
            )
            # Sphinx copies the image to _images/ under its own name (a digest: unique).
            link = nodes.reference(
                "", "", image, refuri=posixpath.join(up + IMAGE_DIR, name), classes=classes
            )
            box += link
        return box


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(SiteFigures)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
