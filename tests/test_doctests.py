"""The examples in the package's docstrings, run as tests.

They are collected like every other test here, so that each way of calling pytest on
``tests/`` (``pytest``, ``pytest tests``, ``pytest tests --ignore=tests/site``, or this file on
its own) runs them, and ``pytest tests/test_x.py`` runs the tests of ``test_x`` only.  Each
docstring with examples is one test, named after the object it documents.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import dying_relu


def _docstrings_with_examples() -> list[doctest.DocTest]:
    modules = [dying_relu] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(dying_relu.__path__, "dying_relu.")
    ]
    finder = doctest.DocTestFinder()
    found = [test for module in modules for test in finder.find(module) if test.examples]
    return sorted(found, key=lambda test: test.name)


DOCTESTS = _docstrings_with_examples()


def test_every_module_of_the_package_has_examples() -> None:
    modules = {test.name.split(".")[1] for test in DOCTESTS if test.name.count(".") >= 1}
    public = {
        info.name
        for info in pkgutil.iter_modules(dying_relu.__path__)
        if not info.name.startswith("_")
    }
    assert public <= modules


@pytest.mark.parametrize("test", DOCTESTS, ids=[test.name for test in DOCTESTS])
def test_docstring_examples(test: doctest.DocTest) -> None:
    # Each test starts from a fresh copy of its module's namespace, as pytest's doctest
    # collector gives it.
    test.globs = dict(test.globs)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=report.write)
    assert result.failed == 0, report.getvalue()
