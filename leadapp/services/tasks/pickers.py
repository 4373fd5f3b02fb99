"""What the task dialog offers: the lead picker, the assignees and one task's values."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import Lead, User, utcnow
from leadapp.services import access, lead_query, people
from leadapp.services.people import display_name

from .view import _row_context, get_task, task_row


def search_leads(session: Session, user: User, q: str, limit: int = 8) -> list[dict]:
    """Leads the user may attach a task to, found by the lead list's search (lead_query)."""
    q = str(q or "").strip()[:80]
    stmt = select(Lead).where(access.lead_visibility(user), col(Lead.status) != "deleted")
    clause = lead_query.search_clause(session, user.brokerage_id, q)
    if clause is not None:
        stmt = stmt.where(clause)
    rows = session.exec(
        stmt.order_by(col(Lead.last_name), col(Lead.first_name), col(Lead.id)).limit(limit)
    ).all()
    return [{"id": lead.id, "name": display_name(lead), "email": lead.email} for lead in rows]


def lead_choice(session: Session, user: User, lead_id) -> dict:
    lead = access.get_lead(session, user, lead_id, write=True)
    return {"id": lead.id, "name": display_name(lead), "email": lead.email}


def assignees(session: Session, user: User) -> list[dict]:
    """Who a broker may give a task to (themselves first); an agent only themselves."""
    if not access.is_broker(user):
        return [{"id": user.id, "name": user.name}]
    users = people.active_users(session, user.brokerage_id)
    return [
        {"id": u.id, "name": u.name + (" (me)" if u.id == user.id else "")}
        for u in sorted(users, key=lambda u: (u.id != user.id, u.name))
    ]


def task_form(session: Session, user: User, task_id) -> dict:
    """The edit dialog's values for one task."""
    task = get_task(session, user, task_id)
    row = task_row(task, user, utcnow(), _row_context(session, [task]))
    return row
