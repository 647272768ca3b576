"""Read the built site from disk: its pages, their links, their ids and their images (and,
from the sources, which pages are executed).

The browser tests and the link checks take the list of pages from here, so a page added to the
site is tested without anyone listing it: the crawl starts at ``index.html`` and follows every
link to an HTML file of the site.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SITE = DOCS / "_build" / "html"
ARTIFACTS = DOCS / "_build" / "site-test-artifacts"

#: Pages that Sphinx writes itself; they are tested in the browser but are not content pages.
GENERATED_PAGES = frozenset({"genindex.html", "search.html", "py-modindex.html"})


@dataclass
class ParsedPage:
    """What the checks need from one HTML file."""

    title: str = ""
    ids: set[str] = field(default_factory=set)
    #: (tag, attribute, value) of every reference to another resource
    references: list[tuple[str, str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    #: how many images stand inside a ``<figure>``
    figure_images: int = 0
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in_title = False
        self._figures_open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.page.ids.add(values[name])
        if tag == "title":
            self._in_title = True
        if tag == "figure":
            self._figures_open += 1
        if tag == "meta":
            key = values.get("name") or values.get("property")
            if key:
                self.page.meta[key] = values.get("content", "")
        if tag == "link" and values.get("rel") == "canonical":
            self.page.canonical = values.get("href", "")
            return
        for attribute in ("href", "src"):
            if attribute in values:
                self.page.references.append((tag, attribute, values[attribute]))
        if tag == "img" and "src" in values:
            self.page.images.append(values["src"])
            if self._figures_open:
                self.page.figure_images += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "figure" and self._figures_open:
            self._figures_open -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


@functools.cache
def parse(path: Path) -> ParsedPage:
    """Parse one HTML file of the site (cached: the site does not change during a run)."""
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    parser.page.title = " ".join(parser.page.title.split())
    return parser.page


def resolve(page: str, reference: str) -> tuple[str, str] | None:
    """The site-relative path and fragment a reference on ``page`` points to.

    None for references that leave the site (other schemes or hosts, protocol-relative URLs)
    and for pure data URLs.
    """
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/"):
        target += "/index.html"
    return target, unquote(parts.fragment)


def site_file(site: Path, relative: str) -> Path | None:
    """The file that serves ``relative`` (a directory serves its index.html), if any."""
    if relative.startswith("../") or relative == "..":
        return None
    candidate = site / relative
    if candidate.is_dir():
        candidate /= "index.html"
    return candidate if candidate.is_file() else None


def crawl(site: Path = SITE) -> list[str]:
    """Every HTML page reachable from ``index.html`` through links, sorted.

    ``<link>`` counts too: Sphinx links the index and the search page from every page's head.
    """
    if not (site / "index.html").is_file():
        msg = f"no built site at {site}; build it first (python3 tools/run-nox.py -s docs -- --no-serve)"
        raise FileNotFoundError(msg)
    seen = {"index.html"}
    queue = ["index.html"]
    while queue:
        page = queue.pop()
        for tag, _attribute, reference in parse(site / page).references:
            if tag not in {"a", "link"}:
                continue
            resolved = resolve(page, reference)
            if resolved is None or not resolved[0].endswith(".html"):
                continue
            target = resolved[0]
            if target not in seen and site_file(site, target) is not None:
                seen.add(target)
                queue.append(target)
    return sorted(seen)


@functools.cache
def pages() -> list[str]:
    """Every page of the built site under test (``crawl``, once per run)."""
    return crawl(SITE)


def base_url(site: Path = SITE) -> str:
    """The address the site is published at, from the canonical link of its index page."""
    canonical = parse(site / "index.html").canonical
    if not canonical.endswith("index.html"):
        msg = f"index.html has no canonical link to index.html (got {canonical!r})"
        raise ValueError(msg)
    return canonical.removesuffix("index.html")


def sitemap_pages(site: Path = SITE) -> list[str]:
    """The pages ``sitemap.xml`` lists, as site-relative paths."""
    tree = ET.parse(site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    base = base_url(site)
    pages = []
    for element in tree.getroot().findall("s:url/s:loc", namespace):
        location = element.text or ""
        if not location.startswith(base):
            msg = f"sitemap.xml lists {location}, outside {base}"
            raise ValueError(msg)
        relative = location.removeprefix(base)
        pages.append(
            relative + "index.html" if relative.endswith("/") or not relative else relative
        )
    return sorted(pages)


def executed_pages(docs: Path = DOCS) -> list[str]:
    """Docnames of the pages that MyST-NB executes, sorted: text notebooks, which have a
    ``kernelspec`` in their front matter."""
    pages = []
    for source in sorted(docs.glob("**/*.md")):
        if "_build" in source.parts:
            continue
        front = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.DOTALL)
        if front and re.search(r"^kernelspec:", front.group(1), re.MULTILINE):
            pages.append(source.relative_to(docs).with_suffix("").as_posix())
    return pages


def content_pages(site: Path = SITE) -> list[str]:
    """Pages written from a source document (everything but Sphinx's own index and search)."""
    return [page for page in crawl(site) if page not in GENERATED_PAGES]
