"""Checked sentences: a failed check explains itself, and every check guards words of the site.

A hidden cell guards a sentence of prose, a caption or an alt text that states a result with
``evidence.check("the words of the page", condition, **numbers)``, on each replicate of the
page's experiments: the cell fails when the results stop supporting the words. This extension
makes that failure read as what it is. Every page whose execution failed is reported as an
error located at the page, at the end of the build, after the warnings of the numbers it left
unglued: for a contradicted sentence, the message of
:class:`dying_relu.evidence.ContradictedError`, which names the sentence, the replicate and the
numbers that contradicted it, the numerical set-up (numpy, BLAS and its kernel) and what a
reader can do; for any other failure, the end of the traceback. (MyST-NB's own report is a
traceback, which in a parallel build ends asking to report a bug in Sphinx.)

It also closes one gap: a sentence edited or removed while its check stays behind, guarding
words nobody reads any more.

Once every page has been read, the first argument of each ``check(...)`` call in the code
cells of the MyST pages is looked up, with white space folded, in the text of all the pages
outside the code of their cells (prose, and the captions and alt texts in the cells' options).
A check may guard a sentence of another page, as the short summary's sentences are guarded
where their data are computed. Each one that stands nowhere is reported as a warning, which
``-W`` turns into an error.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
# Terminal colours of IPython's tracebacks.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CONTRADICTED = "ContradictedError: "


def failure_report(traceback: str) -> str:
    """What to say of a page whose execution ended in ``traceback``.

    For a sentence the results no longer support, the message of the ContradictedError (it
    already says everything a reader needs); otherwise the last lines of the traceback.
    """
    text = _ANSI.sub("", traceback)
    position = text.rfind(_CONTRADICTED)
    if position >= 0:
        message = text[position + len(_CONTRADICTED) :].strip()
        return "a checked sentence is contradicted: " + message
    tail = [line for line in text.strip().splitlines() if line.strip()][-12:]
    return "executing the page failed:\n" + "\n".join(tail)


def _report_failed_execution(app: Sphinx, exception: BaseException | None) -> None:
    """Report every page whose execution failed, once the build is done.

    At the end, so that the explanation is the last thing the build prints: a page that fails
    leaves its numbers unglued, and each of those is a warning of its own, printed before.
    """
    if exception is not None:
        return
    env = app.env
    for docname in sorted(env.found_docs):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data and not data["succeeded"]:
            logger.error(failure_report(data["traceback"] or ""), location=docname)


def _fold(text: str) -> str:
    return " ".join(text.split())


def _split(source: str) -> tuple[str, list[str]]:
    """The page's text outside cell code (options kept), and the code of each cell."""
    codes: list[str] = []

    def keep_options(match: re.Match[str]) -> str:
        lines = match.group(1).splitlines()
        options = [line for line in lines if line.startswith(":")]
        codes.append("\n".join(line for line in lines if not line.startswith(":")))
        return "\n".join(options) + "\n"

    return _CELL.sub(keep_options, source), codes


def _checked(code: str) -> list[str]:
    """The literal first arguments of the ``check(...)`` calls in a cell's code."""
    sentences = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if isinstance(node.func, ast.Name):
            name = node.func.id
        first = node.args[0]
        if name == "check" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            sentences.append(first.value)
    return sentences


def _check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    del app
    texts: list[str] = []
    checks: list[tuple[str, str]] = []
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        if path.suffix != ".md":
            continue
        text, codes = _split(path.read_text(encoding="utf-8"))
        texts.append(_fold(text))
        checks.extend((docname, sentence) for code in codes for sentence in _checked(code))
    site = "\n".join(texts)
    for docname, sentence in checks:
        if _fold(sentence) not in site:
            logger.warning(
                "a check guards words that no page contains any more: %r", sentence,
                location=docname,
            )  # fmt: skip


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _report_failed_execution)
    app.connect("env-check-consistency", _check_consistency)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
