"""docs/_ext/balanced_reading.py: the slow pages are dealt out to the parallel readers."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import sphinx_project
from sphinx.util.parallel import make_chunks
from sphinx_project import EXTENSIONS

# The extension is a file of the docs, not a module on the path of the tests.
_spec = importlib.util.spec_from_file_location(
    "balanced_reading", EXTENSIONS / "balanced_reading.py"
)
assert _spec is not None
assert _spec.loader is not None
balanced_reading = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(balanced_reading)
balanced = balanced_reading.balanced


def test_slow_pages_are_spread_over_the_first_chunks() -> None:
    names = [f"api{i:02d}" for i in range(60)] + ["lr", "leaky", "shock", "born", "vanishing"]
    weights = {"shock": 16.0, "lr": 15.0, "leaky": 14.0, "born": 11.0, "vanishing": 9.0}
    order = balanced(names, weights, processes=2)
    assert sorted(order) == sorted(names)
    # Cut as Sphinx cuts the pages it reads.
    chunks = make_chunks(order, 2)
    loads = [sum(weights.get(name, 0.0) for name in chunk) for chunk in chunks]
    # Every slow page is in one of the two chunks read first, and the two carry about the same.
    assert sum(loads[:2]) == sum(weights.values())
    assert abs(loads[0] - loads[1]) <= max(weights.values())
    assert balanced(names, weights, processes=2) == order


def test_without_weights_the_order_is_kept() -> None:
    names = ["b", "a", "c"]
    assert balanced(names, {}, processes=2) == names


_NOTEBOOK = """---
jupytext: {{text_representation: {{extension: .md, format_name: myst}}}}
kernelspec: {{name: python3, display_name: Python 3, language: python}}
---
# A page that executes

```{{code-cell}} ipython3
print({value})
```
"""
# Records what balanced_reading.cached finds among the pages about to be read.
_PROBE = """
import json
from pathlib import Path

import balanced_reading


def setup(app):
    def record(app, env, docnames):
        found = sorted(balanced_reading.cached(env, docnames))
        Path(app.srcdir, "cached.json").write_text(json.dumps([sorted(docnames), found]))

    app.connect("env-before-read-docs", record)
    return {"parallel_read_safe": True}
"""


def test_a_page_whose_outputs_the_cache_holds_counts_as_quick(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    settings = {
        "nb_execution_mode": "cache",
        "nb_execution_cache_path": str(tmp_path / "cache"),
        # MyST-NB writes the executed notebooks beside the build directory.
        "exclude_patterns": ["_build", "jupyter_execute"],
    }

    def build(value: int) -> list[list[str]]:
        # A fresh environment, so that every page is read again.
        shutil.rmtree(root / "_build" / ".doctrees", ignore_errors=True)
        files = {"index.md": _NOTEBOOK.format(value=value), "probe.py": _PROBE}
        result = sphinx_project.build(root, files, ["myst_nb", "balanced_reading", "probe"],
                                      **settings)  # fmt: skip
        assert result.returncode == 0, result.warnings
        recorded: list[list[str]] = json.loads((root / "cached.json").read_text())
        return recorded

    assert build(6 * 7) == [["index"], []]  # nothing cached yet: it executes
    assert build(6 * 7) == [["index"], ["index"]]  # its outputs are in the cache
    assert build(6 * 9) == [["index"], []]  # a changed cell executes again
