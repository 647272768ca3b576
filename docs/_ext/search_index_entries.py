"""Keep the API's index entries in the search index across incremental builds.

Sphinx's HTML builder feeds each written page's index entries (the ``indexentries`` of
``searchindex.js``, which let search find the API's functions) to its search indexer during
the write phase, after the build environment has been saved; an incremental build restores
the rest of the index from the previous ``searchindex.js`` but not these entries, so a rebuild
with nothing changed writes a smaller index and search loses the API (Sphinx issue 12599).
This extension saves the entries beside the doctrees when a build ends and gives back, before
the index is written, those of every page that was not written again. A clean build and a
no-change rebuild then write the same ``searchindex.js``. There is no setting that does this.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: Beside the doctrees, not in the published output.
SAVED = "search_index_entries.json"


def _entries(app: Sphinx) -> dict[str, list[tuple[str, str, str]]] | None:
    indexer = getattr(app.builder, "indexer", None)
    # The indexer keeps them, per page, in this private mapping (Sphinx 8 and 9).
    return None if indexer is None else indexer._index_entries


def restore(app: Sphinx) -> list[Any]:
    """Give back the saved entries of the pages this build did not write."""
    entries = _entries(app)
    saved = Path(app.doctreedir) / SAVED
    if entries is not None and saved.exists():
        known = set(app.env.all_docs)
        for docname, items in json.loads(saved.read_text(encoding="utf-8")).items():
            if docname in known and docname not in entries:
                entries[docname] = [tuple(item) for item in items]
    return []  # html-collect-pages handlers return the pages they add: none


def save(app: Sphinx, exception: BaseException | None) -> None:
    """Save every page's entries once a build has written its search index."""
    entries = _entries(app)
    if exception is None and entries is not None:
        text = json.dumps(dict(sorted(entries.items())), indent=0, sort_keys=True)
        (Path(app.doctreedir) / SAVED).write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    # html-collect-pages runs in the builder's finishing tasks, before the search index is
    # dumped.
    app.connect("html-collect-pages", restore)
    app.connect("build-finished", save)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
