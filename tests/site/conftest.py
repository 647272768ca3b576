"""Fixtures of the site tests: the built site served on 127.0.0.1, and headless Chromium.

Every test that takes ``site_page`` runs once per page of the built site; the pages are found
by crawling it (``sitecrawl.crawl``), never listed by hand. Each page is opened once, with
every request to a host other than 127.0.0.1 blocked, and everything the tests look at is
gathered in that one visit (``PageVisit``), in light mode and then in dark mode.

A per-page summary (console errors, failed requests, axe violations, broken links, validator
errors, weight) is printed at the end of the run and written to
``docs/_build/site-test-artifacts/report.json``, beside one screenshot of a page with a
figure in each colour mode.
"""

from __future__ import annotations

import functools
import io
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
import sitecrawl
from axe_playwright_python.base import AXE_FILE_PATH
from numpy.typing import NDArray
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    sync_playwright,
)

CHROMIUM = Path(os.environ.get("SITE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The WCAG 2.0 and 2.1 success criteria of levels A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: The longest any browser action may take (loading, typesetting, axe-core) before it fails.
TIMEOUT_MS = 30_000

#: Resolves when every running transition and animation has ended; a cancelled one (its
#: ``finished`` promise rejects) has ended too.
MOTION_OVER = """() => Promise.all(
    document.getAnimations().map((animation) => animation.finished.catch(() => null))
)"""

REPORT: dict[str, dict[str, Any]] = {}


def record(page: str, key: str, value: Any) -> None:
    """Keep one number about a page for the summary at the end of the run.

    Rows whose name is in parentheses, such as "(build)", are about the run, not a page.
    """
    REPORT.setdefault(page, {})[key] = value


# --- Which pages --------------------------------------------------------------------------------


@functools.cache
def pages() -> list[str]:
    return sitecrawl.crawl(sitecrawl.SITE)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site_page" in metafunc.fixturenames:
        metafunc.parametrize("site_page", pages(), indirect=True, scope="session")
    if "html_page" in metafunc.fixturenames:
        metafunc.parametrize("html_page", pages(), scope="session")
    if "content_page" in metafunc.fixturenames:
        content = [page for page in pages() if page not in sitecrawl.GENERATED_PAGES]
        metafunc.parametrize("content_page", content, scope="session")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the rebuilds of test_build.py now if any of its tests is to run.

    They take about as long as all the browser tests together, and run alongside them.
    """
    if any(item.path.name == "test_build.py" for item in session.items):
        import test_build

        test_build.start_in_background()


# --- Serving ------------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Requests are checked in the browser; a line per request would only be noise."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves a page cancels its pending requests; that is no error."""
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of docs/_build/html served by a thread on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(sitecrawl.SITE))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser downloads are never used."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing; install it with tools/install-system-deps.sh")
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@dataclass
class Offline:
    """Blocks every request to a host other than 127.0.0.1, and remembers it."""

    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


@dataclass
class Tab:
    """A page in a fresh browser context, with what went wrong while it loaded."""

    page: Page
    blocked: list[str]
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.settle()

    def settle(self) -> None:
        """Wait until MathJax has typeset, the images and fonts are in, and motion is over."""
        self.page.evaluate(
            """async () => {
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                    await MathJax.startup.promise;
                }
                await Promise.all([...document.images].map((img) => img.complete ? null :
                    new Promise((done) => { img.onload = done; img.onerror = done; })));
                await document.fonts.ready;
                await Promise.all(document.getAnimations()
                    .map((animation) => animation.finished.catch(() => null)));
            }"""
        )

    def problems(self) -> tuple[int, int]:
        """How many console errors and failed requests there are so far."""
        return len(self.console_errors), len(self.failed_requests)


def open_tab(browser: Browser) -> tuple[BrowserContext, Tab]:
    """A page in a fresh context (no shared storage), offline but for 127.0.0.1."""
    offline = Offline()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", offline)
    tab = Tab(context.new_page(), offline.blocked)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.console_errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            tab.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def on_failure(request: Request) -> None:
        tab.failed_requests.append(f"{request.url} ({request.failure})")

    tab.page.on("console", on_console)
    tab.page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.page.on("requestfailed", on_failure)
    tab.page.on("response", on_response)
    return context, tab


@pytest.fixture
def new_tab(browser: Browser) -> Iterator[Callable[[], Tab]]:
    """Factory of tabs (see ``open_tab``), all closed after the test."""
    contexts: list[BrowserContext] = []

    def make() -> Tab:
        context, tab = open_tab(browser)
        contexts.append(context)
        return tab

    yield make
    for context in contexts:
        context.close()


# --- One visit per page -------------------------------------------------------------------------

_DOM_CHECKS = """() => {
    const text = (node) => (node ? node.textContent.replace(/\\s+/g, " ").trim() : "");
    const describe = (img) => img.getAttribute("src");
    const images = [...document.querySelectorAll("img")];
    const figures = [...document.querySelectorAll("figure")];
    const maths = [...document.querySelectorAll(".math")];
    return {
        imagesWithoutAlt: images.filter((img) => !(img.getAttribute("alt") || "").trim())
            .map(describe),
        brokenImages: images.filter((img) => !img.complete || img.naturalWidth === 0)
            .map(describe),
        figuresWithoutCaption: figures.filter((f) => !text(f.querySelector("figcaption")))
            .map((f) => f.id || describe(f.querySelector("img")) || "figure"),
        mathUnrendered: maths.filter((m) => !m.querySelector("mjx-container"))
            .map((m) => text(m).slice(0, 60)),
        rawTexLeft: /\\\\[([]/.test(document.body.innerText),
        brokenFonts: [...document.fonts].filter((f) => f.status === "error")
            .map((f) => f.family),
        iconsTotal: document.querySelectorAll("svg.svg-inline--fa").length,
        iconsUnrendered: document.querySelectorAll("i[class*='fa-']").length,
        figureImages: figures.map((f) => f.querySelector("img")).filter(Boolean).length,
    };
}"""


def run_axe(
    page: Page, options: dict[str, Any], context: str | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations on the page, or on the elements that match ``context``.

    axe-core itself ships inside the axe-playwright-python package; no CDN is involved.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_FILE_PATH)
    result: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [context, {**options, "resultTypes": ["violations"]}],
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
            "nodes": len(violation["nodes"]),
        }
        for violation in result["violations"]
    ]


def _luminance(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """WCAG relative luminance of sRGB colours in [0, 1] (last axis: red, green, blue)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(picture: Image.Image) -> float:
    """WCAG contrast between a picture's most common colour and its darkest ink.

    The most common colour is the background a reader sees around the plot; the ink is the
    1st percentile of luminance, so a few antialiased pixels do not count as lines.
    """
    pixels = np.asarray(picture.convert("RGB"), dtype=np.float64).reshape(-1, 3) / 255
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = float(_luminance(colours[np.argmax(counts)]))
    ink = float(np.percentile(_luminance(pixels), 1))
    lighter, darker = max(background, ink), min(background, ink)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass
class PageVisit:
    """Everything seen on one page, in light mode and in dark mode."""

    path: str
    title: str
    console_errors: list[str]
    failed_requests: list[str]
    blocked: list[str]
    dom: dict[str, Any]
    axe_light: list[dict[str, Any]]
    axe_dark: list[dict[str, Any]]
    #: (image src, WCAG contrast between background and ink in dark mode)
    dark_figures: list[tuple[str, float]]


_SCREENSHOTS_TAKEN: list[str] = []


def choose_mode(page: Page, mode: str) -> None:
    """Pick a colour mode in the theme's own menu, as a reader would."""
    page.locator(".theme-switch-button").locator("visible=true").first.click()
    page.locator(f".theme-change-button[data-mode='{mode}']").locator("visible=true").first.click()
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{mode}'")
    page.keyboard.press("Escape")
    # Leave nothing hovered, so that no tooltip fades in over what is measured next, and let
    # the theme's colour transitions end before pixels are compared.
    page.mouse.move(640, 890)
    page.wait_for_function("() => !document.querySelector('.tooltip')")
    page.evaluate(MOTION_OVER)


@pytest.fixture(scope="session")
def site_page(request: pytest.FixtureRequest, browser: Browser, site_url: str) -> PageVisit:
    """Open one page of the site (the parameter) and look at everything once.

    The console errors and failed requests are those of the reader's actions (loading the
    page, switching to dark mode); those that arise while axe-core runs are left out, because
    its style sheet preload requests ``@import`` targets from wrong addresses (axe-core issue
    5268: it resolves them against the page instead of the importing sheet), which is not
    something a reader's browser does.
    """
    path: str = request.param
    context, tab = open_tab(browser)
    page = tab.page
    try:
        tab.open(site_url + path)
        # The end state of a colour change is what is checked; waiting for the theme's fades
        # on every page would only cost time.
        page.add_style_tag(content="*, ::before, ::after { transition: none !important; }")
        dom = page.evaluate(_DOM_CHECKS)
        errors_before, failures_before = tab.problems()
        axe_light = run_axe(page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        errors_after, failures_after = tab.problems()
        screenshot = dom["figureImages"] > 0 and not _SCREENSHOTS_TAKEN
        if screenshot:
            sitecrawl.ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=sitecrawl.ARTIFACTS / "light-mode.png", full_page=True)
        choose_mode(page, "dark")
        if screenshot:
            page.screenshot(path=sitecrawl.ARTIFACTS / "dark-mode.png", full_page=True)
            _SCREENSHOTS_TAKEN.append(path)
        dark_figures = []
        for image in page.locator("figure img").all():
            image.scroll_into_view_if_needed()
            picture = Image.open(io.BytesIO(image.screenshot()))
            dark_figures.append((image.get_attribute("src") or "", contrast_ratio(picture)))
        # What the reader's visit caused, without what axe-core's own requests caused.
        console_errors = tab.console_errors[:errors_before] + tab.console_errors[errors_after:]
        failed_requests = (
            tab.failed_requests[:failures_before] + tab.failed_requests[failures_after:]
        )
        # Only colours change with the mode, so only the contrast rule is worth running twice.
        axe_dark = run_axe(page, {"runOnly": {"type": "rule", "values": ["color-contrast"]}})
        visit = PageVisit(
            path=path,
            title=page.title(),
            console_errors=console_errors,
            failed_requests=failed_requests,
            blocked=list(tab.blocked),
            dom=dom,
            axe_light=axe_light,
            axe_dark=axe_dark,
            dark_figures=dark_figures,
        )
    finally:
        context.close()
    record(path, "console errors", len(visit.console_errors))
    record(path, "failed requests", len(visit.failed_requests))
    record(path, "axe violations", len(visit.axe_light) + len(visit.axe_dark))
    return visit


# --- The summary --------------------------------------------------------------------------------

_COLUMNS = (
    "console errors",
    "failed requests",
    "axe violations",
    "broken links",
    "validator errors",
    "KB",
)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT:
        return
    sitecrawl.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (sitecrawl.ARTIFACTS / "report.json").write_text(
        json.dumps(REPORT, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    pages = sorted(page for page in REPORT if not page.startswith("("))
    width = max(len(page) for page in [*pages, "total"])
    writer = terminalreporter
    writer.section("site report (per page)")
    writer.write_line(f"{'page':<{width}}  " + "  ".join(f"{c:>9}" for c in _short_columns()))
    totals: dict[str, float] = {}
    for page in pages:
        cells = []
        for column in _COLUMNS:
            value = REPORT[page].get(column)
            if isinstance(value, int | float):
                totals[column] = totals.get(column, 0) + value
                cells.append(f"{value:>9.0f}" if column == "KB" else f"{value:>9d}")
            else:
                cells.append(f"{'-':>9}")
        writer.write_line(f"{page:<{width}}  " + "  ".join(cells))
    total_cells = [
        f"{'-':>9}" if column == "KB" else f"{int(totals.get(column, 0)):>9d}"
        for column in _COLUMNS
    ]
    writer.write_line(f"{'total':<{width}}  " + "  ".join(total_cells))
    weights = {page: REPORT[page]["KB"] for page in pages if "KB" in REPORT[page]}
    if weights:
        heaviest = max(weights, key=lambda page: weights[page])
        writer.write_line(f"heaviest page: {heaviest}, {weights[heaviest]:.0f} KB (HTML + images)")
    builds = REPORT.get("(build)", {})
    if builds:
        writer.write_line(
            f"rebuild tests: cold build {builds['cold build s']:.1f} s, warm rebuild "
            f"{builds['warm build s']:.1f} s (beside the browser tests; "
            "benchmarks/bench_docs.py times them alone)"
        )
    writer.write_line(f"artefacts: {sitecrawl.ARTIFACTS}")


def _short_columns() -> list[str]:
    return ["console", "requests", "axe", "links", "vnu", "KB"]
