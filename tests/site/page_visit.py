"""One visit to a page of the site, gathering everything the per-page tests look at.

The page is opened once, offline but for 127.0.0.1, and looked at in light mode and then in
dark mode: its console and requests, what the DOM shows (alt texts, captions, math, fonts,
icons), axe-core's violations, and the contrast of each figure on the dark page.

The pages are visited one after the other by ``Visits``, from a thread with a browser and a
server of its own, while the other tests run: the test process mostly waits on a browser, so
the two browsers' work overlaps (as far as the cores allow; a visit is bound by Chromium's CPU).
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import sitecrawl
from axe_core import WCAG_TAGS, run_axe
from contrast import background, contrast_ratio
from PIL import Image
from playwright.sync_api import Browser, sync_playwright
from serving import serve
from tabs import choose_mode, launch, open_tab

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
    #: (image src, WCAG contrast between background and ink, luminance of the background),
    #: of every figure image shown in dark mode
    dark_figures: list[tuple[str, float, float]]


_SCREENSHOTS_TAKEN: list[str] = []


def visit(browser: Browser, site_url: str, path: str) -> PageVisit:
    """Open the page at ``path`` of the site and look at everything once.

    The console errors and failed requests are those of the reader's actions (loading the
    page, switching to dark mode); those that arise while axe-core runs are left out, because
    its style sheet preload requests ``@import`` targets from wrong addresses (axe-core issue
    5268: it resolves them against the page instead of the importing sheet), which is not
    something a reader's browser does.

    The first page with a figure is photographed in each mode, into the test artefacts.
    """
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
        # The looks this screen shows in dark mode; the theme hides the light ones.
        for image in page.locator("figure img:visible").all():
            image.scroll_into_view_if_needed()
            picture = Image.open(io.BytesIO(image.screenshot()))
            dark_figures.append(
                (image.get_attribute("src") or "", contrast_ratio(picture), background(picture))
            )
        # What the reader's visit caused, without what axe-core's own requests caused.
        console_errors = tab.console_errors[:errors_before] + tab.console_errors[errors_after:]
        failed_requests = (
            tab.failed_requests[:failures_before] + tab.failed_requests[failures_after:]
        )
        # Only colours change with the mode, so only the contrast rule is worth running twice.
        axe_dark = run_axe(page, {"runOnly": {"type": "rule", "values": ["color-contrast"]}})
        return PageVisit(
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


class Visits:
    """The pages ``paths`` visited in this order, in a thread of its own (``visit``).

    The thread serves the site under test and runs a Chromium of its own (Playwright's
    objects belong to the thread that made them). ``result`` waits for a page's visit and
    gives it, or raises what went wrong in it; ``close`` lets the visit under way end and
    visits no more pages.
    """

    def __init__(self, paths: list[str]) -> None:
        self._visits: dict[str, Future[PageVisit]] = {path: Future() for path in paths}
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._visit_all, name="page visits")
        self._thread.start()

    def _visit_all(self) -> None:
        try:
            with serve(sitecrawl.SITE) as site_url, sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    for path, future in self._visits.items():
                        if self._closing.is_set():
                            break
                        try:
                            future.set_result(visit(browser, site_url, path))
                        except Exception as error:  # noqa: BLE001 - the test of the page raises it
                            future.set_exception(error)
                finally:
                    browser.close()
        except Exception as error:  # noqa: BLE001 - no browser or server: all fail
            self._fail_the_rest(error)
        self._fail_the_rest(RuntimeError("the page visits were closed before this page"))

    def _fail_the_rest(self, error: BaseException) -> None:
        for future in self._visits.values():
            if not future.done():
                future.set_exception(error)

    def result(self, path: str) -> PageVisit:
        if path not in self._visits:
            msg = f"{path} was not among the pages to visit"
            raise KeyError(msg)
        return self._visits[path].result()

    def close(self) -> None:
        self._closing.set()
        self._thread.join()
