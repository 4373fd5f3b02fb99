"""Settings → Lead routing (G5): brokers manage rules, groups and the routing settings;
every user sets their own availability (away, capacity) — brokers anyone's.

Bad input raises ValidationFailed with a message per field and changes nothing. Every change
of a rule or a group sets a new `RoutingSettings.rules_version` (services/routing caches
the rules by it).

Modules: `overview` (the page's rows), `rules` (rules and groups), `settings` (availability
and the brokerage's settings), `common` (what they share).
"""

from __future__ import annotations

from .common import MAX_GROUPS, MAX_LIST, MAX_RULES
from .overview import describe_match, overview
from .rules import delete_group, delete_rule, move_rule, save_group, save_rule
from .settings import my_availability, save_settings, set_all_hot_leads, set_availability

__all__ = [
    "MAX_GROUPS",
    "MAX_LIST",
    "MAX_RULES",
    "delete_group",
    "delete_rule",
    "describe_match",
    "move_rule",
    "my_availability",
    "overview",
    "save_group",
    "save_rule",
    "save_settings",
    "set_all_hot_leads",
    "set_availability",
]
