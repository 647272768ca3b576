"""Run axe-core, the accessibility checker, on a page of the site.

axe-core comes from the npm registry at the version that ``tools/install-site-tools.sh`` pins
(the nox session installs it and passes the path in ``AXE_CORE``), not the older copy that
axe-playwright-python bundles, so that the rules are those of the current release.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import sitecrawl
from playwright.sync_api import Page

#: The WCAG 2.0 and 2.1 success criteria of levels A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@functools.cache
def script() -> Path:
    """axe-core's script: from ``AXE_CORE``, else where the install script puts it."""
    configured = os.environ.get("AXE_CORE")
    default = sitecrawl.REPO / ".nox" / "site-tools" / "node_modules" / "axe-core" / "axe.min.js"
    path = Path(configured) if configured else default
    if not path.is_file():
        msg = f"{path} is missing; run tools/install-site-tools.sh (nox -s site does)"
        raise FileNotFoundError(msg)
    return path


def version() -> str:
    """The version of axe-core in ``script()``, from its licence header."""
    header = script().read_text(encoding="utf-8")[:200]
    match = re.search(r"axe v(\S+)", header)
    if match is None:
        msg = f"{script()} does not start with axe-core's header"
        raise ValueError(msg)
    return match.group(1)


def run_axe(
    page: Page, options: dict[str, Any], context: str | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations on the page, or on the elements that match ``context``."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=script())
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
