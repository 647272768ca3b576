"""Fixtures of the site tests: the built site served on 127.0.0.1, and headless Chromium.

Every test that takes ``site_page`` runs once per page of the built site; the pages are found
by crawling it (``sitecrawl.pages``), never listed by hand, and each is visited once
(``page_visit.visit``), in a thread of its own that starts when the tests have been collected
(``page_visit.Visits``). ``html_page`` and ``content_page`` give the same pages as paths, for
tests that read the files.

The tests that wait on work in the background run last: first the other tests, while the
pages are visited and the site is rebuilt (test_build.py), then the tests of the visited
pages, then those of the rebuilds. The helpers live in modules of one purpose each: ``serving``,
``tabs`` (the browser and its tabs), ``axe_core``, ``contrast``, ``page_visit``,
``site_report`` (the summary printed at the end) and ``rebuilds`` (test_build.py's builds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import rebuilds
import site_report
import sitecrawl
from page_visit import PageVisit, Visits
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from serving import serve
from tabs import Tab, launch, open_tab


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site_page" in metafunc.fixturenames:
        metafunc.parametrize("site_page", sitecrawl.pages(), indirect=True, scope="session")
    if "html_page" in metafunc.fixturenames:
        metafunc.parametrize("html_page", sitecrawl.pages(), scope="session")
    if "content_page" in metafunc.fixturenames:
        metafunc.parametrize("content_page", sitecrawl.content_pages(), scope="session")


def _visited_page(item: pytest.Item) -> str | None:
    """The page whose visit the test ``item`` looks at, if it takes ``site_page``."""
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("site_page")


def _waits_on_rebuilds(item: pytest.Item) -> bool:
    return item.path.name == "test_build.py"


def _waits_on(item: pytest.Item) -> int:
    """0 for a test that waits on nothing in the background, 1 for one that waits on a page
    visit, 2 for one that waits on the rebuilds."""
    if _waits_on_rebuilds(item):
        return 2
    return 1 if _visited_page(item) is not None else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run last what waits on the background: the page visits, then the rebuilds.

    This runs after pytest has grouped the tests of each page together, and a stable sort
    keeps those groups.
    """
    items.sort(key=_waits_on)


_VISITS: list[Visits] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the rebuilds of test_build.py and the visits of the pages, for the tests that are
    to run.

    Each takes about as long as all the other browser tests together, and runs alongside them.
    """
    if any(_waits_on_rebuilds(item) for item in session.items):
        rebuilds.start_in_background()
    paths = [_visited_page(item) for item in session.items]
    to_visit = list(dict.fromkeys(path for path in paths if path is not None))
    if to_visit:
        _VISITS.append(Visits(to_visit))


def pytest_sessionfinish() -> None:
    for visits in _VISITS:
        visits.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    site_report.write(terminalreporter)


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of docs/_build/html served by a thread on a free port of 127.0.0.1."""
    with serve(sitecrawl.SITE) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (``tabs.launch``)."""
    try:
        instance = launch(playwright)
    except FileNotFoundError as error:
        pytest.fail(str(error))
    yield instance
    instance.close()


@pytest.fixture
def new_tab(browser: Browser) -> Iterator[Callable[[], Tab]]:
    """Factory of tabs (see ``tabs.open_tab``), all closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Tab:
        context, tab = open_tab(browser)
        contexts.append(context)
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def site_page(request: pytest.FixtureRequest) -> PageVisit:
    """One page of the site (the parameter), visited once (``page_visit.Visits``)."""
    path: str = request.param
    page_visit = _VISITS[0].result(path)
    site_report.record(path, "console errors", len(page_visit.console_errors))
    site_report.record(path, "failed requests", len(page_visit.failed_requests))
    site_report.record(path, "axe violations", len(page_visit.axe_light + page_visit.axe_dark))
    return page_visit
