"""The Campaigns page (C2): list, create, edit, reorder steps, pause/resume, preview.

Brokers manage campaigns; agents see them read-only (they subscribe leads to them from
the lead page). Subscriber counts and the email statistics are read with GROUP BY, one
statement each per page, not per campaign or step.

Statistics (`STATS`), from the email log's own counters (services/mail_tracking.py):
sent = handed to the SMTP server (delivered + bounced), delivered = accepted, bounced =
refused for good, opened = opened at least once by a person (a privacy proxy's prefetch,
`machine_open_count`, does not count), clicked, unsubscribed through the email's link.
Rates: delivered and bounced of sent; opened, clicked and unsubscribed of delivered.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Brokerage,
    Campaign,
    CampaignStep,
    CampaignSubscription,
    OutgoingEmail,
    User,
    utcnow,
)

from . import access
from .campaigns import MERGE_FIELDS, _render, pull_back, unknown_merge_fields
from .errors import NotFound, ValidationFailed, get_in_brokerage
from .rows import count_rows, get_row, id_of
from .validation import clean

MAX_STEPS = 30
CHANNELS = {"email": "Email", "text": "Text message"}


def _campaign(session: Session, user: User, campaign_id) -> Campaign:
    return get_in_brokerage(
        session, Campaign, campaign_id, user.brokerage_id, "That campaign does not exist."
    )


STATS = ("sent", "delivered", "opened", "clicked", "unsubscribed", "bounced")
RATE_OF = {"delivered": "sent", "bounced": "sent"}  # the others: of delivered


def _rate(n: int, of: int) -> str:
    return f"{100 * n / of:.0f}%" if of else "—"


def _with_rates(counts: dict[str, int]) -> dict:
    out: dict = dict(counts)
    for k in STATS:
        if k != "sent":
            out[f"{k}_rate"] = _rate(counts[k], counts[RATE_OF.get(k, "delivered")])
    return out


def step_stats(session: Session, campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """{step id: {stat: count}} of the campaigns' emails, in one GROUP BY statement."""
    if not campaign_ids:
        return {}
    e = OutgoingEmail
    status = col(e.status)
    rows = session.execute(
        sa.select(
            col(e.campaign_step_id),
            sa.func.count().filter(status.in_(("sent", "bounced"))),
            sa.func.count().filter(status == "sent"),
            sa.func.count().filter(col(e.open_count) > 0),
            sa.func.count(col(e.clicked_at)),
            sa.func.count(col(e.unsubscribed_at)),
            sa.func.count().filter(status == "bounced"),
        )
        .where(
            col(e.campaign_step_id).in_(
                select(col(CampaignStep.id)).where(col(CampaignStep.campaign_id).in_(campaign_ids))
            )
        )
        .group_by(col(e.campaign_step_id))
    ).all()
    return {sid: dict(zip(STATS, map(int, nums), strict=True)) for sid, *nums in rows}


def _zero() -> dict[str, int]:
    return dict.fromkeys(STATS, 0)


def list_campaigns(session: Session, user: User) -> list[dict]:
    camps = session.exec(
        select(Campaign)
        .where(col(Campaign.brokerage_id) == user.brokerage_id)
        .order_by(col(Campaign.name), col(Campaign.id))
    ).all()
    ids = [c.id for c in camps if c.id is not None]
    subs = dict(
        session.execute(
            select(col(CampaignSubscription.campaign_id), sa.func.count())
            .where(
                col(CampaignSubscription.campaign_id).in_(ids),
                col(CampaignSubscription.status) == "active",
            )
            .group_by(col(CampaignSubscription.campaign_id))
        ).all()
    )
    step_of = dict(
        session.execute(
            select(col(CampaignStep.id), col(CampaignStep.campaign_id)).where(
                col(CampaignStep.campaign_id).in_(ids)
            )
        ).all()
    )
    per_step = step_stats(session, ids)
    totals = {cid: _zero() for cid in ids}
    steps = dict.fromkeys(ids, 0)
    for sid, cid in step_of.items():
        steps[cid] += 1
        for k, n in per_step.get(sid, {}).items():
            totals[cid][k] += n
    return [
        {
            "id": c.id,
            "name": c.name,
            "description": c.description,
            "active": c.active,
            "status": "Active" if c.active else "Paused",
            "subscribers": int(subs.get(c.id or 0, 0)),
            "steps": steps.get(c.id or 0, 0),
            **_with_rates(totals.get(c.id or 0) or _zero()),
        }
        for c in camps
    ]


def campaign_detail(session: Session, user: User, campaign_id) -> dict:
    c = _campaign(session, user, campaign_id)
    steps = session.exec(
        select(CampaignStep)
        .where(col(CampaignStep.campaign_id) == c.id)
        .order_by(col(CampaignStep.position))
    ).all()
    stats = step_stats(session, [c.id]) if c.id is not None else {}
    subscribers = count_rows(
        session,
        CampaignSubscription,
        col(CampaignSubscription.campaign_id) == c.id,
        col(CampaignSubscription.status) == "active",
    )
    return {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "active": c.active,
        "subscribers": int(subscribers),
        "steps": [
            {
                "id": s.id,
                "position": s.position,
                "delay_days": s.delay_days,
                "channel": s.channel,
                "channel_label": CHANNELS.get(s.channel, s.channel),
                "subject": s.subject,
                "body": s.body,
                **_with_rates(stats.get(s.id or 0) or _zero()),
            }
            for s in steps
        ],
    }


def check_steps(steps) -> tuple[list[dict], dict[str, str]]:
    """Steps from the form: [{channel, delay_days, subject, body}] in the order given."""
    errors: dict[str, str] = {}
    out: list[dict] = []
    if not isinstance(steps, list) or not steps:
        return [], {"steps": "A campaign has at least one step."}
    if len(steps) > MAX_STEPS:
        return [], {"steps": f"A campaign has at most {MAX_STEPS} steps."}
    known = ", ".join("{" + k + "}" for k in MERGE_FIELDS)
    for i, raw in enumerate(steps, start=1):
        if not isinstance(raw, dict):
            errors[f"step_{i}"] = "Not a step."
            continue
        channel = clean(raw.get("channel")) or "email"
        subject = clean(raw.get("subject"))
        body = str(raw.get("body") or "").strip()
        try:
            delay = int(str(raw.get("delay_days") or "0").strip())
            if not 0 <= delay <= 3650:
                raise ValueError
        except ValueError:
            errors[f"step_{i}"] = f"Step {i}: the delay is a number of days from 0 to 3650."
            continue
        if channel not in CHANNELS:
            errors[f"step_{i}"] = f"Step {i}: choose email or text."
        elif channel == "email" and not subject:
            errors[f"step_{i}"] = f"Step {i}: an email needs a subject."
        elif len(subject) > 200 or len(body) > 20000:
            errors[f"step_{i}"] = f"Step {i}: the subject or the body is too long."
        elif not body:
            errors[f"step_{i}"] = f"Step {i}: the message is empty."
        else:
            bad = unknown_merge_fields(subject + " " + body)
            if bad:
                errors[f"step_{i}"] = (
                    f"Step {i}: unknown merge field {', '.join('{' + b + '}' for b in bad)};"
                    f" use {known}."
                )
        out.append(
            {
                "position": i,
                "delay_days": delay,
                "channel": channel,
                "subject": subject or (body[:60] if channel == "text" else ""),
                "body": body,
            }
        )
    return out, errors


def save_campaign(session: Session, user: User, campaign_id, form: dict) -> Campaign:
    """Create (campaign_id None) or edit a campaign and its ordered steps in one transaction.
    The steps replace the old ones; each lead keeps its position (the step number it is due
    for), so an edit does not resend what it already received."""
    access.require_broker(user, "manage campaigns")
    form = form if isinstance(form, dict) else {}
    name = clean(form.get("name"))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "The campaign needs a name."
    elif len(name) > 200:
        errors["name"] = "The name has at most 200 characters."
    description = str(form.get("description") or "").strip()
    if len(description) > 2000:
        errors["description"] = "The description has at most 2,000 characters."
    steps, step_errors = check_steps(form.get("steps"))
    errors.update(step_errors)
    if errors:
        raise ValidationFailed(errors)
    if campaign_id in (None, ""):
        c = Campaign(brokerage_id=user.brokerage_id, name=name, description=description)
        session.add(c)
        session.flush()
    else:
        c = _campaign(session, user, campaign_id)
        c.name, c.description = name, description
        session.add(c)
    old = {
        s.position: s
        for s in session.exec(
            select(CampaignStep).where(col(CampaignStep.campaign_id) == c.id)
        ).all()
    }
    # keep the step rows (their sent/opened counts) by position; drop the ones past the end
    for pos, s in old.items():
        if pos > len(steps):
            session.delete(s)
    session.flush()
    for st in steps:
        row = old.get(st["position"]) or CampaignStep(
            campaign_id=id_of(c), position=st["position"], subject=st["subject"]
        )
        row.delay_days, row.channel = st["delay_days"], st["channel"]
        row.subject, row.body = st["subject"], st["body"]
        session.add(row)
    session.flush()
    return c


def move_step(session: Session, user: User, campaign_id, position, direction: int) -> None:
    """Swap a step with its neighbour (reorder)."""
    access.require_broker(user, "manage campaigns")
    c = _campaign(session, user, campaign_id)
    try:
        pos = int(position)
        d = 1 if int(direction) > 0 else -1
    except (TypeError, ValueError):
        raise NotFound("That step does not exist.") from None
    rows = {
        s.position: s
        for s in session.exec(
            select(CampaignStep).where(col(CampaignStep.campaign_id) == c.id)
        ).all()
    }
    a, b = rows.get(pos), rows.get(pos + d)
    if a is None:
        raise NotFound("That step does not exist.")
    if b is None:
        return
    # through a free position: (campaign, position) is unique
    a.position = 0
    session.add(a)
    session.flush()
    b.position = pos
    session.add(b)
    session.flush()
    a.position = pos + d
    session.add(a)
    session.flush()


def set_active(session: Session, user: User, campaign_id, active: bool) -> int:
    """Pause or resume; returns how many queued emails the pause pulled back.

    Pause: the sender skips paused campaigns, and every email of this campaign still queued
    is canceled (campaigns.pull_back) — each lead goes back to the step it did not get.
    Resume: each lead continues with the step it was due for; a sent step is never resent.
    """
    access.require_broker(user, "pause or resume campaigns")
    c = _campaign(session, user, campaign_id)
    if c.active == bool(active):
        return 0
    c.active = bool(active)
    session.add(c)
    # the UPDATE first: it waits for a sender holding the row (FOR SHARE), so the pull-back
    # below sees what that sender queued
    session.flush()
    if active:
        return 0
    return pull_back(session, utcnow(), "Campaign paused", campaign_id=c.id)


def preview(session: Session, user: User, campaign_id, lead_id, position=1) -> dict:
    """One step rendered for a real lead the user can see."""
    c = _campaign(session, user, campaign_id)
    lead = access.get_lead(session, user, lead_id)
    try:
        pos = int(position)
    except (TypeError, ValueError):
        raise NotFound("That step does not exist.") from None
    step = session.exec(
        select(CampaignStep).where(
            col(CampaignStep.campaign_id) == c.id, col(CampaignStep.position) == pos
        )
    ).first()
    if step is None:
        raise NotFound("That step does not exist.")
    b = get_row(session, Brokerage, lead.brokerage_id)
    agent = session.get(User, lead.assigned_agent_id) if lead.assigned_agent_id else None
    return {
        "to": lead.phone if step.channel == "text" else lead.email,
        "subject": _render(step.subject, lead, agent, b),
        "body": _render(step.body, lead, agent, b),
        "channel": step.channel,
    }


def preview_leads(session: Session, user: User, limit: int = 50) -> list[dict]:
    """Leads the user can see, to pick one for a preview (the most recently created)."""
    from leadapp.models import Lead

    rows = session.exec(
        select(col(Lead.id), col(Lead.first_name), col(Lead.last_name), col(Lead.email))
        .where(access.lead_visibility(user), col(Lead.status) != "deleted")
        .order_by(col(Lead.created_at).desc(), col(Lead.id).desc())
        .limit(limit)
    ).all()
    return [{"id": str(i), "name": (f"{f} {la}".strip() or e) + f" ({e})"} for i, f, la, e in rows]
