"""A lead's subscriptions (P6, C1-C3): market reports, campaigns, email alerts.

Lead.active_subscriptions counts the lead's active subscriptions the way the demo data
and the campaign sender do: one per market with at least one active report type, one per
active campaign subscription, one per saved search with alerts on. Every change here
recounts it from the tables and applies the difference to the dashboard roll-ups
(LeadRollupTracker) in the same transaction, so the D3 "% subscribed" stays exact.

Modules: `count` (the count and `recount`), `changes` (subscribe, deactivate), `tab` (the
lead page's Subscriptions tab).
"""

from __future__ import annotations

from .changes import deactivate_campaign, deactivate_market, subscribe_campaign, subscribe_market
from .count import active_count_expr, count_active, recount
from .tab import subscriptions

__all__ = [
    "active_count_expr",
    "count_active",
    "deactivate_campaign",
    "deactivate_market",
    "recount",
    "subscribe_campaign",
    "subscribe_market",
    "subscriptions",
]
