"""People: a lead's display name, the active users of a brokerage, and the "more emails /
more phones" lists typed into a form. One rule each, for every page and job."""

from __future__ import annotations

import re
from typing import Protocol

from sqlmodel import Session, col, select

from leadapp.models import User

from .rows import count_rows

_LIST_SEP = re.compile(r"[,;\n]")


def name_or_email(first: str | None, last: str | None, email: str | None) -> str:
    """ "First Last", or the email when the lead has no name."""
    return f"{first or ''} {last or ''}".strip() or (email or "")


class NamedLead(Protocol):
    """What a lead's display name is made of: a stored Lead, or a row of a file being imported."""

    @property
    def first_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


def display_name(lead: NamedLead) -> str:
    """A lead as lists and dialogs show it: the name, or the email when there is none."""
    return name_or_email(lead.first_name, lead.last_name, lead.email)


def active_users(session: Session, brokerage_id: int) -> list[User]:
    """The users of the brokerage who can sign in and hold leads, by name."""
    return list(
        session.exec(
            select(User)
            .where(User.brokerage_id == brokerage_id, User.is_active)
            .order_by(User.name, col(User.id))
        ).all()
    )


def active_user_count(session: Session, brokerage_id: int) -> int:
    return count_rows(session, User, col(User.brokerage_id) == brokerage_id, col(User.is_active))


def split_list(raw) -> list[str]:
    """A form's "more emails" / "more phones" text: items separated by commas, semicolons or
    new lines, blanks dropped (the field checks are leads.create_lead's / update_lead's)."""
    return [p.strip() for p in _LIST_SEP.split(str(raw or "")) if p.strip()]
