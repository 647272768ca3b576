"""No broken internal link or anchor anywhere in the built site.

Every ``href`` and ``src`` of every page that stays inside the site must name a file of the
site, and every ``#fragment`` must name an ``id`` (or an ``<a name>``) of the page it points
to. Links that leave the site are for ``nox -s linkcheck``, which needs a network.
"""

from __future__ import annotations

import sitecrawl
from site_report import record

#: Attribute values that are not addresses of resources (the theme's in-page widgets).
NOT_ADDRESSES = ("javascript:", "data:", "mailto:")


def broken_references(page: str) -> list[str]:
    site = sitecrawl.SITE
    broken = []
    for tag, attribute, reference in sitecrawl.parse(site / page).references:
        if not reference or reference.startswith(NOT_ADDRESSES):
            continue
        resolved = sitecrawl.resolve(page, reference)
        if resolved is None:
            continue
        target, fragment = resolved
        target_file = sitecrawl.site_file(site, target)
        if target_file is None:
            broken.append(f"<{tag} {attribute}={reference!r}>: no file {target}")
            continue
        if fragment and target_file.suffix == ".html":
            ids = sitecrawl.parse(target_file).ids
            if fragment not in ids:
                broken.append(f"<{tag} {attribute}={reference!r}>: no id {fragment!r} in {target}")
    return broken


def test_no_broken_internal_links(html_page: str) -> None:
    broken = broken_references(html_page)
    record(html_page, "broken links", len(broken))
    assert broken == []


def test_every_page_is_reachable_and_in_the_sitemap() -> None:
    crawled = set(sitecrawl.content_pages())
    listed = set(sitecrawl.sitemap_pages())
    assert listed - crawled == set(), "in sitemap.xml but not linked from the site"
    assert crawled - listed == set(), "linked from the site but missing from sitemap.xml"
