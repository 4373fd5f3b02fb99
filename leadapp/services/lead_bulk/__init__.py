"""Bulk changes on the lead list (L6, L7, L9): one change applied to many leads at once.

The leads are named either by explicit ids (the selected rows) or by the list's filter
("all N matching": a `LeadQuery`, its `filters()` dict, or a callable giving a SELECT of
lead ids). Whatever is sent, only leads the user may change are touched: brokers any lead
of their brokerage, agents only the leads assigned to them (`access.lead_visibility`).

Each change is set-based and runs in chunks of ids (IN lists below the bind-parameter
limits of SQLite and PostgreSQL): per chunk one locking SELECT of the roll-up dimensions,
one UPDATE / INSERT, one multi-row INSERT of history entries (one per changed lead, naming
the actor), then the roll-up deltas. The caller's session commits once, so the whole bulk
change is one transaction. Every function returns how many leads actually changed.

Modules: `engine` (targets, the chunked run), `changes` (tags, fields, agent), `subscribe`
(campaigns, markets); this module is the one entry point (`apply`, `one`, `choices`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from leadapp.models import Campaign, Market, User
from leadapp.services import access
from leadapp.services.errors import ServiceError, ValidationFailed

from .changes import (
    add_tags,
    assign,
    delete,
    reactivate,
    remove_tags,
    set_stage,
    set_status,
    set_type,
)
from .engine import ACTIONS, CHUNK, MAX_IDS, REACTIVATABLE, target_ids
from .subscribe import subscribe_campaign, subscribe_market

__all__ = [
    "ACTIONS",
    "CHUNK",
    "MAX_IDS",
    "add_tags",
    "apply",
    "assign",
    "choices",
    "delete",
    "one",
    "reactivate",
    "remove_tags",
    "set_stage",
    "set_status",
    "set_type",
    "subscribe_campaign",
    "subscribe_market",
    "target_ids",
]

# --------------------------------------------------------------------------- one entry point

# ACTIONS by the function that does each: those taking the bar's value, and the others
_VALUED: dict[str, Callable[[Session, User, Any, Any], int]] = {
    "add_tags": add_tags,
    "remove_tags": remove_tags,
    "stage": set_stage,
    "type": set_type,
    "status": set_status,
    "assign": assign,
    "campaign": subscribe_campaign,
    "market": subscribe_market,
}
_PLAIN: dict[str, Callable[[Session, User, Any], int]] = {
    "delete": delete,
    "reactivate": reactivate,
}
assert set(_VALUED) | set(_PLAIN) == set(ACTIONS)


def apply(session: Session, user: User, target, action: str, value: Any = None) -> int:
    """The bulk action bar's one call: `action` in ACTIONS with its value; returns the count."""
    if isinstance(action, str):
        if action in _VALUED:
            return _VALUED[action](session, user, target, value)
        if action in _PLAIN:
            return _PLAIN[action](session, user, target)
    raise ValidationFailed({"action": f"'{str(action)[:40]}' is not a bulk action."})


def choices(session: Session, user: User) -> dict:
    """What the bulk bar offers: the brokerage's active campaigns and its markets."""
    campaigns = session.exec(
        select(Campaign)
        .where(col(Campaign.brokerage_id) == user.brokerage_id, col(Campaign.active))
        .order_by(col(Campaign.name))
    ).all()
    markets = session.exec(
        select(Market)
        .where(col(Market.brokerage_id) == user.brokerage_id)
        .order_by(col(Market.name))
    ).all()
    return {
        "campaigns": [{"id": str(c.id), "name": c.name} for c in campaigns],
        "markets": [{"id": str(m.id), "name": m.name} for m in markets],
    }


def one(session: Session, user: User, lead_id, action: str) -> int:
    """A row menu's action (delete, reactivate) on one lead: refused when it is not the user's."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if action not in ("delete", "reactivate"):
        raise ValidationFailed({"action": f"'{str(action)[:40]}' is not a row action."})
    if action == "reactivate" and lead.status not in REACTIVATABLE:
        raise ServiceError("Only inactive or deleted leads can be reactivated.")
    if action == "delete" and lead.status == "deleted":
        raise ServiceError("This lead is already deleted.")
    return apply(session, user, [lead.id], action)
