"""Headless Chromium and its tabs: offline but for 127.0.0.1, with what went wrong recorded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
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
#: The longest any browser action may take (loading, typesetting, axe-core) before it fails.
TIMEOUT_MS = 30_000

#: True once the playground has loaded and replayed its run (it marks itself busy until then).
PLAYGROUND_READY = "() => !document.getElementById('pg-playground').hasAttribute('aria-busy')"
#: Resolves when every running transition and animation has ended; a cancelled one (its
#: ``finished`` promise rejects) has ended too.
MOTION_OVER = """() => Promise.all(
    document.getAnimations().map((animation) => animation.finished.catch(() => null))
)"""


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; Playwright's own browser downloads are never used."""
    if not CHROMIUM.is_file():
        msg = f"{CHROMIUM} is missing; install it with tools/install-system-deps.sh"
        raise FileNotFoundError(msg)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


#: Every address but those of 127.0.0.1, whatever the scheme: what ``Offline`` blocks.
#: Playwright matches it in its driver, so requests to the site never reach Python; a handler
#: for every request would cost a round trip through Python for each of a page's scripts,
#: fonts and images.
ELSEWHERE = re.compile(r"^(?![a-z][a-z0-9+.-]*://127\.0\.0\.1[:/])")


@dataclass
class Offline:
    """Blocks every request routed to it (those to ``ELSEWHERE``), and remembers it."""

    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        self.blocked.append(route.request.url)
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
        """Wait until MathJax has typeset, every image (lazy ones too) and the fonts are in, and motion is over."""
        self.page.evaluate(
            """async () => {
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                    await MathJax.startup.promise;
                }
                // Figures load lazily, and three of each figure's four looks stay hidden:
                // load them all, so that whatever is measured or photographed is complete and
                // a broken look is found whichever one the screen would show.
                for (const img of document.images) img.loading = "eager";
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
    context.route(ELSEWHERE, offline)
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
