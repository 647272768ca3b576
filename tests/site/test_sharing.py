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
    """Size of the page's HTML plus every distinct image a reader loads, in KB (1000 bytes).

    A figure is written in four looks (docs/_ext/site_figures.py), loaded lazily, and a
    browser fetches only the one it shows (Chromium fetched exactly one look per figure of the
    dying-relu page at 1280 and at 390 px, scrolled to the end); so a figure counts once, at
    the size of its heaviest look.
    """
    site = sitecrawl.SITE
    html = (site / page).read_text(encoding="utf-8")
    total = len(html.encode("utf-8"))

    def size(src: str) -> int:
        resolved = sitecrawl.resolve(page, src)
        image = sitecrawl.site_file(site, resolved[0]) if resolved is not None else None
        return image.stat().st_size if image is not None else 0

    looks = set()
    for box in re.findall(r'<div class="site-figure[^"]*">(.*?)</div>', html, re.DOTALL):
        sources = re.findall(r'<img [^>]*src="([^"]+)"', box)
        looks.update(sources)
        total += max(size(src) for src in sources)
    total += sum(size(src) for src in set(sitecrawl.parse(site / page).images) - looks)
    return total / 1000


def test_page_weight_within_budget(content_page: str) -> None:
    weight = page_weight_kb(content_page)
    record(content_page, "KB", weight)
    assert weight <= PAGE_BUDGET_KB


def test_sitemap_addresses_are_published_addresses() -> None:
    base = sitecrawl.base_url()
    assert base.startswith("https://")
    assert sitecrawl.sitemap_pages(), "sitemap.xml lists no page"
