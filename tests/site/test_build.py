"""Trustworthy builds: reproducible output, and an execution cache that never serves stale
results.

The site is built again in a temporary copy of the repository, whose ``src`` is what the
build imports (``PYTHONPATH``), three times, in a background thread that starts as soon as
the tests are collected:

1. cold, from an empty execution cache: every page is executed. Its output must be
   byte-identical to the site under test (``docs/_build/html``, built by the same session in
   another directory), and it must write nothing to stderr;
2. again with nothing changed: nothing may be executed or even read again;
3. after an edit to a function of the package that changes no result: exactly the pages
   whose code imports the package are executed again, and they and their figures come out
   byte-identical.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import sitecrawl
from conftest import record

#: As in noxfile.py: every reference must resolve and every warning fails the build.
SPHINX_FLAGS = ["-n", "-W", "--keep-going", "-T"]
PACKAGE = "dying_relu"
#: Not copied: version control, environments, caches, and everything a build writes.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "_build", "generated", "jupyter_execute", ".jupyter_cache",
    ".*_cache", ".hypothesis", "__pycache__", "node_modules", "dist",
)  # fmt: skip


@dataclass
class Build:
    seconds: float
    stdout: str
    stderr: str

    def executed(self, docs: Path) -> set[str]:
        """The pages (docnames) that this build executed."""
        pattern = re.compile(r"^(\S+?)\.\w+: Executing notebook", re.MULTILINE)
        return {
            Path(match.group(1)).resolve().relative_to(docs).as_posix()
            for match in pattern.finditer(self.stdout)
        }

    def read(self) -> list[str]:
        return re.findall(r"^reading sources\.\.\. \[\s*\d+%\] (\S+)", self.stdout, re.MULTILINE)


def _build(root: Path) -> Build:
    docs = root / "docs"
    environment = {**os.environ, "PYTHONPATH": str(root / "src")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX_FLAGS, "-b", "html",
         "-d", str(docs / "_build" / "doctrees"), str(docs), str(docs / "_build" / "html")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        msg = f"build failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr}"
        raise RuntimeError(msg)
    return Build(seconds, result.stdout, result.stderr)


def _digests(html: Path) -> dict[str, str]:
    return {
        path.relative_to(html).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


def _differences(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    return sorted(
        name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)
    )


def _edit_a_function(src: Path) -> str:
    """Add a comment line to the body of ``relu``: new source, same results."""
    for path in sorted((src / PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "relu":
                lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
                last = node.body[-1]
                indent = " " * last.col_offset
                lines.insert(last.lineno - 1, f"{indent}# An edit that changes no result.\n")
                path.write_text("".join(lines), encoding="utf-8")
                return path.relative_to(src).as_posix()
    msg = f"no function relu found in {src / PACKAGE}"
    raise LookupError(msg)


def _pages_importing(docs: Path, package: str) -> set[str]:
    """Docnames of the executable pages whose code cells import ``package``."""
    pages = set()
    imports = re.compile(rf"^\s*(?:import|from)\s+{package}\b", re.MULTILINE)
    for source in docs.rglob("*.md"):
        if "_build" in source.parts:
            continue
        text = source.read_text(encoding="utf-8")
        if re.search(r"^kernelspec:", text, re.MULTILINE) and imports.search(text):
            pages.add(source.relative_to(docs).with_suffix("").as_posix())
    return pages


@dataclass
class Rebuilds:
    docs: Path
    cold: Build
    cold_digests: dict[str, str]
    warm: Build
    edited_file: str
    edited: Build
    edited_digests: dict[str, str]


def _rebuild(root: Path) -> Rebuilds:
    shutil.copytree(sitecrawl.REPO, root, ignore=_NOT_COPIED)
    docs = root / "docs"
    html = docs / "_build" / "html"
    cold = _build(root)
    cold_digests = _digests(html)
    warm = _build(root)
    edited_file = _edit_a_function(root / "src")
    edited = _build(root)
    return Rebuilds(docs, cold, cold_digests, warm, edited_file, edited, _digests(html))


_POOL = ThreadPoolExecutor(max_workers=1)
_RUNNING: list[tuple[Path, Future[Rebuilds]]] = []


def start_in_background() -> Future[Rebuilds]:
    """Start the three builds in a thread (once); they mostly wait on Sphinx and the kernels.

    conftest.py calls this as soon as the tests are collected, so that the builds run while
    the browser tests do.
    """
    if not _RUNNING:
        scratch = Path(tempfile.mkdtemp(prefix="site-rebuilds-"))
        _RUNNING.append((scratch, _POOL.submit(_rebuild, scratch / "repo")))
    return _RUNNING[0][1]


@pytest.fixture(scope="module")
def rebuilds() -> Iterator[Rebuilds]:
    result = start_in_background().result()
    record("(build)", "cold build s", result.cold.seconds)
    record("(build)", "warm build s", result.warm.seconds)
    yield result
    shutil.rmtree(_RUNNING[0][0], ignore_errors=True)


def test_a_clean_build_reproduces_the_site_byte_for_byte(rebuilds: Rebuilds) -> None:
    site = _digests(sitecrawl.SITE)
    assert _differences(rebuilds.cold_digests, site) == []


def test_the_build_writes_nothing_to_stderr(rebuilds: Rebuilds) -> None:
    assert rebuilds.cold.stderr == ""
    assert rebuilds.warm.stderr == ""
    assert rebuilds.edited.stderr == ""


def test_a_cold_build_executes_every_page_that_uses_the_package(rebuilds: Rebuilds) -> None:
    expected = _pages_importing(rebuilds.docs, PACKAGE)
    assert expected, "no page imports the package; the cache tests would prove nothing"
    assert expected <= rebuilds.cold.executed(rebuilds.docs)


def test_an_unchanged_tree_executes_and_reads_nothing(rebuilds: Rebuilds) -> None:
    assert rebuilds.warm.executed(rebuilds.docs) == set()
    assert rebuilds.warm.read() == []


def test_editing_a_function_executes_the_pages_that_use_it(rebuilds: Rebuilds) -> None:
    expected = _pages_importing(rebuilds.docs, PACKAGE)
    assert rebuilds.edited.executed(rebuilds.docs) == expected, rebuilds.edited_file


def test_executing_again_gives_the_same_bytes(rebuilds: Rebuilds) -> None:
    # The executed pages and the figures only: an incremental build's search index differs
    # from a clean build's (Sphinx issue 12599), which is why the site session builds clean.
    executed = {f"{docname}.html" for docname in rebuilds.edited.executed(rebuilds.docs)}

    def outputs(digests: dict[str, str]) -> dict[str, str]:
        return {
            name: digest
            for name, digest in digests.items()
            if name in executed or name.startswith("_images/")
        }

    assert executed
    assert _differences(outputs(rebuilds.edited_digests), outputs(rebuilds.cold_digests)) == []
