"""docs/_ext/attribute_fields.py: an Attributes entry that names several attributes."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx_project import build

MODULE = '''
class Interval:
    """A mean with its interval.

    Attributes
    ----------
    mean, low, high : float
        Mean over the seeds, with its t interval.
    seeds : int
    """
'''


def test_each_attribute_of_a_shared_entry_gets_its_own_field(tmp_path: Path) -> None:
    result = build(
        tmp_path,
        {"index.rst": ".. autoclass:: interval.Interval\n", "interval.py": MODULE},
        ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "attribute_fields"],
        napoleon_use_ivar=True,
    )
    assert result.returncode == 0, result.warnings
    text = re.sub(r"<[^>]+>", "", result.page())
    for name in ("mean", "low", "high"):
        # Sphinx puts an en dash between a field's type and its description.
        assert f"{name} (float) \N{EN DASH} Mean over the seeds, with its t interval." in text
    assert "seeds (int)" in text
