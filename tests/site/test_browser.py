"""Every page in headless Chromium: it loads cleanly, and its images, figures, math and icons
render, with every request to a host other than 127.0.0.1 blocked."""

from __future__ import annotations

from page_visit import PageVisit


def test_no_console_errors(site_page: PageVisit) -> None:
    assert site_page.console_errors == []


def test_no_failed_requests(site_page: PageVisit) -> None:
    assert site_page.failed_requests == []


def test_every_image_has_alt_text(site_page: PageVisit) -> None:
    assert site_page.dom["imagesWithoutAlt"] == []


def test_every_image_loads(site_page: PageVisit) -> None:
    assert site_page.dom["brokenImages"] == []


def test_every_figure_has_a_caption(site_page: PageVisit) -> None:
    assert site_page.dom["figuresWithoutCaption"] == []


def test_math_is_rendered(site_page: PageVisit) -> None:
    assert site_page.dom["mathUnrendered"] == []
    assert not site_page.dom["rawTexLeft"], "TeX delimiters left in the page text"


def test_fonts_load(site_page: PageVisit) -> None:
    assert site_page.dom["brokenFonts"] == []


def test_icons_render(site_page: PageVisit) -> None:
    # Font Awesome replaces each <i class="fa-..."> by an inline SVG once its script has run.
    assert site_page.dom["iconsTotal"] > 0
    assert site_page.dom["iconsUnrendered"] == 0
