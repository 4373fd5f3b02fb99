"""Marketing-automation campaigns (C2) and automatic greetings (C4).

A lead subscribed to a campaign receives its steps in order, each `delay_days` after the
previous one, until the last step, when the subscription is completed. Text steps go only
to leads who consented to texting; others skip them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from leadapp.models import (
    Brokerage,
    CampaignStep,
    CampaignSubscription,
    Lead,
    OutgoingEmail,
    User,
)

from . import mail, rollups


def _render(text: str, lead: Lead, agent: User | None, brokerage: Brokerage) -> str:
    values = {
        "first_name": lead.first_name or "there",
        "last_name": lead.last_name,
        "agent_name": agent.name if agent else brokerage.name,
        "brokerage": brokerage.name,
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def send_due_steps(session: Session, now: datetime, limit: int = 5000) -> int:
    """Queue every campaign email that is due; returns how many were queued."""
    subs = session.exec(
        select(CampaignSubscription)
        .where(CampaignSubscription.status == "active", CampaignSubscription.next_send_at <= now)
        .order_by(CampaignSubscription.next_send_at)
        .limit(limit)
    ).all()
    if not subs:
        return 0
    steps: dict[int, list[CampaignStep]] = {}
    for step in session.exec(
        select(CampaignStep)
        .where(CampaignStep.campaign_id.in_({s.campaign_id for s in subs}))
        .order_by(CampaignStep.position)
    ).all():
        steps.setdefault(step.campaign_id, []).append(step)
    leads = {
        lead.id: lead
        for lead in session.exec(select(Lead).where(Lead.id.in_({s.lead_id for s in subs}))).all()
    }
    agents = {u.id: u for u in session.exec(select(User)).all()}
    brokerages = {b.id: b for b in session.exec(select(Brokerage)).all()}
    queued = 0
    tracker = rollups.LeadRollupTracker(leads.values())
    for sub in subs:
        lead = leads[sub.lead_id]
        seq = steps.get(sub.campaign_id, [])
        pending = [s for s in seq if s.position >= sub.next_position]
        if lead.status in ("deleted", "inactive"):
            sub.next_send_at = now + timedelta(days=1)  # paused while the lead is inactive
            session.add(sub)
            continue
        if pending:
            step = pending[0]
            if step.channel == "email" or lead.texting_consent:
                b = brokerages[lead.brokerage_id]
                agent = agents.get(lead.assigned_agent_id)
                mail.queue(
                    session,
                    brokerage_id=lead.brokerage_id,
                    lead_id=lead.id,
                    to=lead.phone if step.channel == "text" else lead.email,
                    subject=_render(step.subject, lead, agent, b),
                    body=_render(step.body, lead, agent, b),
                    kind="campaign",
                    channel=step.channel,
                    campaign_subscription_id=sub.id,
                    campaign_step_id=step.id,
                )
                queued += 1
            sub.next_position = step.position + 1
            following = pending[1:]
            sub.next_send_at = now + timedelta(days=following[0].delay_days) if following else None
        if not [s for s in seq if s.position >= sub.next_position]:
            sub.status, sub.ended_at, sub.next_send_at = "completed", now, None
            lead.active_subscriptions = max(0, lead.active_subscriptions - 1)
            session.add(lead)
        session.add(sub)
    tracker.apply(session)
    return queued


def send_greetings(session: Session, now: datetime) -> int:
    """C4: birthday and transaction-anniversary greetings, once a day per lead and occasion."""
    queued = 0
    for b in session.exec(select(Brokerage)).all():
        today = now.astimezone(ZoneInfo(b.timezone)).date()
        md = today.month * 100 + today.day
        start = datetime.combine(today, datetime.min.time(), ZoneInfo(b.timezone))
        for field, subject in (
            ("birthday_md", "Happy birthday, {first_name}!"),
            ("anniversary_md", "Happy home anniversary, {first_name}!"),
        ):
            col = getattr(Lead, field)
            leads = session.exec(
                select(Lead).where(
                    Lead.brokerage_id == b.id, col == md, Lead.status.in_(["new", "active"])
                )
            ).all()
            for lead in leads:
                already = session.exec(
                    select(sa.func.count())
                    .select_from(OutgoingEmail)
                    .where(
                        OutgoingEmail.lead_id == lead.id,
                        OutgoingEmail.kind == "greeting",
                        OutgoingEmail.created_at >= start,
                        OutgoingEmail.subject.like(subject.split(",")[0] + "%"),
                    )
                ).one()
                if already:
                    continue
                agent = (
                    session.get(User, lead.assigned_agent_id) if lead.assigned_agent_id else None
                )
                mail.queue(
                    session,
                    brokerage_id=b.id,
                    lead_id=lead.id,
                    to=lead.email,
                    subject=_render(subject, lead, agent, b),
                    body=_render(
                        "Hi {first_name},\n\nWishing you a wonderful day!\n\n— {agent_name}",
                        lead,
                        agent,
                        b,
                    ),
                    kind="greeting",
                )
                queued += 1
    return queued
