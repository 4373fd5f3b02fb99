"""The one authorization layer (G2, G3). Every state handler, API route and job goes through it.

- leads: brokers see and change every lead of their brokerage; agents their own leads (and,
  when the brokerage allows it, see the unassigned pool to claim from it).
- tasks: which tasks a user may see and change (T1).
- live: which live dashboard changes a subscriber may receive.
- dashboard: whose leads a dashboard panel counts (a broker's agent selector).
"""

from .dashboard import Scope, dashboard_scope
from .leads import (
    can_change_lead,
    can_view_lead,
    get_agent,
    get_lead,
    is_broker,
    lead_visibility,
    log,
    pool_enabled,
    require_broker,
    visible_lead_ids,
)
from .live import may_see
from .tasks import task_visibility

__all__ = [
    "Scope",
    "can_change_lead",
    "can_view_lead",
    "dashboard_scope",
    "get_agent",
    "get_lead",
    "is_broker",
    "lead_visibility",
    "log",
    "may_see",
    "pool_enabled",
    "require_broker",
    "task_visibility",
    "visible_lead_ids",
]
