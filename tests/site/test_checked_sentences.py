"""docs/_ext/checked_sentences.py: a check must guard words that still stand in the text."""

from __future__ import annotations

from pathlib import Path

from sphinx_project import build

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# A page

The loss falls.

```{{code-cell}} ipython3
evidence.check({sentence!r}, True)
```
"""


def _build(root: Path, sentence: str) -> tuple[int, str]:
    result = build(
        root,
        {"index.md": PAGE.format(sentence=sentence)},
        ["myst_nb", "checked_sentences"],
        nb_execution_mode="off",
    )
    return result.returncode, result.warnings


def test_a_check_of_words_on_the_page_passes(tmp_path: Path) -> None:
    assert _build(tmp_path, "The loss falls.") == (0, "")


def test_white_space_does_not_matter(tmp_path: Path) -> None:
    assert _build(tmp_path, "The  loss\nfalls.")[0] == 0


def test_a_check_of_words_no_page_contains_fails_the_build(tmp_path: Path) -> None:
    returncode, warnings = _build(tmp_path, "The loss rises.")
    assert returncode != 0
    assert "'The loss rises.'" in warnings
