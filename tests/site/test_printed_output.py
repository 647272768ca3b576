"""docs/_ext/page_kernels.py: what a cell prints reaches the page as it was printed, however the
kernel cuts it into messages."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx_project import build, notebook

# The explicit flush sends the label on its own, as a kernel's output thread does when its
# timer fires between the writes of one print on a busy machine.
PAGE = notebook("""
# A page

```{code-cell} ipython3
import sys

sys.stdout.write("dead on the data:")
sys.stdout.flush()
print("", [0.0, 0.0])
print("next line")
```
""")

#: The text of a stream output in MyST-NB's HTML.
_STREAM = re.compile(
    r'<div class="output stream[^"]*"><div class="highlight"><pre><span></span>(.*?)</pre>',
    re.DOTALL,
)


def _printed(root: Path, extensions: list[str]) -> list[str]:
    result = build(
        root,
        {"index.md": PAGE},
        extensions,
        nb_execution_mode="force",
        nb_merge_streams=True,
    )
    assert result.returncode == 0, result.warnings
    return [html.unescape(text) for text in _STREAM.findall(result.page())]


def test_a_line_printed_in_two_messages_stays_one_line(tmp_path: Path) -> None:
    assert _printed(tmp_path, ["myst_nb", "page_kernels"]) == [
        "dead on the data: [0.0, 0.0]\nnext line\n"
    ]


def test_without_the_extension_the_line_is_broken(tmp_path: Path) -> None:
    # The control: the two messages did arrive apart, and MyST-NB's own merge of them breaks
    # the line (so the test above would see it if the extension did nothing).
    assert _printed(tmp_path, ["myst_nb"]) == ["dead on the data:\n [0.0, 0.0]\nnext line\n"]
