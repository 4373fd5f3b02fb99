"""Claim with timeout and idle reassignment (G5), on the job runner.

- `claim(session, user, offer_id)`: an agent of the offered group takes the lead. The first
  statement is one conditional UPDATE (… WHERE status = 'open' AND expires_at > now): the
  database lets exactly one claimant match; every other one finds the offer claimed or
  expired and gets a Conflict, with nothing changed.
- `expire_due(session, now)` (job "routing-offers"): offers nobody claimed in time apply the
  rule's fallback. Each offer is closed by its own conditional UPDATE first, so two workers
  (or a restart mid-run) never apply a fallback twice.
- `idle_due(session, now)` (job "routing-idle"): with the brokerage's idle hours set, a lead
  not contacted within that time of its assignment moves to its rule's fallback — once
  (`LeadResponse.idle_moved`, set by a conditional UPDATE) — with history; both agents are told.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import (
    AgentGroupMember,
    ClaimOffer,
    Lead,
    LeadResponse,
    Notification,
    RoutingRule,
    RoutingSettings,
    User,
    as_utc,
    utcnow,
)

from . import distribute, handover, notify
from .errors import Conflict, NotFound, PermissionDenied
from .leads import display_name
from .routing import Decision, Router, Rule
from .rows import get_row, id_of, matched, table_of

log = logging.getLogger("leadapp.claims")


def open_offers(session: Session, user: User) -> list[dict]:
    """The open offers made to this agent's groups (the lead page and the bell link to them)."""
    now = utcnow()
    rows = session.execute(
        sa.select(
            col(ClaimOffer.id),
            col(ClaimOffer.lead_id),
            col(ClaimOffer.expires_at),
            col(Lead.first_name),
            col(Lead.last_name),
            col(Lead.email),
        )
        .join(Lead, col(Lead.id) == col(ClaimOffer.lead_id))
        .join(AgentGroupMember, col(AgentGroupMember.group_id) == col(ClaimOffer.group_id))
        .where(
            col(ClaimOffer.brokerage_id) == user.brokerage_id,
            col(ClaimOffer.status) == "open",
            col(ClaimOffer.expires_at) > now,
            col(AgentGroupMember.user_id) == user.id,
        )
        .order_by(col(ClaimOffer.expires_at))
    ).all()
    return [
        {
            "id": oid,
            "lead_id": lid,
            "name": f"{fn} {ln}".strip() or email,
            "minutes_left": max(0, int((as_utc(exp) - now).total_seconds() // 60)),
        }
        for oid, lid, exp, fn, ln, email in rows
    ]


def offer_for_lead(session: Session, user: User, lead_id: int) -> int | None:
    """The id of the open offer of this lead made to one of the user's groups, if any."""
    return next((o["id"] for o in open_offers(session, user) if o["lead_id"] == lead_id), None)


def claim_lead(session: Session, user: User, lead_id, now: datetime | None = None) -> Lead:
    """Claim the newest offer of this lead (the bell knows the lead, not the offer)."""
    try:
        lid = int(str(lead_id)[:18])
    except (TypeError, ValueError):
        raise NotFound("That offer does not exist.") from None
    oid = session.execute(
        select(col(ClaimOffer.id))
        .where(col(ClaimOffer.lead_id) == lid, col(ClaimOffer.brokerage_id) == user.brokerage_id)
        .order_by(col(ClaimOffer.id).desc())
        .limit(1)
    ).scalar()
    if oid is None:
        raise NotFound("That offer does not exist.")
    return claim(session, user, oid, now)


def claim(session: Session, user: User, offer_id, now: datetime | None = None) -> Lead:
    now = now or utcnow()
    try:
        oid = int(str(offer_id)[:18])
    except (TypeError, ValueError):
        raise NotFound("That offer does not exist.") from None
    member = table_of(AgentGroupMember)
    in_group = (
        select(member.c.group_id)
        .where(member.c.group_id == col(ClaimOffer.group_id), member.c.user_id == user.id)
        .exists()
    )
    session.flush()
    won = handover.first_write(  # SQLite: waits out other claimants holding the lock
        session,
        sa.update(ClaimOffer)
        .where(
            col(ClaimOffer.id) == oid,
            col(ClaimOffer.brokerage_id) == user.brokerage_id,
            col(ClaimOffer.status) == "open",
            col(ClaimOffer.expires_at) > now,
            in_group,
        )
        .values(status="claimed", claimed_by_id=user.id, resolved_at=now),
        f"claiming offer {oid}",
    ).rowcount
    if won != 1:
        offer = session.get(ClaimOffer, oid)
        if offer is None or offer.brokerage_id != user.brokerage_id:
            raise NotFound("That offer does not exist.")
        if not user.is_active or not session.get(AgentGroupMember, (offer.group_id, user.id)):
            raise PermissionDenied("This lead was offered to another group.")
        if offer.status == "claimed":
            who = session.get(User, offer.claimed_by_id) if offer.claimed_by_id else None
            if offer.claimed_by_id == user.id:
                raise Conflict("You already claimed this lead.")
            raise Conflict(f"{who.name if who else 'Another agent'} claimed this lead first.")
        raise Conflict("This offer expired; the lead went to the rule's fallback.")
    offer = get_row(session, ClaimOffer, oid)
    lead = handover.give(session, offer.lead_id, user.brokerage_id, None, user.id)
    if lead is None:  # a broker assigned it meanwhile: undo the claim with the transaction
        raise Conflict("This lead was assigned a moment ago; it is no longer offered.")
    handover.audit_claim(session, lead, user, "Claimed from an offer")
    _settle_offer_notes(session, id_of(lead), now)
    others = [
        u
        for u in session.exec(
            select(col(AgentGroupMember.user_id)).where(
                col(AgentGroupMember.group_id) == offer.group_id
            )
        ).all()
        if u != user.id
    ]
    notify.send(
        session,
        user.brokerage_id,
        others,
        "claim",
        f"{user.name} claimed {display_name(lead)}",
        lead_id=lead.id,
        now=now,
    )
    return lead


def _settle_offer_notes(session: Session, lead_id: int, now: datetime) -> None:
    """The offer is over: its 'claim' buttons go (the offer notifications count as read)."""
    session.execute(
        sa.update(Notification)
        .where(
            col(Notification.lead_id) == lead_id,
            col(Notification.kind) == "offer",
            col(Notification.read_at).is_(None),
        )
        .values(read_at=now)
    )


def _router_rule(session: Session, router: Router, rule_id: int | None) -> Rule | None:
    """The rule that routed a lead (an inactive one too: its fallback still applies)."""
    if rule_id is None:
        return None
    found = router.rule(rule_id)
    if found is None and (row := session.get(RoutingRule, rule_id)) is not None:
        found = Rule.of(row)
    return found


def expire_due(session: Session, now: datetime) -> int:
    """Apply the fallback of every offer that ran out unclaimed; returns how many."""
    due = session.execute(
        select(col(ClaimOffer.id), col(ClaimOffer.brokerage_id))
        .where(col(ClaimOffer.status) == "open", col(ClaimOffer.expires_at) <= now)
        .order_by(col(ClaimOffer.id))
        .limit(500)
    ).all()
    done = 0
    routers: dict[int, Router] = {}
    for oid, b_id in due:
        closed = matched(
            session.execute(
                sa.update(ClaimOffer)
                .where(col(ClaimOffer.id) == oid, col(ClaimOffer.status) == "open")
                .values(status="expired", resolved_at=now)
            )
        )
        if closed != 1:
            continue  # another worker took it
        offer = get_row(session, ClaimOffer, oid)
        router = routers.get(b_id) or routers.setdefault(b_id, Router(session, b_id, "api", now))
        rule = _router_rule(session, router, offer.rule_id)
        minutes = rule.claim_minutes if rule else 0
        d = (
            router.fallback(rule, f"Nobody claimed it within {minutes} min; ")
            if rule
            else router.default("Nobody claimed it; ")
        )
        _settle_offer_notes(session, offer.lead_id, now)
        _move_to(session, router, offer.lead_id, None, d, now)
        done += 1
    for router in routers.values():
        router.finish()
    return done


def _move_to(
    session: Session, router: Router, lead_id: int, from_agent, d: Decision, now
) -> Lead | None:
    lead = session.get(Lead, lead_id)
    if lead is None or lead.assigned_agent_id != from_agent:
        return None
    if d.agent_id != from_agent:
        lead = handover.give(session, lead_id, router.brokerage_id, from_agent, d.agent_id)
        if lead is None:
            return None
    distribute.record(session, router, [(lead, d)], now)
    return lead


def idle_due(session: Session, now: datetime) -> int:
    """Move leads not contacted within the brokerage's idle hours of assignment (once each)."""
    moved = 0
    for st in session.exec(
        select(RoutingSettings).where(col(RoutingSettings.idle_hours).is_not(None))
    ).all():
        assert st.idle_hours is not None  # only brokerages with idle hours set are selected
        cutoff = now - timedelta(hours=st.idle_hours)
        rows = session.execute(
            select(col(LeadResponse.lead_id), col(LeadResponse.agent_id), col(LeadResponse.rule_id))
            .join(Lead, col(Lead.id) == col(LeadResponse.lead_id))
            .where(
                col(LeadResponse.brokerage_id) == st.brokerage_id,
                col(LeadResponse.idle_moved).is_(False),
                col(LeadResponse.first_contact_at).is_(None),
                col(LeadResponse.agent_id).is_not(None),
                col(LeadResponse.assigned_at) <= cutoff,
                col(Lead.assigned_agent_id) == col(LeadResponse.agent_id),
                col(Lead.status).in_(("new", "active")),
            )
            .limit(500)
        ).all()
        if not rows:
            continue
        router = Router(session, st.brokerage_id, "api", now)
        for lead_id, agent_id, rule_id in rows:
            taken = matched(
                session.execute(
                    sa.update(LeadResponse)
                    .where(
                        col(LeadResponse.lead_id) == lead_id,
                        col(LeadResponse.idle_moved).is_(False),
                    )
                    .values(idle_moved=True)
                )
            )
            if taken != 1:
                continue
            rule = _router_rule(session, router, rule_id)
            why = f"Not contacted within {st.idle_hours} h of assignment; "
            d = router.fallback(rule, why, exclude=agent_id) if rule else router.default(why)
            if d.agent_id == agent_id:
                d = Decision(None, why + "fallback → unassigned pool", d.rule_id)
            lead = _move_to(session, router, lead_id, agent_id, d, now)
            if lead is None:
                continue
            session.execute(  # the move counts as the one idle move of this lead
                sa.update(LeadResponse)
                .where(col(LeadResponse.lead_id) == lead_id)
                .values(idle_moved=True)
            )
            notify.send(
                session,
                st.brokerage_id,
                [agent_id],
                "claim",
                f"{display_name(lead)} was reassigned: not contacted within {st.idle_hours} h",
                d.reason,
                lead_id=lead_id,
                now=now,
            )
            moved += 1
        router.finish()
    return moved
