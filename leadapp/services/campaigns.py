"""Marketing-automation campaigns (C2) and automatic greetings (C4).

A lead subscribed to a campaign receives its steps in order, each `delay_days` after the
previous one, until the last step, when the subscription is completed. Text steps go only
to leads who consented to texting; others skip them. A paused campaign (`active` false)
sends nothing; on resume each lead continues with the step it was due for. Each step sent
is claimed under `campaign:<subscription>:<position>` (services/send_claims) first.

Pausing pulls back what is queued and not yet sent (`pull_back`): those emails end as
`canceled` with the reason, each subscription goes back to the earliest step it did not
get, and that step's claim is released, so resume queues it once; a step that was sent
(or is being sent: a delivery worker already claimed it) keeps its claim and is never
sent again.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    Brokerage,
    Campaign,
    CampaignStep,
    CampaignSubscription,
    Lead,
    OutgoingEmail,
    SendClaim,
    User,
)

from . import mail, rollups, send_claims

MERGE_FIELDS = {
    "first_name": "the lead's first name",
    "last_name": "the lead's last name",
    "agent_name": "the assigned agent's name",
    "agent_phone": "the assigned agent's phone",
    "agent_email": "the assigned agent's email",
    "brokerage": "the brokerage's name",
}
MERGE_RE = re.compile(r"\{([^{}\s]*)\}")


def unknown_merge_fields(text: str) -> list[str]:
    return [m for m in dict.fromkeys(MERGE_RE.findall(text or "")) if m not in MERGE_FIELDS]


def _render(text: str, lead: Lead, agent: User | None, brokerage: Brokerage) -> str:
    values = {
        "first_name": lead.first_name or "there",
        "last_name": lead.last_name,
        "agent_name": agent.name if agent else brokerage.name,
        "agent_phone": (agent.phone if agent else "") or "",
        "agent_email": agent.email if agent else brokerage.primary_email,
        "brokerage": brokerage.name,
    }
    return MERGE_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def send_due_steps(session: Session, now: datetime, limit: int = 5000) -> int:
    """Queue every campaign email that is due; returns how many were queued."""
    subs = session.exec(
        select(CampaignSubscription)
        .join(Campaign, col(Campaign.id) == col(CampaignSubscription.campaign_id))
        .where(
            col(CampaignSubscription.status) == "active",
            col(CampaignSubscription.next_send_at) <= now,
            col(Campaign.active),
        )
        .order_by(col(CampaignSubscription.next_send_at))
        .limit(limit)
    ).all()
    if not subs:
        return 0
    # A pause commits its campaign row before it pulls back the queue: FOR SHARE waits for
    # a pause under way and reads the campaign as it left it, so nothing is queued for a
    # campaign whose pull-back already ran (PostgreSQL; SQLite serialises writers).
    running = set(
        session.exec(
            select(col(Campaign.id))
            .where(col(Campaign.id).in_({s.campaign_id for s in subs}), col(Campaign.active))
            .with_for_update(read=True)
        ).all()
    )
    subs = [s for s in subs if s.campaign_id in running]
    if not subs:
        return 0
    taken = send_claims.claim(
        session, [f"campaign:{s.id}:{s.next_position}" for s in subs], "campaign"
    )
    steps: dict[int, list[CampaignStep]] = {}
    for step in session.exec(
        select(CampaignStep)
        .where(col(CampaignStep.campaign_id).in_({s.campaign_id for s in subs}))
        .order_by(col(CampaignStep.position))
    ).all():
        steps.setdefault(step.campaign_id, []).append(step)
    leads = {
        lead.id: lead
        for lead in session.exec(
            select(Lead).where(col(Lead.id).in_({s.lead_id for s in subs}))
        ).all()
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
            claimed = f"campaign:{sub.id}:{sub.next_position}" in taken
            if claimed and (step.channel == "email" or lead.texting_consent):
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


def pull_back(
    session: Session,
    now: datetime,
    reason: str,
    *,
    campaign_id: int | None = None,
    subscription_ids: list[int] | None = None,
) -> int:
    """Cancel the campaign emails still queued (of one campaign, or of some subscriptions):
    one conditional UPDATE, so an email a delivery worker claimed first is left to it. Each
    subscription goes back to the earliest step it did not get, its claim released, due at
    once (a completed one is active again). Returns how many emails were canceled."""
    e = OutgoingEmail
    where = [col(e.status) == "queued", col(e.kind) == "campaign"]
    if campaign_id is not None:
        steps_of = select(col(CampaignStep.id)).where(col(CampaignStep.campaign_id) == campaign_id)
        where.append(col(e.campaign_step_id).in_(steps_of))
    if subscription_ids is not None:
        where.append(col(e.campaign_subscription_id).in_(subscription_ids))
    canceled = session.execute(
        sa.update(e)
        .where(*where)
        .values(status="canceled", error=reason[:1000], claim=None, next_attempt_at=None)
        .returning(col(e.campaign_subscription_id), col(e.campaign_step_id))
    ).all()
    pairs = [(sub_id, step_id) for sub_id, step_id in canceled if sub_id and step_id]
    if not pairs:
        return len(canceled)
    positions = dict(
        session.execute(
            select(col(CampaignStep.id), col(CampaignStep.position)).where(
                col(CampaignStep.id).in_({st for _, st in pairs})
            )
        ).all()
    )
    earliest: dict[int, int] = {}
    for sub_id, step_id in pairs:
        pos = positions.get(step_id)
        if pos is not None:
            earliest[sub_id] = min(pos, earliest.get(sub_id, pos))
    subs = session.exec(
        select(CampaignSubscription).where(col(CampaignSubscription.id).in_(list(earliest)))
    ).all()
    leads = {
        lead.id: lead
        for lead in session.exec(select(Lead).where(col(Lead.id).in_({s.lead_id for s in subs})))
    }
    tracker = rollups.LeadRollupTracker(leads.values())
    keys = []
    for sub in subs:
        pos = earliest[sub.id or 0]
        keys += [f"campaign:{sub.id}:{p}" for p in range(pos, sub.next_position)]
        sub.next_position = min(sub.next_position, pos)
        if sub.status == "completed":
            sub.status, sub.ended_at = "active", None
            lead = leads[sub.lead_id]
            lead.active_subscriptions += 1
            session.add(lead)
        if sub.status == "active":
            sub.next_send_at = now
        session.add(sub)
    session.execute(sa.delete(SendClaim).where(col(SendClaim.key).in_(keys)))
    tracker.apply(session)
    return len(canceled)
