"""Wide tables become one card per row on a phone.

A table of four columns or more (the claims ledger, the slope conventions of the libraries)
does not fit a 390 px screen: its cells are squeezed into tall, narrow columns and the last
ones run off the side. Such a table gets the class ``cards``, and every cell of its body a
label with its column's heading, hidden on a wide screen. ``_static/site.css`` then lays the
table out as cards below 600 px: each row a box, each cell a block under its label.

The labels are written into the page, not added by a script or taken from the headings by CSS
(``attr()``), so that a phone reader without JavaScript gets them too, and the table reads as
a table everywhere else.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: Tables with at least this many columns become cards on a phone.
MIN_COLUMNS = 4
CARDS = "cards"
LABEL = "card-label"


def _label(text: str) -> nodes.inline:
    return nodes.inline(text, text, classes=[LABEL])


def _make_cards(table: nodes.table) -> None:
    groups = list(table.findall(nodes.tgroup))
    if len(groups) != 1 or int(groups[0]["cols"]) < MIN_COLUMNS:
        return
    group = groups[0]
    heads = list(group.findall(nodes.thead))
    bodies = list(group.findall(nodes.tbody))
    if len(heads) != 1 or len(bodies) != 1 or len(heads[0].children) != 1:
        return
    headings = [entry.astext().strip() for entry in heads[0].findall(nodes.entry)]
    rows = list(bodies[0].findall(nodes.row))
    cells = [[cell for cell in row.children if isinstance(cell, nodes.entry)] for row in rows]
    # Cells spanning columns or rows would shift the labels, and a nested table would be
    # labelled by its parent's headings; such tables stay as they are.
    spans = any("morecols" in entry or "morerows" in entry for row in cells for entry in row)
    nested = len(list(bodies[0].findall(nodes.table))) > 0
    if spans or nested or any(len(row) != len(headings) for row in cells):
        return
    table["classes"].append(CARDS)
    for row in cells:
        for heading, entry in zip(headings, row, strict=True):
            if heading == "":
                continue
            first = entry.children[0] if entry.children else None
            if isinstance(first, nodes.paragraph):
                first.insert(0, _label(heading))
            else:
                entry.insert(0, nodes.paragraph("", "", _label(heading)))


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    del app, docname
    for table in doctree.findall(nodes.table):
        _make_cards(table)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", _resolved)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
