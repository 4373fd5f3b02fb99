"""Periodic jobs (campaign emails, greetings, mail delivery, rating upkeep ...).

The jobs are declared as one list, services/scheduled.JOBS, of `Job(name, every, fn)`;
`run_due(engine, jobs)` runs those of the list whose interval has passed. A job is claimed
with one conditional UPDATE on `job_state`, so with several backend workers (or a cron'd
`leadapp jobs run`) each run happens exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from leadapp.models import JobState, utcnow

from .rows import table_of

log = logging.getLogger("leadapp.jobs")

LEASE = timedelta(minutes=10)
JobFn = Callable[[Session, datetime], str]


@dataclass(frozen=True)
class Job:
    """A periodic job: `fn(session, now)` returns a one-line result; runs at most once per
    `every` across all workers."""

    name: str
    every: timedelta
    fn: JobFn


def claim(engine: sa.Engine, name: str, every: timedelta, now: datetime) -> bool:
    """Take the job if it is due and nobody holds it (atomic across workers)."""
    table = table_of(JobState)
    with engine.begin() as conn:
        exists = conn.execute(sa.select(table.c.name).where(table.c.name == name)).first()
        if exists is None:
            try:
                with conn.begin_nested():
                    conn.execute(table.insert().values(name=name, last_result=""))
            except IntegrityError:
                pass
        res = conn.execute(
            table.update()
            .where(
                table.c.name == name,
                sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now),
                sa.or_(table.c.last_run_at.is_(None), table.c.last_run_at <= now - every),
            )
            .values(locked_until=now + LEASE)
        )
        return res.rowcount == 1


def _finish(engine: sa.Engine, name: str, now: datetime, result: str) -> None:
    table = table_of(JobState)
    with engine.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.name == name)
            .values(last_run_at=now, locked_until=None, last_result=result[:500])
        )


def run_due(
    engine: sa.Engine,
    jobs: Sequence[Job],
    now: datetime | None = None,
    only: str | None = None,
) -> list[tuple[str, str]]:
    """Run every due job of `jobs` once, by name; returns (name, result) for those that ran."""
    now = now or utcnow()
    done = []
    for j in sorted(jobs, key=lambda j: j.name):
        name = j.name
        if only and name != only:
            continue
        if not claim(engine, name, j.every, now):
            continue
        try:
            with Session(engine, expire_on_commit=False) as session:
                result = j.fn(session, now) or "ok"
                session.commit()
        except Exception as exc:  # a failing job must not stop the others
            log.exception("job %s failed", name)
            result = f"failed: {exc}"
        _finish(engine, name, now, result)
        done.append((name, result))
    return done
