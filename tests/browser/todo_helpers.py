"""Helpers of the to-do browser tests: tasks written straight to the database, a user put in
a zone where it is about noon, and an agent's first named lead."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from leadapp.models import Lead, Task, User
from leadapp.services.rows import id_of


def user(s, email):
    return s.exec(select(User).where(col(User.email) == email)).one()


def add_task(engine, email, due, title, *, kind="todo", lead_id=None, done=None):
    with Session(engine) as s:
        u = user(s, email)
        t = Task(
            brokerage_id=u.brokerage_id,
            owner_id=id_of(u),
            lead_id=lead_id,
            kind=kind,
            title=title,
            due_at=due,
            completed_at=done,
            created_by_id=u.id,
        )
        s.add(t)
        s.commit()
        return t.id


def noon_zone() -> str:
    """A fixed-offset zone where it is now around noon, so 'today' has room on both sides."""
    offset = 12 - datetime.now(UTC).hour  # hours east of UTC
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def local_day(engine, email):
    """Put the user in a zone where it is about noon; (today there, at(day, h, m) -> UTC)."""
    zone = ZoneInfo(noon_zone())
    set_zone(engine, email, zone.key)
    return datetime.now(zone).date(), lambda d, h, m: datetime.combine(
        d, time(h, m), zone
    ).astimezone(UTC)


def set_zone(engine, email, tz):
    with Session(engine) as s:
        u = user(s, email)
        u.timezone = tz
        s.add(u)
        s.commit()


def rows_in(page, section):
    return page.get_by_test_id(f"section-{section}").get_by_test_id("task-title")


def agent_lead(engine, email):
    with Session(engine) as s:
        u = user(s, email)
        lead = s.exec(
            select(Lead)
            .where(
                col(Lead.assigned_agent_id) == u.id,
                col(Lead.first_name) != "",
                col(Lead.status) != "deleted",
            )
            .order_by(col(Lead.id))
        ).first()
        assert lead is not None
        return lead.id, f"{lead.first_name} {lead.last_name}".strip(), lead.first_name
