"""The recipes of the "Check your own network" page are the files in docs/recipes/; these tests
import them from there, so that the page shows exactly the code that is tested."""

from __future__ import annotations

import sys
from pathlib import Path

RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes"
sys.path.insert(0, str(RECIPES))
