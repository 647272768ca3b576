"""Lists of words as phrases of a sentence, for the pages' glued text.

Public as :func:`dying_relu.evidence.in_words`; it lives here so that the modules below
:mod:`dying_relu.evidence` (which imports them) can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["in_words"]


def in_words(items: Iterable[str], conjunction: str = "and") -> str:
    """Items as a phrase of a sentence: ``"a"``, ``"a and b"``, ``"a, b and c"``.

    Examples
    --------
    >>> in_words(["ReDo", "Continual backprop"])
    'ReDo and Continual backprop'
    >>> in_words(["2", "4", "8"], "or")
    '2, 4 or 8'
    """
    if isinstance(items, str):
        raise TypeError(f"items must be a sequence of strings, not one string: {items!r}")
    words = list(items)
    if not all(isinstance(word, str) for word in words):
        raise TypeError(f"items must be strings, got {words!r}")
    if not words:
        raise ValueError("items must hold at least one string")
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
