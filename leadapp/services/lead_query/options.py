"""What the lead-list page offers around the rows: the filter panel's choices and the
visible columns (L5)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from leadapp.models import LeadRollup, Tag, User
from leadapp.services import access, people
from leadapp.services.errors import ValidationFailed
from leadapp.services.rows import get_row


def filter_options(session: Session, user: User) -> dict:
    """Choices for the filter panel: agents (brokers), sources, tags of the brokerage."""
    agents = []
    if access.is_broker(user):
        agents = [
            {"id": str(u.id), "name": u.name}
            for u in people.active_users(session, user.brokerage_id)
        ]
    sources = sorted(
        set(
            session.exec(
                select(LeadRollup.source)
                .where(col(LeadRollup.brokerage_id) == user.brokerage_id, col(LeadRollup.count) > 0)
                .distinct()
            ).all()
        )
        - {""}
    )
    tags = list(
        session.exec(
            select(Tag.name).where(col(Tag.brokerage_id) == user.brokerage_id).order_by(Tag.name)
        ).all()
    )
    return {
        "agents": agents,
        "sources": sources,
        "tags": tags,
        "pool": (not access.is_broker(user)) and access.pool_enabled(session, user),
    }


# --------------------------------------------------------------------------- columns (L5)

# Every column of the list but the name (always shown), with its header.
COLUMNS = {
    "email": "Email",
    "phone": "Phone",
    "type": "Type",
    "status": "Status",
    "stage": "Stage",
    "rating": "Rating",
    "source": "Source",
    "agent": "Agent",
    "tags": "Tags",
    "last_activity": "Last activity",
    "created": "Created",
}
DEFAULT_COLUMNS = (
    "email",
    "phone",
    "type",
    "status",
    "stage",
    "rating",
    "agent",
    "tags",
    "last_activity",
    "created",
)


def columns_of(user: User) -> list[str]:
    """The columns `user` chose to see (the default set until they choose)."""
    chosen = [c for c in (user.list_columns or []) if c in COLUMNS]
    cols = chosen if user.list_columns else list(DEFAULT_COLUMNS)
    if not access.is_broker(user):
        cols = [c for c in cols if c != "agent"]
    return [c for c in COLUMNS if c in cols]


def set_columns(session: Session, user: User, columns) -> list[str]:
    """Remember the user's visible columns (unknown names dropped; at least the name stays)."""
    if not isinstance(columns, (list, tuple)):
        raise ValidationFailed({"columns": "Choose columns from the list."})
    wanted = {str(c)[:20] for c in columns[:50]}
    cols = [c for c in COLUMNS if c in wanted and (c != "agent" or access.is_broker(user))]
    db_user = get_row(session, User, user.id)
    # Remember "none but the name" too: an empty list means the default set, so keep a marker.
    db_user.list_columns = cols or ["name"]
    session.add(db_user)
    user.list_columns = db_user.list_columns
    return columns_of(user)
