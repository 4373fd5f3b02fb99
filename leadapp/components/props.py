"""Reflex's literal prop types under short names, for the builders' parameters."""

from __future__ import annotations

from typing import Literal

from reflex_components_radix.themes.base import LiteralAccentColor as Accent
from reflex_components_radix.themes.base import LiteralSpacing as Spacing
from reflex_components_radix.themes.typography.base import LiteralTextSize as TextSize

# a select's size (Radix's select takes 1 to 3)
SelectSize = Literal["1", "2", "3"]

__all__ = ["Accent", "SelectSize", "Spacing", "TextSize"]
