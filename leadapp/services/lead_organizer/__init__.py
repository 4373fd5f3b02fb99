"""The property organizer (P7) and email updates (P14, C3) of one lead.

- Saved searches: criteria, created date, email-alert / daily-update switch, delete, add
  through the property-search dialog. Favourites: address, price, beds, baths, MLS number,
  sort, delete, add through the same dialog.
- What the lead saved on the website (created_by == "lead") is marked as theirs and is
  read-only for CRM users (the agent-CRM guide: "editable only by leads"); the alert switch
  stays available on every search, because P14 lets the agent stop or start daily updates
  without deleting the search.
- "Send all searches now" queues one email for sales and one for rentals holding every
  listing that matches the lead's searches with updates on, and records each listing as
  emailed (P18).

Modules: `criteria` (the search dialog's criteria and matching listings), `searches` (saved
searches and email updates), `favorites`. Callers import from here.
"""

from __future__ import annotations

from .criteria import CRITERIA_KEYS, SEARCH_PAGE, check_criteria, search_listings
from .favorites import FAVORITE_SORTS, add_favorite, delete_favorite, favorites, lead_favorite
from .searches import (
    MAX_SEND,
    add_saved_search,
    delete_saved_search,
    email_updates,
    lead_search,
    remove_search,
    saved_searches,
    send_all_now,
    set_alerts,
    update_saved_search,
)

__all__ = [
    "CRITERIA_KEYS",
    "FAVORITE_SORTS",
    "MAX_SEND",
    "SEARCH_PAGE",
    "add_favorite",
    "add_saved_search",
    "check_criteria",
    "delete_favorite",
    "delete_saved_search",
    "email_updates",
    "favorites",
    "lead_favorite",
    "lead_search",
    "remove_search",
    "saved_searches",
    "search_listings",
    "send_all_now",
    "set_alerts",
    "update_saved_search",
]
