"""Every executed page offers its notebook, with the outputs of the build, beside its source.

Which pages are executed is read from the sources (a page with a ``kernelspec`` in its front
matter is a notebook that MyST-NB executes), not from the extension that publishes the
notebooks, so that a page the extension missed fails here.
"""

from __future__ import annotations

import json

import pytest
from sitecrawl import DOCS, SITE, executed_pages

EXECUTED = executed_pages()


def test_there_are_executed_pages() -> None:
    assert len(EXECUTED) >= 5


@pytest.mark.parametrize("page", EXECUTED)
def test_notebook_with_outputs_is_offered_beside_the_source(page: str) -> None:
    notebook_path = SITE / "_sources" / f"{page}.ipynb"
    assert (SITE / "_sources" / f"{page}.md").is_file()
    assert notebook_path.is_file()
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    source = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    assert len(code) == source.count("```{code-cell}")
    assert any(cell["outputs"] for cell in code), "the notebook carries no outputs"
    assert all(cell["execution_count"] is not None for cell in code)
    # The page's download menu links it, next to the source.
    html = (SITE / f"{page}.html").read_text(encoding="utf-8")
    depth = page.count("/")
    prefix = "../" * depth
    assert f'href="{prefix}_sources/{page}.ipynb"' in html
    assert f'href="{prefix}_sources/{page}.md"' in html


@pytest.mark.parametrize("page", EXECUTED)
def test_published_notebook_holds_nothing_of_the_build(page: str) -> None:
    """No execution-cache fingerprint, no random cell ids (two builds must publish the same)."""
    notebook = json.loads((SITE / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8"))
    assert "source_fingerprint" not in notebook["metadata"]["kernelspec"]
    assert [cell["id"] for cell in notebook["cells"]] == [
        f"cell-{index}" for index in range(1, len(notebook["cells"]) + 1)
    ]
