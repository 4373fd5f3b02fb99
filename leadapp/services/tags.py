"""Tags (P3, L7): apply, remove, create as needed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import Lead, LeadTag, Tag, User

from . import access
from .errors import ValidationFailed
from .history import audit
from .validation import check_tags


def all_tags(session: Session, user: User) -> list[Tag]:
    return list(session.exec(select(Tag).where(Tag.brokerage_id == user.brokerage_id).order_by(Tag.name)).all())


def ensure_tags(session: Session, brokerage_id: int, names: list[str]) -> dict[str, int]:
    """Tag ids by lower-cased name, creating the missing tags."""
    if not names:
        return {}
    wanted = {n.lower(): n for n in names}
    existing = {
        t.name.lower(): t.id
        for t in session.exec(select(Tag).where(Tag.brokerage_id == brokerage_id,
                                                sa.func.lower(Tag.name).in_(list(wanted)))).all()
    }
    for key, name in wanted.items():
        if key not in existing:
            tag = Tag(brokerage_id=brokerage_id, name=name)
            session.add(tag)
            session.flush()
            existing[key] = tag.id
    return existing


def tags_of(session: Session, lead_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in lead_ids}
    if not lead_ids:
        return out
    rows = session.exec(
        select(LeadTag.lead_id, Tag.name).join(Tag, Tag.id == LeadTag.tag_id)
        .where(LeadTag.lead_id.in_(lead_ids)).order_by(Tag.name)
    ).all()
    for lead_id, name in rows:
        out[lead_id].append(name)
    return out


def add_tags(session: Session, user: User, lead_ids, names) -> int:
    """Apply tags (created as needed) to leads; returns how many leads changed."""
    names = check_tags(",".join(names) if isinstance(names, (list, tuple)) else names)
    if not names:
        raise ValidationFailed({"tags": "Name at least one tag."})
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    tag_ids = ensure_tags(session, user.brokerage_id, names)
    have = set(session.exec(select(LeadTag.lead_id, LeadTag.tag_id).where(LeadTag.lead_id.in_(ids))).all()) if ids else set()
    rows = [{"lead_id": i, "tag_id": t} for i in ids for t in tag_ids.values() if (i, t) not in have]
    if rows:
        session.execute(sa.insert(LeadTag), rows)
        changed = sorted({r["lead_id"] for r in rows})
        for lead in session.exec(select(Lead).where(Lead.id.in_(changed))).all():
            audit(session, lead, user, "tags", None, ", ".join(names), title="Tags added")
        return len(changed)
    return 0


def remove_tags(session: Session, user: User, lead_ids, names) -> int:
    names = check_tags(",".join(names) if isinstance(names, (list, tuple)) else names)
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    if not names or not ids:
        return 0
    tag_ids = [t.id for t in session.exec(select(Tag).where(
        Tag.brokerage_id == user.brokerage_id, sa.func.lower(Tag.name).in_([n.lower() for n in names]))).all()]
    if not tag_ids:
        return 0
    changed = sorted(set(session.exec(select(LeadTag.lead_id).where(
        LeadTag.lead_id.in_(ids), LeadTag.tag_id.in_(tag_ids))).all()))
    if changed:
        session.execute(sa.delete(LeadTag).where(LeadTag.lead_id.in_(changed), LeadTag.tag_id.in_(tag_ids)))
        for lead in session.exec(select(Lead).where(Lead.id.in_(changed))).all():
            audit(session, lead, user, "tags", ", ".join(names), None, title="Tags removed")
    return len(changed)
