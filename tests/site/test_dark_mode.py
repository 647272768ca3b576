"""Dark mode: the theme's switch turns it on, and every figure keeps a readable background.

A figure is readable when its lines stand out from what surrounds them: the contrast between
the most common colour of the rendered figure (its background) and its darkest ink must reach
3:1, the WCAG minimum for graphics. A transparent figure drawn in black would fail on the
dark page; the figures of the site carry their own white background.
"""

from __future__ import annotations

from page_visit import PageVisit

GRAPHICS_CONTRAST = 3.0


def test_figures_stay_readable_in_dark_mode(site_page: PageVisit) -> None:
    unreadable = [
        (src, round(ratio, 2)) for src, ratio in site_page.dark_figures if ratio < GRAPHICS_CONTRAST
    ]
    assert unreadable == []
