"""The unassigned pool (G3): agents claim leads from it and reject leads back into it.

- claim: when the brokerage allows it, an agent takes an unassigned lead. The change is one
  conditional UPDATE (… WHERE assigned_agent_id IS NULL): when two agents claim the same
  lead at once, the database lets exactly one UPDATE match; the other finds the lead taken
  and gets a Conflict, with the same message as for an id that does not exist.
- reject: an agent hands a lead assigned to them back to the pool; the brokerage's primary
  email is told through the outgoing-mail table. It needs more than one active user in the
  brokerage (someone else has to be able to take the lead).

Both write a history entry naming the agent and keep the dashboard roll-ups exact. The
lead page (state/lead.py) and the lead list (state/lead_actions.py) both call these.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import Brokerage, ClaimOffer, Lead, User, utcnow

from . import access, distribute, handover, mail, notify, people, rollups
from .errors import Conflict, NotFound, PermissionDenied, ServiceError
from .history import audit
from .people import display_name
from .rows import get_row, id_of

log = logging.getLogger("leadapp.pool")

TAKEN = (
    "That lead is not in the unassigned pool (another agent may have claimed it first, "
    "or it does not exist)."
)


def _lead_id(lead_id) -> int:
    try:
        value = int(str(lead_id).strip()[:18])
    except (TypeError, ValueError):
        raise NotFound("That lead does not exist.") from None
    if value <= 0:
        raise NotFound("That lead does not exist.")
    return value


def claim(session: Session, user: User, lead_id) -> Lead:
    """G3: an agent takes an unassigned lead (brokers assign instead)."""
    if access.is_broker(user):
        raise ServiceError("Brokers assign leads instead of claiming them.")
    lid = _lead_id(lead_id)
    if not access.pool_enabled(session, user):
        raise PermissionDenied(
            "The brokerage does not let agents claim leads from the unassigned pool."
        )
    lead = handover.move(session, user.brokerage_id, lid, None, user.id)
    if lead is None:
        holder = session.exec(
            select(col(Lead.assigned_agent_id)).where(
                col(Lead.id) == lid, col(Lead.brokerage_id) == user.brokerage_id
            )
        ).first()
        if holder == user.id:
            raise Conflict("This lead is already yours.")
        # One answer for "another agent holds it" and "no such lead": the message must
        # not tell an agent which ids exist outside what they may see.
        log.info("claim of lead %s by user %s refused: not in the pool", lid, user.id)
        raise Conflict(TAKEN)
    rollups.move_activity(session, lead.brokerage_id, [(lead.id, 0, user.id)])
    handover.audit_claim(session, lead, user, "Claimed from the unassigned pool")
    # G5: a lead on offer to a group is settled by this claim too
    session.execute(
        sa.update(ClaimOffer)
        .where(col(ClaimOffer.lead_id) == lead.id, col(ClaimOffer.status) == "open")
        .values(status="claimed", claimed_by_id=user.id, resolved_at=utcnow())
    )
    return lead


def reject(session: Session, user: User, lead_id) -> Lead:
    """G3: an agent hands a lead assigned to them back to the pool; the brokerage is told."""
    lid = _lead_id(lead_id)
    if access.is_broker(user):
        raise ServiceError("Brokers reassign leads instead of rejecting them.")
    lead = access.get_lead(session, user, lid)  # another agent's lead: "not found"
    if lead.assigned_agent_id != user.id:
        raise ServiceError("Only the lead's own agent can reject it.")
    if people.active_user_count(session, user.brokerage_id) < 2:
        raise ServiceError("Rejecting a lead needs more than one user in the brokerage.")
    moved = handover.move(session, user.brokerage_id, lid, user.id, None)
    if moved is None:
        raise Conflict("This lead was reassigned a moment ago; it is no longer yours to reject.")
    rollups.move_activity(session, moved.brokerage_id, [(moved.id, user.id, 0)])
    audit(
        session,
        moved,
        user,
        "assigned_agent",
        user.name,
        "Unassigned",
        title="Rejected; returned to the unassigned pool",
    )
    routed = distribute.route_returned(session, user, moved)  # G5, when the brokerage chose so
    notify.send(
        session,
        user.brokerage_id,
        notify.brokers_of(session, user.brokerage_id),
        "claim",
        f"{user.name} rejected {display_name(moved)}",
        routed.reason if routed is not None else "Back in the unassigned pool.",
        lead_id=moved.id,
    )
    b = get_row(session, Brokerage, user.brokerage_id)
    name = display_name(moved)
    mail.queue(
        session,
        brokerage_id=id_of(b),
        to=b.primary_email,
        kind="notice",
        lead_id=moved.id,
        created_by_id=user.id,
        subject=f"{user.name} rejected the lead {name}",
        body=f"{user.name} ({user.email}) rejected the lead {name} ({moved.email}).\n\n"
        + (
            f"Lead routing sent it on: {routed.reason}.\n"
            if routed is not None
            else "The lead is back in the unassigned pool"
        )
        + (
            ""
            if routed is not None
            else ", where agents can claim it."
            if b.unassigned_pool_enabled
            else "; agents cannot claim from the pool while the setting is off, "
            "so assign it in leadapp."
        ),
    )
    return moved
