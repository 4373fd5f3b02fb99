"""Summary tables for the dashboard (D2-D6, D8), kept exact in the writing transaction.

- LeadRollup: leads per agent, status, stage, closed year, source, subscribed (D3, D5, D6);
- LeadActivityDay: leads per agent and status by the UTC day of their last activity (D2);
- ActivityMonthly: activities per lead's agent, month and kind (D8);
- HistoryDay: notes, calls, quick events, messages and stage changes per user and UTC day
  (D4 "what you did"), written by services/history.py;
- Lead.last_contacted_at (not a table, checked here too): the lead's latest contact.

Every write that changes a lead's status, stage, source, agent or subscribed flag goes
through `LeadRollupTracker` (or `lead_created`); every new activity through
`activities_added` (and `last_activity_moved` when it moves a lead's last activity).
`recount()` counts the tables from scratch for `leadapp db check` (and `rebuild()` after a bulk
load).

Each of these also notes a live change (services/live.py) that the open dashboards of the
users allowed to see it receive after the transaction commits (D10).

Modules: `keys` (a lead's dimensions, the tables' key columns, the upsert), `write` (what
writers call), `recount` (the full count, `check`, `rebuild`). Callers import from here.
"""

from __future__ import annotations

from .keys import DONE_KINDS, day_key, day_key_of, done_kind, key_of, lead_key, month_start, utc_day
from .recount import check, rebuild, recount, stored
from .write import (
    LeadRollupTracker,
    activities_added,
    add_day_keys,
    add_lead_keys,
    history_done,
    last_activity_moved,
    lead_created,
    move_activity,
)

__all__ = [
    "DONE_KINDS",
    "LeadRollupTracker",
    "activities_added",
    "add_day_keys",
    "add_lead_keys",
    "check",
    "day_key",
    "day_key_of",
    "done_kind",
    "history_done",
    "key_of",
    "last_activity_moved",
    "lead_created",
    "lead_key",
    "month_start",
    "move_activity",
    "rebuild",
    "recount",
    "stored",
    "utc_day",
]
