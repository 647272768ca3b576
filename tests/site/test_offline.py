"""Nothing from elsewhere: every page renders from the site alone.

Every browser visit in this suite blocks requests to any host but 127.0.0.1, so the browser
tests (math, figures, fonts, icons, search) already run offline; this module adds that no
page even asks for anything outside, and that no script or style sheet is linked from
another host in the first place.
"""

from __future__ import annotations

import sitecrawl
from page_visit import PageVisit

#: Elements whose address the browser fetches while loading a page (links are not fetched).
_LOADED = {("script", "src"), ("img", "src"), ("link", "href"), ("iframe", "src")}


def test_no_request_leaves_the_machine(site_page: PageVisit) -> None:
    assert site_page.blocked == []


def test_no_resource_is_linked_from_another_host(html_page: str) -> None:
    parsed = sitecrawl.parse(sitecrawl.SITE / html_page)
    remote = [
        reference
        for tag, attribute, reference in parsed.references
        if (tag, attribute) in _LOADED and reference.startswith(("http:", "https:", "//"))
    ]
    assert remote == []
