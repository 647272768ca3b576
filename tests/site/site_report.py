"""The summary of a site test run: a few numbers per page, printed and kept as JSON.

Tests call ``record``; at the end of the run, ``write`` prints a table of console errors,
failed requests, axe violations, broken links, validator errors and weight per page, and
writes everything recorded to ``docs/_build/site-test-artifacts/report.json``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sitecrawl

REPORT: dict[str, dict[str, Any]] = {}

#: (key in REPORT, column heading)
_COLUMNS = (
    ("console errors", "console"),
    ("failed requests", "requests"),
    ("axe violations", "axe"),
    ("broken links", "links"),
    ("validator errors", "vnu"),
    ("KB", "KB"),
)


def record(page: str, key: str, value: Any) -> None:
    """Keep one number about a page for the summary at the end of the run.

    Rows whose name is in parentheses, such as "(build)", are about the run, not a page.
    """
    REPORT.setdefault(page, {})[key] = value


def _cell(column: str, value: Any) -> str:
    if not isinstance(value, int | float):
        return f"{'-':>9}"
    return f"{value:>9.0f}" if column == "KB" else f"{int(value):>9d}"


def write(writer: pytest.TerminalReporter) -> None:
    """Print the per-page table and the run's own rows, and write report.json."""
    if not REPORT:
        return
    sitecrawl.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (sitecrawl.ARTIFACTS / "report.json").write_text(
        json.dumps(REPORT, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    pages = sorted(page for page in REPORT if not page.startswith("("))
    width = max(len(page) for page in [*pages, "total"])
    writer.section("site report (per page)")
    writer.write_line(f"{'page':<{width}}  " + "  ".join(f"{h:>9}" for _, h in _COLUMNS))
    totals: dict[str, float] = {}
    for page in pages:
        for column, _ in _COLUMNS:
            value = REPORT[page].get(column)
            if isinstance(value, int | float):
                totals[column] = totals.get(column, 0) + value
        cells = [_cell(column, REPORT[page].get(column)) for column, _ in _COLUMNS]
        writer.write_line(f"{page:<{width}}  " + "  ".join(cells))
    total_cells = [
        _cell(column, None if column == "KB" else totals.get(column, 0)) for column, _ in _COLUMNS
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
    tools = REPORT.get("(tools)", {})
    if tools:
        writer.write_line("checkers: " + ", ".join(f"{k} {v}" for k, v in sorted(tools.items())))
    writer.write_line(f"artefacts: {sitecrawl.ARTIFACTS}")
