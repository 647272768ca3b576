"""The site's search finds "leaky" and links to the Leaky ReLU page, offline, and its results
page passes axe-core; for a topic, the topic's own page comes first."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urljoin

import pytest
import sitecrawl
from axe_core import WCAG_TAGS, run_axe
from tabs import Tab

LEAKY_TITLE = "Leaky ReLU"


def _page_titled(title: str) -> str | None:
    """The page whose <title> starts with ``title`` (Sphinx appends the site's name)."""
    for page in sitecrawl.content_pages():
        if sitecrawl.parse(sitecrawl.SITE / page).title.split(" — ")[0] == title:
            return page
    return None


def test_search_for_leaky_links_to_the_leaky_relu_page(
    new_tab: Callable[[], Tab], site_url: str
) -> None:
    tab = new_tab()
    tab.open(site_url + "search.html?q=leaky")
    results = tab.page.locator("#search-results ul.search li a")
    results.first.wait_for()
    found = {
        urljoin(site_url + "search.html", href).removeprefix(site_url).split("#")[0].split("?")[0]
        for href in (link.get_attribute("href") or "" for link in results.all())
    }
    assert tab.console_errors == []
    assert tab.failed_requests == []
    # The results are written by a script, so the per-page axe run never saw them.
    assert run_axe(tab.page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}}) == []
    leaky = _page_titled(LEAKY_TITLE)
    assert leaky is not None, f"no page of the site is titled {LEAKY_TITLE!r}"
    assert leaky in found, f"search found {sorted(found)}"


@pytest.mark.parametrize(
    ("query", "title"),
    [("born dead", "Born dead: dying at initialisation"), ("leaky", LEAKY_TITLE)],
)
def test_the_topic_page_comes_first(
    new_tab: Callable[[], Tab], site_url: str, query: str, title: str
) -> None:
    """The page about the topic ranks above the API entries and the ledger rows that name it."""
    tab = new_tab()
    tab.open(site_url + "search.html?" + urlencode({"q": query}))
    results = tab.page.locator("#search-results ul.search li a")
    results.first.wait_for()
    # The results are shown one by one, best first; the first is in place at once.
    first = results.first.get_attribute("href") or ""
    topic = _page_titled(title)
    assert topic is not None, f"no page of the site is titled {title!r}"
    found = urljoin(site_url + "search.html", first).removeprefix(site_url)
    assert found.split("#")[0].split("?")[0] == topic
    # Something else matched too, or the ranking would not have been put to the test.
    assert results.count() > 1
