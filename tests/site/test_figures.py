"""Figures as a reader meets them: the right look for the screen and the colour scheme,
text as large as the body text on a desktop, and a link to each figure at full size.

Every figure is written in four looks (docs/_ext/site_figures.py): wide and narrow, light and
dark. Each page with a figure is opened at 1280 px and at 390 px, in light and in dark mode,
and each figure must show exactly one of its looks, the one drawn for that screen and scheme.
On a desktop the wide look is shown at its own size, so its 12-point text is 16 px, which is
the body text's size; every look is a link to its own SVG file, which a keyboard reaches and
which loads.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

import pytest
import sitecrawl
from playwright.sync_api import Page, ViewportSize
from tabs import Tab, choose_mode

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
FIGURE_PAGES = [
    "born-dead.html",
    "check-your-network.html",
    "dying-relu.html",
    "leaky-relu.html",
    "learning-rate.html",
    "plasticity.html",
    "vanishing-gradients.html",
]
#: The house style's text size, in CSS pixels, when a figure is shown at its own size.
FIGURE_TEXT_PX = 12.0 * 96.0 / 72.0

SHOWN = """() => [...document.querySelectorAll('main figure .site-figure')].map((box) => {
    const shown = [...box.querySelectorAll('img')].filter((img) => img.checkVisibility());
    return shown.map((img) => ({
        classes: [...img.classList],
        width: img.getBoundingClientRect().width,
        natural: img.naturalWidth,
        alt: img.getAttribute('alt'),
    }));
})"""


def _open(new_tab: Callable[[], Tab], url: str, viewport: ViewportSize, mode: str) -> Page:
    tab = new_tab()
    tab.page.set_viewport_size(viewport)
    tab.open(url)
    if mode == "dark":
        choose_mode(tab.page, "dark")
    return tab.page


def test_every_page_with_a_figure_is_listed() -> None:
    """The pages below are those of the site that have figures; a new one must be added."""
    with_figures = sorted(
        page
        for page in sitecrawl.content_pages()
        if "site-figure" in (sitecrawl.SITE / page).read_text(encoding="utf-8")
    )
    assert with_figures == FIGURE_PAGES


def _check_shown(page: Page, viewport: ViewportSize, mode: str) -> list[dict[str, object]]:
    """Each figure shows exactly the look drawn for this screen and scheme; those looks."""
    figures = page.evaluate(SHOWN)
    assert figures, "no figure found"
    size = "narrow" if viewport is PHONE else "wide"
    shown = []
    for looks in figures:
        assert len(looks) == 1, (viewport["width"], mode, looks)
        (image,) = looks
        assert f"only-{mode}" in image["classes"], (viewport["width"], mode)
        assert f"figure-{size}" in image["classes"], (viewport["width"], mode)
        assert image["alt"]
        assert image["natural"] > 0
        assert image["width"] <= viewport["width"]
        shown.append(image)
    return shown


@pytest.mark.parametrize("page_name", FIGURE_PAGES)
def test_each_figure_shows_the_look_for_the_screen(
    new_tab: Callable[[], Tab], site_url: str, page_name: str
) -> None:
    """One visit per page: desktop light, desktop dark, phone dark, phone light.

    On the desktop the figure text must also be at least the body text's size.
    """
    page = _open(new_tab, site_url + page_name, DESKTOP, "light")
    body_px = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"
    )
    for image in _check_shown(page, DESKTOP, "light"):
        text_px = FIGURE_TEXT_PX * float(image["width"]) / float(image["natural"])  # type: ignore[arg-type]
        assert text_px >= body_px - 0.5, image
    choose_mode(page, "dark")
    _check_shown(page, DESKTOP, "dark")
    page.set_viewport_size(PHONE)
    _check_shown(page, PHONE, "dark")
    # The theme's switch hides in the phone's menu; the attribute it sets does the same.
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    _check_shown(page, PHONE, "light")


@pytest.mark.parametrize("page_name", FIGURE_PAGES)
def test_every_look_links_to_itself_at_full_size(
    new_tab: Callable[[], Tab], site_url: str, page_name: str
) -> None:
    page = _open(new_tab, site_url + page_name, DESKTOP, "light")
    links = page.evaluate(
        """() => [...document.querySelectorAll('main figure .site-figure a')].map((a) => ({
            href: a.getAttribute('href'),
            src: a.querySelector('img').getAttribute('src'),
            alt: a.querySelector('img').getAttribute('alt'),
            box: [...document.querySelectorAll('main figure .site-figure')]
                .indexOf(a.closest('.site-figure')),
        }))"""
    )
    assert links
    by_figure: dict[int, list[str]] = {}
    for link in links:
        # The link and the image name the same file: the look itself, full size.
        assert link["href"].rsplit("/", 1)[-1] == link["src"].rsplit("/", 1)[-1]
        assert link["href"].endswith(".svg")
        by_figure.setdefault(link["box"], []).append(link["alt"])
        response = page.request.get(urljoin(site_url + page_name, link["href"]))
        assert response.ok, link["href"]
        assert response.body().lstrip().startswith(b"<?xml")
    for alts in by_figure.values():
        # Four looks, one alt text.
        assert len(alts) == 4
        assert len(set(alts)) == 1


def test_a_keyboard_reaches_a_figure_and_opens_it(
    new_tab: Callable[[], Tab], site_url: str
) -> None:
    page = _open(new_tab, site_url + "vanishing-gradients.html", DESKTOP, "light")
    link = page.locator("main figure .site-figure a:visible").first
    alt = link.locator("img").get_attribute("alt")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.site-figure') !== null"):
            break
    else:
        pytest.fail("Tab never reached a figure")
    focused = page.evaluate(
        "() => ({name: document.activeElement.querySelector('img').alt,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused["name"] == alt
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(focused["href"].rsplit("/", 1)[-1])
