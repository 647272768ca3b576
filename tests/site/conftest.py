"""Fixtures of the site tests: the built site served on 127.0.0.1, and headless Chromium.

Every test that takes ``site_page`` runs once per page of the built site; the pages are found
by crawling it (``sitecrawl.pages``), never listed by hand, and each is visited once
(``page_visit.visit``). ``html_page`` and ``content_page`` give the same pages as paths, for
tests that read the files. The helpers live in modules of one purpose each: ``serving``,
``tabs`` (the browser and its tabs), ``axe_core``, ``contrast``, ``page_visit``,
``site_report`` (the summary printed at the end) and ``rebuilds`` (test_build.py's builds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import rebuilds
import site_report
import sitecrawl
from page_visit import PageVisit, visit
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


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the rebuilds of test_build.py now if any of its tests is to run.

    They take about as long as all the browser tests together, and run alongside them.
    """
    if any(item.path.name == "test_build.py" for item in session.items):
        rebuilds.start_in_background()


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
def site_page(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> PageVisit:
    """One page of the site (the parameter), visited once (``page_visit.visit``)."""
    path: str = request.param
    page_visit = visit(browser, site_url, path)
    site_report.record(path, "console errors", len(page_visit.console_errors))
    site_report.record(path, "failed requests", len(page_visit.failed_requests))
    site_report.record(path, "axe violations", len(page_visit.axe_light + page_visit.axe_dark))
    return page_visit
