"""The routing settings page's overview: rules, groups, agents' availability, settings."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    RoutingRule,
    RoutingSettings,
    User,
)

from .. import access
from ..alerts import ALERTS
from ..routing import FALLBACKS
from ..rows import id_of
from .common import agents_of


def overview(session: Session, user: User) -> dict:
    access.require_broker(user, "manage lead routing")
    users = agents_of(session, user)
    groups = session.exec(
        select(AgentGroup)
        .where(AgentGroup.brokerage_id == user.brokerage_id)
        .order_by(AgentGroup.name)
    ).all()
    members: dict[int, list] = {}
    for m in session.exec(
        select(AgentGroupMember).where(
            col(AgentGroupMember.group_id).in_([g.id for g in groups] or [0])
        )
    ).all():
        members.setdefault(m.group_id, []).append(m)
    gnames = {g.id: g.name for g in groups}
    rules = session.exec(
        select(RoutingRule)
        .where(RoutingRule.brokerage_id == user.brokerage_id)
        .order_by(col(RoutingRule.position), col(RoutingRule.id))
    ).all()
    avail = {
        a.user_id: a
        for a in session.exec(
            select(AgentAvailability).where(col(AgentAvailability.user_id).in_(list(users) or [0]))
        ).all()
    }
    st = session.get(RoutingSettings, user.brokerage_id) or RoutingSettings(
        brokerage_id=user.brokerage_id
    )

    def target_text(r: RoutingRule) -> str:
        if r.target == "agent":
            return users[r.agent_id].name if r.agent_id in users else "(agent removed)"
        if r.target == "pool":
            return "Unassigned pool"
        g = gnames.get(r.group_id, "(group removed)")
        return (
            f"{g}, round robin"
            if r.target == "round_robin"
            else f"{g}, claim within {r.claim_minutes} min"
        )

    def fb_text(r: RoutingRule) -> str:
        if r.fallback == "agent":
            return (
                users[r.fallback_agent_id].name
                if r.fallback_agent_id in users
                else "(agent removed)"
            )
        if r.fallback == "group":
            return gnames.get(r.fallback_group_id, "(group removed)")
        return FALLBACKS[r.fallback or ""]

    return {
        "rules": [
            {
                "id": r.id,
                "position": i + 1,
                "name": r.name,
                "active": r.active,
                "matches": describe_match(r.match or {}),
                "target": target_text(r),
                "fallback": fb_text(r),
            }
            for i, r in enumerate(rules)
        ],
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "members": ", ".join(
                    f"{users[m.user_id].name}" + (f" ×{m.weight}" if m.weight != 1 else "")
                    for m in members.get(id_of(g), [])
                    if m.user_id in users
                ),
            }
            for g in groups
        ],
        "agents": [
            {
                "id": u.id,
                "name": u.name,
                "active": u.is_active,
                "away": bool(avail.get(id_of(u)) and avail[id_of(u)].away),
                "capacity": ""
                if not avail.get(id_of(u)) or avail[id_of(u)].capacity is None
                else str(avail[id_of(u)].capacity),
            }
            for u in sorted(users.values(), key=lambda u: u.name)
        ],
        "settings": {
            "idle_hours": "" if st.idle_hours is None else str(st.idle_hours),
            "route_pool_returns": st.route_pool_returns,
            "alerts": [
                {"kind": k, "label": v, "on": k not in (st.alerts_off or [])}
                for k, v in ALERTS.items()
            ],
        },
    }


def describe_match(m: dict) -> str:
    parts = []
    for key, label in (
        ("sources", "source"),
        ("lead_types", "type"),
        ("cities", "city"),
        ("postal_codes", "postal code"),
        ("tags", "tag"),
    ):
        if m.get(key):
            parts.append(f"{label} {' or '.join(m[key])}")
    if m.get("price_min") is not None or m.get("price_max") is not None:
        lo, hi = m.get("price_min"), m.get("price_max")
        parts.append(f"price ${lo or 0:,}–${hi:,}" if hi is not None else f"price from ${lo:,}")
    return "; ".join(parts) or "every lead"
