"""What the routing settings' writers share: field parsing, lookups, the rules stamp."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import AgentGroupMember, RoutingSettings, User

from .. import access
from ..errors import ValidationFailed, get_in_brokerage
from ..rows import id_of

MAX_RULES, MAX_GROUPS, MAX_LIST = 100, 50, 50


def int_of(value, field: str, errors: dict, lo: int = 0, hi: int = 10**12, label: str = ""):
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


def list_of(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return []
    return [str(v).strip()[:100] for v in value if str(v).strip()][:MAX_LIST]


def agents_of(session: Session, user: User) -> dict[int, User]:
    return {
        id_of(u): u
        for u in session.exec(select(User).where(User.brokerage_id == user.brokerage_id)).all()
    }


def owned(session: Session, user: User, model, row_id, what: str):
    """The brokerage's row of `model` by an id from the client (NotFound otherwise)."""
    return get_in_brokerage(
        session, model, row_id, user.brokerage_id, f"That {what} does not exist."
    )


def start_save(user: User, data, what: str) -> tuple[dict[str, str], str]:
    """The start of saving a rule or a group: a broker, a set of fields, a name.

    Returns the errors found so far and the name.
    """
    access.require_broker(user, "manage lead routing")
    if not isinstance(data, dict):
        raise ValidationFailed({what: f"A {what} is a set of fields."})
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()[:100]
    if not name:
        errors["name"] = f"Give the {what} a name."
    return errors, name


def changed(session: Session, brokerage_id: int) -> None:
    """The rules or groups changed: a new stamp, so every Router reads them again."""
    st = session.get(RoutingSettings, brokerage_id) or RoutingSettings(brokerage_id=brokerage_id)
    st.rules_version = secrets.randbits(62)
    session.add(st)


def count_of(session: Session, model, user: User) -> int:
    return session.execute(
        select(sa.func.count()).select_from(model).where(model.brokerage_id == user.brokerage_id)
    ).scalar_one()


def active_members(session: Session, group_id: int) -> int:
    return session.execute(
        select(sa.func.count())
        .select_from(AgentGroupMember)
        .join(User, col(User.id) == AgentGroupMember.user_id)
        .where(AgentGroupMember.group_id == group_id, User.is_active)
    ).scalar_one()
