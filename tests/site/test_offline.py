"""Nothing from elsewhere: every page renders from the site alone.

Every browser visit in this suite blocks requests to any host but 127.0.0.1, so the browser
tests (math, figures, fonts, icons, search) already run offline; this module adds that no
page even asks for anything outside, and that no script or style sheet is linked from
another host in the first place.
"""

from __future__ import annotations

from collections.abc import Callable

import sitecrawl
from page_visit import PageVisit
from tabs import Tab

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


def test_a_request_to_another_host_is_blocked_and_recorded(
    new_tab: Callable[[], Tab], site_url: str
) -> None:
    """Positive control: the empty lists above mean that nothing asked, not that nothing is
    watched. Requests to the site go through; to any other host, by name or by address, they
    are refused and recorded."""
    tab = new_tab()
    tab.open(site_url + "index.html")
    outside = ["https://example.org/a.js", "http://localhost:9/b.css", "http://192.0.2.1/c.png"]
    outcomes = tab.page.evaluate(
        """async (urls) => Promise.all(urls.map((url) =>
            fetch(url).then((response) => response.status, () => "refused")))""",
        [site_url + "index.html", *outside],
    )
    assert outcomes == [200, "refused", "refused", "refused"]
    assert sorted(tab.blocked) == sorted(outside)
