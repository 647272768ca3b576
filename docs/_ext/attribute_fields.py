"""Give each attribute of a numpydoc entry like ``ci_low, ci_high : numpy.ndarray`` its own field.

numpydoc lets one entry of an "Attributes" section name several attributes of one type.
napoleon (with ``napoleon_use_ivar``) writes such an entry as one field, ``:ivar ci_low,
ci_high:``, and Sphinx reads a field argument of several words as "type, then name": the
page showed ``ci_high (ci_low,)``, and the names became references to nothing. After
napoleon has run, each such field is written once per name, with the description and type
of the entry.

Writing one entry per attribute would do the same, but it repeats each shared description
(the package has 13 such entries, for pairs like ``ci_low, ci_high``), and numpydoc allows
the shared form, so a new one would come back broken; with this extension it is right.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

_FIELD = re.compile(r"^:(ivar|vartype) ([^:]+): ?(.*)$")


def _split_names(lines: list[str]) -> list[str]:
    result: list[str] = []
    index = 0
    while index < len(lines):
        match = _FIELD.match(lines[index])
        end = index + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        if match is None or "," not in match.group(2):
            result.extend(lines[index:end])
        else:
            kind, names, first = match.groups()
            for name in (part.strip() for part in names.split(",")):
                result.append(f":{kind} {name}: {first}")
                result.extend(lines[index + 1 : end])
        index = end
    return result


def _process(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    del app, what, name, obj, options
    lines[:] = _split_names(lines)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.napoleon")
    # After napoleon (priority 500), which writes the fields this reads.
    app.connect("autodoc-process-docstring", _process, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
