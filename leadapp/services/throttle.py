"""Sign-in throttling (G1, W2): per (account, client address), shared by all workers.

Every refused password is a row of `signin_failure`. When a pair has MAX_FAILURES refusals
within WINDOW, it is locked for LOCK after the last of them: attempts during the lock are
refused before the password is checked (and are not counted, so the lock does not grow).
The table is the shared memory of every worker and process; a sign-in that succeeds clears
the pair's failures.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from leadapp.models import SignInFailure, as_utc, utcnow

from .errors import ServiceError

log = logging.getLogger("leadapp.throttle")

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


class Locked(ServiceError):
    """Too many refused passwords for this account from this address."""

    def __init__(self, until: datetime):
        self.until = until
        minutes = max(1, int((until - utcnow()).total_seconds() + 59) // 60)
        super().__init__(
            "Too many wrong passwords. Sign-in for this account from this address is locked; "
            f"try again in {minutes} minute{'s' if minutes != 1 else ''} "
            f"(after {until:%H:%M} UTC)."
        )


def _clean(account: str, address: str) -> tuple[str, str]:
    return str(account or "")[:340], str(address or "unknown")[:64]


def locked_until(session: Session, account: str, address: str) -> datetime | None:
    """The end of the pair's lock, or None when it may try."""
    account, address = _clean(account, address)
    now = utcnow()
    times = [
        as_utc(t)
        for t in session.exec(
            select(col(SignInFailure.at))
            .where(
                col(SignInFailure.account) == account,
                col(SignInFailure.address) == address,
                col(SignInFailure.at) > now - WINDOW - LOCK,
            )
            .order_by(col(SignInFailure.at).desc())
            .limit(MAX_FAILURES)
        ).all()
    ]
    if len(times) < MAX_FAILURES or times[0] - times[-1] > WINDOW:
        return None
    until = times[0] + LOCK
    return until if until > now else None


def check(session: Session, account: str, address: str) -> None:
    """Raise Locked while the pair is locked."""
    until = locked_until(session, account, address)
    if until is not None:
        raise Locked(until)


def record_failure(session: Session, account: str, address: str) -> bool:
    """Count one refused password; True when this failure locks the pair."""
    account, address = _clean(account, address)
    session.add(SignInFailure(account=account, address=address))
    session.flush()
    now = utcnow()
    session.execute(  # old rows no longer matter to any lock
        sa.delete(SignInFailure).where(
            col(SignInFailure.account) == account,
            col(SignInFailure.address) == address,
            col(SignInFailure.at) < now - WINDOW - LOCK,
        )
    )
    locked = locked_until(session, account, address) is not None
    if locked:
        log.warning("sign-in locked for %r from %s", account, address)
    return locked


def clear(session: Session, account: str, address: str) -> None:
    account, address = _clean(account, address)
    session.execute(
        sa.delete(SignInFailure).where(
            col(SignInFailure.account) == account, col(SignInFailure.address) == address
        )
    )
