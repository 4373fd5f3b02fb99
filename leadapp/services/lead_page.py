"""The lead page (P1-P18): what it shows and the one-click actions on it.

Every function takes (session, user, lead_id, ...) and reaches the lead only through
access.get_lead, so an agent asking for another agent's lead learns nothing. Each action
writes a history entry naming the user (G4); the caller's session commits once.

Reading functions return plain dicts (timestamps formatted in the user's time zone),
one page of rows at a time, so a lead with 10,000 activities opens as fast as a new one.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    Activity,
    Brokerage,
    Favorite,
    HistoryEntry,
    Lead,
    Listing,
    ListingSent,
    OutgoingEmail,
    SavedSearch,
    Task,
    User,
    as_utc,
    utcnow,
)
from leadapp.models.enums import (
    ACTIVITY_KINDS,
    DEFAULT_QUICK_EVENTS,
    HISTORY_KINDS,
    LEAD_STATUSES,
    LEAD_TYPES,
    PRIORITIES,
    STAGES,
)

from . import access, leads, mail, rating, tags
from .errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from .history import add_entry, audit, remove_entry
from .security import hash_password
from .validation import clean

PAGE_SIZE = 20
UNDO_WINDOW = timedelta(minutes=10)
SITE_KINDS = ("search", "listing_view")
FORM_KINDS = ("info_request", "valuation_request", "contact_request", "showing_request")
from leadapp.models.enums import CONTACT_KINDS  # noqa: E402  (one definition of "contacted")

# ---------------------------------------------------------------- formatting helpers


def _tz(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except Exception:  # an unknown zone name stored earlier
        return ZoneInfo("UTC")


def fmt_dt(value: datetime | None, user: User) -> str:
    if value is None:
        return ""
    return as_utc(value).astimezone(_tz(user)).strftime("%b %-d, %Y %-I:%M %p")


def fmt_date(value: date | None) -> str:
    return value.strftime("%b %-d, %Y") if value else ""


def money(value: int | None) -> str:
    if value is None:
        return ""
    if value >= 1_000_000:
        return f"${value / 1_000_000:.2f}M".replace(".00M", "M")
    if value >= 10_000:
        return f"${value / 1000:.0f}K"
    return f"${value:,}"


def _page(page) -> int:
    try:
        return max(0, min(int(page), 100_000))
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- the page header and contact box


def _user_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u.name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


def _key_names(session: Session, ids) -> dict[int, str]:
    """'API key <name>' for the website API keys that wrote history entries."""
    from leadapp.models import ApiKey

    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(ApiKey).where(ApiKey.id.in_(ids))).all()
    return {k.id: f"API key {k.name}" for k in rows}


def rating_explanation(session: Session, lead: Lead, now: datetime | None = None) -> dict:
    """R1 for one lead: stars and the activities that contribute most to its score."""
    now = now or utcnow()
    cutoff = rating.get_cutoff(session, lead.brokerage_id)
    stars = rating.stars(lead.rating_score or 0.0, as_utc(lead.last_activity_at), cutoff, now)
    by_kind: dict[str, list] = {}
    # One row per (kind, day): a lead with 10,000 activities costs a few hundred rows, and a
    # day's activities are weighted at its middle (within 1.2% of the exact per-event term).
    if session.get_bind().dialect.name == "sqlite":
        day = sa.func.date(Activity.occurred_at)
    else:
        day = sa.func.to_char(sa.func.timezone("UTC", Activity.occurred_at), "YYYY-MM-DD")
    rows = session.execute(
        select(Activity.kind, day, sa.func.count())
        .where(Activity.lead_id == lead.id, Activity.occurred_at >= now - rating.WINDOW)
        .group_by(Activity.kind, day)
    ).all()
    total = 0.0
    for kind, d, n in rows:
        y, m, dd = (int(x) for x in str(d)[:10].split("-"))
        t = rating.term(kind, datetime(y, m, dd, 12, tzinfo=now.tzinfo)) * n
        if t <= 0:
            continue
        entry = by_kind.setdefault(kind, [0, 0.0])
        entry[0] += n
        entry[1] += t
        total += t
    top = sorted(by_kind.items(), key=lambda kv: -kv[1][1])[:3]
    reasons = [
        {
            "kind": ACTIVITY_KINDS.get(k, k),
            "count": n,
            "share": round(100 * s / total) if total else 0,
        }
        for k, (n, s) in top
    ]
    if stars == 0:
        summary = "No website activity in the last six months."
    else:
        summary = "Mostly " + ", ".join(
            f"{r['kind'].lower()} ×{r['count']} ({r['share']}%)" for r in reasons
        )
    return {"stars": stars, "reasons": reasons, "summary": summary}


def lead_header(session: Session, user: User, lead_id) -> dict:
    """Everything the page shows before a tab is opened: header, contact box, pipeline, tags."""
    lead = access.get_lead(session, user, lead_id)
    brokerage = session.get(Brokerage, lead.brokerage_id)
    names = _user_names(session, {lead.assigned_agent_id})
    lead_tags = tags.tags_of(session, [lead.id])[lead.id]
    can_change = access.can_change_lead(user, lead)
    is_broker = access.is_broker(user)
    agents = []
    if is_broker:
        agents = [{"id": str(u.id), "name": u.name} for u in leads.agents_of(session, user)]
    n_users = session.exec(
        select(sa.func.count())
        .select_from(User)
        .where(User.brokerage_id == lead.brokerage_id, User.is_active)
    ).one()
    counts = tab_counts(session, lead)
    return {
        "lead": contact_dict(lead, user, names.get(lead.assigned_agent_id, "")),
        "tags": lead_tags,
        "all_tags": [t.name for t in tags.all_tags(session, user)][:500],
        "agents": agents,
        "quick_events": list(brokerage.quick_events or DEFAULT_QUICK_EVENTS),
        "rating": rating_explanation(session, lead),
        "can_change": can_change,
        "can_claim": lead.assigned_agent_id is None
        and not is_broker
        and access.pool_enabled(session, user),
        "can_reject": (not is_broker and lead.assigned_agent_id == user.id and n_users > 1),
        "counts": counts,
    }


def contact_dict(lead: Lead, user: User, agent_name: str) -> dict:
    name = leads.display_name(lead)
    address = ", ".join(
        p
        for p in (lead.street, lead.city, " ".join(p for p in (lead.state, lead.postal_code) if p))
        if p
    )
    return {
        "id": lead.id,
        "name": name,
        "email": lead.email,
        "phone": lead.phone,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "extra_emails": ", ".join(lead.extra_emails or []),
        "extra_phones": ", ".join(lead.extra_phones or []),
        "extra_email_list": list(lead.extra_emails or []),
        "extra_phone_list": list(lead.extra_phones or []),
        "street": lead.street,
        "city": lead.city,
        "state": lead.state,
        "postal_code": lead.postal_code,
        "address": address,
        "birthday": lead.birthday.isoformat() if lead.birthday else "",
        "birthday_text": fmt_date(lead.birthday),
        "anniversary": lead.anniversary.isoformat() if lead.anniversary else "",
        "anniversary_text": fmt_date(lead.anniversary),
        "lead_type": lead.lead_type or "",
        "lead_type_text": LEAD_TYPES.get(lead.lead_type or "", "—"),
        "status": lead.status,
        "status_text": LEAD_STATUSES.get(lead.status, lead.status),
        "stage": lead.stage,
        "stage_text": STAGES.get(lead.stage, lead.stage),
        "priority": lead.priority,
        "priority_text": PRIORITIES.get(lead.priority, lead.priority),
        "source": lead.source,
        "texting": "Yes" if lead.texting_consent else "No",
        "agent_id": str(lead.assigned_agent_id or ""),
        "agent_name": agent_name or "Unassigned",
        "property_type_wanted": lead.property_type_wanted,
        "price_min": "" if lead.price_min is None else str(lead.price_min),
        "price_max": "" if lead.price_max is None else str(lead.price_max),
        "price_range": (
            f"{money(lead.price_min) or 'any'} – {money(lead.price_max) or 'any'}"
            if lead.price_min is not None or lead.price_max is not None
            else ""
        ),
        "move_timeframe": lead.move_timeframe,
        "closing_date": lead.closing_date.isoformat() if lead.closing_date else "",
        "closing_date_text": fmt_date(lead.closing_date),
        "ps_due_date": lead.ps_due_date.isoformat() if lead.ps_due_date else "",
        "ps_due_date_text": fmt_date(lead.ps_due_date),
        "created": fmt_dt(lead.created_at, user),
        "last_activity": fmt_dt(lead.last_activity_at, user),
        "has_password": bool(lead.website_password_hash),
        "inactive": lead.status in ("inactive", "deleted"),
    }


def tab_counts(session: Session, lead: Lead) -> dict[str, int]:
    """The small numbers on the tabs (each an indexed count)."""

    def count(model, *where) -> int:
        return int(session.exec(select(sa.func.count()).select_from(model).where(*where)).one())

    return {
        "activity": count(Activity, Activity.lead_id == lead.id),
        "history": count(HistoryEntry, HistoryEntry.lead_id == lead.id),
        "messages": count(
            HistoryEntry, HistoryEntry.lead_id == lead.id, HistoryEntry.kind == "message"
        ),
        "tasks": count(Task, Task.lead_id == lead.id, Task.completed_at.is_(None)),
        "listings_sent": count(ListingSent, ListingSent.lead_id == lead.id),
        "searches": count(SavedSearch, SavedSearch.lead_id == lead.id),
        "favorites": count(Favorite, Favorite.lead_id == lead.id),
        "subscriptions": int(lead.active_subscriptions or 0),
    }


# ----------------------------------------------------------- contact, pipeline, status, tags, agent

CONTACT_FORM_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "state",
    "postal_code",
    "birthday",
    "anniversary",
    "lead_type",
    "property_type_wanted",
    "price_min",
    "price_max",
    "move_timeframe",
    "closing_date",
    "ps_due_date",
)


def save_contact(session: Session, user: User, lead_id, form: dict) -> Lead:
    """P1/P13 "Edit info": every contact and sales field, with the shared validation."""
    if not isinstance(form, dict):
        raise ValidationFailed({"form": "Nothing to save."})
    data = {k: str(form.get(k) or "")[:400] for k in CONTACT_FORM_FIELDS if k in form}
    for key in ("extra_emails", "extra_phones"):
        if key in form:
            raw = str(form.get(key) or "")[:2000]
            data[key] = [
                p.strip() for p in raw.replace("\n", ",").replace(";", ",").split(",") if p.strip()
            ]
    errors = {}
    if "email" in data and not data["email"].strip():
        errors["email"] = "Email is required."
    lo, hi = form.get("price_min"), form.get("price_max")
    try:
        from .validation import check_money

        lo_v, hi_v = check_money(lo, "Minimum price"), check_money(hi, "Maximum price")
        if lo_v is not None and hi_v is not None and lo_v > hi_v:
            errors["price_max"] = "The maximum price is below the minimum."
    except ValueError:
        pass  # reported by update_lead with the field
    if errors:
        raise ValidationFailed(errors)
    try:
        return leads.update_lead(session, user, lead_id, data)
    except ValidationFailed as exc:
        # extra_emails.0 -> extra_emails so the form can show it under the field
        raise ValidationFailed({k.split(".")[0]: v for k, v in exc.errors.items()}) from None


def set_stage(session: Session, user: User, lead_id, stage: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_stage(session, user, [lead.id], str(stage)[:40])
    return lead


def set_status(session: Session, user: User, lead_id, status: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_status(session, user, [lead.id], str(status)[:40])
    return lead


def reactivate(session: Session, user: User, lead_id) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    if lead.status not in ("inactive", "deleted"):
        raise ServiceError("Only an inactive or deleted lead can be reactivated.")
    leads.reactivate(session, user, [lead.id])
    return lead


def set_priority(session: Session, user: User, lead_id, priority: str) -> Lead:
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.set_priority(session, user, [lead.id], str(priority)[:40])
    return lead


def add_tag(session: Session, user: User, lead_id, name: str) -> list[str]:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        tags.add_tags(session, user, [lead.id], str(name or "")[:200])
    except ValueError as exc:
        raise ValidationFailed({"tags": str(exc)}) from None
    return tags.tags_of(session, [lead.id])[lead.id]


def remove_tag(session: Session, user: User, lead_id, name: str) -> list[str]:
    lead = access.get_lead(session, user, lead_id, write=True)
    try:
        if not tags.remove_tags(session, user, [lead.id], str(name or "")[:200]):
            raise ServiceError("That tag is not on this lead.")
    except ValueError as exc:
        raise ValidationFailed({"tags": str(exc)}) from None
    return tags.tags_of(session, [lead.id])[lead.id]


def assign(session: Session, user: User, lead_id, agent_id) -> Lead:
    """G2: brokers only (services/leads.assign refuses agents)."""
    access.require_broker(user, "reassign leads")
    lead = access.get_lead(session, user, lead_id, write=True)
    leads.assign(session, user, [lead.id], agent_id)
    return lead


# ------------------------------------------------------------- quick events, notes, calls, messages


def quick_event(session: Session, user: User, lead_id, label: str) -> dict:
    """P10: one click records the event with the time and the user who clicked."""
    lead = access.get_lead(session, user, lead_id, write=True)
    label = clean(label)[:40]
    allowed = session.get(Brokerage, lead.brokerage_id).quick_events or DEFAULT_QUICK_EVENTS
    if label not in allowed:
        raise ValidationFailed(
            {"quick_event": f"'{label}' is not one of the brokerage's quick events."}
        )
    entry = add_entry(session, lead, user, "quick_event", title=label)
    lead.updated_at = utcnow()
    session.add(lead)
    session.flush()
    return {"id": entry.id, "title": label}


def undo_quick_event(session: Session, user: User, lead_id, entry_id) -> None:
    """Undo a quick event just recorded (its author, within ten minutes)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    entry = _entry(session, lead, entry_id)
    if entry.kind != "quick_event" or entry.actor_id != user.id:
        raise PermissionDenied("Only the quick event you just recorded can be undone.")
    if as_utc(entry.created_at) < utcnow() - UNDO_WINDOW:
        raise ServiceError("That quick event is too old to undo; add a note instead.")
    remove_entry(session, lead, entry)


def _entry(session: Session, lead: Lead, entry_id) -> HistoryEntry:
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound("That history entry does not exist.") from None
    entry = session.get(HistoryEntry, entry_id)
    if entry is None or entry.lead_id != lead.id:
        raise NotFound("That history entry does not exist.")
    return entry


def set_entry_details(
    session: Session, user: User, lead_id, entry_id, details: str
) -> HistoryEntry:
    """P10/P8: add what was said to a quick event, note or call later (its author or a broker)."""
    lead = access.get_lead(session, user, lead_id, write=True)
    entry = _entry(session, lead, entry_id)
    if entry.kind not in ("quick_event", "note", "call"):
        raise PermissionDenied("Only notes, calls and quick events take details.")
    if entry.actor_id != user.id and not access.is_broker(user):
        raise PermissionDenied("Only the person who recorded it can change its details.")
    text = clean(details)
    if len(text) > 20000:
        raise ValidationFailed({"details": "Details have at most 20,000 characters."})
    entry.body = text
    entry.updated_at = utcnow()
    session.add(entry)
    return entry


def add_note(
    session: Session, user: User, lead_id, kind: str, title: str, body: str
) -> HistoryEntry:
    """P8: History > Add new > Note or Phone call."""
    lead = access.get_lead(session, user, lead_id, write=True)
    if kind not in ("note", "call"):
        raise ValidationFailed({"kind": "Choose a note or a phone call."})
    title, body = clean(title), clean(body)
    errors = {}
    if len(title) > 200:
        errors["title"] = "The title has at most 200 characters."
    if not body:
        errors["body"] = "Write what the note or call was about."
    elif len(body) > 20000:
        errors["body"] = "At most 20,000 characters."
    if errors:
        raise ValidationFailed(errors)
    entry = add_entry(session, lead, user, kind, title=title or HISTORY_KINDS[kind], body=body)
    session.flush()
    return entry


def send_message(session: Session, user: User, lead_id, title: str, body: str) -> HistoryEntry:
    """P11: stored in the history and delivered through the outgoing-mail table."""
    lead = access.get_lead(session, user, lead_id, write=True)
    title, body = clean(title), clean(body)
    errors = {}
    if not title:
        errors["title"] = "Give the message a title."
    elif len(title) > 200:
        errors["title"] = "The title has at most 200 characters."
    if not body:
        errors["body"] = "Write the message."
    elif len(body) > 20000:
        errors["body"] = "At most 20,000 characters."
    if lead.status == "deleted":
        errors["title"] = "This lead is deleted; reactivate it to send a message."
    if errors:
        raise ValidationFailed(errors)
    entry = add_entry(session, lead, user, "message", title=title, body=body)
    session.flush()
    mail.queue(
        session,
        brokerage_id=lead.brokerage_id,
        lead_id=lead.id,
        to=lead.email,
        subject=title,
        body=body,
        kind="message",
        created_by_id=user.id,
        history_entry_id=entry.id,
    )
    return entry


def reset_password(session: Session, user: User, lead_id) -> str:
    """P12/W2: a temporary website password, shown once; the lead is not told."""
    lead = access.get_lead(session, user, lead_id, write=True)
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    password = "".join(secrets.choice(alphabet) for _ in range(12))
    lead.website_password_hash = hash_password(password)
    lead.updated_at = utcnow()
    session.add(lead)
    audit(session, lead, user, "website_password", None, "reset", title="Website password reset")
    return password


# ---------------------------------------------------------------- tabs (each one page of rows)


def activity_page(
    session: Session, user: User, lead_id, kind: str = "", page=0, kinds=None
) -> dict:
    """P5 / P16: the lead's website activity, newest first, filtered by kind, paged."""
    lead = access.get_lead(session, user, lead_id)
    page = _page(page)
    q = (
        select(Activity, Listing)
        .join(Listing, Listing.id == Activity.listing_id, isouter=True)
        .where(Activity.lead_id == lead.id)
    )
    cq = select(sa.func.count()).select_from(Activity).where(Activity.lead_id == lead.id)
    if kind:
        if kind not in ACTIVITY_KINDS:
            raise ValidationFailed({"kind": f"'{kind}' is not an activity type."})
        q, cq = q.where(Activity.kind == kind), cq.where(Activity.kind == kind)
    elif kinds:
        q, cq = q.where(Activity.kind.in_(kinds)), cq.where(Activity.kind.in_(kinds))
    total = int(session.exec(cq).one())
    rows = session.exec(
        q.order_by(Activity.occurred_at.desc(), Activity.id.desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    out = []
    for act, listing in rows:
        what = act.details or ""
        if listing is not None:
            price = money(listing.price)
            what = f"{listing.street}, {listing.city} · {price} · MLS {listing.mls_number}"
        elif act.mls_number:
            what = f"MLS {act.mls_number}" + (f" · {what}" if what else "")
        if act.criteria:
            what = criteria_text(act.criteria) + (f" · {act.details}" if act.details else "")
        out.append(
            {
                "id": act.id,
                "when": fmt_dt(act.occurred_at, user),
                "kind": act.kind,
                "kind_text": ACTIVITY_KINDS.get(act.kind, act.kind),
                "what": what,
            }
        )
    return {"rows": out, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE))}


def site_activity_page(session: Session, user: User, lead_id, kind: str = "", page=0) -> dict:
    """P16: searches the lead ran and listings they viewed."""
    if kind and kind not in SITE_KINDS:
        raise ValidationFailed({"kind": "Site activity is searches or listing views."})
    return activity_page(session, user, lead_id, kind, page, kinds=SITE_KINDS)


HISTORY_FILTERS = {
    "": None,
    "notes": ("note", "call", "quick_event"),
    "messages": ("message",),
    "changes": ("audit", "created", "import"),
}


def history_page(session: Session, user: User, lead_id, what: str = "", page=0) -> dict:
    """P8: notes, calls, quick events and the audit trail, newest first, paged."""
    lead = access.get_lead(session, user, lead_id)
    if what not in HISTORY_FILTERS:
        raise ValidationFailed({"what": "Unknown history filter."})
    page = _page(page)
    q = select(HistoryEntry).where(HistoryEntry.lead_id == lead.id)
    cq = select(sa.func.count()).select_from(HistoryEntry).where(HistoryEntry.lead_id == lead.id)
    if HISTORY_FILTERS[what]:
        q, cq = (
            q.where(HistoryEntry.kind.in_(HISTORY_FILTERS[what])),
            cq.where(HistoryEntry.kind.in_(HISTORY_FILTERS[what])),
        )
    total = int(session.exec(cq).one())
    entries = session.exec(
        q.order_by(HistoryEntry.created_at.desc(), HistoryEntry.id.desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    names = _user_names(session, {e.actor_id for e in entries})
    keys = _key_names(session, {e.api_key_id for e in entries})
    rows = []
    for e in entries:
        change = ""
        if e.kind == "audit" and e.field:
            change = f"{e.old_value or '—'} → {e.new_value or '—'}"
        rows.append(
            {
                "id": e.id,
                "kind": e.kind,
                "kind_text": HISTORY_KINDS.get(e.kind, e.kind),
                "title": e.title,
                "body": e.body,
                "change": change,
                "who": names.get(e.actor_id)
                or keys.get(e.api_key_id)
                or ("Website" if e.actor_id is None else "—"),
                "when": fmt_dt(e.created_at, user),
                "edited": fmt_dt(e.updated_at, user),
                "can_edit": e.kind in ("quick_event", "note", "call")
                and (e.actor_id == user.id or access.is_broker(user))
                and access.can_change_lead(user, lead),
            }
        )
    return {"rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE))}


def messages_page(session: Session, user: User, lead_id, page=0) -> dict:
    """P11: messages sent to the lead, with delivery state; each openable."""
    data = history_page(session, user, lead_id, "messages", page)
    ids = [r["id"] for r in data["rows"]]
    state = {}
    if ids:
        for hid, status, _sent, opened in session.exec(
            select(
                OutgoingEmail.history_entry_id,
                OutgoingEmail.status,
                OutgoingEmail.sent_at,
                OutgoingEmail.opened_at,
            ).where(OutgoingEmail.history_entry_id.in_(ids))
        ).all():
            state[hid] = (
                "Opened"
                if opened
                else {"sent": "Sent", "queued": "Queued", "failed": "Failed"}.get(status, status)
            )
    for r in data["rows"]:
        r["delivery"] = state.get(r["id"], "—")
    return data


def listings_sent_page(session: Session, user: User, lead_id, page=0) -> dict:
    """P18: listings emailed to the lead or put on a showing sheet."""
    lead = access.get_lead(session, user, lead_id)
    page = _page(page)
    total = int(
        session.exec(
            select(sa.func.count()).select_from(ListingSent).where(ListingSent.lead_id == lead.id)
        ).one()
    )
    rows = session.exec(
        select(ListingSent, Listing)
        .join(Listing, Listing.id == ListingSent.listing_id)
        .where(ListingSent.lead_id == lead.id)
        .order_by(ListingSent.created_at.desc(), ListingSent.id.desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    names = _user_names(session, {s.user_id for s, _ in rows})
    return {
        "rows": [
            {
                "id": s.id,
                "when": fmt_dt(s.created_at, user),
                "address": f"{listing.street}, {listing.city}",
                "price": money(listing.price),
                "mls": listing.mls_number,
                "beds": listing.beds,
                "baths": f"{listing.baths:g}",
                "via": "Showing sheet" if s.via == "showing_sheet" else "Emailed",
                "who": names.get(s.user_id, "System"),
            }
            for s, listing in rows
        ],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }


def tool_use(session: Session, user: User, lead_id) -> dict:
    """P15: agent contacts, scheduled showings, emailed listings, form submissions."""
    lead = access.get_lead(session, user, lead_id)

    def one(q):
        n, last = session.exec(q).one()
        return int(n or 0), fmt_dt(as_utc(last), user)

    contacts = one(
        select(sa.func.count(), sa.func.max(HistoryEntry.created_at)).where(
            HistoryEntry.lead_id == lead.id, HistoryEntry.kind.in_(CONTACT_KINDS)
        )
    )
    showings = one(
        select(sa.func.count(), sa.func.max(Task.due_at)).where(
            Task.lead_id == lead.id, Task.kind == "showing"
        )
    )
    showing_req = one(
        select(sa.func.count(), sa.func.max(Activity.occurred_at)).where(
            Activity.lead_id == lead.id, Activity.kind == "showing_request"
        )
    )
    emailed = one(
        select(sa.func.count(), sa.func.max(ListingSent.created_at)).where(
            ListingSent.lead_id == lead.id, ListingSent.via == "email"
        )
    )
    forms = one(
        select(sa.func.count(), sa.func.max(Activity.occurred_at)).where(
            Activity.lead_id == lead.id, Activity.kind.in_(FORM_KINDS)
        )
    )
    recent_forms = session.exec(
        select(Activity)
        .where(Activity.lead_id == lead.id, Activity.kind.in_(FORM_KINDS))
        .order_by(Activity.occurred_at.desc())
        .limit(10)
    ).all()
    return {
        "rows": [
            {
                "key": "contacts",
                "label": "Agent contacts (calls, quick events, messages)",
                "count": contacts[0],
                "last": contacts[1],
            },
            {
                "key": "showings",
                "label": "Scheduled showings",
                "count": showings[0],
                "last": showings[1],
            },
            {
                "key": "showing_requests",
                "label": "Showing requests from the website",
                "count": showing_req[0],
                "last": showing_req[1],
            },
            {
                "key": "emailed",
                "label": "Emailed listings",
                "count": emailed[0],
                "last": emailed[1],
            },
            {"key": "forms", "label": "Form submissions", "count": forms[0], "last": forms[1]},
        ],
        "forms": [
            {
                "when": fmt_dt(a.occurred_at, user),
                "kind_text": ACTIVITY_KINDS.get(a.kind, a.kind),
                "details": a.details or (f"MLS {a.mls_number}" if a.mls_number else ""),
            }
            for a in recent_forms
        ],
    }


# --------------------------------------------------------------- criteria (saved searches, markets)


def criteria_text(c: dict | None) -> str:
    if not c:
        return "Any listing"
    from leadapp.models.enums import PROPERTY_TYPES

    parts = []
    if c.get("city"):
        parts.append(str(c["city"]))
    if c.get("property_type"):
        parts.append(PROPERTY_TYPES.get(c["property_type"], str(c["property_type"])))
    lo, hi = c.get("min_price"), c.get("max_price")
    if lo or hi:
        parts.append(f"{money(lo) if lo else 'any'} – {money(hi) if hi else 'any'}")
    if c.get("min_beds"):
        parts.append(f"{c['min_beds']}+ beds")
    if c.get("min_baths"):
        parts.append(f"{c['min_baths']}+ baths")
    if c.get("transaction"):
        parts.append("Rentals" if c["transaction"] == "rent" else "For sale")
    return " · ".join(parts) or "Any listing"
