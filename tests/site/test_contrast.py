"""contrast.py, the measure behind the dark-mode figure test, against WCAG's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
from contrast import background, contrast_ratio, luminance
from PIL import Image


def _picture(background: str, ink: str, ink_fraction: float) -> Image.Image:
    """A 100 x 100 picture in ``background`` whose first rows are ``ink``."""
    picture = Image.new("RGB", (100, 100), background)
    rows = round(100 * ink_fraction)
    if rows:
        picture.paste(Image.new("RGB", (100, rows), ink), (0, 0))
    return picture


def test_luminance_of_black_white_and_a_grey() -> None:
    # 0x77 / 255 = 0.4667 is linearised by WCAG's formula to 0.1845.
    grey = 0x77 / 255
    values = luminance(np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [grey, grey, grey]]))
    np.testing.assert_allclose(values, [0.0, 1.0, 0.1845], atol=5e-5)


def test_black_on_white_is_21_to_1() -> None:
    assert contrast_ratio(_picture("white", "black", 0.2)) == pytest.approx(21.0)


def test_grey_777_on_white_is_4_48_to_1() -> None:
    # The value WCAG checkers publish for #777777 text on #ffffff.
    assert contrast_ratio(_picture("#ffffff", "#777777", 0.2)) == pytest.approx(4.48, abs=0.01)


def test_the_background_is_the_most_common_colour() -> None:
    # Black over most of a white picture: the background is black, and the ink farthest
    # from it is the white.
    assert background(_picture("white", "black", 0.9)) == pytest.approx(0.0)
    assert background(_picture("white", "black", 0.1)) == pytest.approx(1.0)
    assert contrast_ratio(_picture("white", "black", 0.9)) == pytest.approx(21.0)


def test_light_ink_on_a_dark_background_counts() -> None:
    # A figure of the dark look: the theme's dark-mode text colour on its dark page.
    ratio = contrast_ratio(_picture("#14181e", "#ced6dd", 0.2))
    assert ratio == pytest.approx(12.1, abs=0.1)
    # Ink as dark as the page stands out from nothing.
    assert contrast_ratio(_picture("#14181e", "#14181e", 0.2)) == pytest.approx(1.0)


def test_a_few_antialiased_pixels_are_not_ink() -> None:
    assert contrast_ratio(_picture("white", "black", 0.005)) == pytest.approx(1.0)


def test_black_lines_on_a_dark_page_are_unreadable() -> None:
    # A transparent figure drawn in black, shown on the dark theme's background.
    assert contrast_ratio(_picture("#121212", "black", 0.2)) < 1.2
