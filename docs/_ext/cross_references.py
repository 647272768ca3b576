"""Resolve the Python cross-references that nothing else resolved, by a strict rule.

Sphinx resolves a short name (``activation_stats``) only within the module where it is
written; intersphinx, when the build is online, resolves names of Python, numpy and
matplotlib. What is left reaches this extension, which decides, in this order:

1. A name spelled from the package (``dying_relu.x``) is left unresolved: it is broken, and
   ``-n`` reports it.
2. A short name that ends exactly one of the package's documented objects links to it. One
   that ends several fails the build with a warning naming them, rather than linking any.
3. A name of Python (builtins, the standard library), numpy or matplotlib is rendered as
   plain text: offline there are no inventories to link it with. A bare name counts as one
   when the module whose docstring holds it binds it to such an object (``Figure`` in
   ``plotting``), or when numpy exports it (numpydoc's bare dtypes: ``float64``).
4. In a type field, the words of numpydoc's type phrases are text, not names: ``array_like``,
   ``optional``, ``shape``, ``or`` and the dimensions in its parentheses (``shape (n, d)``), members of
   a value set (``{"he", "xavier"}``), and phrases with a space (``default 0.01``), which no
   Python name contains. Sphinx splits a type at commas, brackets and "or"/"of" and makes a
   reference of every piece; these pieces name nothing.

Everything else stays unresolved, so that ``-n`` reports it.

Why configuration does not do this instead.  Intersphinx would link rule 3's names, but its
inventories come from the network, which a build here may not use (``nox -s linkcheck`` turns
it on); ``nitpick_ignore_regex`` would silence dotted names of numpy or the standard library,
but not decide whether a bare name (``Figure``, ``float64``) is one, which rule 3 reads from
the module's namespace; and napoleon's ``napoleon_preprocess_types`` splits the type phrases
of rule 4 at their commas (``shape (S, N)`` becomes the names ``shape (S`` and ``N)``): a
build with it on and rule 4 off reports 219 unresolved references.  Rule 2 has no setting
at all: Sphinx resolves a short name only inside the module that writes it.
"""

from __future__ import annotations

import builtins
import importlib
import sys
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)

#: Words of numpydoc's type grammar, written where a type goes but naming no object ("or" and
#: "of" reach here where punctuation follows them: "shape (n, d) or, for an ensemble, ...").
TYPE_PHRASE_WORDS = frozenset({"array_like", "optional", "shape", "sequence", "or", "of"})
#: Top-level modules, besides Python's own, whose objects may be rendered as text offline.
EXTERNAL_MODULES = ("numpy", "matplotlib")
_MISSING = object()


def _is_external_module(name: str) -> bool:
    top = name.split(".")[0]
    return top in EXTERNAL_MODULES or top in sys.stdlib_module_names or top == "builtins"


def _names_external_object(target: str, module: str | None) -> bool:
    """Whether ``target`` names an object of Python, numpy or matplotlib."""
    if "." in target:
        return _is_external_module(target)
    if hasattr(builtins, target):
        return True
    namespace = sys.modules.get(module or "")
    value = getattr(namespace, target, _MISSING)
    if value is not _MISSING:
        return _is_external_module(getattr(value, "__module__", None) or "")
    return any(hasattr(importlib.import_module(name), target) for name in EXTERNAL_MODULES)


def _inside_shape(node: pending_xref) -> bool:
    """Whether the reference stands inside the parentheses of a ``shape (...)`` phrase."""
    parent = node.parent
    if parent is None:
        return False
    before = "".join(child.astext() for child in parent.children[: parent.index(node)])
    _, found, after = before.rpartition("shape")
    return bool(found) and after.count("(") > after.count(")")


def _is_type_phrase(target: str, node: pending_xref) -> bool:
    """Whether a piece of a type field is a word of numpydoc's grammar, not a name."""
    return (
        target in TYPE_PHRASE_WORDS
        or any(char.isspace() for char in target)
        or target.startswith(("{", '"', "'"))
        or target.endswith(("}", '"', "'"))
        or _inside_shape(node)
    )


def _resolve(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.Node | None:
    if node.get("refdomain") != "py":
        return None
    target: str = node.get("reftarget", "")
    package: str = app.config.cross_reference_package
    if target == package or target.startswith(package + "."):
        return None
    objects = env.get_domain("py").objects  # type: ignore[attr-defined]
    ours = sorted(
        name for name in objects if name.startswith(package + ".") and name.endswith("." + target)
    )
    if len(ours) == 1:
        entry = objects[ours[0]]
        return make_refnode(
            app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, ours[0]
        )
    if ours:
        logger.warning(
            "%r could name any of %s; write the full name",
            target,
            ", ".join(ours),
            location=node,
            type="ref",
            subtype="ambiguous",
        )
        return contnode
    if _names_external_object(target, node.get("py:module")):
        return contnode
    if isinstance(contnode, addnodes.literal_emphasis) and _is_type_phrase(target, node):
        return contnode
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("cross_reference_package", "", "env", types=[str])
    # After intersphinx (priority 500), so that an online build links wherever it can.
    app.connect("missing-reference", _resolve, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
