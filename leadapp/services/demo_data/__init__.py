"""Demo data (`leadapp seed`): a realistic brokerage, deterministic for a seed value.

Rows are generated column-wise with numpy and written with the driver's executemany
(services/bulk.py), so 1,000,000 leads and 10,000,000 activities load in minutes.
`generate()` yields (table, columns, rows) chunks; `load()` writes them; derived data
(ratings, dashboard roll-ups, subscription counts) is computed from the same arrays.

Split by topic: `vocab` (names, places, value mixes), `org`, `listings`, `leads` (leads and
activities), `marketing` (tags, markets, campaigns, searches, favourites, email log), `work`
(history, tasks).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import sqlalchemy as sa

from leadapp import db
from leadapp.services import rating, rollups, search_index
from leadapp.services.bulk import insert_rows, reset_sequence

from .common import Chunk, Ctx, Plan, plan_now
from .leads import activity_chunks, lead_arrays, lead_chunks
from .listings import listing_chunks
from .marketing import email_chunks, marketing_chunks
from .org import org_rows
from .vocab import AGENTS, BROKER, DEMO_DOMAIN, DEMO_PASSWORD
from .work import history_chunks, task_chunks

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "Plan",
    "demo_sign_ins",
    "generate",
    "is_empty",
    "load",
    "plan_now",
]


def generate(plan: Plan, pg: bool = False) -> Iterator[Chunk]:
    """Yield (table, columns, rows) for the whole demo brokerage."""
    ctx = Ctx(
        rng=np.random.default_rng(plan.seed),
        rnd=random.Random(plan.seed),
        now=plan.now or plan_now(),
        pg=pg,
    )
    agent_ids = yield from org_rows(ctx)
    listings = yield from listing_chunks(ctx, plan.listings)
    la = lead_arrays(ctx, plan.leads, max(plan.activities, 0), agent_ids)
    yield from lead_chunks(ctx, la)
    yield from activity_chunks(ctx, la, listings)
    subscriptions = yield from marketing_chunks(ctx, la, len(listings))
    yield from history_chunks(ctx, la)
    yield from task_chunks(ctx, la, agent_ids)
    yield from email_chunks(ctx, subscriptions)


def fix_email_addresses(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        "UPDATE outgoing_email SET to_address = (SELECT email FROM lead WHERE lead.id = "
        "outgoing_email.lead_id)"
        " WHERE lead_id IS NOT NULL"
    )


def is_empty(engine: sa.Engine) -> bool:
    with engine.connect() as c:
        return c.exec_driver_sql("SELECT COUNT(*) FROM brokerage").scalar() == 0


def load(engine: sa.Engine, plan: Plan) -> dict[str, int]:
    """Write the demo brokerage into an empty database in one transaction; returns row counts."""
    pg = engine.dialect.name == "postgresql"
    # One "now" for the generated scores and the rating watermark: they must agree on which
    # activities are inside the six-month window (`leadapp db check` compares them).
    plan = replace(plan, now=plan.now or plan_now())
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        with search_index.bulk_insert(conn, 1, plan.leads):  # lead ids 1..n (an empty database)
            for table, cols, rows in generate(plan, pg=pg):
                counts[table] = counts.get(table, 0) + insert_rows(conn, table, cols, rows)
        fix_email_addresses(conn)
        conn.exec_driver_sql("UPDATE brokerage SET default_agent_id = NULL")
        for table in counts:
            if table != "lead_tag":
                reset_sequence(conn, table)
    from sqlmodel import Session

    with Session(engine) as session:
        rollups.rebuild(session, 1)
        rating.refresh_cutoffs(session, 1, plan.now)
        session.commit()
    db.analyze(engine)
    return counts


def demo_sign_ins() -> list[tuple[str, str, str]]:
    return [("broker", BROKER[1], DEMO_PASSWORD)] + [("agent", e, DEMO_PASSWORD) for _, e in AGENTS]
