"""Build the site again in a scratch copy of the repository, three times, in the background.

The copy's ``src`` is what the builds import (``PYTHONPATH``):

1. clean: no HTML and no doctrees, with the execution cache of the build under test copied
   in, so that the pages' outputs come from that cache and nothing is executed;
2. again with nothing changed (it must write the same site);
3. after an edit to a function of the package that changes no result.  The cache is named
   after the package's source, so the edit gives it a new, empty cache: this build is a cold
   one, and executes every page.

Executing every page is most of a build's time, and the builds run on the same cores as the
browser tests, so the pages are executed once here, not twice.

The builds take about as long as all the browser tests together, so the site tests' conftest
starts them as soon as the tests are collected (``start_in_background``), and they run
alongside the browser tests.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sitecrawl

#: As in noxfile.py, but for -j (``build`` adds it): every reference must resolve and every
#: warning fails the build.
SPHINX_OPTIONS = ["-n", "-W", "--keep-going", "-T"]
PACKAGE = "dying_relu"
#: Not copied: version control, environments, caches, and everything a build writes.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "_build", "generated", "jupyter_execute", ".jupyter_cache",
    ".*_cache", ".hypothesis", "__pycache__", "node_modules", "dist",
)  # fmt: skip
#: Terminal control sequences (colours, "erase line").
_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: The line MyST-NB logs for each page it executes.
_EXECUTING = re.compile(r"^(\S+?)\.\w+: Executing notebook", re.MULTILINE)
#: The progress lines of Sphinx's reading phase, one per page or per batch of pages.
_READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (.+)$", re.MULTILINE)
#: Long runs of base64 (images inlined in a page), shown in a difference by their digest.
_BLOB = re.compile(r"[A-Za-z0-9+/=\n]{120,}")
#: Where the two versions of a page that differs are kept for a reader of a failed run.
DIFFERENCES = sitecrawl.ARTIFACTS / "rebuild-differences"


@dataclass
class Build:
    seconds: float
    stdout: str
    stderr: str

    def executed(self, docs: Path) -> set[str]:
        """The pages (docnames) that this build executed, read from its log."""
        return {
            Path(match.group(1)).resolve().relative_to(docs).as_posix()
            for match in _EXECUTING.finditer(self.stdout)
        }

    def read(self) -> list[str]:
        """What this build's reading phase named, read from its log (empty: nothing read)."""
        return _READING.findall(self.stdout)


def plain_log(text: str) -> str:
    """A Sphinx log as lines of text.

    Where CI or FORCE_COLOR is set, Sphinx writes colours and redraws its progress lines in
    place (erase the line, write, carriage return) even into a pipe; both are undone here.
    """
    return _ESCAPE.sub("", text).replace("\r", "\n")


def build(root: Path, jobs: str = "auto", environment: Mapping[str, str] | None = None) -> Build:
    """Build the site of the repository copy at ``root`` into its docs/_build/html.

    ``jobs`` is Sphinx's ``-j``: with ``auto``, as in noxfile.py, pages are read (and executed)
    in one process per core. The build runs in ``environment`` (by default this process's)
    with the copy's ``src`` as ``PYTHONPATH``.
    """
    docs = root / "docs"
    base = os.environ if environment is None else environment
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX_OPTIONS, "-j", jobs, "-b", "html",
         "-d", str(docs / "_build" / "doctrees"), str(docs), str(docs / "_build" / "html")],
        cwd=root,
        env={**base, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        msg = f"build failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr}"
        raise RuntimeError(msg)
    return Build(seconds, plain_log(result.stdout), result.stderr)


def digests(html: Path) -> dict[str, str]:
    """SHA-256 of every file of a built site, by path relative to it."""
    return {
        path.relative_to(html).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _readable(path: Path) -> list[str]:
    if not path.is_file():
        return ["(no such file)"]
    text = path.read_text(encoding="utf-8", errors="replace")
    text = _BLOB.sub(lambda blob: f"<{len(blob[0])} base64 characters {_digest(blob[0])}>", text)
    return text.replace(">", ">\n").splitlines()


def describe_differences(names: list[str], rebuilt: Path, site: Path, lines: int = 60) -> str:
    """What differs between the files ``names`` of a rebuilt site and the site under test.

    Both versions of each file are copied to :data:`DIFFERENCES` (``rebuilt/`` and ``site/``),
    and the first ``lines`` lines of a unified difference of each text file, with every
    inlined image reduced to its digest, are returned, for the message of a failing test.
    """
    report = []
    for name in names:
        for side, html in (("rebuilt", rebuilt), ("site", site)):
            if (html / name).is_file():
                target = DIFFERENCES / side / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(html / name, target)
        if name.endswith((".html", ".svg", ".js", ".css", ".txt")):
            diff = difflib.unified_diff(
                _readable(rebuilt / name), _readable(site / name),
                f"rebuilt/{name}", f"site/{name}", n=2, lineterm="",
            )  # fmt: skip
            report.extend(list(diff)[:lines])
    report.append(f"both versions of each file: {DIFFERENCES}")
    return "\n".join(report)


def edit_a_function(src: Path) -> str:
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


@dataclass
class Rebuilds:
    docs: Path
    clean: Build
    clean_digests: dict[str, str]
    warm: Build
    warm_digests: dict[str, str]
    edited_file: str
    edited: Build
    edited_digests: dict[str, str]


#: The execution cache of the build under test, which the clean build starts from.
CACHE = Path("docs") / "_build" / ".jupyter_cache"


def _rebuild(root: Path) -> Rebuilds:
    shutil.copytree(sitecrawl.REPO, root, ignore=NOT_COPIED)
    if (sitecrawl.REPO / CACHE).is_dir():
        shutil.copytree(sitecrawl.REPO / CACHE, root / CACHE)
    docs = root / "docs"
    html = docs / "_build" / "html"
    clean = build(root)
    clean_digests = digests(html)
    warm = build(root)
    warm_digests = digests(html)
    edited_file = edit_a_function(root / "src")
    edited = build(root)
    return Rebuilds(
        docs, clean, clean_digests, warm, warm_digests, edited_file, edited, digests(html)
    )


_POOL = ThreadPoolExecutor(max_workers=1)
_RUNNING: list[tuple[Path, Future[Rebuilds]]] = []


def start_in_background() -> Future[Rebuilds]:
    """Start the three builds in a thread (once); they mostly wait on Sphinx and the kernels."""
    if not _RUNNING:
        scratch = Path(tempfile.mkdtemp(prefix="site-rebuilds-"))
        _RUNNING.append((scratch, _POOL.submit(_rebuild, scratch / "repo")))
    return _RUNNING[0][1]


def remove_scratch() -> None:
    """Delete the scratch copy once its builds have been looked at."""
    for scratch, _ in _RUNNING:
        shutil.rmtree(scratch, ignore_errors=True)
