"""Re-execute a page when the code it imports changes, not only when its cells change.

jupyter-cache keys a notebook on its code cells, their metadata and the kernelspec. A page
whose cells stay the same while a function in the package changes would be served from the
cache with outputs the current code no longer produces. This extension closes that gap in two
steps:

1. Before MyST-NB looks a page up in the cache, it writes a fingerprint into the notebook's
   kernelspec (a part of the notebook that jupyter-cache hashes): a digest of the source of
   every package in ``execution_fingerprint_packages`` that the page's code imports, and of
   the versions of Python and of the libraries in ``execution_fingerprint_distributions``.
   Changed code gives a new key, hence a cache miss, hence execution; unchanged code gives the
   old key and the stored outputs.
2. Sphinx re-reads a page only when its source file changed. The fingerprint each page was
   last read with is kept in the build environment, and ``env-get-outdated`` hands Sphinx
   every page whose fingerprint is no longer current, so that step 1 gets to run for it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import myst_nb.core.execute as nb_execute
from myst_nb.core.execute.cache import NotebookClientCache
from nbformat import NotebookNode
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where the kernelspec carries the fingerprint; jupyter-cache hashes the whole kernelspec.
KERNELSPEC_KEY = "source_fingerprint"
_ENV_ATTRIBUTE = "execution_fingerprints"


def _package_digest(package: str) -> str:
    """Digest of the names and contents of every ``.py`` file of an importable package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        msg = f"execution_fingerprint_packages names {package!r}, which cannot be imported"
        raise ValueError(msg)
    root = Path(spec.origin).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _environment_digest(distributions: Iterable[str]) -> str:
    """Digest of the Python version and of the installed versions of some distributions."""
    parts = [sys.version]
    for name in sorted(distributions):
        try:
            parts.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _imported_packages(notebook: NotebookNode, candidates: AbstractSet[str]) -> list[str]:
    """The candidates that some code cell imports (``import x``, ``from x...``)."""
    found: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(
            r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", cell.source, re.MULTILINE
        ):
            if match.group(1) in candidates:
                found.add(match.group(1))
    return sorted(found)


class _State:
    """The digests of one build, computed once when the builder starts."""

    def __init__(self) -> None:
        self.env: BuildEnvironment | None = None
        self.environment = ""
        self.packages: dict[str, str] = {}

    def fingerprint(self, packages: Iterable[str]) -> str:
        """The fingerprint of a page whose code imports ``packages``, for the current code."""
        parts = [self.environment, *(f"{name}:{self.packages[name]}" for name in packages)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


_STATE = _State()


def _records(env: BuildEnvironment) -> dict[str, tuple[str, list[str]]]:
    """Per page: the fingerprint it was last read with, and the packages it imported."""
    if not hasattr(env, _ENV_ATTRIBUTE):
        setattr(env, _ENV_ATTRIBUTE, {})
    records: dict[str, tuple[str, list[str]]] = getattr(env, _ENV_ATTRIBUTE)
    return records


class FingerprintedCacheClient(NotebookClientCache):
    """MyST-NB's cache client, with the fingerprint written into the notebook first."""

    def start_client(self) -> None:
        notebook = self.notebook
        used = _imported_packages(notebook, _STATE.packages.keys())
        fingerprint = _STATE.fingerprint(used)
        notebook.metadata.setdefault("kernelspec", {})[KERNELSPEC_KEY] = fingerprint
        env = _STATE.env
        if env is not None and self.path is not None:
            docname = env.path2doc(str(self.path))
            if docname is not None:
                _records(env)[docname] = (fingerprint, used)
        super().start_client()


def _builder_inited(app: Sphinx) -> None:
    _STATE.env = app.env
    _STATE.environment = _environment_digest(app.config.execution_fingerprint_distributions)
    _STATE.packages = {
        name: _package_digest(name) for name in app.config.execution_fingerprint_packages
    }


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    del app, removed
    stale = [
        docname
        for docname, (fingerprint, used) in _records(env).items()
        if docname in env.found_docs
        and docname not in added | changed
        and fingerprint != _STATE.fingerprint(used)
    ]
    if stale:
        logger.info("code or library versions changed; re-reading %s", ", ".join(sorted(stale)))
    return sorted(stale)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    del app
    _records(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    del app
    theirs = _records(other)
    _records(env).update({name: theirs[name] for name in docnames if name in theirs})


def setup(app: Sphinx) -> dict[str, Any]:
    if getattr(nb_execute, "NotebookClientCache", None) is not NotebookClientCache:
        # The hook below replaces the class that create_client instantiates in "cache"
        # mode; if MyST-NB moved it, caching would silently ignore code changes again.
        msg = "myst_nb.core.execute.NotebookClientCache is not where this extension expects it"
        raise RuntimeError(msg)
    nb_execute.NotebookClientCache = FingerprintedCacheClient  # type: ignore[misc]
    app.add_config_value("execution_fingerprint_packages", [], "env", types=[list])
    app.add_config_value(
        "execution_fingerprint_distributions", ["numpy", "matplotlib"], "env", types=[list]
    )
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
