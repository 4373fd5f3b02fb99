"""Recording website activity (W1, W2, R1): sign-ups become leads, events become activity.

`record_events(session, brokerage_id, items)` takes up to MAX_BATCH raw event dicts (as the
API received them) and, in the caller's one transaction:

- validates each item; invalid items are reported with a message per field and stored
  nothing, the valid ones are stored;
- answers an item whose idempotency key was already stored (earlier, or earlier in the
  same batch) exactly as the first time and stores nothing new;
- creates a lead for a sign-up from an unknown email (source "Website sign-up" unless the
  event names one; routed by the brokerage's rules — G5),
  with its website password (argon2) when given; a known email attaches to its lead;
- inserts the activities (a saved listing of a known MLS number also becomes a favourite,
  a saved search with criteria a saved search, both marked as the lead's own — P7), moves
  each lead's rating score and last-activity time (services/rating.py) and the dashboard
  roll-ups (services/rollups/);
- routes each new lead (services/routing/, before it is inserted) and raises the batch's
  hot-lead alerts (services/alerts.py).


Results are `{"index", "activity_id", "lead_id", "lead_created"}` per stored item and
`{"index", "errors": {field: message}}` per invalid one.

Modules: `events` (checking one raw item), `record` (`record_events`, the batch's steps),
`store` (its writes: new leads, activities, organizer rows, scores, roll-ups, alerts).
"""

from __future__ import annotations

from leadapp.models import User

from .events import MAX_BATCH, parse_kind, parse_time, validate_event
from .record import record_events
from .store import SIGNUP_SOURCE, search_name

__all__ = [
    "MAX_BATCH",
    "SIGNUP_SOURCE",
    "api_user",
    "parse_kind",
    "parse_time",
    "record_events",
    "search_name",
    "validate_event",
]


def api_user(brokerage_id: int, key_name: str = "API") -> User:
    """W2: the acting user of an API key: broker scope in its brokerage, no user row (actor =
    the website)."""
    return User(
        id=None,
        brokerage_id=brokerage_id,
        email="",
        name=f"API key {key_name}",
        role="broker",
        agent_code="",
        password_hash="",
    )
