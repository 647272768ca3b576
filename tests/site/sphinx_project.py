"""Build a small Sphinx project that uses extensions of the site (docs/_ext), to test them.

The project is written into a temporary directory from a few files given as strings, and
built in a subprocess with the site's strict flags, so that one test's Sphinx state cannot
leak into another's.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sitecrawl

EXTENSIONS = sitecrawl.REPO / "docs" / "_ext"
#: The front matter that makes MyST-NB read a Markdown page as a notebook, run by Python 3.
_NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---
"""


def notebook(body: str) -> str:
    """A Markdown page of ``body`` that MyST-NB reads as a notebook (a text notebook)."""
    return _NOTEBOOK + body


@dataclass
class Result:
    returncode: int
    warnings: str
    html: Path

    def page(self, name: str = "index") -> str:
        return (self.html / f"{name}.html").read_text(encoding="utf-8")


def build(root: Path, files: dict[str, str], extensions: list[str], **config: object) -> Result:
    """Write ``files`` (name: text) and a conf.py under ``root``, then build them to HTML."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    settings = "".join(f"{key} = {value!r}\n" for key, value in config.items())
    (root / "conf.py").write_text(
        f"import sys\nsys.path[:0] = [{str(EXTENSIONS)!r}, {str(root)!r}]\n"
        f"extensions = {extensions!r}\n{settings}",
        encoding="utf-8",
    )
    html = root / "_build"
    # -N: plain text even where the environment forces colour (FORCE_COLOR), since tests read it.
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "-W", "--keep-going", "-q", "-N", "-b", "html",
         str(root), str(html)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    return Result(result.returncode, result.stderr, html)
