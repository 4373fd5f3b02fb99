"""What a Router reads: the cached rules of a brokerage and its per-call statements.

The package docstring says which statements run and how the cache's stamp keeps it true.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    Brokerage,
    Lead,
    RoutingRule,
    RoutingSettings,
    User,
)

from ..rows import table_of
from .rules import Rule

OPEN_STATUSES = ("new", "active")


@dataclass(frozen=True)
class Rules:
    version: int | None
    rules: tuple[Rule, ...]
    groups: dict[int, str]  # the groups the rules name (this brokerage's) -> name


# (database, brokerage) -> its rules as last read, valid while the stamp matches
CACHE: dict[tuple[str, int], Rules] = {}
NO_RULES = Rules(None, (), {})


def read_rules(session: Session, brokerage_id: int) -> Rules:
    version = session.execute(
        select(RoutingSettings.rules_version).where(RoutingSettings.brokerage_id == brokerage_id)
    ).scalar()
    if version is None:  # no rule or group was ever saved
        return NO_RULES
    t = table_of(RoutingRule)  # the rows as stored (not the session's copies of them)
    rules = tuple(
        Rule.of(r)
        for r in session.execute(
            sa.select(t)
            .where(t.c.brokerage_id == brokerage_id, t.c.active)
            .order_by(t.c.position, t.c.id)
        )
    )
    named = {r.group_id for r in rules} | {r.fallback_group_id for r in rules}
    named.discard(None)
    groups: dict[int, str] = {}
    if named:
        for gid, name in session.execute(
            select(AgentGroup.id, AgentGroup.name).where(
                col(AgentGroup.id).in_(named), AgentGroup.brokerage_id == brokerage_id
            )
        ):
            groups[gid] = name
    return Rules(version, rules, groups)


def _statements():
    """The Router's per-call statements, built once (their compiled form is cached)."""
    m, b, st = table_of(AgentGroupMember), table_of(Brokerage), table_of(RoutingSettings)
    u, a, lead = table_of(User), table_of(AgentAvailability), table_of(Lead)
    lock = (
        sa.update(m)
        .where(m.c.group_id.in_(sa.bindparam("gids", expanding=True)))
        .values(assigned_count=m.c.assigned_count)
        .returning(m.c.group_id, m.c.user_id, m.c.weight, m.c.assigned_count)
    )
    users = (
        sa.select(
            b.c.default_agent_id,
            st.c.rules_version,
            u.c.id,
            u.c.name,
            u.c.is_active,
            a.c.away,
            a.c.capacity,
        )
        .select_from(
            b.outerjoin(st, st.c.brokerage_id == b.c.id)
            .outerjoin(
                u,
                sa.and_(
                    u.c.brokerage_id == b.c.id,
                    sa.or_(
                        u.c.id.in_(sa.bindparam("uids", expanding=True)),
                        u.c.id == b.c.default_agent_id,
                    ),
                ),
            )
            .outerjoin(a, a.c.user_id == u.c.id)
        )
        .where(b.c.id == sa.bindparam("bid"))
    )
    open_load = (
        sa.select(lead.c.assigned_agent_id, sa.func.count())
        .where(
            lead.c.assigned_agent_id.in_(sa.bindparam("uids", expanding=True)),
            lead.c.last_contacted_at.is_(None),
            lead.c.status.in_(OPEN_STATUSES),
        )
        .group_by(lead.c.assigned_agent_id)
    )
    advance = (
        sa.update(m)
        .where(m.c.group_id == sa.bindparam("g"), m.c.user_id == sa.bindparam("u"))
        .values(assigned_count=m.c.assigned_count + sa.bindparam("n"))
    )
    return lock, users, open_load, advance


LOCK_MEMBERS, USERS, OPEN_LOAD, ADVANCE = _statements()
