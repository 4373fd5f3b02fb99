"""Agents, groups and rules for the routing tests (G1–G5)."""

from __future__ import annotations

from sqlmodel import col, select

from leadapp.models import (
    HistoryEntry,
    Lead,
    User,
)
from leadapp.services import (
    activity,
    routing_admin,
)
from tests.conftest import _pw


def agents(session, org, n: int, prefix="Rr") -> list[User]:
    out = []
    for i in range(n):
        u = User(
            brokerage_id=org.brokerage.id,
            email=f"{prefix.lower()}{i}@bayside.test",
            name=f"{prefix} Agent {i:02d}",
            role="agent",
            agent_code=f"{prefix}{i:03d}",
            password_hash=_pw(),
        )
        session.add(u)
        out.append(u)
    session.commit()
    return out


def group(session, org, users, name="Team A", weights=None) -> int:
    g = routing_admin.save_group(
        session,
        org.broker,
        {"name": name, "members": {str(u.id): (weights or {}).get(u.id, 1) for u in users}},
    )
    session.commit()
    assert g.id is not None
    return g.id


def rule(session, org, **data):
    data.setdefault("name", "Rule")
    r = routing_admin.save_rule(session, org.broker, data)
    session.commit()
    return r


def signup(session, org, email, **extra):
    out = activity.record_events(
        session, org.brokerage.id, [{"kind": "signup", "email": email, **extra}]
    )
    session.commit()
    lid = out["results"][0]["lead_id"]
    session.expire_all()
    return session.get(Lead, lid)


def reasons(session, lead_id) -> list[str]:

    return list(
        session.exec(
            select(col(HistoryEntry.body)).where(
                col(HistoryEntry.lead_id) == lead_id, col(HistoryEntry.field) == "routing"
            )
        ).all()
    )
