"""docs/_ext/table_cards.py: which tables become cards on a phone, and the labels they get."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from sphinx_project import build

PAGE = """\
Tables
======

.. table:: Wide

   ===== ======= ========= ======
   Claim Verdict Reason    Source
   ===== ======= ========= ======
   one   holds   *because* x
   two   fails
   ===== ======= ========= ======

.. table:: Narrow

   ==== =====
   Name Line
   ==== =====
   a    b
   ==== =====

.. table:: Spanning

   +-----+-----+-----+-----+
   | A   | B   | C   | D   |
   +=====+=====+=====+=====+
   | one spans | x   | y   |
   +-----------+-----+-----+
"""


def _page(tmp_path: Path) -> BeautifulSoup:
    result = build(tmp_path, {"index.rst": PAGE}, ["table_cards"])
    assert result.returncode == 0, result.warnings
    return BeautifulSoup(result.page(), "html.parser")


def test_wide_tables_get_a_label_per_cell(tmp_path: Path) -> None:
    page = _page(tmp_path)
    tables = page.select("table")
    assert len(tables) == 3
    # Only the first: a table of two columns fits a phone, and one with a cell spanning
    # columns is left alone, since its labels would shift.
    cards = page.select("table.cards")
    assert cards == tables[:1]
    assert len(page.select("table:not(.cards) .card-label")) == 0
    rows = cards[0].select("tbody tr")
    labels = [[label.get_text() for label in row.select("td .card-label")] for row in rows]
    assert labels == [["Claim", "Verdict", "Reason", "Source"]] * 2
    # The cell's own content follows its label, markup and all; an empty cell gets a label too.
    assert [em.get_text() for em in rows[0].select("td em")] == ["because"]
    assert [cell.get_text(strip=True) for cell in rows[1].select("td")] == [
        "Claimtwo", "Verdictfails", "Reason", "Source"
    ]  # fmt: skip
