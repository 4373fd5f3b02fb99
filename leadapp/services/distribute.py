"""Applying routing decisions (G5) in the lead-creating transaction.

Writers decide before they insert (`services.routing.Router.decide` gives the agent the
new lead row is created with, so its roll-ups count it there from the start), then call
`record(session, router, [(lead, decision), ...])` once the leads have ids: each lead's
history gets the decision's reason, the speed-to-lead clock starts, a claim-with-timeout
decision becomes an offer to its group, the agents are told, and a broken rule is reported
to the brokers.

`route_returned(...)`: a lead an agent rejected back to the pool is routed again when the
brokerage chose so (`RoutingSettings.route_pool_returns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from leadapp.models import Brokerage, ClaimOffer, HistoryEntry, Lead, RoutingSettings, User

from . import handover, notify, speed
from .leads import display_name
from .people import NamedLead
from .routing import Decision, Facts, Router
from .rows import stored_ids, table_of
from .tags import tags_of


class RoutedLead(NamedLead, Protocol):
    """A lead a decision was applied to: its id and what names it (`people.display_name`)."""

    @property
    def id(self) -> int | None: ...


def record(
    session: Session, router: Router, decided: Sequence[tuple[RoutedLead, Decision]], now=None
) -> None:
    if not decided:
        return
    now = now or router.now
    router.finish()
    b_id = router.brokerage_id
    rows = []
    by_rule: dict[int | None, list] = {}
    for lead, d in decided:
        rows.append(
            {
                "brokerage_id": b_id,
                "lead_id": lead.id,
                "actor_id": None,
                "kind": "audit",
                "title": ("Routed: " + d.reason)[:200],
                "body": d.reason[:2000],
                "field": "routing",
                "old_value": None,
                "new_value": router.name(d.agent_id)[:400],
                "created_at": now,
            }
        )
        by_rule.setdefault(d.rule_id, []).append((lead.id, d.agent_id))
    if router.rules or any(d.offer_group_id for _, d in decided):
        # without rules the default applies as it always did: no history line to add
        session.execute(table_of(HistoryEntry).insert(), rows)
    for rule_id, pairs in by_rule.items():
        speed.assigned(session, b_id, [p for p in pairs if p[1]], now, rule_id=rule_id)
    _tell(session, router, decided, now)


def _tell(session: Session, router: Router, decided, now) -> None:
    """Offers for claim decisions, and every notification of the batch in one `send_many`."""
    b_id = router.brokerage_id
    many = len(decided) > 20  # an import: one summary per agent instead of one per lead
    per_agent: dict[int, int] = {}
    pooled = 0
    pooled_lead = None
    notes: list[notify.Note] = []
    brokers: list[int] | None = None
    for lead, d in decided:
        if d.offer_group_id:
            offer = ClaimOffer(
                brokerage_id=b_id,
                lead_id=lead.id,
                rule_id=d.rule_id,
                group_id=d.offer_group_id,
                expires_at=now + timedelta(minutes=d.offer_minutes),
                created_at=now,
            )
            session.add(offer)
            notes.append(
                notify.Note(
                    tuple(d.offer_to),
                    "offer",
                    f"New lead to claim: {display_name(lead)}",
                    f"The first agent to claim it within {d.offer_minutes} minutes gets it.",
                    lead.id,
                )
            )
        elif d.agent_id:
            if many:
                per_agent[d.agent_id] = per_agent.get(d.agent_id, 0) + 1
            else:
                notes.append(
                    notify.Note(
                        (d.agent_id,),
                        "assigned",
                        f"New lead assigned to you: {display_name(lead)}",
                        d.reason,
                        lead.id,
                    )
                )
        else:
            pooled += 1
            pooled_lead = lead
        if d.broken:
            if brokers is None:
                brokers = notify.brokers_of(session, b_id)
            notes.append(
                notify.Note(
                    tuple(brokers),
                    "routing",
                    "A routing rule could not be used",
                    f"{d.broken}. {display_name(lead)} went to the default instead.",
                    lead.id,
                )
            )
    for agent_id, n in per_agent.items():
        notes.append(notify.Note((agent_id,), "assigned", f"{n} new leads assigned to you"))
    if pooled and decided:  # one "new leads in the pool" per routing call, not per lead
        agents = _pool_watchers(session, b_id)
        if agents:
            lead = pooled_lead if pooled == 1 else None
            notes.append(
                notify.Note(
                    tuple(agents),
                    "pool",
                    f"New lead in the pool: {display_name(lead)}"
                    if lead
                    else f"{pooled} new leads in the pool",
                    lead_id=lead.id if lead else None,
                )
            )
    notify.send_many(session, b_id, notes, now)


def _pool_watchers(session: Session, brokerage_id: int) -> list[int]:
    """The agents who may claim from the pool (none when the brokerage switched it off)."""
    b = session.get(Brokerage, brokerage_id)
    if not b or not b.unassigned_pool_enabled:
        return []
    return stored_ids(
        session.exec(
            select(col(User.id)).where(
                col(User.brokerage_id) == brokerage_id,
                col(User.is_active),
                col(User.role) == "agent",
            )
        ).all()
    )


def lead_facts(lead: Lead, tags=(), criteria=()) -> Facts:
    return Facts.from_criteria(
        {
            "source": lead.source or "",
            "lead_type": lead.lead_type,
            "city": lead.city or "",
            "postal_code": lead.postal_code or "",
            "price_min": lead.price_min,
            "price_max": lead.price_max,
            "tags": frozenset(tags),
        },
        list(criteria),
    )


def route_returned(session: Session, actor: User, lead: Lead) -> Decision | None:
    """Route a lead just returned to the pool again, when the brokerage chose so."""
    s = session.get(RoutingSettings, lead.brokerage_id)
    if s is None or not s.route_pool_returns:
        return None
    assert lead.id is not None  # a stored lead
    router = Router(session, lead.brokerage_id, "pool_return")
    d = router.decide(lead_facts(lead, tags_of(session, [lead.id]).get(lead.id, [])))
    if d.agent_id == actor.id:  # never straight back to the agent who rejected it
        d = Decision(None, d.reason + "; the rejecting agent again → unassigned pool", d.rule_id)
    if d.agent_id:
        handover.give(session, lead.id, lead.brokerage_id, None, d.agent_id)
    session.refresh(lead)
    record(session, router, [(lead, d)])
    return d
