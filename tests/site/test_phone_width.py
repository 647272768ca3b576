"""On a 390 px phone, no table or figure is wider than the screen, and wide tables read as cards.

Every page is opened at a phone's width in Chromium, and looked at in light mode and then in
dark mode. A table is too wide when it sticks out of
the screen or when its scrolling container has to scroll sideways (the theme wraps tables in
one, which would hide the clipped part rather than show it); the same goes for images. Tables
of four columns or more become one card per row there (docs/_ext/table_cards.py), each cell
under its column's heading, and stay tables on a desktop.

The pages with figures are also photographed whole, at both widths and in both modes, into the
test artefacts, for a person to look at: each page is opened once per width for that.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sitecrawl
from playwright.sync_api import Page, ViewportSize
from tabs import MOTION_OVER, Tab

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
#: The pages of the text; the API reference's generated pages hold no table or figure.
TEXT_PAGES = [page for page in sitecrawl.content_pages() if not page.startswith("generated/")]
#: The pages whose wide tables the issue names; each must have one.
CARD_PAGES = ["claims.html", "leaky-relu.html"]
#: The pages of the text with a figure, read from their HTML: the others have nothing to
#: photograph, and opening each of them four times only to find that out took half a minute.
FIGURE_PAGES = [page for page in TEXT_PAGES if sitecrawl.parse(sitecrawl.SITE / page).figure_images]

#: Tables, figures and images that stick out of the screen, or out of a box that then
#: scrolls sideways. (Icons and the theme's off-screen menus are not the article's.)
TOO_WIDE = """() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    for (const element of document.querySelectorAll('article table, article img, article figure')) {
        const r = element.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < -0.5 || r.right > width + 0.5) found.push(`${element.tagName} ${r.right}`);
    }
    for (const box of document.querySelectorAll(
        'article .pst-scrollable-table-container, article figure')) {
        if (box.scrollWidth > box.clientWidth + 1) found.push(`${box.className} scrolls`);
    }
    return found;
}"""


def _open(new_tab: Callable[[], Tab], url: str, viewport: ViewportSize) -> Page:
    tab = new_tab()
    tab.page.set_viewport_size(viewport)
    tab.open(url)
    return tab.page


def _in_both_modes(page: Page, text_page: str, viewport: ViewportSize) -> list[str]:
    """What sticks out (``TOO_WIDE``) in light mode and then in dark mode, each prefixed with
    its mode; a page with figures is also photographed whole in each mode, for a person to
    look at, into the test artefacts."""
    found = []
    for mode in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
        page.evaluate(MOTION_OVER)
        found += [f"{mode}: {element}" for element in page.evaluate(TOO_WIDE)]
        if text_page in FIGURE_PAGES:
            name = text_page.removesuffix(".html").replace("/", "-")
            target = sitecrawl.ARTIFACTS / "pages" / f"{name}-{viewport['width']}-{mode}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=target, full_page=True)
    return found


@pytest.mark.parametrize("text_page", TEXT_PAGES)
def test_nothing_is_wider_than_a_phone(
    new_tab: Callable[[], Tab], site_url: str, text_page: str
) -> None:
    page = _open(new_tab, site_url + text_page, PHONE)
    assert _in_both_modes(page, text_page, PHONE) == []


@pytest.mark.parametrize("page_name", CARD_PAGES)
def test_wide_tables_are_cards_on_a_phone(
    new_tab: Callable[[], Tab], site_url: str, page_name: str
) -> None:
    page = _open(new_tab, site_url + page_name, PHONE)
    cards = page.locator("main table.cards")
    assert cards.count() > 0
    shown = page.evaluate(
        """() => [...document.querySelectorAll('main table.cards')].map((table) => {
            const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
            const row = table.querySelector('tbody tr');
            return {
                rowDisplay: getComputedStyle(row).display,
                labels: [...row.querySelectorAll('td')].map((td) => {
                    const label = td.querySelector('.card-label');
                    return label && label.checkVisibility() ? label.textContent : null;
                }),
                headings,
            };
        })"""
    )
    for table in shown:
        assert table["rowDisplay"] == "block"
        assert table["labels"] == [heading or None for heading in table["headings"]]


@pytest.mark.parametrize("page_name", CARD_PAGES)
def test_wide_tables_stay_tables_on_a_desktop(
    new_tab: Callable[[], Tab], site_url: str, page_name: str
) -> None:
    page = _open(new_tab, site_url + page_name, DESKTOP)
    displays = page.locator("main table.cards tbody tr").evaluate_all(
        "(rows) => rows.map((row) => getComputedStyle(row).display)"
    )
    assert displays
    assert set(displays) == {"table-row"}
    all_hidden = page.locator("main .card-label").evaluate_all(
        "(labels) => labels.every((label) => !label.checkVisibility())"
    )
    assert all_hidden


@pytest.mark.parametrize("text_page", FIGURE_PAGES)
def test_pages_with_figures_fit_a_desktop(
    new_tab: Callable[[], Tab], site_url: str, text_page: str
) -> None:
    """And their screenshots at a desktop's width, beside the phone's."""
    page = _open(new_tab, site_url + text_page, DESKTOP)
    assert page.locator("main figure img").count() > 0
    assert _in_both_modes(page, text_page, DESKTOP) == []
