"""Which tasks a user may see and change (T1): a broker every task of the brokerage; an agent
their own tasks and the tasks on the leads assigned to them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from leadapp.models import Lead, Task, User

from .leads import is_broker


def task_visibility(user: User) -> sa.ColumnElement[bool]:
    """WHERE clause for the tasks `user` may see and change."""
    clause = col(Task.brokerage_id) == user.brokerage_id
    if is_broker(user):
        return clause
    my_leads = select(Lead.id).where(
        Lead.brokerage_id == user.brokerage_id, Lead.assigned_agent_id == user.id
    )
    return sa.and_(clause, sa.or_(col(Task.owner_id) == user.id, col(Task.lead_id).in_(my_leads)))
