"""The lead page's tabs, one substate of LeadState each (see state/lead_tab.py).

Importing this package defines every tab; LeadState finds them by their TAB key. To add a
tab: a module here with a `LeadTab` (or `Pager`) substate, its key in `state.lead.TABS`, an
import line below, and its component in `components/lead_tabs/` (DEVELOPERS.md).
"""

from __future__ import annotations

from .activity import ActivityTab, SiteTab
from .consent import ConsentEditor
from .history import HistoryTab
from .listing_mail import ListingMail
from .messages import NO_MESSAGE, ListingsTab, MessagesTab, ToolsTab
from .organizer import OrganizerTab, UpdatesTab
from .search import PropertySearch
from .subscriptions import SubscriptionsTab

__all__ = [
    "NO_MESSAGE",
    "ActivityTab",
    "ConsentEditor",
    "HistoryTab",
    "ListingMail",
    "ListingsTab",
    "MessagesTab",
    "OrganizerTab",
    "PropertySearch",
    "SiteTab",
    "SubscriptionsTab",
    "ToolsTab",
    "UpdatesTab",
]
