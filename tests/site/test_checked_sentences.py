"""docs/_ext/checked_sentences.py: a check must guard words that still stand in the text."""

from __future__ import annotations

from pathlib import Path

from sphinx_project import build, notebook

PAGE = notebook("""
# A page

The loss falls.

```{{code-cell}} ipython3
evidence.check({sentence!r}, True)
```
""")


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


FAILING = notebook("""
# A page

The loss falls.

```{{code-cell}} ipython3
from dying_relu import evidence

{code}
```
""")


def _execute(root: Path, code: str) -> tuple[int, str]:
    result = build(
        root,
        {"index.md": FAILING.format(code=code)},
        # page_kernels starts the kernel as the site does (encrypted), so that its stderr holds
        # only what the check says.
        ["myst_nb", "page_kernels", "checked_sentences"],
        nb_execution_mode="force",
        nb_execution_raise_on_error=False,
        suppress_warnings=["mystnb.exec"],
    )
    return result.returncode, result.warnings


def test_a_contradicted_sentence_fails_the_build_and_explains_itself(tmp_path: Path) -> None:
    returncode, warnings = _execute(tmp_path, 'evidence.check("The loss falls.", False, loss=3)')
    assert returncode != 0
    # Located at the page, the sentence quoted, the numbers and the set-up named, and no
    # traceback of the kernel or of Sphinx.
    assert "index.md" in warnings
    assert "a checked sentence is contradicted" in warnings
    assert "'The loss falls.'" in warnings
    assert "loss = 3" in warnings
    assert "numerical set-up: numpy" in warnings
    assert "What you can do" in warnings
    assert "Traceback" not in warnings
    assert "\x1b[" not in warnings


def test_any_other_failure_of_a_page_fails_the_build_with_the_end_of_its_traceback(
    tmp_path: Path,
) -> None:
    returncode, warnings = _execute(tmp_path, "1 / 0")
    assert returncode != 0
    assert "executing the page failed" in warnings
    assert "ZeroDivisionError" in warnings
