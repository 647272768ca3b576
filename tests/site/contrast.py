"""WCAG contrast of a rendered figure: how well its lines stand out from its background."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: WCAG 2 weights of linear red, green and blue in relative luminance.
_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def luminance(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """WCAG relative luminance of sRGB colours in [0, 1] (last axis: red, green, blue)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ _WEIGHTS)


def background(picture: Image.Image) -> float:
    """Relative luminance of a picture's most common colour: what a reader sees around the plot."""
    pixels = np.asarray(picture.convert("RGB"), dtype=np.float64).reshape(-1, 3) / 255
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return float(luminance(colours[np.argmax(counts)]))


def contrast_ratio(picture: Image.Image) -> float:
    """WCAG contrast between a picture's most common colour and the ink farthest from it.

    The most common colour is the background; the ink is the 1st percentile of luminance on a
    light background and the 99th on a dark one, so a few antialiased pixels do not count as
    lines.
    """
    pixels = np.asarray(picture.convert("RGB"), dtype=np.float64).reshape(-1, 3) / 255
    back = background(picture)
    ink = float(np.percentile(luminance(pixels), 1 if back >= 0.5 else 99))
    lighter, darker = max(back, ink), min(back, ink)
    return (lighter + 0.05) / (darker + 0.05)
