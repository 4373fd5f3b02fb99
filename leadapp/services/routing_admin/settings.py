"""Availability (away, capacity, every hot-lead alert) and the brokerage's routing settings."""

from __future__ import annotations

from sqlmodel import Session

from leadapp.models import AgentAvailability, RoutingSettings, User

from .. import access
from ..alerts import ALERTS
from ..errors import ValidationFailed
from ..rows import id_of
from .common import int_of, list_of


def set_availability(session: Session, user: User, agent_id, away, capacity) -> AgentAvailability:
    """Away and capacity (open uncontacted leads; empty = no limit). Agents: their own only."""
    errors: dict[str, str] = {}
    target = access.get_agent(session, user, agent_id if agent_id not in (None, "") else user.id)
    if target.id != user.id:
        access.require_broker(user, "change another user's availability")
    cap = int_of(capacity, "capacity", errors, 0, 10_000, "Capacity")
    if cap == 0:
        errors["capacity"] = (
            "A capacity of 0 would take the agent out of routing; mark them away instead."
        )
    if not isinstance(away, bool):
        errors["away"] = "On or off."
    if errors:
        raise ValidationFailed(errors)
    a = session.get(AgentAvailability, target.id) or AgentAvailability(user_id=id_of(target))
    a.away, a.capacity = away, cap
    session.add(a)
    return a


def my_availability(session: Session, user: User) -> tuple[bool, str, bool]:
    a = session.get(AgentAvailability, user.id)
    if a is None:
        return False, "", False
    return a.away, "" if a.capacity is None else str(a.capacity), a.all_hot_leads


def set_all_hot_leads(session: Session, user: User, on: bool) -> None:
    access.require_broker(user, "subscribe to every hot-lead alert")
    a = session.get(AgentAvailability, user.id) or AgentAvailability(user_id=id_of(user))
    a.all_hot_leads = bool(on)
    session.add(a)


def save_settings(session: Session, user: User, idle_hours, route_pool_returns, alerts_on) -> None:
    access.require_broker(user, "manage lead routing")
    errors: dict[str, str] = {}
    hours = int_of(idle_hours, "idle_hours", errors, 1, 24 * 30, "Idle hours")
    on = set(list_of(alerts_on)) if alerts_on is not None else set(ALERTS)
    if on - set(ALERTS):
        errors["alerts"] = f"Unknown alert: {', '.join(sorted(on - set(ALERTS)))[:100]}."
    if not isinstance(route_pool_returns, bool):
        errors["route_pool_returns"] = "On or off."
    if errors:
        raise ValidationFailed(errors)
    st = session.get(RoutingSettings, user.brokerage_id) or RoutingSettings(
        brokerage_id=user.brokerage_id
    )
    st.idle_hours, st.route_pool_returns = hours, route_pool_returns
    st.alerts_off = sorted(set(ALERTS) - on)
    session.add(st)
