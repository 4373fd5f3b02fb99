"""Rules and groups: every change sets a new rules stamp (services/routing caches by it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import AgentGroup, AgentGroupMember, RoutingRule, User
from leadapp.models.enums import LEAD_TYPES

from .. import access
from ..errors import NotFound, ValidationFailed
from ..routing import FALLBACKS, TARGETS
from ..rows import id_of
from .common import (
    MAX_GROUPS,
    MAX_RULES,
    active_members,
    agents_of,
    changed,
    count_of,
    int_of,
    list_of,
    owned,
    start_save,
)


def _active_agent(
    data: dict, key: str, users: dict[int, User], errors: dict, message: str
) -> int | None:
    """The id in `data[key]`; `message` is its error unless it names an active agent."""
    agent_id = int_of(data.get(key), key, errors, 1)
    if agent_id not in users or not users[agent_id].is_active:
        errors[key] = message
    return agent_id


def save_rule(session: Session, user: User, data: dict) -> RoutingRule:
    """Create (no id) or change a rule."""
    errors, name = start_save(user, data, "rule")
    users = agents_of(session, user)
    groups = {
        g.id: g
        for g in session.exec(
            select(AgentGroup).where(AgentGroup.brokerage_id == user.brokerage_id)
        ).all()
    }
    match = {
        "sources": list_of(data.get("sources")),
        "lead_types": [t.lower() for t in list_of(data.get("lead_types"))],
        "cities": list_of(data.get("cities")),
        "postal_codes": list_of(data.get("postal_codes")),
        "tags": list_of(data.get("tags")),
        "price_min": int_of(data.get("price_min"), "price_min", errors, 0, 10**10, "Lowest price"),
        "price_max": int_of(data.get("price_max"), "price_max", errors, 0, 10**10, "Highest price"),
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
        agent_id = _active_agent(
            data, "agent_id", users, errors, "Choose an active agent for this rule."
        )
    elif target in ("round_robin", "claim"):
        group_id = int_of(data.get("group_id"), "group_id", errors, 1)
        if group_id is None or group_id not in groups:
            errors["group_id"] = "Choose a group for this rule."
        elif not active_members(session, group_id):
            errors["group_id"] = f"Group {groups[group_id].name} has no active agent."
    minutes = int_of(
        data.get("claim_minutes") or 10, "claim_minutes", errors, 1, 24 * 60, "Minutes to claim"
    )
    fallback = str(data.get("fallback") or "")[:16]
    fb_agent = fb_group = None
    if fallback not in FALLBACKS:
        errors["fallback"] = "Choose a fallback: the default, an agent, a group or the pool."
    elif fallback == "agent":
        fb_agent = _active_agent(
            data, "fallback_agent_id", users, errors, "Choose an active agent as the fallback."
        )
    elif fallback == "group":
        fb_group = int_of(data.get("fallback_group_id"), "fallback_group_id", errors, 1)
        if fb_group is None or fb_group not in groups or not active_members(session, fb_group):
            errors["fallback_group_id"] = "Choose a fallback group with an active agent."
    rule = None
    if data.get("id") not in (None, "", 0):
        rule = session.get(RoutingRule, int_of(data.get("id"), "id", errors, 1) or 0)
        if rule is None or rule.brokerage_id != user.brokerage_id:
            raise NotFound("That rule does not exist.")
    elif count_of(session, RoutingRule, user) >= MAX_RULES:
        errors["rule"] = f"A brokerage has at most {MAX_RULES} rules."
    if errors:
        raise ValidationFailed(errors)
    assert minutes is not None  # a bad number is an error above
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
    changed(session, user.brokerage_id)
    session.flush()
    return rule


def _rule(session: Session, user: User, rule_id) -> RoutingRule:
    access.require_broker(user, "manage lead routing")
    return owned(session, user, RoutingRule, rule_id, "rule")


def delete_rule(session: Session, user: User, rule_id) -> None:
    session.delete(_rule(session, user, rule_id))
    changed(session, user.brokerage_id)


def move_rule(session: Session, user: User, rule_id, step: int) -> None:
    """Move a rule one place up (-1) or down (+1); positions are renumbered 1..n."""
    rule = _rule(session, user, rule_id)
    rules = list(
        session.exec(
            select(RoutingRule)
            .where(RoutingRule.brokerage_id == user.brokerage_id)
            .order_by(col(RoutingRule.position), col(RoutingRule.id))
            .with_for_update()
        ).all()
    )
    i = rules.index(rule)
    j = max(0, min(len(rules) - 1, i + (1 if step > 0 else -1)))
    rules[i], rules[j] = rules[j], rules[i]
    for pos, r in enumerate(rules, 1):
        r.position = pos
        session.add(r)
    changed(session, user.brokerage_id)


def save_group(session: Session, user: User, data: dict) -> AgentGroup:
    """Create or change a group: name and members {user_id: weight}."""
    errors, name = start_save(user, data, "group")
    users = agents_of(session, user)
    raw = data.get("members") or {}
    if not isinstance(raw, dict):
        raw = {}
    members: dict[int, int] = {}
    for k, v in list(raw.items())[:200]:
        uid = int_of(k, "members", errors, 1)
        w = int_of(v or 1, "weight", errors, 1, 10, "Weight")
        if uid not in users:
            errors["members"] = "Only the brokerage's users can be members."
        elif w is not None:
            members[uid] = w
    if not any(users[u].is_active for u in members if u in users):
        errors["members"] = "A group needs at least one active agent."
    group = (
        owned(session, user, AgentGroup, data["id"], "group")
        if data.get("id") not in (None, "", 0)
        else None
    )
    if group is None and count_of(session, AgentGroup, user) >= MAX_GROUPS:
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
        m = old.get(uid) or AgentGroupMember(group_id=id_of(group), user_id=uid)
        m.weight = w
        if uid not in old:  # a newcomer starts level with the others, not owed a backlog
            m.assigned_count = min((o.assigned_count for o in old.values()), default=0)
        session.add(m)
    changed(session, user.brokerage_id)
    return group


def delete_group(session: Session, user: User, group_id) -> None:
    """Groups still named by a rule cannot go (the rule would be broken)."""
    access.require_broker(user, "manage lead routing")
    g = owned(session, user, AgentGroup, group_id, "group")
    used = session.exec(
        select(RoutingRule.name).where(
            sa.or_(col(RoutingRule.group_id) == g.id, col(RoutingRule.fallback_group_id) == g.id)
        )
    ).first()
    if used:
        raise ValidationFailed(
            {"group": f"Rule '{used}' sends leads to this group; change it first."}
        )
    session.delete(g)
    changed(session, user.brokerage_id)
