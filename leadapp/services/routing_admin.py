"""Settings → Lead routing (G5): brokers manage rules, groups and the routing settings;
every user sets their own availability (away, capacity) — brokers anyone's.

Bad input raises ValidationFailed with a message per field and changes nothing. Every change
of a rule or a group sets a new `RoutingSettings.rules_version` (services/routing.py caches
the rules by it).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    RoutingRule,
    RoutingSettings,
    User,
)
from leadapp.models.enums import LEAD_TYPES

from . import access
from .alerts import ALERTS
from .errors import NotFound, ValidationFailed
from .routing import FALLBACKS, TARGETS

MAX_RULES, MAX_GROUPS, MAX_LIST = 100, 50, 50


def _int(value, field: str, errors: dict, lo: int = 0, hi: int = 10**12, label: str = ""):
    if value in (None, ""):
        return None
    try:
        n = int(str(value).strip().replace(",", "").replace("$", "")[:15])
        if not lo <= n <= hi:
            raise ValueError
        return n
    except (TypeError, ValueError):
        errors[field] = (
            f"{label or field.replace('_', ' ').capitalize()}: "
            f"a whole number from {lo:,} to {hi:,}."
        )
        return None


def _list(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return []
    return [str(v).strip()[:100] for v in value if str(v).strip()][:MAX_LIST]


def _agents(session: Session, user: User) -> dict[int, User]:
    return {
        u.id: u
        for u in session.exec(select(User).where(User.brokerage_id == user.brokerage_id)).all()
    }


def _group(session: Session, user: User, gid) -> AgentGroup:
    try:
        g = session.get(AgentGroup, int(gid))
    except (TypeError, ValueError):
        g = None
    if g is None or g.brokerage_id != user.brokerage_id:
        raise NotFound("That group does not exist.")
    return g


def overview(session: Session, user: User) -> dict:
    access.require_broker(user, "manage lead routing")
    users = _agents(session, user)
    groups = session.exec(
        select(AgentGroup)
        .where(AgentGroup.brokerage_id == user.brokerage_id)
        .order_by(AgentGroup.name)
    ).all()
    members: dict[int, list] = {}
    for m in session.exec(
        select(AgentGroupMember).where(AgentGroupMember.group_id.in_([g.id for g in groups] or [0]))
    ).all():
        members.setdefault(m.group_id, []).append(m)
    gnames = {g.id: g.name for g in groups}
    rules = session.exec(
        select(RoutingRule)
        .where(RoutingRule.brokerage_id == user.brokerage_id)
        .order_by(RoutingRule.position, RoutingRule.id)
    ).all()
    avail = {
        a.user_id: a
        for a in session.exec(
            select(AgentAvailability).where(AgentAvailability.user_id.in_(list(users) or [0]))
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
                    for m in members.get(g.id, [])
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
                "away": bool(avail.get(u.id) and avail[u.id].away),
                "capacity": ""
                if not avail.get(u.id) or avail[u.id].capacity is None
                else str(avail[u.id].capacity),
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


def save_rule(session: Session, user: User, data: dict) -> RoutingRule:
    """Create (no id) or change a rule."""
    access.require_broker(user, "manage lead routing")
    if not isinstance(data, dict):
        raise ValidationFailed({"rule": "A rule is a set of fields."})
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()[:100]
    if not name:
        errors["name"] = "Give the rule a name."
    users = _agents(session, user)
    groups = {
        g.id: g
        for g in session.exec(
            select(AgentGroup).where(AgentGroup.brokerage_id == user.brokerage_id)
        ).all()
    }
    match = {
        "sources": _list(data.get("sources")),
        "lead_types": [t.lower() for t in _list(data.get("lead_types"))],
        "cities": _list(data.get("cities")),
        "postal_codes": _list(data.get("postal_codes")),
        "tags": _list(data.get("tags")),
        "price_min": _int(data.get("price_min"), "price_min", errors, 0, 10**10, "Lowest price"),
        "price_max": _int(data.get("price_max"), "price_max", errors, 0, 10**10, "Highest price"),
    }
    bad_types = [t for t in match["lead_types"] if t not in LEAD_TYPES]
    if bad_types:
        errors["lead_types"] = f"Lead types are {', '.join(LEAD_TYPES)}."
    if (
        match["price_min"] is not None
        and match["price_max"] is not None
        and match["price_min"] > match["price_max"]
    ):
        errors["price_max"] = "The highest price is below the lowest."
    target = str(data.get("target") or "")[:16]
    agent_id = group_id = None
    if target not in TARGETS:
        errors["target"] = "Choose where matching leads go: an agent, a group or the pool."
    elif target == "agent":
        agent_id = _int(data.get("agent_id"), "agent_id", errors, 1)
        if agent_id not in users or not users[agent_id].is_active:
            errors["agent_id"] = "Choose an active agent for this rule."
    elif target in ("round_robin", "claim"):
        group_id = _int(data.get("group_id"), "group_id", errors, 1)
        if group_id not in groups:
            errors["group_id"] = "Choose a group for this rule."
        elif not _active_members(session, group_id):
            errors["group_id"] = f"Group {groups[group_id].name} has no active agent."
    minutes = _int(
        data.get("claim_minutes") or 10, "claim_minutes", errors, 1, 24 * 60, "Minutes to claim"
    )
    fallback = str(data.get("fallback") or "")[:16]
    fb_agent = fb_group = None
    if fallback not in FALLBACKS:
        errors["fallback"] = "Choose a fallback: the default, an agent, a group or the pool."
    elif fallback == "agent":
        fb_agent = _int(data.get("fallback_agent_id"), "fallback_agent_id", errors, 1)
        if fb_agent not in users or not users[fb_agent].is_active:
            errors["fallback_agent_id"] = "Choose an active agent as the fallback."
    elif fallback == "group":
        fb_group = _int(data.get("fallback_group_id"), "fallback_group_id", errors, 1)
        if fb_group not in groups or not _active_members(session, fb_group):
            errors["fallback_group_id"] = "Choose a fallback group with an active agent."
    rule = None
    if data.get("id") not in (None, "", 0):
        rule = session.get(RoutingRule, _int(data.get("id"), "id", errors, 1) or 0)
        if rule is None or rule.brokerage_id != user.brokerage_id:
            raise NotFound("That rule does not exist.")
    elif _count(session, RoutingRule, user) >= MAX_RULES:
        errors["rule"] = f"A brokerage has at most {MAX_RULES} rules."
    if errors:
        raise ValidationFailed(errors)
    if rule is None:
        last = session.execute(
            select(sa.func.max(RoutingRule.position)).where(
                RoutingRule.brokerage_id == user.brokerage_id
            )
        ).scalar()
        rule = RoutingRule(
            brokerage_id=user.brokerage_id, position=(last or 0) + 1, name=name, target=target
        )
    rule.name, rule.target, rule.match = name, target, match
    rule.agent_id, rule.group_id, rule.claim_minutes = agent_id, group_id, minutes
    rule.fallback, rule.fallback_agent_id, rule.fallback_group_id = fallback, fb_agent, fb_group
    rule.active = bool(data.get("active", True))
    session.add(rule)
    _changed(session, user.brokerage_id)
    session.flush()
    return rule


def _changed(session: Session, brokerage_id: int) -> None:
    """The rules or groups changed: a new stamp, so every Router reads them again."""
    st = session.get(RoutingSettings, brokerage_id) or RoutingSettings(brokerage_id=brokerage_id)
    st.rules_version = secrets.randbits(62)
    session.add(st)


def _count(session: Session, model, user: User) -> int:
    return session.execute(
        select(sa.func.count()).select_from(model).where(model.brokerage_id == user.brokerage_id)
    ).scalar_one()


def _active_members(session: Session, group_id: int) -> int:
    return session.execute(
        select(sa.func.count())
        .select_from(AgentGroupMember)
        .join(User, User.id == AgentGroupMember.user_id)
        .where(AgentGroupMember.group_id == group_id, User.is_active)
    ).scalar_one()


def _rule(session: Session, user: User, rule_id) -> RoutingRule:
    access.require_broker(user, "manage lead routing")
    try:
        rule = session.get(RoutingRule, int(rule_id))
    except (TypeError, ValueError):
        rule = None
    if rule is None or rule.brokerage_id != user.brokerage_id:
        raise NotFound("That rule does not exist.")
    return rule


def delete_rule(session: Session, user: User, rule_id) -> None:
    session.delete(_rule(session, user, rule_id))
    _changed(session, user.brokerage_id)


def move_rule(session: Session, user: User, rule_id, step: int) -> None:
    """Move a rule one place up (-1) or down (+1); positions are renumbered 1..n."""
    rule = _rule(session, user, rule_id)
    rules = list(
        session.exec(
            select(RoutingRule)
            .where(RoutingRule.brokerage_id == user.brokerage_id)
            .order_by(RoutingRule.position, RoutingRule.id)
            .with_for_update()
        ).all()
    )
    i = rules.index(rule)
    j = max(0, min(len(rules) - 1, i + (1 if step > 0 else -1)))
    rules[i], rules[j] = rules[j], rules[i]
    for pos, r in enumerate(rules, 1):
        r.position = pos
        session.add(r)
    _changed(session, user.brokerage_id)


def save_group(session: Session, user: User, data: dict) -> AgentGroup:
    """Create or change a group: name and members {user_id: weight}."""
    access.require_broker(user, "manage lead routing")
    if not isinstance(data, dict):
        raise ValidationFailed({"group": "A group is a set of fields."})
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()[:100]
    if not name:
        errors["name"] = "Give the group a name."
    users = _agents(session, user)
    raw = data.get("members") or {}
    if not isinstance(raw, dict):
        raw = {}
    members: dict[int, int] = {}
    for k, v in list(raw.items())[:200]:
        uid = _int(k, "members", errors, 1)
        w = _int(v or 1, "weight", errors, 1, 10, "Weight")
        if uid not in users:
            errors["members"] = "Only the brokerage's users can be members."
        elif w is not None:
            members[uid] = w
    if not any(users[u].is_active for u in members if u in users):
        errors["members"] = "A group needs at least one active agent."
    group = _group(session, user, data["id"]) if data.get("id") not in (None, "", 0) else None
    if group is None and _count(session, AgentGroup, user) >= MAX_GROUPS:
        errors["group"] = f"A brokerage has at most {MAX_GROUPS} groups."
    if errors:
        raise ValidationFailed(errors)
    if group is None:
        group = AgentGroup(brokerage_id=user.brokerage_id, name=name)
    group.name = name
    session.add(group)
    session.flush()
    old = {
        m.user_id: m
        for m in session.exec(
            select(AgentGroupMember).where(AgentGroupMember.group_id == group.id)
        ).all()
    }
    for uid, m in old.items():
        if uid not in members:
            session.delete(m)
    for uid, w in members.items():
        m = old.get(uid) or AgentGroupMember(group_id=group.id, user_id=uid)
        m.weight = w
        if uid not in old:  # a newcomer starts level with the others, not owed a backlog
            m.assigned_count = min((o.assigned_count for o in old.values()), default=0)
        session.add(m)
    _changed(session, user.brokerage_id)
    return group


def delete_group(session: Session, user: User, group_id) -> None:
    """Groups still named by a rule cannot go (the rule would be broken)."""
    access.require_broker(user, "manage lead routing")
    g = _group(session, user, group_id)
    used = session.exec(
        select(RoutingRule.name).where(
            sa.or_(RoutingRule.group_id == g.id, RoutingRule.fallback_group_id == g.id)
        )
    ).first()
    if used:
        raise ValidationFailed(
            {"group": f"Rule '{used}' sends leads to this group; change it first."}
        )
    session.delete(g)
    _changed(session, user.brokerage_id)


def set_availability(session: Session, user: User, agent_id, away, capacity) -> AgentAvailability:
    """Away and capacity (open uncontacted leads; empty = no limit). Agents: their own only."""
    errors: dict[str, str] = {}
    target = access.get_agent(session, user, agent_id if agent_id not in (None, "") else user.id)
    if target.id != user.id:
        access.require_broker(user, "change another user's availability")
    cap = _int(capacity, "capacity", errors, 0, 10_000, "Capacity")
    if cap == 0:
        errors["capacity"] = (
            "A capacity of 0 would take the agent out of routing; mark them away instead."
        )
    if not isinstance(away, bool):
        errors["away"] = "On or off."
    if errors:
        raise ValidationFailed(errors)
    a = session.get(AgentAvailability, target.id) or AgentAvailability(user_id=target.id)
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
    a = session.get(AgentAvailability, user.id) or AgentAvailability(user_id=user.id)
    a.all_hot_leads = bool(on)
    session.add(a)


def save_settings(session: Session, user: User, idle_hours, route_pool_returns, alerts_on) -> None:
    access.require_broker(user, "manage lead routing")
    errors: dict[str, str] = {}
    hours = _int(idle_hours, "idle_hours", errors, 1, 24 * 30, "Idle hours")
    on = set(_list(alerts_on)) if alerts_on is not None else set(ALERTS)
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
