"""Run axe-core, the accessibility checker, on a page of the site.

axe-core itself ships inside the axe-playwright-python package; no CDN is involved.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Page

#: The WCAG 2.0 and 2.1 success criteria of levels A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(
    page: Page, options: dict[str, Any], context: str | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations on the page, or on the elements that match ``context``."""
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
