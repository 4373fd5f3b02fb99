"""The lead page above and beside the tabs (P1-P4, P10-P13, G2, G3), one module per part.

`header` (name, rating, status, agent, tags, quick events, pipeline), `contact` (contact box,
sales info), `dialogs` (edit, message, password, reject); `common` holds what they share.
"""

from __future__ import annotations

from .common import L, field_error
from .contact import contact_box, sales_info
from .dialogs import edit_dialog, message_dialog, password_dialog, reject_dialog
from .header import header, pipeline, quick_events

__all__ = [
    "L",
    "contact_box",
    "edit_dialog",
    "field_error",
    "header",
    "message_dialog",
    "password_dialog",
    "pipeline",
    "quick_events",
    "reject_dialog",
    "sales_info",
]
