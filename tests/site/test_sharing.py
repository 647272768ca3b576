"""What a search engine, a link preview or a slow connection sees of each page: a description,
OpenGraph tags, a favicon, a sitemap entry, and a weight under the budget."""

from __future__ import annotations

import re

import sitecrawl
from site_report import record

#: A page's own HTML plus its images; the theme's shared scripts and styles are cached once.
PAGE_BUDGET_KB = 400


def test_page_has_a_description(content_page: str) -> None:
    meta = sitecrawl.parse(sitecrawl.SITE / content_page).meta
    description = meta.get("description", "").strip()
    assert len(description) >= 20, f"meta description too short: {description!r}"
    assert not re.search(r"\{[\w:-]+\}`", description), "a MyST role left in the description"


def test_page_has_opengraph_tags(content_page: str) -> None:
    parsed = sitecrawl.parse(sitecrawl.SITE / content_page)
    base = sitecrawl.base_url()
    for key in ("og:title", "og:description", "og:url", "og:image", "og:image:alt"):
        assert parsed.meta.get(key, "").strip(), f"{key} missing"
    assert parsed.meta["og:url"] == parsed.canonical
    assert parsed.canonical.startswith(base)
    assert parsed.meta["og:image"].startswith(base), "og:image must be an absolute address"


def test_page_links_a_favicon(content_page: str) -> None:
    icons = [
        reference
        for tag, attribute, reference in sitecrawl.parse(sitecrawl.SITE / content_page).references
        if tag == "link" and attribute == "href" and "favicon" in reference
    ]
    assert icons, "no <link rel=icon>"
    for icon in icons:
        resolved = sitecrawl.resolve(content_page, icon)
        assert resolved is not None
        assert sitecrawl.site_file(sitecrawl.SITE, resolved[0]) is not None


def page_weight_kb(page: str) -> float:
    """Size of the page's HTML plus every distinct image it shows, in KB (1000 bytes)."""
    site = sitecrawl.SITE
    total = (site / page).stat().st_size
    images = set()
    for src in sitecrawl.parse(site / page).images:
        resolved = sitecrawl.resolve(page, src)
        if resolved is not None:
            image = sitecrawl.site_file(site, resolved[0])
            if image is not None:
                images.add(image)
    total += sum(image.stat().st_size for image in images)
    return total / 1000


def test_page_weight_within_budget(content_page: str) -> None:
    weight = page_weight_kb(content_page)
    record(content_page, "KB", weight)
    assert weight <= PAGE_BUDGET_KB


def test_sitemap_addresses_are_published_addresses() -> None:
    base = sitecrawl.base_url()
    assert base.startswith("https://")
    assert sitecrawl.sitemap_pages(), "sitemap.xml lists no page"
