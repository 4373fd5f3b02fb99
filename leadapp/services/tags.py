"""Tags (P3, L7): apply, remove, create as needed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import LeadTag, Tag, User, utcnow

from . import access
from .bulk import chunked
from .errors import ValidationFailed
from .history import add_audit_rows
from .rows import id_of, read, table_of
from .validation import check_tags


def _reads() -> tuple[sa.Select, sa.Select]:
    """The lead page's two tag reads, built once: the brokerage's names and the leads' tags."""
    tag, lead_tag = table_of(Tag), table_of(LeadTag)
    names = (
        sa.select(tag.c.name)
        .where(tag.c.brokerage_id == sa.bindparam("brokerage_id"))
        .order_by(tag.c.name)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )
    of_leads = (
        sa.select(lead_tag.c.lead_id, tag.c.name)
        .join(tag, tag.c.id == lead_tag.c.tag_id)
        .where(lead_tag.c.lead_id.in_(sa.bindparam("lead_ids", expanding=True)))
        .order_by(tag.c.name)
    )
    return names, of_leads


_NAMES, _OF_LEADS = _reads()


def tag_names(session: Session, user: User, limit: int = 500) -> list[str]:
    """The brokerage's tag names, alphabetically (the first `limit`)."""
    return list(
        read(session, _NAMES, {"brokerage_id": user.brokerage_id, "limit": limit}).scalars()
    )


def ids_by_name(session: Session, brokerage_id: int, names) -> dict[str, int]:
    """The brokerage's tag ids by lower-cased name, for the given names (any case).

    Compared in Python: SQLite's lower() folds ASCII only, so 'Über' would not match 'über'.
    A brokerage has hundreds of tags at most."""
    wanted = {str(n).lower() for n in names}
    out: dict[str, int] = {}
    if not wanted:
        return out
    for tid, name in session.exec(
        select(col(Tag.id), col(Tag.name))
        .where(col(Tag.brokerage_id) == brokerage_id)
        .order_by(col(Tag.id))
    ).all():
        if name.lower() in wanted and tid is not None:
            out.setdefault(name.lower(), tid)
    return out


def ensure_tags(session: Session, brokerage_id: int, names: list[str]) -> dict[str, int]:
    """Tag ids by lower-cased name, creating the missing tags."""
    if not names:
        return {}
    wanted = {n.lower(): n for n in names}
    existing = ids_by_name(session, brokerage_id, wanted)
    for key, name in wanted.items():
        if key not in existing:
            tag = Tag(brokerage_id=brokerage_id, name=name)
            session.add(tag)
            session.flush()
            existing[key] = id_of(tag)
    return existing


def tags_of(session: Session, lead_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in lead_ids}
    if not lead_ids:
        return out
    for lead_id, name in read(session, _OF_LEADS, {"lead_ids": list(lead_ids)}):
        out[lead_id].append(name)
    return out


def lead_tags(session: Session, lead_id: int) -> list[str]:
    """One lead's tag names (as `tags_of` gives them)."""
    return tags_of(session, [lead_id])[lead_id]


CHUNK = 900  # ids per IN list (SQLite and PostgreSQL bind-parameter limits)


def _tag_names(names) -> list[str]:
    try:
        return check_tags(
            ",".join(str(n) for n in names) if isinstance(names, (list, tuple)) else names
        )
    except ValueError as exc:
        raise ValidationFailed({"tags": str(exc)}) from None


def apply_tags(session: Session, user: User, ids: list[int], names: list[str]) -> int:
    """Apply tags (created as needed) to leads `user` may already change; set-based, chunked.

    Each lead that gains a tag gets one history entry naming the tags it gained.
    Returns how many leads changed.
    """
    if not ids or not names:
        return 0
    tag_ids = ensure_tags(session, user.brokerage_id, names)
    name_of = {t: next(n for n in names if n.lower() == k) for k, t in tag_ids.items()}
    changed = 0
    now = utcnow()
    for chunk in chunked(ids, CHUNK):
        have = set(
            session.exec(
                select(col(LeadTag.lead_id), col(LeadTag.tag_id)).where(
                    col(LeadTag.lead_id).in_(chunk), col(LeadTag.tag_id).in_(list(tag_ids.values()))
                )
            ).all()
        )
        added: dict[int, list[str]] = {}
        for i in chunk:
            for t in tag_ids.values():
                if (i, t) not in have:
                    added.setdefault(i, []).append(name_of[t])
        if not added:
            continue
        session.execute(
            sa.insert(LeadTag),
            [{"lead_id": i, "tag_id": tag_ids[n.lower()]} for i, ns in added.items() for n in ns],
        )
        add_audit_rows(
            session,
            user,
            [(i, None, ", ".join(ns)) for i, ns in added.items()],
            "tags",
            "Tags added",
            now,
        )
        changed += len(added)
    return changed


def unapply_tags(session: Session, user: User, ids: list[int], names: list[str]) -> int:
    """Remove tags from leads `user` may already change; returns how many leads changed."""
    if not ids or not names:
        return 0
    tags_by_id = {tid: name for name, tid in ids_by_name(session, user.brokerage_id, names).items()}
    if not tags_by_id:
        return 0
    changed = 0
    now = utcnow()
    for chunk in chunked(ids, CHUNK):
        pairs = session.exec(
            select(col(LeadTag.lead_id), col(LeadTag.tag_id)).where(
                col(LeadTag.lead_id).in_(chunk), col(LeadTag.tag_id).in_(list(tags_by_id))
            )
        ).all()
        if not pairs:
            continue
        removed: dict[int, list[str]] = {}
        for lead_id, tag_id in pairs:
            removed.setdefault(lead_id, []).append(tags_by_id[tag_id])
        session.execute(
            sa.delete(LeadTag).where(
                col(LeadTag.lead_id).in_(list(removed)), col(LeadTag.tag_id).in_(list(tags_by_id))
            )
        )
        add_audit_rows(
            session,
            user,
            [(i, ", ".join(sorted(ns)), None) for i, ns in removed.items()],
            "tags",
            "Tags removed",
            now,
        )
        changed += len(removed)
    return changed


def add_tags(session: Session, user: User, lead_ids, names) -> int:
    """Apply tags (created as needed) to leads; returns how many leads changed."""
    names = _tag_names(names)
    if not names:
        raise ValidationFailed({"tags": "Name at least one tag."})
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    return apply_tags(session, user, ids, names)


def remove_tags(session: Session, user: User, lead_ids, names) -> int:
    names = _tag_names(names)
    ids = access.visible_lead_ids(session, user, lead_ids, write=True)
    return unapply_tags(session, user, ids, names)
