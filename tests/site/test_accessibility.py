"""axe-core on every page: no violation of a WCAG 2.0 or 2.1 level A or AA rule, in light
mode, and no colour-contrast violation in dark mode."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import axe_core
import sitecrawl
from axe_core import WCAG_TAGS, run_axe
from page_visit import PageVisit
from site_report import record
from tabs import MOTION_OVER, Tab, choose_mode


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}, {v['nodes']} elements): {v['help']}; e.g. {v['targets']}"
        for v in violations
    )


def test_the_pinned_axe_core_is_what_runs(new_tab: Callable[[], Tab], site_url: str) -> None:
    """The checks are those of the release the install script pins, not an older copy."""
    script = (sitecrawl.REPO / "tools" / "install-site-tools.sh").read_text(encoding="utf-8")
    pinned = re.search(r"\baxe-core@(\S+?)\)?\s", script)
    assert pinned is not None, "tools/install-site-tools.sh pins no axe-core version"
    tab = new_tab()
    tab.open(site_url + "index.html")
    run_axe(tab.page, {"runOnly": {"type": "rule", "values": ["document-title"]}})
    running = tab.page.evaluate("() => axe.version")
    record("(tools)", "axe-core", running)
    assert running == axe_core.version() == pinned.group(1)


def test_no_wcag_violations_in_light_mode(site_page: PageVisit) -> None:
    assert site_page.axe_light == [], _describe(site_page.axe_light)


def test_no_contrast_violations_in_dark_mode(site_page: PageVisit) -> None:
    assert site_page.axe_dark == [], _describe(site_page.axe_dark)


def test_menus_and_tooltips_pass_axe_when_open(new_tab: Callable[[], Tab], site_url: str) -> None:
    """The header's menus and tooltips, which axe cannot see while they are closed.

    They are the same on every page, so one page is enough.
    """
    tab = new_tab()
    tab.open(site_url + "index.html")
    page = tab.page
    found: list[str] = []
    for mode in ("light", "dark"):
        choose_mode(page, mode)
        for toggle in (".theme-switch-button", ".dropdown-download-buttons > button"):
            button = page.locator(toggle).locator("visible=true")
            if button.count() == 0:
                continue
            button.first.click()
            page.locator(".dropdown-menu.show").first.wait_for()
            page.evaluate(MOTION_OVER)
            violations = run_axe(page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            found += [
                f"{mode}, {toggle} open: {line}"
                for line in _describe(violations).split("\n")
                if line
            ]
            button.first.click()
            page.locator(".dropdown-menu.show").wait_for(state="detached")
        triggers = page.locator("[data-bs-toggle='tooltip']")
        for index in range(triggers.count()):
            trigger = triggers.nth(index)
            if not trigger.is_visible():
                continue
            trigger.hover()
            page.locator(".tooltip.show").wait_for()
            # Bootstrap fades tooltips in; measure the colours it ends with.
            page.evaluate(MOTION_OVER)
            violations = run_axe(
                page,
                {"runOnly": {"type": "rule", "values": ["color-contrast"]}},
                context=".tooltip",
            )
            label = trigger.get_attribute("aria-label") or trigger.get_attribute("title") or "?"
            found += [
                f"{mode}, tooltip of {label}: {line}"
                for line in _describe(violations).split("\n")
                if line
            ]
            page.mouse.move(640, 890)
            page.wait_for_function("() => !document.querySelector('.tooltip')")
    assert found == []
