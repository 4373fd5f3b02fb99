"""Whose leads a dashboard panel counts (D1-D9): an agent's own; a broker's whole brokerage or
one agent of it, chosen with the agent selector."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from leadapp.models import Lead, User

from .leads import get_agent, is_broker, lead_visibility


@dataclass(frozen=True)
class Scope:
    """Whose leads a panel counts: the brokerage's, or one agent's (agent_id)."""

    user: User
    brokerage_id: int
    agent_id: int | None  # None = the whole brokerage (brokers only)

    def lead_clause(self) -> sa.ColumnElement[bool]:
        clause = sa.and_(lead_visibility(self.user), col(Lead.status) != "deleted")
        if self.agent_id is not None:
            clause = sa.and_(clause, col(Lead.assigned_agent_id) == self.agent_id)
        return clause

    def rollup_clause(self, model) -> sa.ColumnElement[bool]:
        clause = model.brokerage_id == self.brokerage_id
        if self.agent_id is not None:
            clause = sa.and_(clause, model.agent_key == self.agent_id)
        return clause

    def list_params(self) -> dict[str, str]:
        """The lead-list filter for this scope (agents link to their own leads, not the pool)."""
        return {} if self.agent_id is None else {"agent": str(self.agent_id)}


def dashboard_scope(session: Session, user: User, agent_id=None) -> Scope:
    """The panel scope; a broker's agent_id must name an active user of the brokerage."""
    if not is_broker(user):
        return Scope(user, user.brokerage_id, user.id)
    if agent_id in (None, "", 0, "0", "all"):
        return Scope(user, user.brokerage_id, None)
    agent = get_agent(session, user, agent_id)  # NotFound for another brokerage's user
    return Scope(user, user.brokerage_id, agent.id)
