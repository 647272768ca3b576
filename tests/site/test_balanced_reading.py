"""docs/_ext/balanced_reading.py: the slow pages are dealt out to the parallel readers."""

from __future__ import annotations

import importlib.util

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
