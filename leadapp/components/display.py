"""Small display builders the pages share: a link led by its icon."""

from __future__ import annotations

from typing import Any

import reflex as rx

from leadapp.components.ui import inline


def icon_link(icon: str, text: Any, href: Any, **props: Any) -> rx.Component:
    """A small link whose text follows a small icon: "← All leads", a mailto or tel link."""
    return rx.link(
        inline(rx.icon(icon, size=14), rx.text(text), spacing="1"), href=href, size="2", **props
    )
