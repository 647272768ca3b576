"""Docstring sections that several functions share, written once and filled in at import.

A docstring names a shared section on a line of its own, ``{name}``, at the indentation the
section should have; :func:`shared_sections` replaces the line with the section.  Help,
doctest and the API reference all read the filled docstring.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

__all__ = ["parameters", "shared_sections"]

Documented = TypeVar("Documented", bound=Callable[..., object])

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>\w+)\}[ \t]*$", re.MULTILINE)


def shared_sections(**sections: str) -> Callable[[Documented], Documented]:
    """A decorator that fills the ``{name}`` lines of a docstring with ``sections[name]``.

    Each section is dedented and then indented like its placeholder line.  A placeholder
    without a section raises :class:`KeyError`, so that a typo cannot reach the documentation.

    Examples
    --------
    >>> @shared_sections(returns="Returns\\n-------\\nint")
    ... def one():
    ...     '''The number one.
    ...
    ...     {returns}
    ...     '''
    >>> print(one.__doc__)
    The number one.
    <BLANKLINE>
        Returns
        -------
        int
    <BLANKLINE>
    """
    dedented = {name: textwrap.dedent(text).strip("\n") for name, text in sections.items()}

    def fill(match: re.Match[str]) -> str:
        return textwrap.indent(dedented[match["name"]], match["indent"])

    def decorate(function: Documented) -> Documented:
        # Without docstrings (python -OO) there is nothing to fill.
        if function.__doc__ is not None:
            function.__doc__ = _PLACEHOLDER.sub(fill, function.__doc__)
        return function

    return decorate


def parameters(*entries: tuple[str, str], returns: str | None = None, heading: bool = True) -> str:
    """A numpydoc Parameters section, then the heading of Returns, as a shared section.

    Parameters
    ----------
    *entries : tuple of str
        ``(name and type, description)`` of each parameter.
    returns : str, optional
        The return type, written below the heading of Returns.
    heading : bool
        Start with the heading of Parameters; without it, the entries continue a section.

    Examples
    --------
    >>> print(parameters(("x : float", "A number."), returns="float"))
    Parameters
    ----------
    x : float
        A number.
    <BLANKLINE>
    Returns
    -------
    float
    """
    lines = ["Parameters", "----------"] if heading else []
    for name, description in entries:
        lines += [name, f"    {description}"]
    lines += ["", "Returns", "-------"]
    if returns is not None:
        lines.append(returns)
    return "\n".join(lines)
