"""Dark mode: the theme's switch turns it on, and every figure shows its dark look.

Each figure is drawn for both colour schemes (dying_relu.plotting.SiteFigure); in dark mode
the page must show the dark one: a figure whose background is dark (luminance below one
half, where a light figure on the dark page would be a glaring card), and whose lines stand
out from it. A figure is readable when the contrast between its most common colour (its
background) and the ink farthest from it reaches 3:1, the WCAG minimum for graphics.
"""

from __future__ import annotations

from page_visit import PageVisit

GRAPHICS_CONTRAST = 3.0


def test_figures_show_their_dark_look_in_dark_mode(site_page: PageVisit) -> None:
    light = [(src, round(back, 2)) for src, _, back in site_page.dark_figures if back >= 0.5]
    assert light == []


def test_figures_stay_readable_in_dark_mode(site_page: PageVisit) -> None:
    unreadable = [
        (src, round(ratio, 2))
        for src, ratio, _ in site_page.dark_figures
        if ratio < GRAPHICS_CONTRAST
    ]
    assert unreadable == []
