"""docs/_ext/sidebar_cache.py: a sidebar rendered once for several pages is theirs exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sphinx_project

# Two top-level entries whose sub-pages share one directory: a sidebar kept for the directory
# alone would mark the wrong entry as current on some of them.
FILES = {
    "index.md": "# Home\n\n```{toctree}\n:maxdepth: 1\n\nguide\nreference\n```\n",
    "guide.md": "# Guide\n\n```{toctree}\n:hidden:\n\nparts/first\nparts/second\n```\n",
    "reference.md": "# Reference\n\n```{toctree}\n:hidden:\n\nparts/third\n```\n",
    "parts/first.md": "# First\n\n## A section\n\nText.\n",
    "parts/second.md": "# Second\n\nText.\n",
    "parts/third.md": "# Third\n\nText.\n",
}


def _build(root: Path, extensions: list[str], depth: int) -> dict[str, str]:
    result = sphinx_project.build(
        root,
        FILES,
        ["myst_parser", *extensions],
        html_theme="sphinx_book_theme",
        html_theme_options={"max_navbar_depth": depth},
    )
    assert result.returncode == 0, result.warnings
    return {
        path.relative_to(result.html).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(result.html.rglob("*.html"))
    }


def _current_entry(html: str) -> str:
    """The link of the sidebar entry marked as the current one."""
    sidebar = html[html.index('class="bd-links') :]
    sidebar = sidebar[: sidebar.index("</nav>")]
    found = re.findall(r'<li class="[^"]*\bcurrent\b[^"]*"><a [^>]*href="([^"]*)"', sidebar)
    assert len(found) == 1, found
    link: str = found[0]
    return link


@pytest.mark.parametrize("depth", [1, 2])
def test_every_page_is_written_as_the_theme_alone_writes_it(tmp_path: Path, depth: int) -> None:
    plain = _build(tmp_path / "plain", [], depth)
    cached = _build(tmp_path / "cached", ["sidebar_cache"], depth)
    assert sorted(cached) == sorted(plain)
    for page, html in plain.items():
        assert cached[page] == html, page


def test_each_sub_page_marks_its_own_top_level_entry(tmp_path: Path) -> None:
    pages = _build(tmp_path, ["sidebar_cache"], 1)
    assert _current_entry(pages["parts/first.html"]) == "../guide.html"
    assert _current_entry(pages["parts/second.html"]) == "../guide.html"
    assert _current_entry(pages["parts/third.html"]) == "../reference.html"
    assert _current_entry(pages["guide.html"]) == "#"
