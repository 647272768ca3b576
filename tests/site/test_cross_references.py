"""docs/_ext/cross_references.py: which references link, which become text, which fail.

Each test builds a one-page project in which a package ``pkg`` documents a few objects.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx_project import Result, build

OBJECTS = """\
.. py:function:: pkg.experiments.shock()
.. py:function:: pkg.plotting.shock()
.. py:function:: pkg.diagnostics.unit_activity()
.. py:function:: pkg.relu(x)

   :param x: Input.
   :type x: {type}

"""


def _build(root: Path, text: str, type_: str = "float") -> Result:
    page = OBJECTS.format(type=type_) + text + "\n"
    return build(root, {"index.rst": page}, ["cross_references"], cross_reference_package="pkg")


def test_a_short_name_of_one_object_links_to_it(tmp_path: Path) -> None:
    result = _build(tmp_path, "See :func:`unit_activity`.")
    assert result.returncode == 0, result.warnings
    assert 'class="reference internal" href="#pkg.diagnostics.unit_activity"' in result.page()


def test_a_short_name_of_two_objects_fails_the_build_naming_both(tmp_path: Path) -> None:
    result = _build(tmp_path, "See :func:`shock`.")
    assert result.returncode != 0
    assert "'shock' could name any of pkg.experiments.shock, pkg.plotting.shock" in (
        result.warnings
    )
    assert 'class="reference internal"' not in result.page()


@pytest.mark.parametrize(
    "reference",
    [":class:`numpy.ndarray`", ":class:`int`", ":func:`os.path.join`", ":class:`float64`"],
)
def test_python_and_numpy_names_become_text(tmp_path: Path, reference: str) -> None:
    result = _build(tmp_path, f"See {reference}.")
    assert result.returncode == 0, result.warnings


@pytest.mark.parametrize(
    "reference", [":func:`pkg.missing`", ":class:`Histroy`", ":func:`sklearn.clone`"]
)
def test_any_other_unresolved_name_fails_the_build(tmp_path: Path, reference: str) -> None:
    result = _build(tmp_path, f"See {reference}.")
    assert result.returncode != 0
    assert "reference target not found" in result.warnings


def test_numpydoc_type_phrases_are_text(tmp_path: Path) -> None:
    phrase = 'array_like, shape (n, d) or (E, n, d), optional, {"he", "xavier"}, default 0.01'
    result = _build(tmp_path, "", type_=phrase)
    assert result.returncode == 0, result.warnings


def test_a_wrong_name_in_a_type_fails_the_build(tmp_path: Path) -> None:
    result = _build(tmp_path, "", type_="array_like or Histroy")
    assert result.returncode != 0
    assert "Histroy" in result.warnings
