"""The lead page (P1-P18): what it shows and the one-click actions on it, one module per part.

- `header`: the header, contact box and tab counts (`lead_header`).
- `actions`: contact edits, stage/status/priority/tags/agent, quick events, notes, messages.
- `activity`, `history`, `listings`: one page of rows per tab (the organizer and subscription
  tabs live in `services/lead_organizer/` and `services/lead_subscriptions/`).
- `format`: times in the user's zone, prices, page arithmetic, criteria texts.
- `types`: the TypedDict of every payload above.

Every function takes (session, user, lead_id, ...) and reaches the lead only through
access.get_lead, so an agent asking for another agent's lead learns nothing. Reading
functions return one page of rows at a time, so a lead with 10,000 activities opens as fast
as a new one. Callers import the names from this package.
"""

from __future__ import annotations

from .actions import (
    CONTACT_FORM_FIELDS,
    UNDO_WINDOW,
    add_note,
    add_tag,
    assign,
    quick_event,
    reactivate,
    remove_tag,
    reset_password,
    save_contact,
    send_message,
    set_entry_details,
    set_priority,
    set_stage,
    set_status,
    undo_quick_event,
)
from .activity import SITE_KINDS, activity_page, site_activity_page
from .format import PAGE_SIZE, _page, _tz, criteria_text, fmt_date, fmt_dt, money, pages_of
from .header import contact_dict, lead_header, rating_explanation, tab_counts
from .history import HISTORY_FILTERS, history_page, messages_page
from .listings import FORM_KINDS, listings_sent_page, tool_use

__all__ = [
    "CONTACT_FORM_FIELDS",
    "FORM_KINDS",
    "HISTORY_FILTERS",
    "PAGE_SIZE",
    "SITE_KINDS",
    "UNDO_WINDOW",
    "_page",
    "_tz",
    "activity_page",
    "add_note",
    "add_tag",
    "assign",
    "contact_dict",
    "criteria_text",
    "fmt_date",
    "fmt_dt",
    "history_page",
    "lead_header",
    "listings_sent_page",
    "messages_page",
    "money",
    "pages_of",
    "quick_event",
    "rating_explanation",
    "reactivate",
    "remove_tag",
    "reset_password",
    "save_contact",
    "send_message",
    "set_entry_details",
    "set_priority",
    "set_stage",
    "set_status",
    "site_activity_page",
    "tab_counts",
    "tool_use",
    "undo_quick_event",
]
